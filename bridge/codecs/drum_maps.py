"""Drum classes and the maps between them and MIDI pitches.

The drum codec reasons in 9 *classes* (the GrooVAE reduction of a drum kit), while instruments
speak *pitches*. A :class:`DrumMap` gives both directions for one target instrument:

- ``output``: class -> the one pitch a decoded hit is written as (so the right pad sounds);
- ``input``: pitch -> class, used to read notes back (the encoder, live input), so that whatever
  the map writes, it also reads back as the same class.

Every map's input table starts from the GrooVAE/Roland mapping (:data:`DRUM_CLASSES`), so the
Groove MIDI Dataset reads correctly through any map; a map's own output pitches then override it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sidl.bridge.errors import ParameterError

log = logging.getLogger(__name__)

__all__ = [
    "ABLETON_DRUM_RACK_MAP",
    "DRUM_CLASSES",
    "DRUM_CLASS_NAMES",
    "DRUM_MAPS",
    "GM_DRUM_MAP",
    "GROOVAE_INPUT_MAP",
    "DrumClass",
    "DrumMap",
    "get_drum_map",
    "load_drum_map",
]


@dataclass(frozen=True)
class DrumClass:
    """One drum class: its name and the input pitches that count as it (first = canonical)."""

    name: str
    pitches: tuple[int, ...]


# GrooVAE / Magenta note_seq 9-class reduction of the Roland TD-11 kit used for the Groove MIDI
# Dataset (Gillick et al., ICML 2019). Order matters: it is the row order of the drum grid.
DRUM_CLASSES: tuple[DrumClass, ...] = (
    DrumClass("kick", (36,)),
    DrumClass("snare", (38, 37, 40)),
    DrumClass("closed_hihat", (42, 22, 44)),
    DrumClass("open_hihat", (46, 26)),
    DrumClass("low_tom", (43, 58)),
    DrumClass("mid_tom", (47, 45)),
    DrumClass("high_tom", (50, 48)),
    DrumClass("crash", (49, 52, 55, 57)),
    DrumClass("ride", (51, 53, 59)),
)
DRUM_CLASS_NAMES: tuple[str, ...] = tuple(c.name for c in DRUM_CLASSES)

#: Input pitch -> class name of the GrooVAE mapping (the default reading of drum notes).
GROOVAE_INPUT_MAP: Mapping[int, str] = {p: c.name for c in DRUM_CLASSES for p in c.pitches}


def _check_pitch(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 127:
        raise ParameterError(f"{what}: pitch {value!r} is not a MIDI note number (an integer 0..127)")
    return value


@dataclass(frozen=True)
class DrumMap:
    """Where each drum class sounds on one instrument, and how that instrument's notes read back.

    ``output`` must name every class of :data:`DRUM_CLASS_NAMES`. ``extra_input`` adds input
    pitches (e.g. a rim shot pad that should count as snare); the full input table is the GrooVAE
    mapping, then ``extra_input``, then the map's own output pitches (highest priority, so a decoded
    file always re-encodes to the same classes).
    """

    name: str
    output: Mapping[str, int]
    extra_input: Mapping[int, str] = field(default_factory=dict)
    description: str = ""

    def __post_init__(self) -> None:
        what = f"drum map {self.name!r}"
        unknown = sorted(set(self.output) - set(DRUM_CLASS_NAMES))
        if unknown:
            raise ParameterError(
                f"{what}: unknown drum class(es) {unknown}; valid classes are {list(DRUM_CLASS_NAMES)}")
        missing = [n for n in DRUM_CLASS_NAMES if n not in self.output]
        if missing:
            raise ParameterError(f"{what}: no output pitch for class(es) {missing}; every class needs one")
        for cls, pitch in self.output.items():
            _check_pitch(pitch, f"{what}, class {cls!r}")
        for pitch, cls in self.extra_input.items():
            _check_pitch(pitch, f"{what}, input")
            if cls not in DRUM_CLASS_NAMES:
                raise ParameterError(
                    f"{what}: input pitch {pitch} maps to unknown class {cls!r}; "
                    f"valid classes are {list(DRUM_CLASS_NAMES)}")
        # Normalise to class order and freeze the derived input table.
        object.__setattr__(self, "output", {n: int(self.output[n]) for n in DRUM_CLASS_NAMES})
        object.__setattr__(self, "extra_input", dict(self.extra_input))
        table = dict(GROOVAE_INPUT_MAP)
        table.update(self.extra_input)
        table.update({p: n for n, p in self.output.items()})
        object.__setattr__(self, "_input", table)
        shared = len(set(self.output.values())) < len(self.output)
        if shared:
            log.debug("%s: several classes share an output pitch; they will not read back apart", what)

    @property
    def input(self) -> Mapping[int, str]:
        """Full input table, pitch -> class name."""
        return self._input  # type: ignore[attr-defined]

    def pitch_for(self, class_name: str) -> int:
        """Output pitch of ``class_name``."""
        try:
            return self.output[class_name]
        except KeyError:
            raise ParameterError(
                f"unknown drum class {class_name!r}; valid classes are {list(DRUM_CLASS_NAMES)}") from None

    def class_for(self, pitch: int) -> str | None:
        """Class name an incoming ``pitch`` counts as, or ``None`` if it is no drum class."""
        return self.input.get(pitch)

    def class_index(self, pitch: int) -> int | None:
        """Grid row (0..8) an incoming ``pitch`` counts as, or ``None``."""
        name = self.input.get(pitch)
        return None if name is None else DRUM_CLASS_NAMES.index(name)

    @property
    def output_pitches(self) -> tuple[int, ...]:
        """Output pitch of each class, in grid row order."""
        return tuple(self.output[n] for n in DRUM_CLASS_NAMES)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form, readable by :func:`load_drum_map`."""
        return {
            "name": self.name,
            "description": self.description,
            "pitches": dict(self.output),
            "input": {str(p): c for p, c in sorted(self.extra_input.items())},
        }


GM_DRUM_MAP = DrumMap(
    name="gm",
    output={
        "kick": 36,  # Bass Drum 1
        "snare": 38,  # Acoustic Snare
        "closed_hihat": 42,  # Closed Hi-Hat
        "open_hihat": 46,  # Open Hi-Hat
        "low_tom": 43,  # High Floor Tom (45 "Low Tom" would read back as mid_tom under GrooVAE)
        "mid_tom": 47,  # Low-Mid Tom
        "high_tom": 50,  # High Tom
        "crash": 49,  # Crash Cymbal 1
        "ride": 51,  # Ride Cymbal 1
    },
    description=(
        "General MIDI percussion (channel 10). The canonical (first) GrooVAE pitch of every class, "
        "all of them GM drum sounds, so decoded files re-encode to the same classes."
    ),
)

ABLETON_DRUM_RACK_MAP = DrumMap(
    name="ableton",
    output={
        "kick": 36,  # C1  pad 1
        "snare": 38,  # D1
        "closed_hihat": 42,  # F#1
        "open_hihat": 46,  # A#1
        "low_tom": 41,  # F1
        "mid_tom": 45,  # A1
        "high_tom": 48,  # C2
        "crash": 49,  # C#2
        "ride": 51,  # D#2 pad 16
    },
    extra_input={37: "snare", 39: "snare", 40: "snare"},  # C#1 rim/side stick, D#1 clap, E1 snare 2
    description=(
        "Ableton Live Drum Rack, default 16-pad view C1..D#2 (36..51), laid out as Live's Core "
        "kits and General MIDI do: C1 kick, C#1 rim, D1 snare, D#1 clap, F1 low tom, F#1 closed "
        "hat, A1 mid tom, A#1 open hat, C2 high tom, C#2 crash, D#2 ride. Rim and clap pads read "
        "as snare on input."
    ),
)

DRUM_MAPS: dict[str, DrumMap] = {m.name: m for m in (GM_DRUM_MAP, ABLETON_DRUM_RACK_MAP)}


def drum_map_from_dict(data: Any, *, source: str = "drum map") -> DrumMap:
    """Build a :class:`DrumMap` from its JSON form (see :meth:`DrumMap.to_dict`), validating it."""
    if not isinstance(data, Mapping):
        raise ParameterError(f"{source}: expected a JSON object with 'pitches', got {type(data).__name__}")
    unknown_keys = sorted(set(data) - {"name", "description", "pitches", "input"})
    if unknown_keys:
        raise ParameterError(
            f"{source}: unknown key(s) {unknown_keys}; allowed: name, description, pitches, input")
    pitches = data.get("pitches")
    if not isinstance(pitches, Mapping):
        raise ParameterError(
            f"{source}: 'pitches' must be an object mapping each class {list(DRUM_CLASS_NAMES)} to a pitch")
    raw_input = data.get("input", {})
    if not isinstance(raw_input, Mapping):
        raise ParameterError(f"{source}: 'input' must be an object mapping pitch -> class name")
    extra: dict[int, str] = {}
    for key, cls in raw_input.items():
        try:
            pitch = int(key)
        except (TypeError, ValueError):
            raise ParameterError(f"{source}: input pitch {key!r} is not a MIDI note number (0..127)") from None
        extra[_check_pitch(pitch, f"{source}, input")] = cls
    name = data.get("name", source)
    description = data.get("description", "")
    if not isinstance(name, str) or not isinstance(description, str):
        raise ParameterError(f"{source}: 'name' and 'description' must be strings")
    try:
        return DrumMap(name=name, output=dict(pitches), extra_input=extra, description=description)
    except ParameterError as exc:
        raise ParameterError(f"{source}: {exc}") from None


def load_drum_map(path: str | Path) -> DrumMap:
    """Read a custom drum map from JSON, e.g. ``{"name": "kit", "pitches": {"kick": 36, ...}}``.

    Every class needs an output pitch 0..127; ``"input": {"37": "snare"}`` optionally adds input
    pitches. Raises :class:`ParameterError` naming the file and the bad value.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParameterError(f"{path}: no such drum map file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ParameterError(f"{path}: cannot read drum map ({exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParameterError(f"{path}: not valid JSON ({exc})") from None
    if isinstance(data, Mapping) and "name" not in data:
        data = {**data, "name": path.stem}
    return drum_map_from_dict(data, source=str(path))


def get_drum_map(name_or_path: str | Path | DrumMap) -> DrumMap:
    """A preset by name (see :data:`DRUM_MAPS`), or a custom map from a ``.json`` path."""
    if isinstance(name_or_path, DrumMap):
        return name_or_path
    key = str(name_or_path)
    if key.strip().lower() in DRUM_MAPS:
        return DRUM_MAPS[key.strip().lower()]
    path = Path(key)
    if path.suffix.lower() == ".json" or path.exists():
        return load_drum_map(path)
    raise ParameterError(
        f"unknown drum map {key!r}; use one of {sorted(DRUM_MAPS)} or a path to a .json map")
