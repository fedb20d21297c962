"""``sidl index DIR --out LIB``: encode a corpus once into a searchable library, incrementally.

Files are encoded in worker processes (:func:`sidl.bridge.shards.pool.parallel_map`; each worker
loads the model once), each whole, exactly as ``sidl similar`` reads them, and their features kept
(:mod:`sidl.bridge.library.columns`). A later run re-encodes only new and changed files (size and
mtime, then the SHA-1: :mod:`sidl.bridge.shards.manifest`), drops removed ones and reuses the rest;
the windows, their projections and the ANN index are then rebuilt from the kept features (cheap next
to encoding; the figures are in docs/library-search.md). Nothing changed: nothing is rewritten.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sidl.bridge.analysis.corpus import SKIP_REASONS, midi_files, skip_reason
from sidl.bridge.errors import CodecMismatchError, MidiFileError, ParameterError
from sidl.bridge.library import backend
from sidl.bridge.library.columns import Columns
from sidl.bridge.library.sections import SectionGrid, window_starts
from sidl.bridge.library.store import (Library, LibraryFile, LibraryMeta, SkippedFile, open_library, read_previous,
                                       write_library)
from sidl.bridge.limits import MAX_BARS, check_count
from sidl.bridge.shards import manifest
from sidl.bridge.shards.pool import ProgressCallback, parallel_map

log = logging.getLogger(__name__)

DEFAULT_BARS = 4
DEFAULT_DIMS = 256
MAX_DIMS = 2048
PROJECTION_SEED = 20240611
_PROJECT_CHUNK = 8192  # windows projected at a time (a dense block of chunk × length·rows floats)


# ------------------------------------------------------------------------------------------ workers
@dataclass(frozen=True)
class EncodeTask:
    """What a worker needs to encode one file (picklable)."""

    model: str
    provider: str
    metric: str
    k: int | None
    path: str  # absolute
    key: str  # relative to the corpus root


@dataclass
class Encoded:
    """One file's features (or why it was skipped)."""

    key: str
    bars: int = 0
    columns: Columns | None = None
    reason: str = ""
    detail: str = ""


_ENGINES: dict[tuple[str, str], Any] = {}  # per worker process: each model loaded once


def _engine(model: str, provider: str) -> Any:
    from sidl.bridge.engine import Engine

    key = (model, provider)
    if key not in _ENGINES:
        _ENGINES[key] = Engine.load(model, provider=provider)
    return _ENGINES[key]


def column_kind(metric: str) -> str:
    return "sparse" if metric == "code" else "dense"


def encode_file(task: EncodeTask) -> Encoded:
    """Read and encode one file as ``sidl similar`` does; a file the model cannot use is a skip."""
    from sidl.bridge.analysis.corpus import iter_encoded
    from sidl.bridge.analysis.similar import features

    engine = _engine(task.model, task.provider)
    try:
        item = next(iter_encoded(engine, [Path(task.path)], k=task.k, strict=True))
    except (MidiFileError, CodecMismatchError) as exc:
        return Encoded(task.key, reason=skip_reason(exc), detail=str(exc))
    return Encoded(task.key, item.bars, Columns.from_features(features(engine, item.code, task.metric),
                                                              column_kind(task.metric)))


# ------------------------------------------------------------------------------------------ report
@dataclass
class BuildReport:
    """What one ``sidl index`` run did."""

    library: str
    files: int
    skipped: dict[str, int]
    encoded: int
    unchanged: int
    removed: int
    failed: list[dict[str, str]]
    windows: int
    encode_seconds: float
    ann_seconds: float
    project_seconds: float
    total_seconds: float
    bytes_on_disk: int
    up_to_date: bool = False
    ann: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------ helpers
def random_projection(length_rows: int, dims: int, seed: int = PROJECTION_SEED) -> np.ndarray:
    """A Gaussian random projection (length·rows, dims): cosines of sparse codes survive it far better
    than a PCA of the same size (measured in docs/library-search.md), and it needs no fitting."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((length_rows, dims)) / np.sqrt(dims)).astype(np.float32)


def project(vectors: np.ndarray, projection: np.ndarray) -> np.ndarray:
    """Windows (n, length·rows) → normalised projected vectors (n, dims) float32."""
    out = np.asarray(vectors, np.float32) @ projection
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)


def library_windows(columns: Columns, files: list[LibraryFile], grid: SectionGrid) -> np.ndarray:
    """(n, 2) file id and first column of every stored window that is not silent."""
    norms2 = columns.column_norms2()
    cum = np.concatenate([[0.0], np.cumsum(norms2)])
    parts = []
    start = 0
    for fid, f in enumerate(files):
        local = window_starts(f.columns, grid)
        g = start + local
        energy = cum[g + grid.length] - cum[g]
        local = local[energy > 0]
        parts.append(np.stack([np.full(len(local), fid, np.int64), local], axis=1))
        start += f.columns
    return np.concatenate(parts) if parts else np.zeros((0, 2), np.int64)


def project_windows(columns: Columns, column_start: np.ndarray, windows: np.ndarray, grid: SectionGrid,
                    projection: np.ndarray, progress: ProgressCallback | None = None) -> np.ndarray:
    out = np.zeros((len(windows), projection.shape[1]), np.float32)
    if progress is not None:
        progress(0, len(windows))
    for lo in range(0, len(windows), _PROJECT_CHUNK):
        chunk = windows[lo : lo + _PROJECT_CHUNK]
        out[lo : lo + len(chunk)] = project(columns.windows(column_start[chunk[:, 0]] + chunk[:, 1], grid.length),
                                            projection)
        if progress is not None:
            progress(lo + len(chunk), len(windows))
    return out


def _bytes_in(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


# ------------------------------------------------------------------------------------------ build
def build_library(corpus: str | Path, out: str | Path, *, model: str = "drums", provider: str = "auto",
                  metric: str = "code", bars: int = DEFAULT_BARS, k: int | None = None, split: str | None = None,
                  dims: int = DEFAULT_DIMS, workers: int = 1, rebuild: bool = False,
                  progress: Callable[[str, int, int], None] | None = None) -> BuildReport:
    """Index ``corpus`` (a folder of MIDI files, a dataset folder or a CSV) into the library ``out``.
    ``progress(stage, done, total)`` is told about the encoding, projection and ANN stages."""
    from sidl.bridge.analysis.similar import METRICS, feature_unit, section_span
    from sidl.bridge.engine import Engine

    backend.require()
    if metric not in METRICS:
        raise ParameterError(f"metric must be one of {', '.join(METRICS)}, got {metric!r}")
    bars = check_count(bars, "bars", 1, 64)
    dims = check_count(dims, "dims", 8, MAX_DIMS)
    t0 = time.perf_counter()
    out_dir = Path(out)
    engine = Engine.load(model, provider=provider)
    info = engine.info
    files = midi_files(corpus, split)
    root = Path(corpus) if Path(corpus).is_dir() else Path(corpus).parent
    grid_first = [section_span(engine, metric, s, bars)[0] for s in range(MAX_BARS + 1)]
    f0, f1 = section_span(engine, metric, 0, bars)
    length = f1 - f0
    rows = info.atoms if metric == "code" else int(info.in_channels)
    meta = LibraryMeta(model={"name": info.name, "weights_sha256": info.weights_sha256, "codec": info.codec_name},
                       metric=metric, bars=bars, length=length, unit=feature_unit(engine, metric), rows=rows,
                       kind=column_kind(metric), first=grid_first, dims=dims, ann=backend.default_params(),
                       corpus={"root": str(root.resolve()), "split": split})
    previous = None if rebuild else read_previous(out_dir)
    old: Library | None = None
    if previous is not None:
        _, old_meta = previous
        _check_same_settings(out_dir, old_meta, meta)
        old = open_library(out_dir)
        meta.generation = old_meta.generation + 1
    old_files = {f.path: f for f in old.files} if old else {}
    old_skips = {s.path: s for s in old.skipped} if old else {}
    stamps = {p: f.stamp for p, f in old_files.items()} | {p: s.stamp for p, s in old_skips.items()}
    plan = manifest.plan(files, root, stamps)
    tasks = [EncodeTask(model, provider, metric, k, str(root / s.path), s.path) for s in plan.to_encode]

    t_enc = time.perf_counter()
    encoded: dict[str, Encoded] = {}
    failed: list[dict[str, str]] = []
    stage = (lambda d, n: progress("encode", d, n)) if progress else None
    for outcome in parallel_map(encode_file, tasks, workers=min(workers, max(1, len(tasks))), progress=stage):
        if outcome.ok and outcome.value is not None:
            encoded[outcome.value.key] = outcome.value
        else:
            failed.append({"path": outcome.item.key, "error": str(outcome.error)})
            encoded[outcome.item.key] = Encoded(outcome.item.key, reason="unreadable", detail=str(outcome.error))
    encode_seconds = time.perf_counter() - t_enc
    changed = bool(plan.to_encode or plan.removed)
    if old is not None and not changed:
        return BuildReport(str(out_dir), len(old.files), _skip_counts(old.skipped), 0, len(plan.unchanged), 0, [],
                           len(old.windows), 0.0, 0.0, 0.0, round(time.perf_counter() - t0, 3), _bytes_in(out_dir),
                           up_to_date=True, ann=old.meta.ann)

    kept_files: list[LibraryFile] = []
    kept_skips: list[SkippedFile] = []
    parts: list[Columns] = []
    now = {s.path: s for s in plan.new + plan.changed + plan.unchanged}
    old_start = old.column_start if old else np.zeros(1, np.int64)
    old_index = {f.path: i for i, f in enumerate(old.files)} if old else {}
    order = {manifest.relative_key(p, root): i for i, p in enumerate(files)}  # midi_files' order: ties rank alike
    for s in sorted(now.values(), key=lambda s: order.get(s.path, 0)):
        item = encoded.get(s.path)
        if item is None and s.path in old_files:  # unchanged: reuse its features
            i = old_index[s.path]
            f = old_files[s.path]
            assert old is not None
            parts.append(old.columns.slice(int(old_start[i]), int(old_start[i + 1])))
            kept_files.append(LibraryFile(s.path, s.size, s.mtime_ns, s.sha1, f.bars, f.columns))
        elif item is None:  # unchanged and still unusable
            sk = old_skips[s.path]
            kept_skips.append(SkippedFile(s.path, s.size, s.mtime_ns, s.sha1, sk.reason, sk.detail))
        elif item.columns is None:
            kept_skips.append(SkippedFile(s.path, s.size, s.mtime_ns, s.sha1, item.reason, item.detail))
        else:
            parts.append(item.columns)
            kept_files.append(LibraryFile(s.path, s.size, s.mtime_ns, s.sha1, item.bars, item.columns.n_columns))
    if not kept_files:
        raise MidiFileError(f"{corpus}: none of its {len(files)} MIDI files can be used with model {info.name!r} "
                            f"({_describe(kept_skips)})")
    meta.build = {"encode_seconds": round(encode_seconds, 3), "files_encoded": len(tasks), "workers": workers}
    figures = finish_library(out_dir, meta, kept_files, kept_skips, parts,
                             old.projection if old is not None else None, workers=workers, progress=progress)
    if old is not None:
        old.ann.close()
    windows_count, project_seconds, ann_seconds = figures
    return BuildReport(str(out_dir), len(kept_files), _skip_counts(kept_skips), len(tasks), len(plan.unchanged),
                       len(plan.removed), failed, windows_count, round(encode_seconds, 3), round(ann_seconds, 3),
                       round(project_seconds, 3), round(time.perf_counter() - t0, 3), _bytes_in(out_dir), ann=meta.ann)


def finish_library(out_dir: Path, meta: LibraryMeta, files: list[LibraryFile], skipped: list[SkippedFile],
                   parts: list[Columns], projection: np.ndarray | None, *, workers: int = 1,
                   progress: Callable[[str, int, int], None] | None = None) -> tuple[int, float, float]:
    """Join the files' features, cut and project their windows, build the ANN index and write the
    library (generation ``meta.generation``): (windows, projection seconds, ANN seconds)."""
    columns = Columns.concat(parts, meta.kind, meta.rows)
    grid = SectionGrid(meta.bars, meta.length, meta.unit, np.array(meta.first, np.int64))
    t_proj = time.perf_counter()
    if projection is None:
        projection = random_projection(meta.length * meta.rows, meta.dims)
    windows = library_windows(columns, files, grid)
    column_start = np.concatenate([[0], np.cumsum([f.columns for f in files])]).astype(np.int64)
    vectors = project_windows(columns, column_start, windows, grid, projection,
                              (lambda d, n: progress("project", d, n)) if progress else None)
    project_seconds = time.perf_counter() - t_proj
    t_ann = time.perf_counter()
    ann = backend.build_ann(vectors, meta.ann, threads=workers,
                            progress=(lambda d, n: progress("ann", d, n)) if progress else None)
    ann_seconds = time.perf_counter() - t_ann
    del vectors
    meta.build.update({"project_seconds": round(project_seconds, 3), "ann_seconds": round(ann_seconds, 3),
                       "windows": int(len(windows))})
    write_library(out_dir, meta, files, skipped, columns, windows, projection, ann)
    return int(len(windows)), project_seconds, ann_seconds


def _skip_counts(skipped: list[SkippedFile]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for s in skipped:
        counts[s.reason] = counts.get(s.reason, 0) + 1
    return counts


def _describe(skipped: list[SkippedFile]) -> str:
    return ", ".join(f"{n} {SKIP_REASONS.get(r, r)}" for r, n in sorted(_skip_counts(skipped).items())) or "none"


def _check_same_settings(folder: Path, old: LibraryMeta, new: LibraryMeta) -> None:
    """An incremental run must build the same kind of library; anything else is a --rebuild."""
    for what, a, b in (("model", old.model.get("weights_sha256"), new.model.get("weights_sha256")),
                       ("metric", old.metric, new.metric), ("bars", old.bars, new.bars), ("dims", old.dims, new.dims),
                       ("split", old.corpus.get("split"), new.corpus.get("split"))):
        if a != b:
            shown_a = old.model.get("name") if what == "model" else a
            shown_b = new.model.get("name") if what == "model" else b
            raise ParameterError(f"{folder} was built with {what} {shown_a!r}, not {shown_b!r}: add --rebuild to "
                                 "rebuild it from scratch, or choose another --out")
    if old.corpus.get("root") != new.corpus.get("root"):
        log.info("library %s moves from corpus %s to %s", folder, old.corpus.get("root"), new.corpus.get("root"))

