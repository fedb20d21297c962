"""A folder of MIDI files read for a model: which files, each encoded whole, and what was left out.

What ``sidl style``, ``sidl similar`` and ``sidl atoms --data`` share. Files the model cannot use (in
a meter its codec does not handle, made for the other model, unreadable or without notes) are
skipped and counted by reason, with the first few listed, never silently lost.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sidl.bridge.dataset_index import MIDI_SUFFIXES
from sidl.bridge.errors import CodecMismatchError, MidiFileError, ParameterError, SidlError, UnsupportedMeterError
from sidl.bridge.tools import Loaded, load_for

log = logging.getLogger(__name__)

MAX_LISTED_SKIPS = 50
SKIP_REASONS = {"unsupported_meter": "in a meter the codec does not handle", "wrong_codec": "made for the other model",
                "unreadable": "unreadable or without usable notes"}


def midi_files(folder: str | Path, split: str | None = None) -> list[Path]:
    """The MIDI files of ``folder``: a folder of ``.mid``/``.midi`` files (searched recursively), a
    dataset folder (GMD ``info.csv``, piano ``metadata.csv``; ``split`` picks ``train`` or
    ``validation``) or a CSV file listing them; sorted; an error if there is none."""
    from sidl.bridge.dataset_index import index

    root = Path(folder)
    if not root.exists():
        raise ParameterError(f"{root}: no such folder; expected a folder of .mid files")
    if root.is_dir() and not any(p.suffix.lower() in MIDI_SUFFIXES for p in root.rglob("*")):
        raise MidiFileError(f"{root}: no .mid or .midi files in this folder or below it")
    files = [item.path for item in index(root, split).items]
    if not files:
        raise MidiFileError(f"{root}: no MIDI files" + (f" in split {split!r}" if split else ""))
    return files


@dataclass
class EncodedFile(Loaded):
    """One file read for a model (score, grid, steps), with its code and its length in the model's bars."""

    code: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    bars: int = 0


def skip_reason(exc: SidlError) -> str:
    if isinstance(exc, UnsupportedMeterError):
        return "unsupported_meter"
    if isinstance(exc, CodecMismatchError):
        return "wrong_codec"
    return "unreadable"


@dataclass
class SkipCount:
    """Files left out, by reason (see :data:`SKIP_REASONS`), with the first few listed."""

    counts: Counter[str] = field(default_factory=Counter)
    files: list[dict[str, str]] = field(default_factory=list)  # path, reason, message (at most MAX_LISTED_SKIPS)

    def add(self, reason: str, path: Path, message: str) -> None:
        self.counts[reason] += 1
        if len(self.files) < MAX_LISTED_SKIPS:
            self.files.append({"path": str(path), "reason": reason, "message": message})
        log.info("skipped %s (%s): %s", path, reason, message)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def describe(self) -> str:
        return describe_skipped(self.counts) if self.total else "none skipped"


def describe_skipped(counts: dict[str, int]) -> str:
    """``{"unsupported_meter": 2}`` -> "2 in a meter the codec does not handle"."""
    return ", ".join(f"{n} {SKIP_REASONS.get(r, r)}" for r, n in sorted(counts.items()) if n) or "none"


def iter_encoded(engine: Any, files: list[Path], *, k: int | None = None, skipped: SkipCount | None = None,
                 strict: bool = False) -> Iterator[EncodedFile]:
    """Read and encode each file (whole) for ``engine``; what it cannot use is counted in ``skipped``,
    or, with ``strict`` (a file the user named on its own), raised."""

    skipped = SkipCount() if skipped is None else skipped
    spb = engine.info.steps_per_bar
    for path in files:
        try:
            src = load_for(engine, path)
        except (UnsupportedMeterError, CodecMismatchError, MidiFileError) as exc:
            if strict:
                raise
            skipped.add(skip_reason(exc), path, str(exc))
            continue
        code = engine.encode(src.grid, k)
        yield EncodedFile(src.path, src.score, src.grid, src.steps, code, -(-src.steps // spb))
