"""MIDI <-> grid codecs shared by training and the live runtime (numpy + mido only, never torch).

A codec turns a :class:`Score` into a float32 array shaped ``(channels, steps)`` and back:
:class:`DrumCodec` (4/4 drums, 27 rows) and :class:`PianoCodec` (88 keys, 264 rows). Both implement
the :class:`Codec` protocol (``base.py``), which is all the rest of sidl knows about an instrument.
They are registered by name in :data:`CODECS`, the one table :func:`get_codec` and
:func:`codec_from_spec` dispatch through. Each codec's ``spec()`` describes its grid as JSON;
:func:`codec_from_spec` rebuilds the codec from it and refuses a spec it would not reproduce.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sidl.bridge.codecs.base import (
    GROUPS,
    HIT_THRESHOLD,
    ChannelGroup,
    Codec,
    CodecClass,
    GridLayout,
    group_size,
)
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
    "GROUPS",
    "HIT_THRESHOLD",
    "ChannelGroup",
    "Codec",
    "CodecClass",
    "DrumClass",
    "DrumCodec",
    "DrumGrid",
    "DrumMap",
    "GridLayout",
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
    "group_size",
    "load_drum_map",
    "load_score",
    "register_codec",
    "save_score",
]

#: Every instrument, by name: the one table codecs are found through (a new one registers here).
CODECS: dict[str, CodecClass] = {DrumCodec.name: DrumCodec, PianoCodec.name: PianoCodec}


def register_codec(name: str, cls: CodecClass) -> None:
    """Add (or replace) the codec class known as ``name``: it must build with keyword options and
    have a ``from_spec`` classmethod; its instances must satisfy :class:`Codec`."""
    if not callable(getattr(cls, "from_spec", None)):
        raise ParameterError(f"codec {name!r}: {cls!r} has no from_spec classmethod")
    CODECS[str(name).strip().lower()] = cls


def get_codec(name: str, **kwargs: Any) -> Codec:
    """A codec instance by name (a key of :data:`CODECS`); ``kwargs`` go to its constructor."""
    key = str(name).strip().lower()
    if key not in CODECS:
        raise ParameterError(f"unknown codec {name!r}; valid codecs are {sorted(CODECS)}")
    try:
        return CODECS[key](**kwargs)
    except TypeError as exc:
        raise ParameterError(f"codec {key!r} does not take the arguments {sorted(kwargs)} ({exc})") from None


def codec_from_spec(spec: Mapping[str, Any]) -> Codec:
    """Rebuild the codec a ``spec()`` came from (e.g. read from ONNX metadata).

    Raises :class:`CodecMismatchError` if this version's codec would describe itself differently,
    so a model is never fed a grid laid out other than the one it was trained on.
    """
    name = spec.get("name")
    cls = CODECS.get(name) if isinstance(name, str) else None
    if cls is None:
        raise CodecMismatchError(f"spec names unknown codec {name!r}; valid codecs are {sorted(CODECS)}")
    codec = cls.from_spec(spec)
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
