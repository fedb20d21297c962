"""The OSC address table: the single source of truth for every client (Max, Max for Live, Pd,
control surfaces) and for ``docs/osc.md``, which is generated from it (``python -m sidl.bridge.live.osc_table``).

Each :class:`Address` names its arguments with a type and, for numbers, a range; :func:`validate`
checks an incoming message against the table and clamps numbers into range, returning the values and
a note of anything clamped, or raising :class:`~bridge.errors.ParameterError` naming the address, the
argument and what was expected (the daemon replies with that text on ``/sidl/error``). An index (an
atom number) is never clamped or rounded: a value that names nothing is refused.

The limits of the OSC side live here too (the receiver, the controller and ``docs/osc.md`` read them).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sidl.bridge.errors import ParameterError
from sidl.bridge.limits import MAX_MODEL_ATOMS
from sidl.bridge.live.limits import CLOCKS, MAX_BPM, MIN_BPM, MODES

PREFIX = "/sidl"
DEFAULT_HOST = "127.0.0.1"  # never all interfaces unless asked
DEFAULT_PORT = 9000

# ---------------------------------------------------------------------------- limits of the OSC side
# Every datagram in or out is at most 8,192 bytes: python-osc's own UDP server (what many clients run)
# reads 8,192 bytes per datagram (socketserver.UDPServer.max_packet_size) and truncates the rest, and
# larger datagrams fragment on real networks. Replies are built to fit (the state is summarised, the
# atom edits and activity are paged), and anything that still would not fit is not sent, but counted.
MAX_DATAGRAM = 8192
MAX_REPLY = 8192
MAX_BUNDLE_DEPTH = 4
# Type tags the bridge reads; any other is refused before parsing (python-osc logs one warning per
# unknown tag on the root logger: 5,000 crafted datagrams gave 59,602 log lines).
TYPE_TAGS = "ihfdsTF"
# Feedback registrations (/sidl/register): at most this many ports per sender host (a host's oldest
# registration is dropped for its newest) and in all (a new host is refused when full), so feedback
# per bar is bounded: MAX_CLIENTS × (steps per bar + FEEDBACK_PER_BAR) datagrams at most.
MAX_CLIENTS_PER_HOST = 16
MAX_CLIENTS = 64
FEEDBACK_PER_BAR = 4  # /sidl/activity (+ /sidl/activity/more pages), /sidl/stats, /sidl/tempo/now
# Replies (/sidl/error, /sidl/state, /sidl/atoms) answered per sender per second; more are counted,
# not answered (a flood of queries or bad messages must not turn the bridge into an amplifier).
REPLIES_PER_SECOND = 50
MAX_SENDERS = 256  # senders whose reply budget is remembered (least recently heard forgotten first)
# The control thread's share of one core (the rest is the timing threads'): beyond it, it sleeps and
# datagrams wait in the socket's buffer; CONTROL_BURST_S of work may come at once.
CONTROL_DUTY = 0.25
CONTROL_BURST_S = 0.02
# /sidl/state lists at most STATE_LISTED atoms per kind of edit (mute, solo, gain), lowest numbers
# first, with the counts; /sidl/atoms/query pages through all of them, ATOMS_PER_PAGE atoms a page.
STATE_LISTED = 64
ATOMS_PER_PAGE = 256
ACTIVITY_PER_MESSAGE = 1024  # /sidl/activity carries atoms 0..1023; /sidl/activity/more the rest
# Rejected datagrams: the first LOG_FIRST are logged each, then one summary line per LOG_EVERY_S.
LOG_FIRST = 5
LOG_EVERY_S = 1.0


@dataclass(frozen=True)
class Arg:
    name: str
    kind: str  # "int", "float", "str"
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    doc: str = ""
    clamp: bool = True  # False: out of range is refused (an index must name something that exists)
    flag: bool = False  # an on/off: the OSC booleans T and F are read as 1 and 0

    def check(self, address: str, value: Any) -> tuple[Any, bool]:
        """(value in range, was it clamped)."""
        if self.kind == "str":
            if not isinstance(value, str):
                raise ParameterError(f"{address}: {self.name} must be a string, got {value!r}")
            if self.choices and value not in self.choices:
                raise ParameterError(f"{address}: {self.name} must be one of {', '.join(self.choices)}, got {value!r}")
            return value, False
        if isinstance(value, bool):
            if not self.flag:
                raise ParameterError(f"{address}: {self.name} must be a number, got {value!r}")
            return int(value), False
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ParameterError(f"{address}: {self.name} must be a {'whole ' if self.kind == 'int' else ''}number, "
                                 f"got {value!r}")
        number: int | float
        if self.kind == "int":
            if value != int(value):  # a whole number sent as a float (Pd sends floats) is fine; 5.7 is not
                raise ParameterError(f"{address}: {self.name} must be a whole number, got {value!r}")
            number = int(value)
        else:
            number = float(value)
        clamped = number
        if self.low is not None and clamped < self.low:
            clamped = type(number)(self.low)
        if self.high is not None and clamped > self.high:
            clamped = type(number)(self.high)
        if clamped != number and not self.clamp:
            raise ParameterError(f"{address}: {self.name} must be within {self._bounds()}, got {value!r}")
        return clamped, clamped != number

    def _bounds(self) -> str:
        fmt = (lambda v: f"{int(v)}") if self.kind == "int" else (lambda v: f"{v:g}")
        return f"{fmt(self.low)}..{fmt(self.high)}" if self.low is not None and self.high is not None else ""

    def describe(self) -> str:
        if self.kind == "str":
            return f"{self.name} (string{': ' + ' / '.join(self.choices) if self.choices else ''})"
        bounds = f" {self._bounds()}" if self._bounds() else ""
        extra = " or T/F" if self.flag else ""
        extra += f"; {self.doc}" if self.doc else ""
        return f"{self.name} ({self.kind}{bounds}{extra})"


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


_ATOM = Arg("atom", "int", 0, MAX_MODEL_ATOMS - 1, doc="refused unless below the atoms of the model in use", clamp=False)
_ON = Arg("on", "int", 0, 1, flag=True)
_SLOT = Arg("slot", "int", 0, 15, clamp=False)
_BPM = Arg("bpm", "float", MIN_BPM, MAX_BPM)  # a performer's tempo is clamped into range, not refused
TABLE: tuple[Address, ...] = (
    Address(f"{PREFIX}/mode", (Arg("mode", "str", choices=MODES),), "switch mode at the next bar boundary", performer=True),
    Address(f"{PREFIX}/denoise", (Arg("amount", "float", 0.0, 1.0),), "denoise amount, the scale of `sidl denoise`: 0 = as played, 1 = strongest (loop: the window is cleaned before coding; filter: the gate's strength)", performer=True),
    Address(f"{PREFIX}/feel", (Arg("amount", "float", 0.0, 1.0),),
            "loop mode, feel: dictionary (0) ⟷ player (1): how much of the played bar the code does not explain "
            "is kept (1 = as played, with the player's velocity and timing)", performer=True),
    Address(f"{PREFIX}/morph", (Arg("t", "float", 0.0, 1.0),), "morph from the live input (0) to the selected scene (1)", performer=True),
    Address(f"{PREFIX}/scene/store", (_SLOT,), "store the current code in a scene slot", performer=True),
    Address(f"{PREFIX}/scene/recall", (_SLOT,), "play a stored scene (next bar)", performer=True),
    Address(f"{PREFIX}/scene/select", (_SLOT,), "the scene /morph moves toward", performer=True),
    Address(f"{PREFIX}/atom/mute", (_ATOM, _ON), "mute (1) or unmute (0) an atom", performer=True),
    Address(f"{PREFIX}/atom/solo", (_ATOM, _ON), "solo (1) or unsolo (0) an atom", performer=True),
    Address(f"{PREFIX}/atom/gain", (_ATOM, Arg("gain", "float", 0.0, 4.0)), "scale an atom's activations", performer=True),
    Address(f"{PREFIX}/atom/reset", (), "clear every mute, solo and gain", performer=True),
    Address(f"{PREFIX}/temperature", (Arg("t", "float", 0.05, 5.0),), "generate mode: sampling temperature", performer=True),
    Address(f"{PREFIX}/seed", (Arg("seed", "int", 0, 2**31 - 1),), "generate mode: random seed", performer=True),
    Address(f"{PREFIX}/model", (Arg("name_or_path", "str"),),
            "hot-swap the model at a bar boundary: loaded in the background (controls and /sidl/panic are answered "
            "meanwhile; a second load is refused until it ends), then answered with /sidl/state (`model_pending`: it "
            "plays from the next bar, when every registered client gets /sidl/state again) or /sidl/error with the "
            "reason (the old model plays on)", performer=True),
    Address(f"{PREFIX}/clock", (Arg("source", "str", choices=CLOCKS),), "switch the clock source (what sounds is released; an internal clock carries the bar count on)",
            performer=True),
    Address(f"{PREFIX}/tempo", (_BPM,), "internal clock tempo", performer=True),
    Address(f"{PREFIX}/host/transport", (Arg("playing", "int", 0, 1, flag=True), _BPM,
                                         Arg("beat", "float", 0.0, 1e9)),
            "host clock: Live's transport state, tempo and song position in beats (from the Max for Live device)"),
    Address(f"{PREFIX}/panic", (), "note-off for every sounding note, then CC64=0 and CC123", performer=True),
    Address(f"{PREFIX}/register", (Arg("port", "int", 1, 65535, clamp=False),),
            f"send feedback to the sender's host on this port (at most {MAX_CLIENTS_PER_HOST} per host: the host's oldest "
            f"is dropped for a new one; {MAX_CLIENTS} in all: then refused; never the bridge's own port)"),
    Address(f"{PREFIX}/unregister", (Arg("port", "int", 1, 65535, clamp=False),),
            "stop sending feedback to the sender's host on this port"),
    Address(f"{PREFIX}/query", (), "reply with the state on /sidl/state (atom edits summarised: see below)"),
    Address(f"{PREFIX}/atoms/query", (Arg("page", "int", 0, MAX_MODEL_ATOMS // ATOMS_PER_PAGE - 1, clamp=False),),
            f"reply with the atom edits of atoms page×{ATOMS_PER_PAGE} .. page×{ATOMS_PER_PAGE}+{ATOMS_PER_PAGE - 1} "
            "on /sidl/atoms (the state says how many pages)"),
    # feedback, bridge → client
    Address(f"{PREFIX}/state", (Arg("json", "str"),), "the state as JSON (keys below): the reply to /query and /model, and pushed to every registered "
            "client when the model, the mode or the clock in force changes, and with the next bar's report when a "
            "control or the scenes changed (at most once a bar)", "out"),
    Address(f"{PREFIX}/atoms", (Arg("json", "str"),),
            'one page of atom edits as JSON (reply to /atoms/query): {"page", "pages", "first", "last", '
            '"mute": [atoms], "solo": [atoms], "gain": {"atom": gain}}', "out"),
    Address(f"{PREFIX}/bar", (Arg("bar", "int", 0, 1e9), Arg("step", "int", 0, 255)),
            "the clock's bar and step (0 .. steps per bar − 1), sent at every step", "out"),
    Address(f"{PREFIX}/tempo/now", (_BPM, Arg("source", "str", choices=CLOCKS)),
            "tempo in use and its source", "out"),
    Address(f"{PREFIX}/activity", (Arg("level", "float", 0.0, 1e9),),
            f"per-bar atom activity vector (one float per atom, normalised to the bar's strongest; atoms "
            f"0..{ACTIVITY_PER_MESSAGE - 1}, the rest on /sidl/activity/more)", "out", variadic=True),
    Address(f"{PREFIX}/activity/more", (Arg("first", "int", 0, MAX_MODEL_ATOMS - 1), Arg("level", "float", 0.0, 1e9)),
            f"the activity of atoms first, first+1, … (models of more than {ACTIVITY_PER_MESSAGE} atoms; "
            f"{ACTIVITY_PER_MESSAGE} a message)", "out", variadic=True),
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


STATE_KEYS: tuple[tuple[str, str], ...] = (
    ("mode", "the mode in force (`requested_mode`: the one asked for, applied at the next bar)"),
    ("denoise, feel, morph, temperature, seed", "the controls of the same names"),
    ("scene, scenes", "the scene /morph moves toward (or null) and the stored slots"),
    ("bpm, clock", "the tempo in use and the clock source"),
    ("model", "the model playing: name, version, codec, atoms, k, atoms_per_bar, coder, providers, window_bars, "
              "steps_per_bar"),
    ("model_loading", "the model /sidl/model is loading, or null"),
    ("model_pending", "the model loaded by /sidl/model that plays from the next bar, or null"),
    ("mute, solo", f"the muted / soloed atoms, the {STATE_LISTED} lowest numbers at most"),
    ("gain", f'{{"atom": gain}} of the {STATE_LISTED} lowest atoms with a gain at most (gains to 4 decimals)'),
    ("atom_edits", '{"mute", "solo", "gain": how many in all, "listed": at most how many are listed above, '
                   '"complete": whether they all are, "pages", "page_atoms": for /sidl/atoms/query}'),
    ("late_events, lateness_ms", "notes sent later than 2 ms, and the lateness p50/p99/max/count (ms) of the "
                                 "last 5,000 sends"),
)

LIMITS: tuple[tuple[str, object, str], ...] = (
    ("datagram in", f"{MAX_DATAGRAM} bytes", "larger ones are refused and counted"),
    ("datagram out", f"{MAX_REPLY} bytes", "every reply and feedback message fits (python-osc servers read 8,192 "
                                          "bytes a datagram); one that would not is counted, not sent"),
    ("bundle depth", MAX_BUNDLE_DEPTH, "time tags are ignored: a bundle applies at once"),
    ("type tags read", " ".join(TYPE_TAGS), "a message with any other is refused"),
    ("registrations per host", MAX_CLIENTS_PER_HOST, "a host's oldest is dropped for its newest (reported on /sidl/error)"),
    ("registrations in all", MAX_CLIENTS, "a new host's is refused on /sidl/error"),
    ("replies per sender", f"{REPLIES_PER_SECOND} per second", "errors and query answers beyond it are counted, "
                                                                "not sent"),
    ("senders remembered", MAX_SENDERS, "for the reply budget; the least recently heard is forgotten first"),
    ("control thread", f"{CONTROL_DUTY:.0%} of a core", f"beyond it (after a {CONTROL_BURST_S * 1000:g} ms burst) it "
                                                       "sleeps and datagrams wait in the socket: notes first"),
    ("atoms listed in /sidl/state", STATE_LISTED, "per kind of edit, with the counts"),
    ("atoms per /sidl/atoms page", ATOMS_PER_PAGE, ""),
    ("activity per message", ACTIVITY_PER_MESSAGE, "atoms; the rest on /sidl/activity/more"),
    ("rejections logged", f"{LOG_FIRST}, then one line per {LOG_EVERY_S:g} s", "with the count"),
)


def markdown() -> str:
    """``docs/osc.md``: the table as a document."""
    lines = ["# sidl OSC address table", "",
             "Generated from `bridge/live/osc_table.py` (`python -m sidl.bridge.live.osc_table > docs/osc.md`); "
             f"do not edit by hand. The bridge listens on UDP {DEFAULT_HOST}:{DEFAULT_PORT} by default. Numbers out of range "
             "are clamped and reported on `/sidl/error`; an atom number, a scene slot or a port is never clamped "
             "or rounded: out of range (an atom beyond the model in use) or not a whole number, it is refused there. "
             "On/off arguments take 0/1 or the OSC booleans T/F. Malformed messages are refused with a reason "
             "on `/sidl/error`.", ""]
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
              "control-surface layout) exposes; `tests/clients/test_contract.py` checks it.", "",
              "## `/sidl/state`", "",
              f"One JSON object that always fits one datagram ({MAX_REPLY} bytes): the atom edits are summarised "
              "(counts, and the lowest atom numbers), never silently cut. When `atom_edits.complete` is false, "
              "`/sidl/atoms/query` with pages 0 .. `atom_edits.pages` − 1 returns every edit.", "",
              "| key | what |", "|---|---|"]
    lines += [f"| `{', '.join(f'{k}' for k in key.split(', '))}` | {what} |" for key, what in STATE_KEYS]
    lines += ["", "## Limits", "", "| what | limit | beyond it |", "|---|---|---|"]
    lines += [f"| {what} | {value} | {beyond} |" for what, value, beyond in LIMITS]
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - documentation generator
    sys.stdout.write(markdown())
