"""Datasets: which MIDI files belong to a split, and their grids.

Finding the files, their splits and labels is done by :mod:`bridge.dataset_index` (torch-free, so
the analysis commands share it; re-exported here): the Groove MIDI Dataset's ``info.csv``, the piano
set's ``metadata.csv`` (split derived per composer), or any folder of ``.mid`` files.

Files the codec cannot use (unreadable, no notes, an unsupported meter) are skipped and *counted by
reason*, never silently lost.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sidl.bridge.codecs import load_score

# File discovery (splits, labels) is torch-free and lives in bridge.dataset_index; re-exported here
# under the same names so training and evaluation keep importing it from sidl.models.datasets.
from sidl.bridge.dataset_index import (
    MIDI_SUFFIXES,
    VALIDATION_SHARE,
    MidiItem,
    _derived_split,
    _from_csv,
    discover,
    stable_fraction,
)
from sidl.bridge.errors import DatasetError, MidiFileError, UnsupportedMeterError
from sidl.models.evaluation.metrics import step_seconds

__all__ = [
    "MIDI_SUFFIXES", "VALIDATION_SHARE", "EncodedSet", "MidiItem", "cut_windows", "discover", "encode_items",
    "stable_fraction", "_derived_split", "_from_csv",
]

log = logging.getLogger(__name__)


@dataclass
class EncodedSet:
    """Grids of the usable files of a split and what was skipped, by reason."""

    items: list[MidiItem]
    grids: list[np.ndarray]
    step_seconds: list[np.ndarray]
    skipped: Counter[str] = field(default_factory=Counter)
    unknown_pitches: Counter[int] = field(default_factory=Counter)

    def report(self) -> dict[str, Any]:
        return {
            "files": len(self.items),
            "skipped": dict(self.skipped),
            "unknown_pitches": {str(p): n for p, n in sorted(self.unknown_pitches.items())},
            "steps": int(sum(g.shape[1] for g in self.grids)),
        }


def encode_items(items: list[MidiItem], codec: Any, cache_dir: str | Path | None = None) -> EncodedSet:
    """Encode every file with ``codec``; skip (and count) those it cannot use."""
    out = EncodedSet([], [], [])
    cache = Path(cache_dir) if cache_dir else None
    spec_key = hashlib.sha1(repr(sorted(codec.spec().items())).encode()).hexdigest()[:12]
    for item in items:
        try:
            grid, seconds, unknown = _encode_cached(item.path, codec, cache, spec_key)
        except UnsupportedMeterError as exc:
            out.skipped["unsupported_meter"] += 1
            log.debug("skipped %s: %s", item.path, exc)
            continue
        except MidiFileError as exc:
            out.skipped["unreadable_or_empty"] += 1
            log.info("skipped %s: %s", item.path, exc)
            continue
        if not codec.has_notes(grid):
            out.skipped["no_usable_notes"] += 1
            continue
        out.items.append(item)
        out.grids.append(grid)
        out.step_seconds.append(seconds)
        out.unknown_pitches.update(unknown)
    if out.skipped:
        log.info("skipped %d files: %s", sum(out.skipped.values()), dict(out.skipped))
    return out


def _encode_cached(
    path: Path, codec: Any, cache: Path | None, spec_key: str
) -> tuple[np.ndarray, np.ndarray, Counter[int]]:
    key = None
    if cache is not None:
        digest = hashlib.sha1(path.read_bytes()).hexdigest()[:16]
        key = cache / f"{codec.name}-{spec_key}-{digest}.npz"
        if key.is_file():
            with np.load(key) as z:
                unknown = Counter({int(p): int(n) for p, n in z["unknown"]})
                return z["grid"], z["seconds"], unknown
    score = load_score(path)
    encoded = codec.encode(score)
    grid = encoded.array.astype(np.float32)
    seconds = step_seconds(score.tempo_map, grid.shape[1], codec.steps_per_beat)
    unknown = Counter(getattr(encoded, "unknown_pitches", None) or getattr(encoded, "out_of_range", None) or {})
    if key is not None:
        key.parent.mkdir(parents=True, exist_ok=True)
        pairs = np.array(sorted(unknown.items()), dtype=np.int64).reshape(-1, 2)
        np.savez_compressed(key, grid=grid, seconds=seconds, unknown=pairs)
    return grid, seconds, unknown


def cut_windows(grids: list[np.ndarray], window: int, hop: int, *, min_hits: int = 1, hit_rows: int) -> np.ndarray:
    """All windows of ``window`` steps every ``hop`` steps (the last partial one zero-padded) with at least
    ``min_hits`` hits; returns (N, C, window) float32."""
    windows = []
    for grid in grids:
        t = grid.shape[1]
        starts = range(0, max(1, t - window + hop), hop)
        for s in starts:
            w = grid[:, s : s + window]
            if w.shape[1] < window:
                w = np.pad(w, ((0, 0), (0, window - w.shape[1])))
            if (w[:hit_rows] > 0.5).sum() >= min_hits:
                windows.append(w)
    if not windows:
        raise DatasetError("no window with any note: is the data empty or the window longer than every file?")
    return np.stack(windows).astype(np.float32)
