"""What every instrument codec offers: the :class:`Codec` protocol and the grid description it shares.

A codec owns everything that differs between instruments, so that the engine, the tools, the live
bridge, the analysis pictures, training and export never branch on an instrument's name: which rows
are hits (and the threshold that makes a cell a note), what each of the grid's channel groups means
(:class:`GridLayout`), how an input pitch finds its row, the output MIDI channel, decoding to MIDI
with a tempo map and meter, the activation of decoder logits, row labels, the hand-made baseline
feature and the check that a file is the right kind for it.

Every grid is three groups of equal size stacked on the channel axis: the first is the hit/onset
group (binary), the second velocity, the third what the instrument needs (micro-timing offset for
drums, hold for piano). :class:`ChannelGroup` names each group's *role* from a small vocabulary
(:data:`ROLES`); the torch side (``models/grid.py``) implements behaviour per role and per
activation kind, once, so a new instrument that reuses those roles needs no code outside this
package.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np

from sidl.bridge.codecs.score import Score, TempoMap, TimeSignature
from sidl.bridge.errors import ParameterError

__all__ = [
    "ACTIVATIONS",
    "GROUPS",
    "HIT_THRESHOLD",
    "ROLES",
    "ChannelGroup",
    "Codec",
    "CodecClass",
    "EncodedGrid",
    "GridLayout",
    "activate_groups",
    "group_size",
]

GROUPS = 3  # channel groups of every grid: [hits | velocity | third]
HIT_THRESHOLD = 0.5  # a hit/onset cell above this is a note (decode, "has notes", metrics)

#: What a channel group holds. ``event``: binary hits/onsets (the first group); ``velocity``: v/127
#: where an event is, 0 elsewhere; ``timing``: micro-timing offset in steps, in [-0.5, 0.5), where
#: an event is; ``hold``: binary, 1 on every step a note sounds (independent of the events).
ROLES = ("event", "velocity", "timing", "hold")


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _half_tanh(x: np.ndarray) -> np.ndarray:
    return 0.5 * np.tanh(x)


#: Activation kinds (decoder logits -> codec units), numpy; models/grid.py has the torch twins.
ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {"sigmoid": _sigmoid, "half_tanh": _half_tanh}


def group_size(channels: int) -> int:
    """Rows per channel group of a grid with ``channels`` rows."""
    if channels % GROUPS:
        raise ParameterError(f"a grid has {GROUPS} channel groups; {channels} rows do not split into them")
    return channels // GROUPS


@dataclass(frozen=True)
class ChannelGroup:
    """One channel group: the word for it (``hit``, ``onset``, ``velocity``, ``offset``, ``hold``),
    its role (:data:`ROLES`), its rows, the activation of decoder logits and its value range."""

    name: str
    role: str
    rows: slice
    activation: str
    low: float = 0.0
    high: float = 1.0

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ParameterError(f"channel group role must be one of {ROLES}, got {self.role!r}")
        if self.activation not in ACTIVATIONS:
            raise ParameterError(f"activation must be one of {sorted(ACTIVATIONS)}, got {self.activation!r}")


@dataclass(frozen=True)
class GridLayout:
    """The three channel groups of a codec's grid, in row order."""

    groups: tuple[ChannelGroup, ChannelGroup, ChannelGroup]

    @classmethod
    def of(cls, size: int, *, hit: str, third: str, third_role: str, third_activation: str,
           third_range: tuple[float, float] = (0.0, 1.0)) -> GridLayout:
        """[hit | velocity | third], ``size`` rows each."""
        return cls((
            ChannelGroup(hit, "event", slice(0, size), "sigmoid"),
            ChannelGroup("velocity", "velocity", slice(size, 2 * size), "sigmoid"),
            ChannelGroup(third, third_role, slice(2 * size, 3 * size), third_activation, *third_range),
        ))

    @property
    def size(self) -> int:
        """Rows per group."""
        return self.groups[0].rows.stop - self.groups[0].rows.start

    @property
    def channels(self) -> int:
        return GROUPS * self.size

    @property
    def hit(self) -> ChannelGroup:
        return self.groups[0]

    @property
    def velocity(self) -> ChannelGroup:
        return self.groups[1]

    @property
    def third(self) -> ChannelGroup:
        return self.groups[2]

    @property
    def names(self) -> tuple[str, str, str]:
        """The words for the groups, e.g. ``("hit", "velocity", "offset")``."""
        return (self.groups[0].name, self.groups[1].name, self.groups[2].name)

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Valid value range per row: (low, high), each (channels,) float32."""
        low = np.concatenate([np.full(self.size, g.low, np.float32) for g in self.groups])
        high = np.concatenate([np.full(self.size, g.high, np.float32) for g in self.groups])
        return low, high


def activate_groups(layout: GridLayout, logits: np.ndarray) -> np.ndarray:
    """Decoder logits (..., C, T) -> codec units, each group through its activation; float32."""
    arr = np.asarray(logits)
    out = np.empty(arr.shape, dtype=arr.dtype)
    for g in layout.groups:
        out[..., g.rows, :] = ACTIVATIONS[g.activation](arr[..., g.rows, :])
    return out.astype(np.float32)


class EncodedGrid(Protocol):
    """What ``encode`` returns: the grid and the tempo map it was read with."""

    @property
    def array(self) -> np.ndarray: ...

    @property
    def tempo_map(self) -> TempoMap: ...


@runtime_checkable
class Codec(Protocol):
    """An instrument: MIDI scores <-> float32 grids shaped ``(channels, steps)``, and what the rest of
    sidl needs to know about that grid. :class:`~sidl.bridge.codecs.DrumCodec` and
    :class:`~sidl.bridge.codecs.PianoCodec` implement it; see ``docs/instruments.md`` to add one."""

    @property
    def name(self) -> str:
        """Registry key, also stored in exported models' codec spec."""
        ...

    @property
    def channels(self) -> int:
        """Rows of the grid (three groups)."""
        ...

    @property
    def steps_per_beat(self) -> int:
        ...

    @property
    def grid_layout(self) -> GridLayout:
        """The three channel groups (hit rows, velocity, third group's meaning and activation)."""
        ...

    @property
    def hit_rows(self) -> slice:
        """Rows of the hit/onset group."""
        ...

    @property
    def hit_threshold(self) -> float:
        """A hit/onset cell above this is a note."""
        ...

    @property
    def hit_word(self) -> str:
        """``"hit"`` or ``"onset"``: what a note start is called in reports."""
        ...

    @property
    def output_channel(self) -> int:
        """0-based MIDI channel decoded notes are written and played on."""
        ...

    @property
    def baseline_name(self) -> str:
        """Name of :meth:`baseline_feature`, for reports."""
        ...

    def encode(self, score: Score, *, n_steps: int | None = None) -> EncodedGrid:
        """Grid of a score (files)."""
        ...

    def encode_input(self, score: Score, *, n_steps: int | None = None, input_map: Any = None) -> np.ndarray:
        """Grid of live or user input read through ``input_map`` (e.g. a drum map; None: the default)."""
        ...

    def to_score(self, grid: np.ndarray, *, tempo_map: TempoMap | None = None,
                 time_signatures: list[TimeSignature] | None = None, output_map: Any = None) -> Score:
        """Decode to MIDI: notes at ``tempo_map`` (default 120 BPM) in ``time_signatures`` (where the
        codec keeps meters), pitched through ``output_map`` (e.g. a drum map; None: the default)."""
        ...

    def input_rows(self, input_map: Any = None) -> Callable[[int], int | None]:
        """Input pitch -> row of the hit group (None: a pitch this codec does not read)."""
        ...

    def has_notes(self, grid: np.ndarray) -> bool:
        """Whether any hit/onset cell of ``grid`` (C, T) is above the threshold."""
        ...

    def hits(self, grid: np.ndarray) -> np.ndarray:
        """(hit rows, T) bool: the cells that are notes."""
        ...

    def activate(self, logits: np.ndarray) -> np.ndarray:
        """Decoder logits -> codec units (what an ``activated`` model's grid output applies)."""
        ...

    def row_labels(self) -> tuple[str, ...]:
        """A name per hit row (drum names, note names), for pictures and descriptions."""
        ...

    def row_pitches(self) -> tuple[int, ...]:
        """The MIDI pitch each hit row plays by default (for pictures laid out by pitch)."""
        ...

    def baseline_feature(self, grid: np.ndarray, steps_per_bar: int) -> np.ndarray:
        """The hand-made feature a whole piece's grid is compared with in style maps."""
        ...

    def check_file(self, score: Score, *, source: str, model: str) -> None:
        """Raise :class:`~sidl.bridge.errors.CodecMismatchError` if ``score`` is plainly made for
        another instrument (``model`` names the model in the message)."""
        ...

    def spec(self) -> dict[str, Any]:
        """JSON-able description of the grid (stored in exported models)."""
        ...


class HitGroupMixin:
    """The members every three-group codec derives the same way from its :class:`GridLayout`."""

    grid_layout: ClassVar[GridLayout]

    @property
    def hit_rows(self) -> slice:
        return self.grid_layout.hit.rows

    @property
    def hit_threshold(self) -> float:
        return HIT_THRESHOLD

    @property
    def hit_word(self) -> str:
        return self.grid_layout.hit.name

    def hits(self, grid: np.ndarray) -> np.ndarray:
        return np.asarray(grid)[self.hit_rows] > self.hit_threshold

    def has_notes(self, grid: np.ndarray) -> bool:
        return bool(self.hits(grid).any())

    def activate(self, logits: np.ndarray) -> np.ndarray:
        return activate_groups(self.grid_layout, logits)


class CodecClass(Protocol):
    """A registered codec class: built with its own keyword options, or from a stored spec."""

    def __call__(self, *args: Any, **kwargs: Any) -> Codec: ...

    def from_spec(self, spec: Mapping[str, Any]) -> Codec: ...
