"""Command-line arguments of ``sidl run`` (argparse only: imported whenever ``sidl`` builds its parser,
so that ``sidl run --help`` never loads the daemon; the handler is :func:`sidl.bridge.live.run.run_command`).

Values a typo can get wrong (a channel, an OSC port, host or allowlist, a feedback address) are checked
here, by argparse ``type=`` functions, so a bad one is one line naming it and exit 2 before any model or
port is opened; the OSC checks are the receiver's own (:mod:`sidl.bridge.live.osc_server`), imported
only when such a flag is given.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeVar

from sidl.bridge.errors import ParameterError
from sidl.bridge.live.limits import CLOCKS, DEFAULT_BPM, DEFAULT_CLOCK, DEFAULT_MODE, MAX_BPM, MIN_BPM, MODES
from sidl.bridge.live.ports import DEFAULT_NAME

T = TypeVar("T")

MIDI_CHANNELS = 16  # numbered 1..16 for people (as on instruments and in DAWs), 0..15 in MIDI bytes
DRUM_CHANNEL = 10  # General MIDI's percussion channel, as people count


def channel_index(number: object, what: str = "--channel") -> int:
    """A MIDI channel as people count it (1..16) as the 0-based number MIDI bytes carry: the one
    place the two numberings meet (flags and session files count from 1)."""
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= MIDI_CHANNELS:
        raise ParameterError(f"{what + ': ' if what else ''}MIDI channels are numbered 1..{MIDI_CHANNELS} "
                             f"({DRUM_CHANNEL} is the drum channel), got {number!r}")
    return number - 1


def channel_number(index: int | None) -> int | None:
    """The 0-based channel back as people count it (what a session file stores)."""
    return None if index is None else index + 1


def _argument(check: object) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(str(check))


def _checked(check: Callable[..., T], *args: object) -> T:
    """``check(*args)``, its :class:`ParameterError` turned into argparse's one-line refusal."""
    try:
        return check(*args)
    except ParameterError as exc:
        raise _argument(exc) from None


def _whole_number(text: str, check: Callable[[object, str], int], what: str) -> int:
    """``text`` read as an integer (left as text if it is not one, for ``check`` to name) and checked."""
    try:
        number: object = int(text)
    except ValueError:
        number = text
    return _checked(check, number, what)


def bridge_name(text: str) -> str:
    """``--name NAME``: the bridge's ports are "NAME in" and "NAME out"."""
    from sidl.bridge.live.ports import check_name

    return _checked(check_name, text)


def midi_channel(text: str) -> int:
    """``--channel N`` (1..16) → the 0-based channel the input decoder filters on."""
    return _whole_number(text, channel_index, "")


def osc_port(text: str) -> int:
    from sidl.bridge.live.osc_server import check_port

    return _whole_number(text, check_port, "OSC port")


def osc_host(text: str) -> str:
    """An address or a name this machine resolves (kept as given: the receiver resolves it again)."""
    from sidl.bridge.live.osc_server import resolve_host

    _checked(resolve_host, text, "OSC host")
    return text.strip()


def osc_allow(text: str) -> str:
    """A comma list of sender hosts, each an address or a name this machine resolves."""
    from sidl.bridge.live.osc_server import resolve_host

    hosts = [h.strip() for h in text.split(",")]
    if not all(hosts):
        raise argparse.ArgumentTypeError(f"a comma list of sender hosts (e.g. 192.168.1.20,192.168.1.21), got {text!r}")
    for host in hosts:
        _checked(resolve_host, host, "allowed OSC host")
    return ",".join(hosts)


def feedback_target(text: str) -> str:
    """``HOST:PORT`` (or ``PORT``, on this machine) to send per-bar feedback to."""
    from sidl.bridge.live.osc_server import parse_target

    _checked(parse_target, text, "feedback address")
    return text.strip()


def add_model_arguments(p: argparse.ArgumentParser) -> None:
    """--model, --mode, --denoise, --feel: shared with ``sidl replay``, which runs the same bridge offline."""
    p.add_argument("--model", default="drums", help="bundled model or exported model folder (default drums)")
    p.add_argument("--mode", default=DEFAULT_MODE, choices=MODES, help=f"live mode (default {DEFAULT_MODE})")
    p.add_argument("--denoise", type=float, default=None,
                   help="denoise amount 0..1 (filter mode: gate strength; default: the model's tuned amount, as sidl denoise)")
    p.add_argument("--feel", type=float, default=1.0,
                   help="loop mode, dictionary (0) to player (1): how much of the played bar the code does not explain "
                        "is kept (default 1: as played, only what a control changes differs)")


def add_input_arguments(p: argparse.ArgumentParser) -> None:
    """--channel, --drum-map-in/out, --provider: shared with ``sidl replay``."""
    p.add_argument("--channel", type=midi_channel, metavar="1-16",
                   help=f"listen to this MIDI channel only, numbered 1..{MIDI_CHANNELS} as on instruments and in DAWs "
                        f"({DRUM_CHANNEL} is the General MIDI drum channel; default: every channel)")
    p.add_argument("--drum-map-in", help="input drum map: gm, ableton or a .json map")
    p.add_argument("--drum-map-out", help="output drum map: gm (default), ableton or a .json map")
    p.add_argument("--provider", default="auto", choices=["auto", "cpu", "cuda"],
                   help="where the model runs: auto (CUDA where usable, else CPU with one line saying why; the "
                        "default), cpu, or cuda (an error where CUDA cannot run)")


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_model_arguments(p)
    p.add_argument("--clock", default=DEFAULT_CLOCK, choices=CLOCKS,
                   help="clock source: internal, midi (DAW MIDI clock), host (transport over OSC /sidl/host/transport) "
                        "or link (Ableton Link, needs sidl[link])")
    p.add_argument("--bpm", type=float, default=DEFAULT_BPM,
                   help=f"internal clock tempo, {MIN_BPM:g}..{MAX_BPM:g} (default {DEFAULT_BPM:g})")
    p.add_argument("--backend", choices=["alsa", "jack", "coremidi", "winmm"], help="MIDI backend (default: ALSA, else JACK)")
    p.add_argument("--in", dest="input", help="connect to this input port (name or substring) instead of a virtual 'sidl in'")
    p.add_argument("--out", help="connect to this output port instead of a virtual 'sidl out'")
    p.add_argument("--name", type=bridge_name, default=DEFAULT_NAME, metavar="NAME",
                   help=f"name the virtual ports 'NAME in' and 'NAME out' (default {DEFAULT_NAME}): two bridges on "
                   "one machine")
    add_input_arguments(p)
    p.add_argument("--osc-host", type=osc_host, default="127.0.0.1", help="OSC listen address (default 127.0.0.1)")
    p.add_argument("--osc-port", type=osc_port, default=9000, help="OSC listen port, 0..65535 (default 9000)")
    p.add_argument("--osc-allow", type=osc_allow,
                   help="comma list of sender hosts allowed when listening beyond loopback")
    p.add_argument("--feedback", type=feedback_target, metavar="HOST:PORT",
                   help="send per-bar feedback to HOST:PORT (clients can also /sidl/register)")
    p.add_argument("--demo", nargs="?", const="demo_out", metavar="FOLDER",
                   help="play a generated groove into the bridge (no DAW needed) and write demo-in.mid / "
                        "demo-out.mid to FOLDER (default demo_out)")
    p.add_argument("--idle-demo", nargs="?", const="demo_out", metavar="FOLDER",
                   help="as --demo, but the groove stops as soon as anything else plays into the bridge's input "
                        "(what `make run` starts with)")
    p.add_argument("--model-process", choices=["worker", "inline"], default="worker",
                   help="worker (default): the model runs in a child process, so its crash silences at once and it "
                        "restarts; inline: in the bridge's own process (debugging, benchmarks)")
    p.add_argument("--model-timeout", type=float, default=2.0, metavar="SECONDS",
                   help="a model call longer than this is a hung worker: it is killed and restarted (default 2)")
    p.add_argument("--no-realtime", dest="realtime", action="store_false",
                   help="keep the note-sending and bar threads at normal priority (by default they ask for real-time "
                        "priority, SCHED_FIFO, where the system allows it, as audio programs do)")
    p.add_argument("--json", action="store_true",
                   help="machine-readable output: one 'sidl: KIND {json}' line per event (ready, port, backend, demo, "
                        "stopped) and no status line")
    p.add_argument("--quiet", action="store_true", help="no status line per bar")
    p.add_argument("--session", help="TOML session file: ports, model, mode, maps, OSC settings and scenes (flags win)")
    p.add_argument("--save-session", help="write the session (settings and stored scenes) to this TOML file at exit")
    p.add_argument("--jack-dummy", action="store_true",
                   help="if no MIDI backend works (no sound hardware), start a JACK server with the dummy driver")
    p.add_argument("--seconds", type=float, help="stop after this many seconds (tests, demos)")
