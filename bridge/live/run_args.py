"""Command-line arguments of ``sidl run`` (argparse only: imported whenever ``sidl`` builds its parser,
so that ``sidl run --help`` never loads the daemon; the handler is :func:`sidl.bridge.live.run.run_command`)."""

from __future__ import annotations

import argparse

from sidl.bridge.live.limits import CLOCKS, DEFAULT_BPM, DEFAULT_CLOCK, DEFAULT_MODE, MAX_BPM, MIN_BPM, MODES


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
    p.add_argument("--channel", type=int, help="listen to this MIDI channel only (0-15)")
    p.add_argument("--drum-map-in", help="input drum map: gm, ableton or a .json map")
    p.add_argument("--drum-map-out", help="output drum map: gm (default), ableton or a .json map")
    p.add_argument("--provider", default="auto", choices=["auto", "cpu", "cuda"], help="onnxruntime provider")


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
    add_input_arguments(p)
    p.add_argument("--osc-host", default="127.0.0.1", help="OSC listen address (default 127.0.0.1)")
    p.add_argument("--osc-port", type=int, default=9000, help="OSC listen port (default 9000)")
    p.add_argument("--osc-allow", help="comma list of sender hosts allowed when listening beyond loopback")
    p.add_argument("--feedback", help="send per-bar feedback to HOST:PORT (clients can also /sidl/register)")
    p.add_argument("--demo", nargs="?", const="demo_out", metavar="FOLDER",
                   help="play a generated groove into the bridge (no DAW needed) and write demo-in.mid / "
                        "demo-out.mid to FOLDER (default demo_out)")
    p.add_argument("--session", help="TOML session file: ports, model, mode, maps, OSC settings and scenes (flags win)")
    p.add_argument("--save-session", help="write the session (settings and stored scenes) to this TOML file at exit")
    p.add_argument("--jack-dummy", action="store_true",
                   help="if no MIDI backend works (no sound hardware), start a JACK server with the dummy driver")
    p.add_argument("--seconds", type=float, help="stop after this many seconds (tests, demos)")
