"""The OSC address table: the single source of truth for every client (Max, Max for Live, Pd,
control surfaces) and for ``docs/osc.md``, which is generated from it (``python -m sidl.bridge.live.osc_table``).

Each :class:`Address` names its arguments with a type and, for numbers, a range; :func:`validate`
checks an incoming message against the table and clamps numbers into range, returning the values and
a note of anything clamped, or raising :class:`~bridge.errors.ParameterError` naming the address, the
argument and what was expected (the daemon replies with that text on ``/sidl/error``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sidl.bridge.errors import ParameterError
from sidl.bridge.live.limits import CLOCKS, MAX_BPM, MIN_BPM, MODES

PREFIX = "/sidl"
DEFAULT_HOST = "127.0.0.1"  # never all interfaces unless asked
DEFAULT_PORT = 9000


@dataclass(frozen=True)
class Arg:
    name: str
    kind: str  # "int", "float", "str"
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    doc: str = ""

    def check(self, address: str, value: Any) -> tuple[Any, bool]:
        """(value in range, was it clamped)."""
        if self.kind == "str":
            if not isinstance(value, str):
                raise ParameterError(f"{address}: {self.name} must be a string, got {value!r}")
            if self.choices and value not in self.choices:
                raise ParameterError(f"{address}: {self.name} must be one of {', '.join(self.choices)}, got {value!r}")
            return value, False
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise ParameterError(f"{address}: {self.name} must be a number, got {value!r}")
        number = int(round(value)) if self.kind == "int" else float(value)
        clamped = number
        if self.low is not None and clamped < self.low:
            clamped = type(number)(self.low)
        if self.high is not None and clamped > self.high:
            clamped = type(number)(self.high)
        return clamped, clamped != number

    def describe(self) -> str:
        if self.kind == "str":
            return f"{self.name} (string{': ' + ' / '.join(self.choices) if self.choices else ''})"
        fmt = (lambda v: f"{int(v)}") if self.kind == "int" else (lambda v: f"{v:g}")
        bounds = f" {fmt(self.low)}..{fmt(self.high)}" if self.low is not None and self.high is not None else ""
        return f"{self.name} ({self.kind}{bounds})"


@dataclass(frozen=True)
class Address:
    path: str
    args: tuple[Arg, ...] = ()
    doc: str = ""
    direction: str = "in"  # "in": client → bridge; "out": bridge → client (feedback)
    variadic: bool = field(default=False)  # the last argument repeats (e.g. a list of atoms)
    # a control a performer reaches for during a set: every client panel (Max, Max for Live, Pd, the
    # control-surface layout) must expose it, which tests/clients/test_contract.py checks
    performer: bool = False


_ATOM = Arg("atom", "int", 0, 4095, doc="atom index")
_BPM = Arg("bpm", "float", MIN_BPM, MAX_BPM)  # a performer's tempo is clamped into range, not refused
TABLE: tuple[Address, ...] = (
    Address(f"{PREFIX}/mode", (Arg("mode", "str", choices=MODES),), "switch mode at the next bar boundary", performer=True),
    Address(f"{PREFIX}/denoise", (Arg("amount", "float", 0.0, 1.0),), "denoise amount, the scale of `sidl denoise`: 0 = as played, 1 = strongest (loop: the window is cleaned before coding; filter: the gate's strength)", performer=True),
    Address(f"{PREFIX}/feel", (Arg("amount", "float", 0.0, 1.0),),
            "loop mode, feel: dictionary (0) ⟷ player (1): how much of the played bar the code does not explain "
            "is kept (1 = as played, with the player's velocity and timing)", performer=True),
    Address(f"{PREFIX}/morph", (Arg("t", "float", 0.0, 1.0),), "morph from the live input (0) to the selected scene (1)", performer=True),
    Address(f"{PREFIX}/scene/store", (Arg("slot", "int", 0, 15),), "store the current code in a scene slot", performer=True),
    Address(f"{PREFIX}/scene/recall", (Arg("slot", "int", 0, 15),), "play a stored scene (next bar)", performer=True),
    Address(f"{PREFIX}/scene/select", (Arg("slot", "int", 0, 15),), "the scene /morph moves toward", performer=True),
    Address(f"{PREFIX}/atom/mute", (_ATOM, Arg("on", "int", 0, 1)), "mute (1) or unmute (0) an atom", performer=True),
    Address(f"{PREFIX}/atom/solo", (_ATOM, Arg("on", "int", 0, 1)), "solo (1) or unsolo (0) an atom", performer=True),
    Address(f"{PREFIX}/atom/gain", (_ATOM, Arg("gain", "float", 0.0, 4.0)), "scale an atom's activations", performer=True),
    Address(f"{PREFIX}/atom/reset", (), "clear every mute, solo and gain", performer=True),
    Address(f"{PREFIX}/temperature", (Arg("t", "float", 0.05, 5.0),), "generate mode: sampling temperature", performer=True),
    Address(f"{PREFIX}/seed", (Arg("seed", "int", 0, 2**31 - 1),), "generate mode: random seed", performer=True),
    Address(f"{PREFIX}/model", (Arg("name_or_path", "str"),), "hot-swap the model at a bar boundary (old one kept on failure)", performer=True),
    Address(f"{PREFIX}/clock", (Arg("source", "str", choices=CLOCKS),), "switch the clock source (what sounds is released; an internal clock carries the bar count on)",
            performer=True),
    Address(f"{PREFIX}/tempo", (_BPM,), "internal clock tempo", performer=True),
    Address(f"{PREFIX}/host/transport", (Arg("playing", "int", 0, 1), _BPM,
                                         Arg("beat", "float", 0.0, 1e9)),
            "host clock: Live's transport state, tempo and song position in beats (from the Max for Live device)"),
    Address(f"{PREFIX}/panic", (), "note-off for every sounding note, then CC64=0 and CC123", performer=True),
    Address(f"{PREFIX}/register", (Arg("port", "int", 1, 65535),), "send feedback to the sender's host on this port"),
    Address(f"{PREFIX}/query", (), "reply with the whole state on /sidl/state"),
    # feedback, bridge → client
    Address(f"{PREFIX}/state", (Arg("json", "str"),), "the whole state as JSON (reply to /query)", "out"),
    Address(f"{PREFIX}/bar", (Arg("bar", "int", 0, 1e9), Arg("step", "int", 0, 63)), "current bar and step", "out"),
    Address(f"{PREFIX}/tempo/now", (_BPM, Arg("source", "str", choices=CLOCKS)),
            "tempo in use and its source", "out"),
    Address(f"{PREFIX}/activity", (Arg("level", "float", 0.0, 1e9),),
            "per-bar atom activity vector (one float per atom, normalised to the bar's strongest)", "out", variadic=True),
    Address(f"{PREFIX}/stats", (Arg("process_us", "float", 0.0, 1e9), Arg("late_events", "int", 0, 1e9)),
            "last step's processing time and the count of late events", "out"),
    Address(f"{PREFIX}/error", (Arg("message", "str"),), "why the last message was refused or clamped", "out"),
)

BY_PATH = {a.path: a for a in TABLE}


def validate(path: str, args: Sequence[Any]) -> tuple[list[Any], list[str]]:
    """Check an incoming message; returns (values clamped into range, notes on what was clamped)."""
    address = BY_PATH.get(path)
    if address is None or address.direction != "in":
        raise ParameterError(f"unknown address {path!r}; see docs/osc.md for the table")
    expected = address.args
    if address.variadic:
        ok = len(args) >= len(expected)
    else:
        ok = len(args) == len(expected)
    if not ok:
        wanted = ", ".join(a.describe() for a in expected) or "no arguments"
        raise ParameterError(f"{path} takes {wanted}; got {len(args)} argument(s)")
    values, notes = [], []
    for i, value in enumerate(args):
        arg = expected[min(i, len(expected) - 1)]
        checked, clamped = arg.check(path, value)
        if clamped:
            notes.append(f"{path}: {arg.name} {value!r} clamped to {checked!r}")
        values.append(checked)
    return values, notes


def markdown() -> str:
    """``docs/osc.md``: the table as a document."""
    lines = ["# sidl OSC address table", "",
             "Generated from `bridge/live/osc_table.py` (`python -m sidl.bridge.live.osc_table > docs/osc.md`); "
             f"do not edit by hand. The bridge listens on UDP {DEFAULT_HOST}:{DEFAULT_PORT} by default. Numbers out of range "
             "are clamped and reported on `/sidl/error`; malformed messages are refused with a reason there.", ""]
    for direction, title in (("in", "Client → bridge"), ("out", "Bridge → client (feedback)")):
        performer = direction == "in"
        lines += [f"## {title}", "", "| address | arguments | what it does |" + (" performer control |" if performer else ""),
                  "|---|---|---|" + ("---|" if performer else "")]
        for a in TABLE:
            if a.direction == direction:
                args = ", ".join(arg.describe() for arg in a.args) or "—"
                if a.variadic:
                    args += ", …"
                mark = (" yes |" if a.performer else " |") if performer else ""
                lines.append(f"| `{a.path}` | {args} | {a.doc} |{mark}")
        lines.append("")
    lines += ["A *performer control* is one every client in `max_patches/` (Max, Max for Live, Pd, the "
              "control-surface layout) exposes; `tests/clients/test_contract.py` checks it.", ""]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - documentation generator
    sys.stdout.write(markdown())
