"""What one worker process does for one MIDI file: read it, encode it, or say why it cannot.

:func:`encode_file` is the top-level (picklable) function :func:`~sidl.bridge.shards.pool.parallel_map`
runs. It encodes exactly as :func:`sidl.models.datasets.encode_items` does (``load_score``, the
codec's ``encode``, float32, the same reasons to skip a file) and returns the grid transposed to
``(steps, channels)``, the shard layout, so the writer only appends it.
"""

from __future__ import annotations

import json
import logging
import math
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sidl.bridge import limits
from sidl.bridge.codecs import Codec, codec_from_spec, load_score
from sidl.bridge.errors import MidiFileError, UnsupportedMeterError

log = logging.getLogger(__name__)

#: Why a file is not in the shards (the first three are encode_items' reasons).
SKIP_REASONS = ("unsupported_meter", "unreadable_or_empty", "no_usable_notes", "too_large", "missing", "error")

_codecs: dict[str, Codec] = {}  # per process: a worker rebuilds the codec once, not per file


@dataclass(frozen=True)
class Job:
    """One file to encode: where it is, its key in the index, the codec's spec."""

    path: str
    key: str
    spec: dict[str, Any] = field(hash=False)


@dataclass
class EncodedFile:
    key: str
    grid: np.ndarray  # float32 (steps, channels), C-contiguous
    seconds: np.ndarray  # float32 (steps,)
    bars: int
    meter: str
    tempo: float


@dataclass
class SkippedFile:
    key: str
    reason: str  # one of SKIP_REASONS
    detail: str


def codec_for(spec: dict[str, Any]) -> Codec:
    """The codec of ``spec``, built once per process."""
    key = json.dumps(spec, sort_keys=True)
    if key not in _codecs:
        _codecs[key] = codec_from_spec(spec)
    return _codecs[key]


def steps_per_bar(codec: Codec) -> int:
    """Grid steps in one bar: the spec's ``steps_per_bar`` where it has one, else 4 beats."""
    value = codec.spec().get("steps_per_bar")
    return int(value) if isinstance(value, int) else 4 * codec.steps_per_beat


def _too_large(exc: MidiFileError) -> bool:
    # load_score checks events and length against sidl.bridge.limits; its messages say "limit"
    return "limit" in str(exc)


def encode_file(job: Job) -> EncodedFile | SkippedFile:
    """Encode ``job.path`` with the job's codec, or say why not."""
    codec = codec_for(job.spec)
    try:
        size = os.stat(job.path).st_size
    except OSError as exc:
        return SkippedFile(job.key, "missing", f"cannot read it ({exc.strerror or exc})")
    if size > limits.MAX_MIDI_BYTES:
        return SkippedFile(job.key, "too_large", f"{size} bytes is over the {limits.MAX_MIDI_BYTES}-byte limit")
    try:
        score = load_score(job.path)
        encoded = codec.encode(score)
    except UnsupportedMeterError as exc:
        return SkippedFile(job.key, "unsupported_meter", str(exc))
    except MidiFileError as exc:
        return SkippedFile(job.key, "too_large" if _too_large(exc) else "unreadable_or_empty", str(exc))
    grid = encoded.array.astype(np.float32)
    if not codec.has_notes(grid):
        return SkippedFile(job.key, "no_usable_notes", f"none of its notes is one the {codec.name} codec uses")
    steps = grid.shape[1]
    seconds = score.tempo_map.step_seconds(steps, codec.steps_per_beat).astype(np.float32)
    first = score.time_signatures[0] if score.time_signatures else None
    meter = f"{first.numerator}/{first.denominator}" if first is not None else "4/4"
    return EncodedFile(job.key, np.ascontiguousarray(grid.T), seconds, math.ceil(steps / steps_per_bar(codec)),
                       meter, float(score.tempo_map.bpm_at(0.0)))
