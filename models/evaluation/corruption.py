"""Controlled damage to drum performances, for evaluating (and training) repair models.

The evaluation asks "given a degraded groove, how well does a model restore the clean one?". The
degradation mimics a sloppy or badly transcribed performance: some hits are missing, some are
spurious, and every onset is a few milliseconds off. Two versions exist:

- :func:`corrupt_drums` works on a :class:`Score` in musical time and jitters in *milliseconds*
  through the file's tempo map, so the damage is the same perceptually at any tempo. It is
  deterministic for a given (score, seed), which makes evaluation sets reproducible across
  machines and Python processes (it never uses Python's salted ``hash()``). It lives in the
  runtime (:mod:`sidl.bridge.corruption`), whose demo damages a groove the same way.
- :func:`corrupt_grid` works directly on encoded ``[hits | velocity | offset]`` grids and is fast
  enough to run on every training batch; its jitter is in *steps* because a grid carries no tempo.
"""

from __future__ import annotations

import numpy as np

from sidl.bridge.codecs.base import group_size
from sidl.bridge.corruption import (
    DRUM_CLASS_PITCHES,
    PITCH_TO_CLASS,
    check_fractions,
    check_velocity_range,
    corrupt_drums,
    stable_seed,
)
from sidl.bridge.errors import ParameterError

__all__ = ["DEFAULT_JITTER_STEPS", "DRUM_CLASS_PITCHES", "PITCH_TO_CLASS", "corrupt_drums", "corrupt_grid", "stable_seed"]

# 15 ms at 120 BPM (125 ms per 16th step), the default jitter of corrupt_drums expressed in steps.
DEFAULT_JITTER_STEPS = 0.12


def corrupt_grid(
    array: np.ndarray,
    rng: np.random.Generator,
    *,
    delete_fraction: float = 0.10,
    add_fraction: float = 0.10,
    velocity_range: tuple[int, int] = (20, 100),
    jitter_steps: float = DEFAULT_JITTER_STEPS,
    threshold: float = 0.5,
) -> np.ndarray:
    """Damage an encoded ``[hits | velocity | offset]`` grid the way :func:`corrupt_drums` damages a score.

    ``array`` has shape ``(3·C, T)`` (``C = 9`` for the drum codec) or ``(B, 3·C, T)``; a batch is
    corrupted item by item with independent draws from ``rng``. For each item with ``n`` hits
    (hit value ``> threshold``):

    - ``round(delete_fraction·n)`` hits are cleared (hit, velocity and offset set to 0);
    - ``round(add_fraction·n)`` empty cells become hits with velocity uniform in
      ``velocity_range`` (MIDI units, stored ``/127``) and offset 0;
    - every hit's offset (kept and added) gets ``N(0, jitter_steps)`` added, clipped to ±0.5 step.
      The default 0.12 step is 15 ms at 120 BPM; a grid has no tempo, so the jitter is in steps.

    Returns a new float32 array; the input is not modified. Meant for training-time augmentation,
    where speed matters more than tempo-exact milliseconds.
    """
    check_fractions(delete_fraction, add_fraction)
    lo, hi = check_velocity_range(velocity_range)
    if jitter_steps < 0:
        raise ParameterError(f"jitter_steps must be >= 0, got {jitter_steps}")
    grid = np.array(array, dtype=np.float32, copy=True)
    if grid.ndim == 3:
        for item in grid:
            _corrupt_one(item, rng, delete_fraction, add_fraction, lo, hi, jitter_steps, threshold)
        return grid
    if grid.ndim != 2:
        raise ParameterError(f"corrupt_grid expects a (rows, T) or (B, rows, T) array, got shape {grid.shape}")
    _corrupt_one(grid, rng, delete_fraction, add_fraction, lo, hi, jitter_steps, threshold)
    return grid


def _corrupt_one(
    grid: np.ndarray,
    rng: np.random.Generator,
    delete_fraction: float,
    add_fraction: float,
    lo: int,
    hi: int,
    jitter_steps: float,
    threshold: float,
) -> None:
    """In-place corruption of one ``(3·C, T)`` grid (see :func:`corrupt_grid`)."""
    rows = grid.shape[0]
    if rows % 3 != 0 or rows == 0:
        raise ParameterError(f"grid rows must be 3·classes (hits, velocity, offset), got {rows}")
    c = group_size(rows)
    hits, vel, off = grid[:c], grid[c:2 * c], grid[2 * c:]  # views into grid
    hit_mask = hits > threshold
    hit_cells = np.flatnonzero(hit_mask)
    empty_cells = np.flatnonzero(~hit_mask)
    n = len(hit_cells)
    n_delete = round(delete_fraction * n)
    n_add = min(round(add_fraction * n), len(empty_cells))
    if n_delete:
        gone = rng.choice(hit_cells, size=n_delete, replace=False)
        for plane in (hits, vel, off):
            plane.flat[gone] = 0.0
    if n_add:
        new = rng.choice(empty_cells, size=n_add, replace=False)
        hits.flat[new] = 1.0
        vel.flat[new] = rng.integers(lo, hi + 1, size=n_add) / 127.0
        off.flat[new] = 0.0
    if jitter_steps > 0:
        now = np.flatnonzero(hits > threshold)
        off.flat[now] = np.clip(off.flat[now] + rng.normal(0.0, jitter_steps, size=len(now)), -0.5, 0.5)
