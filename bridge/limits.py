"""Hard limits on every size the offline tools take from outside, each fact written once.

A file, a flag or a model's metadata can ask for any amount of work; these caps turn "runs for
minutes, then MemoryError" into one clear refusal *before* the work starts. Each cap sits far above
what real material needs (the figures below are measured on the Groove MIDI Dataset and the
piano-midi.de set in ``../shared/data``: 1,258 files) and far below what a laptop cannot do.
The live bridge's own facts (tempo range, modes, clocks) are in :mod:`sidl.bridge.live.limits`.

Every check raises the error of the place the value came from: :class:`ParameterError` for a flag or
a library argument, :class:`MidiFileError` for a file, :class:`ModelError` for model metadata, and
names the value, what it is and the accepted range.
"""

from __future__ import annotations

from sidl.bridge.errors import MidiFileError, ModelError, ParameterError

# ------------------------------------------------------------------------------------ MIDI input
#: Largest MIDI file read (bytes), checked before parsing. The largest file in the data is 158 KB
#: (liz_donjuan.mid); a 20 MB file took 4 minutes and 2.3 GB before this cap.
MAX_MIDI_BYTES = 2 * 1024 * 1024
#: Most MIDI events (messages, all tracks) in one file, checked after parsing and before any grid is
#: built. The data's most is 42,418; parsing 226,000 events takes about 1 s.
MAX_MIDI_EVENTS = 500_000
#: Longest piece, in bars of the model's grid (4 beats), for files read and patterns generated.
#: The data's longest file is 2,556 beats (639 bars); 2,048 bars is 68 minutes at 120 BPM.
MAX_BARS = 2048
#: The same length in beats, checked on a file's notes before any grid is built (a bar is 4 beats).
MAX_BEATS = 4 * MAX_BARS

# ------------------------------------------------------------------------------------ tool arguments
#: Atoms per bar a user may ask for (``--atoms``): at most this many, or twice the model's trained
#: budget if that is more (denoising and the live filter read with twice the budget). Coding time
#: grows faster than linearly with it: 1,024 per bar on a 2-bar drum file ran for minutes; 64 on the
#: data's longest file (639 bars) takes ~6 s. A model's trained budget is itself at most this much.
MAX_ATOMS_PER_BAR = 64
#: Most files one ``sidl interpolate --steps N`` writes (they are numbered with two digits).
MAX_INTERPOLATE_STEPS = 100

# ------------------------------------------------------------------------------------ model metadata
#: The most atoms a model may have (so atom numbers, e.g. in OSC addresses, are 0..4095).
MAX_MODEL_ATOMS = 4096
#: The accepted range of each integer in a model's metadata (inclusive). The bundled models use
#: 27-264 channels, 100-1,024 atoms, kernels of 4-16 steps, 16-32 steps per bar, windows of 2-4 bars
#: and 2-27 bars of context; anything far outside is not a sidl export and would ask the engine for
#: absurd memory (``window_bars = 1e8``) or hang it (``k = 1e8``).
MODEL_INT_RANGES: dict[str, tuple[int, int]] = {
    "in_channels": (3, 1024),
    "atoms": (1, MAX_MODEL_ATOMS),
    "kernel": (1, 768),  # also at most 4 bars: see MAX_KERNEL_BARS
    "stride": (1, 768),
    "steps_per_bar": (1, 192),  # 4 beats of at most 48 steps
    "k": (1, MAX_ATOMS_PER_BAR),  # also: the trained atoms per bar at most MAX_ATOMS_PER_BAR
    "window_bars": (1, 16),
    "context_bars": (1, 64),
    "opset": (1, 99),
}
#: An atom spans at most this many bars.
MAX_KERNEL_BARS = 4
#: A codec spec's ``steps_per_beat`` (the grid's resolution), when it has one.
MAX_STEPS_PER_BEAT = 48


def _is_int(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int)


def check_count(value: object, what: str, low: int, high: int) -> int:
    """``value`` as an int within ``low..high``, or :class:`ParameterError` naming it and the range."""
    if not _is_int(value) or not low <= value <= high:  # type: ignore[operator]
        raise ParameterError(f"{what} must be an integer within {low}..{high}, got {value!r}")
    return int(value)  # type: ignore[call-overload]


def check_bars(bars: object, what: str = "bars") -> int:
    """A length in bars asked for (``generate --bars``, ``demo --bars``)."""
    return check_count(bars, what, 1, MAX_BARS)


def max_atoms_per_bar(trained: int) -> int:
    """The most atoms per bar a user may ask of a model trained with ``trained`` atoms per bar."""
    return max(MAX_ATOMS_PER_BAR, 2 * trained)


def check_midi_bytes(size: int, source: str) -> None:
    if size > MAX_MIDI_BYTES:
        raise MidiFileError(f"{source}: {size} bytes is over the {MAX_MIDI_BYTES}-byte limit for a MIDI file "
                            f"(a long piece is about 160 KB); split it")


def check_midi_events(events: int, source: str) -> None:
    if events > MAX_MIDI_EVENTS:
        raise MidiFileError(f"{source}: {events} MIDI events is over the limit of {MAX_MIDI_EVENTS}; split it")


def check_midi_beats(beats: float, source: str) -> None:
    if not beats <= MAX_BEATS:  # NaN is refused too
        raise MidiFileError(f"{source}: its notes last {beats:.0f} beats, over the limit of {MAX_BEATS} beats "
                            f"({MAX_BARS} bars of 4/4); split it")


def check_model_int(key: str, value: int, source: str, *, high: int | None = None, why: str = "") -> None:
    """One metadata integer against :data:`MODEL_INT_RANGES` (and a tighter ``high`` when given)."""
    low, top = MODEL_INT_RANGES[key]
    if high is not None:
        top = min(top, high)
    if not low <= value <= top:
        reason = f" ({why})" if why else ""
        raise ModelError(f"{source}: metadata sidl.{key} = {value} is outside the accepted range "
                         f"{low}..{top}{reason}")
