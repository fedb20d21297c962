"""Denoising a played groove: what was played is the evidence, the dictionary and the groove the prior.

Coding a noisy grid and decoding it (the dictionary alone) replaces the player's hits by what a few
atoms can say, so it loses real hits and the player's feel. Here every cell gets a belief that a hit
belongs there, from two readings of the groove:

- the **dictionary**: the hit rows of the reconstruction at a generous budget (twice the model's
  atoms per bar by default) — what a sparse code of this stretch can explain;
- the **groove**: how often the same row is struck at the same step of the bar in the bars around
  it (``context_bars`` either side, the bar itself left out) — what the player keeps repeating.

Played hits whose belief is above ``keep_below(amount)`` stay, with the velocity and micro-timing
they were played with; played hits below it go; cells nobody played whose belief is above
``add_above(amount)`` get a hit, with the dictionary's velocity and timing. ``amount`` 0 leaves the
grid as played; 1 is the strongest cleaning. The scale is the filter mode's strength: 0 passes
everything, 1 keeps only what the model is confident about.

Measured on the Groove MIDI validation split (see docs/denoising.md for the curve and the command).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sidl.bridge.engine import CodeModel
from sidl.bridge.ops import check_unit
from sidl.bridge.errors import ParameterError

# Chosen on the Groove MIDI validation split only (docs/denoising.md has the curve).
#: At amount 1 a played hit needs this much belief to stay.
KEEP_AT_FULL = 0.25
#: Cells nobody played get a hit above this belief at amount 1; above 1 (never) at amount 0.
ADD_AT_FULL, ADD_AT_ZERO = 0.5, 1.1
#: Weight of the dictionary's belief against the groove's (where the groove has neighbours).
DICTIONARY_WEIGHT = 0.5
CONTEXT_BARS = 4


def keep_below(amount: float) -> float:
    """Belief under which a played hit is taken out, at ``amount``."""
    return KEEP_AT_FULL * _amount(amount)


def add_above(amount: float) -> float:
    """Belief over which an unplayed cell gets a hit, at ``amount`` (> 1: never)."""
    return ADD_AT_ZERO - (ADD_AT_ZERO - ADD_AT_FULL) * _amount(amount)


def _amount(amount: float) -> float:
    return check_unit("denoise amount", amount)


@dataclass(frozen=True)
class Cleaned:
    """A cleaned grid and what changed: played hits kept and removed, hits added."""

    grid: np.ndarray
    kept: int
    removed: int
    added: int


def groove_belief(hits: np.ndarray, steps_per_bar: int, context_bars: int = CONTEXT_BARS, *,
                  causal: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """For every cell of ``hits`` (rows, steps; bool), the share of the bars around its bar (up to
    ``context_bars`` either side, its own bar left out; with ``causal``, only the bars before it, as
    live play knows them) that have a hit at the same row and step of the bar; and a (steps,) mask of
    the cells that had any neighbour to ask."""
    rows, steps = hits.shape
    n_bars = -(-steps // steps_per_bar)
    padded = np.zeros((rows, n_bars * steps_per_bar), np.float32)
    padded[:, :steps] = hits
    per_bar = padded.reshape(rows, n_bars, steps_per_bar)
    # running sums over bars give each bar's window total in O(bars)
    cumulative = np.concatenate([np.zeros((rows, 1, steps_per_bar), np.float32), per_bar.cumsum(axis=1)], axis=1)
    bar = np.arange(n_bars)
    lo = np.maximum(bar - context_bars, 0)
    hi = bar if causal else np.minimum(bar + context_bars + 1, n_bars)
    totals = cumulative[:, hi] - cumulative[:, lo]
    if not causal:
        totals = totals - per_bar  # the window without the bar itself
    neighbours = (hi - lo - (0 if causal else 1)).astype(np.float32)
    belief = np.where(neighbours[None, :, None] > 0, totals / np.maximum(neighbours, 1)[None, :, None], 0.0)
    has_context = np.repeat(neighbours > 0, steps_per_bar)[:steps]
    return belief.reshape(rows, -1)[:, :steps].astype(np.float32), has_context


def clean(engine: CodeModel, grid: np.ndarray, amount: float, *, budget: int | None = None,
          context_bars: int = CONTEXT_BARS) -> Cleaned:
    """The grid with unexplained hits removed and confidently expected ones added (see module doc).

    ``budget``: atoms per bar of the dictionary's reading (default twice the model's)."""
    amount = _amount(amount)
    arr = np.asarray(grid, dtype=np.float32)
    layout = engine.codec.grid_layout
    if arr.ndim != 2 or arr.shape[0] != layout.channels:
        raise ParameterError(f"expected a grid of shape ({layout.channels}, steps), got {arr.shape}")
    hit_rows = layout.hit.rows
    played = arr[hit_rows] > engine.codec.hit_threshold
    if amount == 0.0 or not played.any():
        return Cleaned(arr.copy(), int(played.sum()), 0, 0)
    budget = 2 * engine.info.atoms_per_bar if budget is None else budget
    reconstruction = engine.reconstruct(arr, budget)
    dictionary = np.clip(reconstruction[hit_rows], 0.0, 1.0)
    groove, has_context = groove_belief(played, engine.info.steps_per_bar, context_bars)
    belief = np.where(has_context[None, :], DICTIONARY_WEIGHT * dictionary + (1 - DICTIONARY_WEIGHT) * groove,
                      dictionary)
    keep = played & (belief > keep_below(amount))
    add = ~played & (belief > add_above(amount))
    out = np.zeros_like(arr)
    for group in layout.groups:  # every group of a kept hit as played, of an added one as decoded
        if group.role == "hold":  # holds are not tied to their onset's cell: played ones stay
            out[group.rows] = np.where(add, np.maximum(arr[group.rows], reconstruction[group.rows]), arr[group.rows])
        else:
            out[group.rows] = np.where(keep, arr[group.rows], np.where(add, reconstruction[group.rows], 0.0))
    out[hit_rows] = (keep | add).astype(np.float32)
    return Cleaned(out, int(keep.sum()), int((played & ~keep).sum()), int(add.sum()))
