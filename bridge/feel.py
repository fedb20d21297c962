"""Keeping the player's feel while the dictionary changes the groove.

Decoding a code gives the dictionary's hits, velocities and timing: the groove as the dictionary
hears it. Every path that *edits* a played groove (loop mode's mute, solo, gain and morph, live
scenes, ``sidl interpolate``) instead keeps, of each played groove, the part its code does not
explain (its *residual*, played − decode(code)) and applies the edit to the code's part:

    belief = Σᵢ wᵢ·(playedᵢ − decodedᵢ) + edited

on the hit rows, where ``edited`` is the decode of the edited code and each played groove
(a :class:`FeelSource`) has a weight ``wᵢ``: loop mode's *feel* for the bar as played; a morph's
``(1 − t)`` and ``t`` for its two grooves (times the feel, live). A cell is a hit where the belief is
above the codec's threshold. With no edit and weights summing to 1 the belief is the played groove
exactly; an edit moves only the cells the edited atoms reach.

A hit takes its velocity and micro-timing from the groove that played it (the heaviest one where
several did; the first on a tie), blended toward the dictionary's by ``1 − Σwᵢ`` (exact at a total
weight of 1); a hit no groove played (the edit invented it) takes the dictionary's. A ``hold`` group
(notes sounding per step, not per hit) keeps its residuals the way the hit rows do and is read at
the same threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from sidl.bridge.codecs.base import Codec
from sidl.bridge.errors import ParameterError
from sidl.bridge.ops import check_unit


@dataclass(frozen=True)
class FeelSource:
    """A played groove, its code's decode, and how much of its residual the result keeps."""

    weight: float
    played: np.ndarray
    decoded: np.ndarray


def with_feel(codec: Codec, edited: np.ndarray, sources: Sequence[FeelSource]) -> np.ndarray:
    """The groove to play: ``edited`` (decode of the edited code, (channels, steps)) with each
    source's residual kept by its weight (weights >= 0, summing to at most 1)."""
    e = np.asarray(edited, np.float32)
    kept = [s for s in sources if s.weight > 0.0]
    total = float(sum(s.weight for s in kept))
    if any(s.weight < 0.0 for s in sources) or total > 1.0 + 1e-6:
        raise ParameterError(f"feel weights must be >= 0 and sum to at most 1, got {[s.weight for s in sources]}")
    if not kept:
        return e  # the dictionary alone, as decoded
    played = [np.asarray(s.played, np.float32) for s in kept]
    decoded = [np.asarray(s.decoded, np.float32) for s in kept]
    for x, d in zip(played, decoded):
        if not x.shape == d.shape == e.shape:
            raise ParameterError(f"feel needs grids of one shape, got {x.shape}, {d.shape} and {e.shape}")
    layout, threshold = codec.grid_layout, codec.hit_threshold
    rows = layout.hit.rows

    def belief(g: slice) -> np.ndarray:
        out = e[g].copy()
        for s, x, d in zip(kept, played, decoded):
            out += s.weight * (x[g] - d[g])
        return out

    hits = belief(rows) > threshold
    # the groove each hit comes from: the heaviest source that played it (-1: none, the dictionary's)
    owner = np.full(hits.shape, -1)
    owner_weight = np.full(hits.shape, -np.inf)
    for i, (s, x) in enumerate(zip(kept, played)):
        mine = hits & (x[rows] > threshold) & (s.weight > owner_weight)
        owner[mine], owner_weight[mine] = i, s.weight
    out = np.zeros_like(e)
    for group in layout.groups:
        g = group.rows
        if group.role == "hold":  # held steps, read at the hit threshold like the hits themselves
            out[g] = (belief(g) > threshold).astype(np.float32)
        elif group.role != "event":  # velocity, timing: the player's where a player played it
            values = np.where(hits, e[g], 0.0)
            for i, x in enumerate(played):
                values = np.where(owner == i, total * x[g] + (1.0 - total) * e[g], values)
            out[g] = values
    out[rows] = hits.astype(np.float32)
    return out


def keep_feel(codec: Codec, played: np.ndarray, decoded: np.ndarray, edited: np.ndarray, feel: float,
              *, toward: FeelSource | None = None) -> np.ndarray:
    """Loop mode's bar: ``played`` (the bar's grid as coded), ``decoded`` (decode of its code),
    ``edited`` (decode of the edited code), all (channels, steps) of one bar; ``feel`` in 0..1 is how
    much of the residual is kept (0: the dictionary alone, 1: as played where nothing changed).
    ``toward``: a groove being morphed to, its weight how far (the morph's ``t``): the residuals mix as
    the codes do, so at ``t = 1`` the bar is that groove as it was played."""
    feel = check_unit("feel", feel)
    t = 0.0 if toward is None else check_unit("morph", toward.weight)
    sources = [FeelSource(feel * (1.0 - t), played, decoded)]
    if toward is not None:
        sources.append(FeelSource(feel * t, toward.played, toward.decoded))
    return with_feel(codec, edited, sources)
