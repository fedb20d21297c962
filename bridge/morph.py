"""Morphing two played grooves without losing either player's feel.

:func:`sidl.bridge.ops.interpolate` morphs codes, and decoding a code gives the dictionary's hits,
velocities and timing, so a plain morph turns both grooves into what the dictionary can say. Here
each groove keeps the part its code does not explain (its *residual*: grid − decode(code)), and the
morph mixes those residuals with the same weights as the codes:

    belief = (1 − t)·(A − decode(code_A)) + t·(B − decode(code_B)) + decode(morph(code_A, code_B, t))

on the hit rows. At t = 0 the morph's code is A's own, so the belief is A's hits exactly (and B's at
t = 1). Every output hit then takes its velocity and micro-timing from the groove it came from: A's
where only A played it, B's where only B did, the nearer groove's where both did, and the dictionary's
where neither did (a hit the morph invented).
"""

from __future__ import annotations

import numpy as np

from sidl.bridge import ops
from sidl.bridge.engine import Engine
from sidl.bridge.errors import ParameterError


def morph(engine: Engine, grid_a: np.ndarray, grid_b: np.ndarray, t: float) -> np.ndarray:
    """The grid between A (t = 0) and B (t = 1), both (channels, steps) of the same length."""
    t = ops.check_unit("t", t)
    a, b = np.asarray(grid_a, np.float32), np.asarray(grid_b, np.float32)
    if a.shape != b.shape:
        raise ParameterError(f"grooves to morph must have the same shape, got {a.shape} and {b.shape}")
    steps = a.shape[1]
    code_a, code_b = engine.encode(a), engine.encode(b)
    spb = engine.info.steps_per_bar
    bars = engine.geometry.column_bars(-(-steps // spb) * spb)  # the bar of every code column
    mixed = ops.interpolate(code_a, code_b, float(t), k=engine.info.atoms_per_bar, column_bars=bars)
    decoded = engine.decode(mixed)[:, :steps]
    layout, threshold = engine.codec.grid_layout, engine.codec.hit_threshold
    decoded_a, decoded_b = engine.decode(code_a)[:, :steps], engine.decode(code_b)[:, :steps]

    def belief(rows: slice) -> np.ndarray:
        return (1 - t) * (a[rows] - decoded_a[rows]) + t * (b[rows] - decoded_b[rows]) + decoded[rows]

    rows = layout.hit.rows
    hits = belief(rows) > threshold
    in_a, in_b = a[rows] > threshold, b[rows] > threshold
    from_a = hits & in_a & (~in_b | (t <= 0.5))
    from_b = hits & in_b & ~from_a
    out = np.zeros_like(a)
    for group in layout.groups:
        if group.role == "hold":  # holds span the steps between onsets: mixed like the hits themselves
            out[group.rows] = (belief(group.rows) > threshold).astype(np.float32)
            continue
        out[group.rows] = np.where(from_a, a[group.rows], np.where(from_b, b[group.rows],
                                                                   np.where(hits, decoded[group.rows], 0.0)))
    out[rows] = hits.astype(np.float32)
    return out
