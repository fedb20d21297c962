"""``sidl bench library --index LIB``: query latency and recall of the indexed search (JSON out).

Queries are sections of the library's own files (real MIDI files under its corpus root), chosen at
random from a seed: each is read and encoded like any query, then searched through the ANN index
(with exact re-ranking) and by the exact reference (every section scored exactly on the same stored
features, :func:`~sidl.bridge.library.search.exact_scores`). recall@10 counts a returned section as
right when its cosine reaches the exact 10th best (ties are common: transformed copies share bars);
``id_recall`` counts only the very same (file, bar) sections.

``python -m sidl.bridge.library.bench augment SMALL BIG --files 100000`` makes a larger library from
a built one at the code level (for when encoding that many files would take too long): each extra
file is a crop of 4-32 bars of a random file's stored features, rotated by whole bars. Their codes
are not what the encoder would give for such MIDI files (it sees each bar's neighbours), but they
are a valid collection to measure search on: recall is against exact search over the same codes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from sidl.bridge.errors import ParameterError
from sidl.bridge.library.build import finish_library
from sidl.bridge.library.columns import Columns
from sidl.bridge.library.search import SectionIndex, exact_scores, search_features
from sidl.bridge.library.sections import exclude_overlap, rank
from sidl.bridge.library.store import LibraryFile, open_library
from sidl.bridge.progress import progress_bar

TOP = 10


def _percentiles(values: list[float]) -> dict[str, float]:
    a = np.asarray(values) * 1e3
    return {"p50_ms": round(float(np.percentile(a, 50)), 3), "p99_ms": round(float(np.percentile(a, 99)), 3),
            "max_ms": round(float(a.max()), 3)}


def _bytes(folder: Path) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for p in folder.iterdir():
        if p.is_file():
            kind = p.name.split("-")[0].split(".")[0]
            sizes[kind] = sizes.get(kind, 0) + p.stat().st_size
    sizes["total"] = sum(sizes.values())
    return sizes


def pick_queries(library: Any, count: int, seed: int) -> list[tuple[Path, int]]:
    """(file, 1-based start bar) of ``count`` sections of real files of the library."""
    rng = np.random.default_rng(seed)
    bars = library.meta.bars
    eligible = [i for i, f in enumerate(library.files) if f.bars >= bars and f.size > 0]
    if not eligible:
        raise ParameterError(f"{library.folder}: no file of {bars} bars or more to take queries from")
    picks = []
    for i in rng.permutation(eligible):
        f = library.files[int(i)]
        path = library.root / f.path
        if path.is_file():
            picks.append((path, int(rng.integers(0, f.bars - bars + 1)) + 1))
        if len(picks) == count:
            break
    return picks


def run_library_bench(index: str | Path, *, model: str = "drums", queries: int = 100, shifts: tuple[int, ...] = (0, 1),
                      candidates: int | None = None, seed: int = 0, quiet: bool = False) -> dict[str, Any]:
    from sidl.bridge.analysis.similar import query_section
    from sidl.bridge.engine import Engine
    from sidl.bridge.library.search import own_file

    engine = Engine.load(model, provider="cpu")
    t0 = time.perf_counter()
    library = open_library(index)
    load_seconds = time.perf_counter() - t0
    library.check_model(engine.info.name, engine.info.weights_sha256)
    meta = library.meta
    picks = pick_queries(library, queries, seed)
    encoded = []
    encode_times = []
    for path, start in picks:
        t = time.perf_counter()
        try:
            _, features = query_section(engine, path, start_bar=start, bars=meta.bars, metric=meta.metric)
        except ParameterError:  # a silent section: not a query anyone would make
            continue
        encode_times.append(time.perf_counter() - t)
        encoded.append((path, start, features, own_file(library, path)))
    norms2 = library.columns.column_norms2()
    sections = SectionIndex(library, 1)
    results = []
    for shift in shifts:
        times, recalls, id_recalls = [], [], []
        with progress_bar(f"queries (shift {shift})", len(encoded), quiet=quiet, unit="queries") as bar:
            for n, (path, start, features, own) in enumerate(encoded, 1):
                t = time.perf_counter()
                found, _ = search_features(library, features, own, start - 1, top=TOP, shift=shift,
                                           candidates=candidates)
                times.append(time.perf_counter() - t)
                exact = rank(exclude_overlap(exact_scores(library, features, sections, shift, norms2), own, start - 1,
                                             meta.bars), top=TOP, per_file=1)
                want = min(TOP, len(exact.similarity))
                if want:
                    kth = float(exact.similarity[want - 1])
                    recalls.append(min(1.0, float(np.sum(found.similarity >= kth - 1e-6)) / want))
                    same = set(zip(exact.file.tolist(), exact.start.tolist())) & set(
                        zip(found.file.tolist(), found.start.tolist()))
                    id_recalls.append(len(same) / want)
                bar.update(n)
        results.append({"shift": shift, "queries": len(times), "search": _percentiles(times),
                        "search_and_encode": _percentiles([a + b for a, b in zip(times, encode_times)]),
                        "recall_at_10": round(float(np.mean(recalls)), 4), "recall_at_10_min": round(float(np.min(recalls)), 4),
                        "id_recall_at_10": round(float(np.mean(id_recalls)), 4)})
    return {"library": str(library.folder), "files": len(library.files), "windows": int(len(library.windows)),
            "metric": meta.metric, "bars": meta.bars, "dims": meta.dims, "ann": meta.ann, "build": meta.build,
            "bytes_on_disk": _bytes(library.folder), "load_seconds": round(load_seconds, 3),
            "query_encode": _percentiles(encode_times), "candidates": candidates, "results": results,
            "threads": "faiss 1 (one query at a time); numpy BLAS as the environment sets it"}


def augment_library(small: str | Path, out: str | Path, *, files: int, seed: int = 0, workers: int = 2,
                    quiet: bool = False) -> dict[str, Any]:
    """A library of ``files`` files: those of ``small`` plus code-level crops and rotations of them."""
    library = open_library(small, mmap=False)
    meta = replace(library.meta, generation=0, build={})
    first = np.asarray(meta.first)
    per_bar = int(first[2] - first[1])  # feature columns per bar away from the file's start
    if first[1] - first[0] != per_bar or meta.length != meta.bars * per_bar:
        raise ParameterError("code-level augmentation needs a model whose sections are whole bars of columns "
                             "(the drum model)")
    rng = np.random.default_rng(seed)
    parts = [library.columns.slice(int(a), int(b)) for a, b in zip(library.column_start[:-1], library.column_start[1:])]
    entries = list(library.files)
    sources = [i for i, f in enumerate(library.files) if f.bars >= meta.bars and f.columns == f.bars * per_bar]
    with progress_bar("augment", files - len(entries), quiet=quiet) as bar:
        for n in range(files - len(entries)):
            src = int(sources[int(rng.integers(len(sources)))])
            f = library.files[src]
            bars = min(f.bars, int(rng.integers(4, 33)))
            lo = int(rng.integers(0, f.bars - bars + 1))
            block = parts[src].block(lo * per_bar, (lo + bars) * per_bar)
            block = np.roll(block, int(rng.integers(0, bars)) * per_bar, axis=1)
            parts.append(Columns.from_features(block, meta.kind))
            entries.append(LibraryFile(f"synthetic/{n // 1000:03d}/{Path(f.path).stem}-c{n:06d}", 0, 0, "", bars,
                                       bars * per_bar))
            bar.update(n + 1)
    windows, project_seconds, ann_seconds = finish_library(Path(out), meta, entries, list(library.skipped), parts,
                                                          library.projection, workers=workers)
    return {"files": len(entries), "windows": windows, "project_seconds": round(project_seconds, 3),
            "ann_seconds": round(ann_seconds, 3)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m sidl.bridge.library.bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="what", required=True)
    aug = sub.add_parser("augment", help="a larger library from a built one, at the code level")
    aug.add_argument("small")
    aug.add_argument("big")
    aug.add_argument("--files", type=int, default=100_000)
    aug.add_argument("--seed", type=int, default=0)
    aug.add_argument("--workers", type=int, default=2)
    args = p.parse_args(argv)
    print(json.dumps(augment_library(args.small, args.big, files=args.files, seed=args.seed, workers=args.workers)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
