"""What the bridge accepts, each fact written once: the tempo range, the live modes, the clock sources.

Everything that names a tempo limit or a mode reads it from here: the clocks, the OSC address table
(and so ``docs/osc.md`` and the client panels' contract), ``sidl run``'s flags, session files and the
file tools' ``--bpm``. How an out-of-range tempo is met depends on where it comes from, by design:

- a performer's control (OSC ``/sidl/tempo``, ``/sidl/host/transport``) is *clamped* into range and
  the clamp reported on ``/sidl/error`` (the OSC table documents this): a fader must never stop a set;
- a setting (a flag, a session file, a library call) is *refused* with :func:`check_bpm`, naming the
  value and the range: a typo must not start a session at a tempo nobody asked for;
- a tempo *measured* from an outside clock is clamped by :func:`clamp_bpm` (jitter is not an error).
"""

from __future__ import annotations

from sidl.bridge.errors import ParameterError

MIN_BPM, MAX_BPM = 20.0, 400.0
DEFAULT_BPM = 120.0

MODES = ("loop", "filter", "generate")
DEFAULT_MODE = "loop"

CLOCKS = ("internal", "midi", "link", "host")
DEFAULT_CLOCK = "internal"


def check_bpm(bpm: object, what: str = "tempo") -> float:
    """``bpm`` as a float, or :class:`ParameterError` naming ``what``, the value and the range."""
    if isinstance(bpm, bool) or not isinstance(bpm, (int, float)) or not MIN_BPM <= bpm <= MAX_BPM:
        raise ParameterError(f"{what} must be a number of BPM within {MIN_BPM:g}..{MAX_BPM:g}, got {bpm!r}")
    return float(bpm)


def clamp_bpm(bpm: float) -> float:
    """``bpm`` moved into the tempo range (for tempos measured, not asked for)."""
    return min(max(float(bpm), MIN_BPM), MAX_BPM)


def check_mode(mode: object, what: str = "mode") -> str:
    """``mode`` if it is one of :data:`MODES`, else :class:`ParameterError` naming the modes."""
    return _check_choice(mode, MODES, what)


def check_clock(source: object, what: str = "clock") -> str:
    """``source`` if it is one of :data:`CLOCKS`, else :class:`ParameterError` naming the sources."""
    return _check_choice(source, CLOCKS, what)


def _check_choice(value: object, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ParameterError(f"{what} must be one of {', '.join(allowed)}, got {value!r}")
    return str(value)
