"""``sidl similar QUERY.mid --index LIB``: the same answers as the folder search, from a library.

The query section is read exactly as ``sidl similar`` reads it
(:func:`sidl.bridge.analysis.similar.query_section`); its window vector is projected like the
library's and the ANN index returns the ``candidates`` nearest windows. Each window stands for the
sections it can be the best shifted window of (``|d| ≤ shift``); those sections are then scored
**exactly** on the stored features (every shift, as the folder search does) and ranked by the
folder search's rules (:mod:`sidl.bridge.library.sections`). ``exact=True`` scores every section of
the library instead: the reference the ANN path's recall is measured against.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

from sidl.bridge.analysis.similar import Match, SimilarResult, query_section
from sidl.bridge.errors import ParameterError
from sidl.bridge.library.build import project
from sidl.bridge.library.sections import SectionScores, best_over_shifts, exclude_overlap, rank
from sidl.bridge.library.store import Library
from sidl.bridge.safe_io import same_file

log = logging.getLogger(__name__)

DEFAULT_CANDIDATES = 200  # windows asked of the ANN index per query, times (2·shift + 1)
MAX_CANDIDATES = 100_000


def _check_int(name: str, value: object, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
        raise ParameterError(f"{name} must be an integer >= {least}, got {value!r}")
    return int(value)


def own_file(library: Library, query: Path) -> int | None:
    """The query's file id when the query is one of the library's files."""
    try:
        rel = Path(query).resolve().relative_to(library.root.resolve()).as_posix()
    except ValueError:
        return None
    fid = library.file_ids.get(rel)
    return fid if fid is not None and same_file(query, library.root / rel) else None


class SectionIndex:
    """Every section of a library (file id, start bar), built once per library and query settings."""

    def __init__(self, library: Library, hop: int) -> None:
        grid = library.grid
        bars = library.file_bars
        per = np.maximum(0, (bars - grid.bars) // hop + 1) * (bars >= grid.bars)
        self.file = np.repeat(np.arange(len(bars), dtype=np.int64), per)
        self.start = (np.arange(int(per.sum()), dtype=np.int64) - np.repeat(np.cumsum(per) - per, per)) * hop


def _windows_of(library: Library, file: np.ndarray, start: np.ndarray, shift: int) -> tuple[np.ndarray, np.ndarray]:
    """Global first columns (n, 2·shift+1) of each section's shifted windows and where they fit."""
    grid = library.grid
    first = grid.first[start]
    shifts = np.arange(-shift, shift + 1, dtype=np.int64) * grid.unit
    local = first[:, None] + shifts[None, :]
    fits = np.maximum(0, library.file_columns[file] - grid.length + 1)  # valid_windows of each file
    valid = (local >= 0) & (local < fits[:, None])
    return library.column_start[file][:, None] + np.where(valid, local, 0), valid


def score_sections(library: Library, query: np.ndarray, file: np.ndarray, start: np.ndarray, shift: int) -> SectionScores:
    """Exact similarity of the given sections: the best cosine over their shifted windows."""
    if not len(file):
        return SectionScores.empty()
    g, valid = _windows_of(library, file, start, shift)
    flat = g[valid]
    length = library.grid.length
    q = np.asarray(query, np.float64)
    qnorm = float(np.sqrt((q * q).sum()))
    # each column once, however many windows share it (shifted windows overlap)
    unique, where = np.unique(flat[:, None] + np.arange(length)[None, :], return_inverse=True)
    where = where.reshape(len(flat), length)
    products, norms2 = library.columns.products_at(unique, q)
    dots = products[where, np.arange(length)[None, :]].sum(axis=1)
    norms = np.sqrt(np.maximum(norms2[where].sum(axis=1), 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        cos = np.where(norms > 0, dots / (norms * qnorm), 0.0) if qnorm > 0 else np.zeros(len(flat))
    cos_at = np.zeros(g.shape)
    cos_at[valid] = cos
    sim, best = best_over_shifts(cos_at, valid, shift)
    return SectionScores(file, start, sim, best)


def exact_scores(library: Library, query: np.ndarray, sections: SectionIndex, shift: int,
                 norms2: np.ndarray | None = None) -> SectionScores:
    """Every section's exact similarity (the reference): one pass over all stored columns."""
    cos_all = library.columns.all_window_cosines(query, norms2)
    g, valid = _windows_of(library, sections.file, sections.start, shift)
    cos_at = np.where(valid, cos_all[np.minimum(g, max(0, len(cos_all) - 1))] if len(cos_all) else 0.0, 0.0)
    sim, best = best_over_shifts(cos_at, valid, shift)
    return SectionScores(sections.file, sections.start, sim, best)


def candidate_sections(library: Library, window_ids: np.ndarray, shift: int, hop: int) -> tuple[np.ndarray, np.ndarray]:
    """The sections (file ids, start bars; unique) whose shifted windows include the given windows."""
    grid = library.grid
    chosen = library.windows[window_ids]
    bars = library.file_bars
    bar_of_first = np.full(int(grid.first[-1]) + 1, -1, np.int64)
    bar_of_first[grid.first] = np.arange(len(grid.first))
    files, starts = [], []
    for d in range(-shift, shift + 1):
        c0 = chosen[:, 1] - d * grid.unit
        inside = (c0 >= 0) & (c0 < len(bar_of_first))
        s = np.where(inside, bar_of_first[np.clip(c0, 0, len(bar_of_first) - 1)], -1)
        ok = (s >= 0) & (s % hop == 0) & (s <= bars[chosen[:, 0]] - grid.bars)
        files.append(chosen[ok, 0])
        starts.append(s[ok])
    if not files:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    key = np.unique(np.concatenate(files) * (len(bar_of_first) + 1) + np.concatenate(starts))
    return key // (len(bar_of_first) + 1), key % (len(bar_of_first) + 1)


def search_features(library: Library, features: np.ndarray, own: int | None, query_start: int, *, top: int,
                    hop: int = 1, shift: int = 0, per_file: int = 1, candidates: int | None = None,
                    exact: bool = False, sections: SectionIndex | None = None) -> tuple[SectionScores, int]:
    """The ranked best sections for the query section's ``features`` (``own``: the query's file id,
    ``query_start``: its 0-based first bar) and how many sections were scored exactly."""
    if exact:
        scores = exact_scores(library, features, sections or SectionIndex(library, hop), shift)
    else:
        wanted = _check_int("candidates", DEFAULT_CANDIDATES if candidates is None else candidates, 1)
        wanted = min(wanted * (2 * shift + 1), MAX_CANDIDATES)
        vector = project(features.T.reshape(1, -1), library.projection)[0]
        ids = library.ann.search(vector, wanted)
        file, start = candidate_sections(library, ids, shift, hop)
        scores = score_sections(library, features, file, start, shift)
    compared = len(scores.file)
    return rank(exclude_overlap(scores, own, query_start, library.meta.bars), top=top, per_file=per_file), compared


def search_library(engine: object, library: Library, query: str | Path, *, top: int = 10, bars: int | None = None,
                   start_bar: int = 1, hop: int = 1, shift: int = 0, per_file: int = 1, metric: str | None = None,
                   k: int | None = None, candidates: int | None = None, exact: bool = False) -> SimilarResult:
    """The ``top`` sections of the library closest to the query section (see ``find_similar``; the
    section length and the metric are the library's)."""
    from sidl.bridge.engine import Engine

    assert isinstance(engine, Engine)
    for name, value, least in (("top", top, 1), ("start bar", start_bar, 1), ("hop", hop, 1), ("shift", shift, 0),
                               ("per-file", per_file, 0)):
        _check_int(name, value, least)
    t0 = time.perf_counter()
    meta = library.meta
    library.check_model(engine.info.name, engine.info.weights_sha256)
    if metric is not None and metric != meta.metric:
        raise ParameterError(f"the library {library.folder} compares by {meta.metric!r}, not {metric!r}: build another "
                             f"with `sidl index ... --metric {metric}`")
    if bars is not None and bars != meta.bars:
        raise ParameterError(f"the library {library.folder} holds sections of {meta.bars} bars, not {bars}: build "
                             f"another with `sidl index ... --bars {bars}`")
    query_path = Path(query)
    try:
        _, features = query_section(engine, query_path, start_bar=start_bar, bars=meta.bars, metric=meta.metric, k=k)
    except ParameterError as exc:
        if "do not fit" in str(exc):
            raise ParameterError(f"{exc}; the library {library.folder} holds sections of {meta.bars} bars") from None
        raise
    own = own_file(library, query_path)
    scores, compared = search_features(library, features, own, start_bar - 1, top=top, hop=hop, shift=shift,
                                       per_file=per_file, candidates=candidates, exact=exact)
    root = library.root
    matches = [Match(rank_, str(root / library.files[int(f)].path), library.files[int(f)].path, int(s) + 1,
                     int(s) + meta.bars, round(float(sim), 6), int(sh), own is not None and int(f) == own)
               for rank_, (f, s, sim, sh) in enumerate(zip(scores.file, scores.start, scores.similarity, scores.shift),
                                                        start=1)]
    skipped: dict[str, int] = {}
    for s in library.skipped:
        skipped[s.reason] = skipped.get(s.reason, 0) + 1
    seconds = time.perf_counter() - t0
    log.info("%s search: %d sections scored of %d files in %.3f s", "exact" if exact else "indexed", compared,
             len(library.files), seconds)
    return SimilarResult(engine.info.name, str(query_path), start_bar, start_bar + meta.bars - 1, meta.bars, hop, shift,
                         meta.metric, len(library.files), compared, skipped, round(seconds, 3), matches)
