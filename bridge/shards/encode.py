"""``sidl encode DATA --out SHARDS/``: a MIDI corpus into sharded, memory-mapped grids, incrementally.

The files, their splits and labels come from :mod:`sidl.bridge.dataset_index` (a GMD folder keeps
its split column, a plain folder gets labels from its folders, a CSV lists files). :mod:`.manifest`
decides which are new, changed, unchanged or removed since the previous run in the same folder; only
new and changed files are read, in worker processes (:mod:`.pool`), each returning one file's grid,
which the writer (:mod:`.writer`) appends to the current shard. The index is written atomically and
last (:mod:`.store`): a run that fails or is interrupted leaves the previous index valid.

Space: new and changed files always go to new shards. A shard none of whose files is left is deleted
once the new index is written; a shard that still holds some live files keeps the blocks of its
removed or changed files (counted as ``dead_steps`` in the report) until ``--rebuild`` rewrites
everything.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sidl.bridge.codecs import Codec
from sidl.bridge.dataset_index import MidiItem, index
from sidl.bridge.errors import DatasetError, OutputError, ParameterError
from sidl.bridge.progress import progress_bar
from sidl.bridge.safe_io import check_folder, write_text
from sidl.bridge.shards.codec_choice import resolve_codec
from sidl.bridge.shards.manifest import FileStamp, plan, relative_key
from sidl.bridge.shards.pool import ProgressCallback, check_workers, parallel_map
from sidl.bridge.shards.store import FORMAT, INDEX_FILE, VERSION, ShardFile, ShardInfo, read_index
from sidl.bridge.shards.worker import EncodedFile, Job, SkippedFile, encode_file, steps_per_bar
from sidl.bridge.shards.writer import PARTIAL_SUFFIX, ShardWriter

log = logging.getLogger(__name__)

DTYPE = "float32"  # what encode_items gives; grids are stored bit-exact
DEFAULT_SHARD_MB = 64.0
MAX_SHARD_MB = 4096.0
_OWN_FILE = re.compile(r"^\.?shard-(\d{5,})(\.npy|\.seconds\.npy|\.npy\.partial)$")
_TEMPORARY = re.compile(r"^\.(shard-\d{5,}\.seconds\.npy|index\.json)\.[0-9a-f]+\.tmp$")  # safe_io's, left by a kill


@dataclass
class EncodeReport:
    """What one run did (``to_dict`` is the ``--json`` output)."""

    out: Path
    files: int  # encoded files in the index now
    encoded: int  # read and encoded by this run
    unchanged: int  # encoded before and left as they were
    removed: int  # in the previous index, gone from the corpus now
    skipped: Counter[str] = field(default_factory=Counter)  # in the index now, by reason
    skipped_now: int = 0  # of those, files this run read
    seconds: float = 0.0
    shards: int = 0
    shard_bytes: int = 0
    dead_steps: int = 0  # steps of removed or changed files still inside kept shards

    @property
    def files_per_second(self) -> float:
        return (self.encoded + self.skipped_now) / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"out": str(self.out), "files": self.files, "encoded": self.encoded, "unchanged": self.unchanged,
                "removed": self.removed, "skipped": dict(sorted(self.skipped.items())),
                "skipped_now": self.skipped_now, "seconds": round(self.seconds, 3),
                "files_per_second": round(self.files_per_second, 1), "shards": self.shards,
                "shard_bytes": self.shard_bytes, "dead_steps": self.dead_steps}

    def summary(self) -> str:
        total = sum(self.skipped.values())
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(self.skipped.items()))
        return (f"encoded {self.encoded}, unchanged {self.unchanged}, removed {self.removed}, "
                f"skipped {total}" + (f" ({reasons})" if total else "")
                + f" in {self.seconds:.1f} s ({self.files_per_second:.0f} files/s); "
                f"{self.out}: {self.files} files in {self.shards} shards, {self.shard_bytes / 2**20:.1f} MB")


def check_shard_mb(value: float) -> int:
    """``--shard-mb`` as bytes (fractions allowed, for tests)."""
    if not 0 < value <= MAX_SHARD_MB:
        raise ParameterError(f"--shard-mb must be within 0..{MAX_SHARD_MB:g} (MB), got {value!r}")
    return max(1, int(value * 2**20))


def _canonical(spec: Any) -> str:
    return json.dumps(spec, sort_keys=True)


def _previous_index(out: Path, codec: Codec, rebuild: bool) -> dict[str, Any] | None:
    """The index of an earlier run in ``out`` (``None``: none, or ``rebuild``); refuses a folder that is
    not a shard folder but holds other files, and an index made with another codec."""
    if not out.exists():
        return None
    strangers = sorted(p.name for p in out.iterdir() if p.name != INDEX_FILE and not _OWN_FILE.match(p.name)
                       and not _TEMPORARY.match(p.name))
    try:
        previous = read_index(out)
    except DatasetError:
        if not rebuild or strangers:
            raise
        previous = None
    if previous is None and strangers:
        raise OutputError(f"--out {out} is not empty and not a shard folder (it holds {', '.join(strangers[:3])}"
                          f"{' …' if len(strangers) > 3 else ''}); give a new or empty folder")
    if previous is None or rebuild:
        return None
    theirs = previous.get("codec") or {}
    if _canonical(theirs) != _canonical(codec.spec()) or previous.get("dtype") != DTYPE:
        raise ParameterError(
            f"{out} was encoded with the {theirs.get('name')!r} codec ({previous.get('channels')} channels, "
            f"{previous.get('dtype')}); this run's is {codec.name!r} ({codec.channels} channels, {DTYPE}) — give "
            "another --out, or --rebuild to re-encode the corpus into it")
    return previous


def _stamps(previous: dict[str, Any] | None) -> tuple[dict[str, ShardFile], dict[str, dict[str, Any]], list[ShardInfo]]:
    if previous is None:
        return {}, {}, []
    source = "previous index.json"
    files = {f.path: f for f in (ShardFile.from_dict(d, source=source) for d in previous.get("files", []))}
    skipped = {str(s["path"]): dict(s) for s in previous.get("skipped", []) if "path" in s}
    shards = [ShardInfo(str(s["name"]), str(s["seconds"]), int(s["steps"])) for s in previous.get("shards", [])]
    return files, skipped, shards


def _stamp_of(entry: ShardFile | dict[str, Any]) -> FileStamp:
    if isinstance(entry, ShardFile):
        return FileStamp(entry.path, entry.size, entry.mtime_ns, entry.sha1)
    try:
        return FileStamp(str(entry["path"]), int(entry.get("size", -1)), int(entry.get("mtime_ns", -1)),
                         str(entry.get("sha1", "")))
    except (TypeError, ValueError):
        return FileStamp(str(entry["path"]), -1, -1, "")


def _next_shard_number(out: Path) -> int:
    numbers = [int(m.group(1)) for m in (_OWN_FILE.match(p.name) for p in out.iterdir()) if m] if out.is_dir() else []
    return max(numbers, default=-1) + 1


def encode_corpus(data: str | Path, out: str | Path, *, model: str, workers: int | None = None,
                  shard_mb: float = DEFAULT_SHARD_MB, rebuild: bool = False,
                  progress: ProgressCallback | None = None,
                  on_plan: Callable[[int], None] | None = None) -> EncodeReport:
    """Encode the MIDI files of ``data`` with ``model``'s codec into the shard folder ``out``
    (incrementally: only new and changed files are read). ``on_plan(n)`` is told how many files
    will be read before the work starts."""
    started = time.perf_counter()
    workers = check_workers(workers if workers is not None else (os.cpu_count() or 1))
    max_bytes = check_shard_mb(shard_mb)
    dataset = index(data)
    codec = resolve_codec(model)
    out_dir = check_folder(out, "--out folder")
    previous = _previous_index(out_dir, codec, rebuild)
    old_files, old_skipped, old_shards = _stamps(previous)
    stamps = {key: _stamp_of(entry) for key, entry in old_skipped.items()}
    stamps.update({key: _stamp_of(f) for key, f in old_files.items()})
    items: dict[str, MidiItem] = {relative_key(item.path, dataset.root): item for item in dataset.items}
    todo = plan([item.path for item in dataset.items], dataset.root, stamps)
    if on_plan is not None:
        on_plan(len(todo.to_encode))
    out_dir.mkdir(parents=True, exist_ok=True)

    spec = codec.spec()
    writer = ShardWriter(out_dir, channels=codec.channels, dtype=DTYPE, max_bytes=max_bytes,
                         first_number=_next_shard_number(out_dir))
    jobs = [Job(str(items[s.path].path), s.path, spec) for s in todo.to_encode]
    new_stamps = {s.path: s for s in todo.to_encode}
    placed: list[tuple[ShardFile, str]] = []  # new entries and the name of their shard
    skipped: dict[str, dict[str, Any]] = {}
    try:
        for outcome in parallel_map(encode_file, jobs, workers=workers, progress=progress):
            job, result = outcome.item, outcome.value
            st = new_stamps[job.key]
            if isinstance(result, EncodedFile):
                name, start = writer.append(result.grid, result.seconds)
                item = items[job.key]
                placed.append((ShardFile(job.key, -1, start, result.grid.shape[0], result.bars, result.meter,
                                         result.tempo, item.split, dict(item.labels), st.size, st.mtime_ns,
                                         st.sha1), name))
            else:
                reason, detail = ((result.reason, result.detail) if isinstance(result, SkippedFile)
                                  else ("error", outcome.error or "no result"))
                log.info("skipped %s: %s (%s)", job.key, reason, detail)
                skipped[job.key] = {"path": job.key, "reason": reason, "detail": detail, "size": st.size,
                                    "mtime_ns": st.mtime_ns, "sha1": st.sha1}
        new_shards = writer.close()
    except BaseException:
        writer.abort()
        raise

    # Unchanged files keep their blocks (their split and labels are refreshed from the dataset now).
    unchanged = {s.path: s for s in todo.unchanged}
    kept = [(replace(f, split=items[key].split, labels=dict(items[key].labels),
                     mtime_ns=unchanged[key].mtime_ns), old_shards[f.shard].name)
            for key, f in old_files.items() if key in unchanged]
    for key, entry in old_skipped.items():
        if key in unchanged and key not in old_files:
            skipped[key] = {**entry, "mtime_ns": unchanged[key].mtime_ns}
    live_names = {name for _, name in kept}
    shards = [s for s in old_shards if s.name in live_names] + new_shards
    position = {s.name: i for i, s in enumerate(shards)}
    files = sorted((replace(f, shard=position[name]) for f, name in kept + placed), key=lambda f: f.path)
    skipped_list = [skipped[k] for k in sorted(skipped)]
    _write_index(out_dir, codec, files, skipped_list, shards)
    _remove_unlisted(out_dir, shards)

    kept_steps = sum(f.steps for f in files)
    report = EncodeReport(
        out=out_dir, files=len(files), encoded=len(placed), unchanged=len(kept), removed=len(todo.removed),
        skipped=Counter(str(s["reason"]) for s in skipped_list), skipped_now=len(jobs) - len(placed),
        shards=len(shards), shard_bytes=sum(_size(out_dir / s.name) + _size(out_dir / s.seconds) for s in shards),
        dead_steps=sum(s.steps for s in shards) - kept_steps)
    report.seconds = time.perf_counter() - started
    return report


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _write_index(out: Path, codec: Codec, files: list[ShardFile], skipped: list[dict[str, Any]],
                 shards: list[ShardInfo]) -> None:
    data = {
        "format": FORMAT, "version": VERSION, "codec": codec.spec(), "channels": codec.channels,
        "steps_per_bar": steps_per_bar(codec), "dtype": DTYPE,
        "shards": [{"name": s.name, "seconds": s.seconds, "steps": s.steps} for s in shards],
        "files": [f.to_dict() for f in files],
        "skipped": skipped,
    }
    write_text(out / INDEX_FILE, json.dumps(data, separators=(",", ":")) + "\n")


def _remove_unlisted(out: Path, shards: list[ShardInfo]) -> None:
    """Delete shard files the new index does not name (emptied shards, leftovers of interrupted runs)."""
    listed = {s.name for s in shards} | {s.seconds for s in shards}
    for path in out.iterdir():
        if (_OWN_FILE.match(path.name) and path.name not in listed) or _TEMPORARY.match(path.name):
            try:
                path.unlink()
            except OSError as exc:
                log.warning("could not remove the unused shard file %s: %s", path, exc)


def run_encode(args: argparse.Namespace) -> int:
    """CLI handler of ``sidl encode``."""
    bar = progress_bar("encode", quiet=args.quiet)
    try:
        report = encode_corpus(args.data, args.out, model=args.model, workers=args.workers,
                               shard_mb=args.shard_mb, rebuild=args.rebuild, progress=bar)
    finally:
        bar.close()
    print(json.dumps(report.to_dict(), indent=2) if args.json else report.summary())
    return 0
