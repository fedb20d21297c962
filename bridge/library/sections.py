"""Which sections a library holds, where their windows start, and how they are ranked.

The section definition is ``sidl similar``'s (:func:`sidl.bridge.analysis.similar.section_span`):
section ``s`` (0-based bar) of ``bars`` bars starts at feature column ``c0(s)``; with ``shift``
columns of tolerance its similarity is the best cosine of the windows starting at
``c0(s) + d·unit``, ``|d| ≤ shift``, that fit in the file. A library stores one window per start
``c`` that is a multiple of ``unit`` (every section start and every shifted start), so any shift can
be answered. The ranking mirrors ``find_similar``: at most ``per_file`` sections per file (best
first, then earliest), all sorted by cosine, then file order, then bar; the query's own sections
that overlap it are never results.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SectionGrid:
    """Where sections start in a file's feature columns: ``first[s]`` for bar ``s`` (0-based)."""

    bars: int  # section length in bars
    length: int  # window length in feature columns
    unit: int  # feature columns per code column (the step of ``shift``)
    first: np.ndarray  # (MAX_BARS,) int64: c0(s)

    def sections_of(self, file_bars: int, hop: int = 1) -> np.ndarray:
        """0-based start bars of the sections of a file of ``file_bars`` bars."""
        return np.arange(0, max(0, file_bars - self.bars + 1), hop, dtype=np.int64)


def valid_windows(n_columns: int, length: int) -> int:
    """How many window starts a file of ``n_columns`` feature columns has (``len(sliding_cosine)``)."""
    return max(0, n_columns - length + 1)


def window_starts(n_columns: int, grid: SectionGrid) -> np.ndarray:
    """The stored window starts of one file: every multiple of ``unit`` a window fits at."""
    return np.arange(0, valid_windows(n_columns, grid.length), grid.unit, dtype=np.int64)


@dataclass
class SectionScores:
    """Candidate sections and their exact similarity: parallel arrays."""

    file: np.ndarray  # int64 file ids (the library's file order)
    start: np.ndarray  # int64 0-based start bar
    similarity: np.ndarray  # float64
    shift: np.ndarray  # int64 columns of shift of the best window

    @classmethod
    def empty(cls) -> SectionScores:
        z = np.zeros(0, np.int64)
        return cls(z, z.copy(), np.zeros(0), z.copy())


def best_over_shifts(cos_at: np.ndarray, valid: np.ndarray, shift: int) -> tuple[np.ndarray, np.ndarray]:
    """For sections with windows ``cos_at`` (n, 2·shift+1) (shift −shift..shift, ``valid`` where the
    window fits), the best cosine and its shift, the first best as ``find_similar`` takes it.
    Sections without any valid window get −inf."""
    masked = np.where(valid, cos_at, -np.inf)
    best = np.argmax(masked, axis=1)
    rows = np.arange(len(best))
    return masked[rows, best], best.astype(np.int64) - shift


def exclude_overlap(scores: SectionScores, own_file: int | None, query_start: int, bars: int) -> SectionScores:
    """Leave out the query's own sections that share bars with it (``query_start`` 0-based)."""
    if own_file is None:
        return scores
    overlap = (scores.file == own_file) & (scores.start < query_start + bars) & (query_start < scores.start + bars)
    keep = ~overlap
    return SectionScores(scores.file[keep], scores.start[keep], scores.similarity[keep], scores.shift[keep])


def rank(scores: SectionScores, *, top: int, per_file: int) -> SectionScores:
    """The ``top`` best sections, at most ``per_file`` per file (0: no limit), as ``find_similar``
    orders them: cosine (high first), then file order, then bar."""
    keep = np.isfinite(scores.similarity)
    file, start, sim, shift = scores.file[keep], scores.start[keep], scores.similarity[keep], scores.shift[keep]
    if per_file:
        order = np.lexsort((start, -sim, file))  # by file, best first, then earliest
        f_sorted = file[order]
        group_start = np.r_[0, np.flatnonzero(np.diff(f_sorted)) + 1] if len(order) else np.zeros(0, np.int64)
        position = np.arange(len(order)) - np.repeat(group_start, np.diff(np.r_[group_start, len(order)]))
        chosen = order[position < per_file]
        file, start, sim, shift = file[chosen], start[chosen], sim[chosen], shift[chosen]
    order = np.lexsort((start, file, -sim))[:top]
    return SectionScores(file[order], start[order], sim[order], shift[order])
