"""MIDI <-> grid codecs shared by training and the live runtime (numpy + mido only, never torch).

A codec turns a :class:`Score` into a float32 array shaped ``(channels, steps)`` and back:
:class:`DrumCodec` (4/4 drums, 27 rows) and :class:`PianoCodec` (88 keys, 264 rows). Each codec's
``spec()`` describes its grid as JSON; :func:`codec_from_spec` rebuilds the codec from it and
refuses a spec it would not reproduce.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sidl.bridge.codecs.drum_maps import (
    ABLETON_DRUM_RACK_MAP,
    DRUM_CLASS_NAMES,
    DRUM_CLASSES,
    DRUM_MAPS,
    GM_DRUM_MAP,
    DrumClass,
    DrumMap,
    get_drum_map,
    load_drum_map,
)
from sidl.bridge.codecs.drums import DrumCodec, DrumGrid
from sidl.bridge.codecs.piano import PianoCodec, PianoGrid
from sidl.bridge.codecs.score import (
    Note,
    PedalSpan,
    Score,
    TempoMap,
    TimeSignature,
    load_score,
    save_score,
)
from sidl.bridge.errors import CodecMismatchError, ParameterError

__all__ = [
    "ABLETON_DRUM_RACK_MAP",
    "CODECS",
    "DRUM_CLASSES",
    "DRUM_CLASS_NAMES",
    "DRUM_MAPS",
    "GM_DRUM_MAP",
    "Codec",
    "DrumClass",
    "DrumCodec",
    "DrumGrid",
    "DrumMap",
    "Note",
    "PedalSpan",
    "PianoCodec",
    "PianoGrid",
    "Score",
    "TempoMap",
    "TimeSignature",
    "codec_from_spec",
    "get_codec",
    "get_drum_map",
    "load_drum_map",
    "load_score",
    "save_score",
]

Codec = DrumCodec | PianoCodec
CODECS: dict[str, type[DrumCodec] | type[PianoCodec]] = {"drums": DrumCodec, "piano": PianoCodec}


def get_codec(name: str, **kwargs: Any) -> DrumCodec | PianoCodec:
    """A codec instance by name (``"drums"`` or ``"piano"``); ``kwargs`` go to its constructor."""
    key = str(name).strip().lower()
    if key not in CODECS:
        raise ParameterError(f"unknown codec {name!r}; valid codecs are {sorted(CODECS)}")
    try:
        return CODECS[key](**kwargs)
    except TypeError as exc:
        raise ParameterError(f"codec {key!r} does not take the arguments {sorted(kwargs)} ({exc})") from None


def codec_from_spec(spec: Mapping[str, Any]) -> DrumCodec | PianoCodec:
    """Rebuild the codec a ``spec()`` came from (e.g. read from ONNX metadata).

    Raises :class:`CodecMismatchError` if this version's codec would describe itself differently,
    so a model is never fed a grid laid out other than the one it was trained on.
    """
    name = spec.get("name")
    if name == "piano":
        codec: DrumCodec | PianoCodec = PianoCodec(
            int(spec.get("steps_per_beat", 4)), sustain_pedal=bool(spec.get("sustain_pedal", False)))
    elif name == "drums":
        codec = DrumCodec()
    else:
        raise CodecMismatchError(f"spec names unknown codec {name!r}; valid codecs are {sorted(CODECS)}")
    own, theirs = _structure(codec.spec()), _structure(dict(spec))
    differing = sorted(k for k in set(own) | set(theirs) if own.get(k) != theirs.get(k))
    if differing:
        raise CodecMismatchError(
            f"spec of codec {name!r} differs from this version's in {differing}; "
            f"the model was made for another grid layout")
    return codec


# Spec entries that describe rather than define the grid: wording and decode-time note lengths may
# change between versions without making an exported model unusable.
_DESCRIPTIVE_KEYS = frozenset({"decode_durations_beats"})


def _structure(value: Any) -> Any:
    """The layout-defining part of a spec: prose (string values below the top level) dropped."""
    if isinstance(value, Mapping):
        return {k: _structure(v) for k, v in value.items()
                if k not in _DESCRIPTIVE_KEYS and not (isinstance(v, str) and k not in ("name", "meter"))}
    if isinstance(value, (list, tuple)):
        return [_structure(v) for v in value]
    return value
