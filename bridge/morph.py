"""Morphing two played grooves without losing either player's feel (see :mod:`sidl.bridge.feel`).

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
from sidl.bridge.feel import FeelSource, with_feel


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
    decoded_a, decoded_b = engine.decode(code_a)[:, :steps], engine.decode(code_b)[:, :steps]
    return with_feel(engine.codec, decoded, [FeelSource(1.0 - t, a, decoded_a), FeelSource(t, b, decoded_b)])
