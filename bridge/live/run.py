"""``sidl run``: the live bridge daemon (ports, clock, engine, OSC, signals), and its ``--demo``."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from sidl.bridge.codecs import get_drum_map
from sidl.bridge.engine import Engine
from sidl.bridge.errors import ParameterError
from sidl.bridge.live.clock import HostClock, InternalClock, LinkClock, MidiClock
from sidl.bridge.live.control import Controller
from sidl.bridge.live.daemon import LiveBridge
from sidl.bridge.live.osc_server import OscReceiver
from sidl.bridge.live.ports import (
    OpenPort,
    PortError,
    PortWatch,
    choose_backend,
    open_input,
    open_output,
    start_jack_dummy,
)
from sidl.bridge.live.session import SETTINGS as SESSION_SETTINGS
from sidl.bridge.live.session import load_session, save_session, scenes_from

log = logging.getLogger("sidl.live")


def build(args: argparse.Namespace) -> tuple[LiveBridge, OscReceiver, list[Any], dict[str, Any]]:
    started = time.perf_counter()
    engine = Engine.load(args.model, provider=args.provider)
    try:
        backend = choose_backend(args.backend)
    except PortError:
        if not args.jack_dummy or args.backend not in (None, "jack"):
            raise
        args.jack_process = start_jack_dummy()
        backend = choose_backend("jack")
    # source -> a new clock at a tempo (MIDI and host clocks take theirs from the DAW)
    clocks: dict[str, Callable[[float], InternalClock | MidiClock | HostClock | LinkClock]] = {
        "internal": InternalClock, "midi": lambda bpm: MidiClock(), "host": lambda bpm: HostClock(), "link": LinkClock}
    if args.clock not in clocks:
        raise ParameterError(f"clock {args.clock!r} is unknown; use internal, midi, host or link")
    clock = clocks[args.clock](args.bpm)
    out_port = open_output(backend, args.out)
    outputs = [out_port]  # the port in use: replaced when a lost named port is reopened
    drum_in = get_drum_map(args.drum_map_in) if args.drum_map_in else None
    drum_out = get_drum_map(args.drum_map_out) if args.drum_map_out else None
    demo: list[Any] = []  # the DemoFeed, when --demo: it also records what goes out

    def send(message: Any) -> None:
        outputs[0].handle.send_message(message.to_bytes())
        if demo:
            demo[0].record_output(message)

    bridge = LiveBridge(engine, send, clock=clock, input_channel=args.channel, drum_map_in=drum_in,
                        drum_map_out=drum_out)
    if args.demo:
        from sidl.bridge.live.demo import DemoFeed

        demo.append(DemoFeed(bridge))
        args.demo_feed = demo[0]
    bridge.controls.mode = bridge.mode = args.mode
    if not 0.0 <= args.denoise <= 1.0:
        raise ParameterError(f"--denoise must be within 0..1, got {args.denoise}")
    bridge.controls.denoise = args.denoise
    in_port = open_input(backend, bridge.on_midi, args.input)

    def load_model(name: str) -> None:  # runs on the OSC thread: the bar loop keeps playing meanwhile
        bridge.swap_model(Engine.load(name, provider=args.provider))

    def make_clock(source: str) -> InternalClock | MidiClock | HostClock | LinkClock:  # for /sidl/clock
        return clocks[source](min(max(float(bridge.clock.bpm), 20.0), 400.0))  # the tempo in force carries over

    controller = Controller(bridge, load_model, make_clock)
    receiver = OscReceiver(controller.handle, host=args.osc_host, port=args.osc_port,
                           allow=args.osc_allow.split(",") if args.osc_allow else None)
    controller.receiver = receiver
    receiver.reply_targets = controller.reply_targets
    if args.feedback:
        host, _, port = args.feedback.rpartition(":")
        controller.clients.add((host or "127.0.0.1", int(port)))
    ready = {"model": engine.describe(), "backend": backend, "input": in_port.name, "output": out_port.name,
             "clock": clock.source, "bpm": clock.bpm, "osc": "udp://%s:%d" % receiver.address,
             "ready_seconds": round(time.perf_counter() - started, 3)}
    def reopen_out() -> OpenPort:
        outputs[0] = open_output(backend, args.out)
        return outputs[0]

    watches = [PortWatch(out_port, args.out, reopen_out, on_lost=bridge.panic),
               PortWatch(in_port, args.input, lambda: open_input(backend, bridge.on_midi, args.input))]
    args.port_watches = watches
    return bridge, receiver, [in_port, out_port], ready


def apply_session(args: argparse.Namespace, defaults: dict[str, Any]) -> dict[str, Any] | None:
    """Settings from ``--session`` where no flag was given (a flag differing from its default wins)."""
    if not args.session:
        return None
    session = load_session(args.session)
    for key, value in session["settings"].items():
        if getattr(args, key, None) == defaults.get(key):
            setattr(args, key, value)
    return session


def serve(args: argparse.Namespace, announce: Callable[[str, dict[str, Any]], None],
          defaults: dict[str, Any] | None = None) -> int:
    """Run until SIGINT/SIGTERM/SIGHUP (or ``--seconds``); every sounding note is released on exit."""
    session = apply_session(args, defaults or {})
    bridge, receiver, ports, ready = build(args)
    if session is not None:
        columns = bridge.engine.geometry.code_length(bridge.engine.info.steps_per_bar)
        bridge.scenes.update(scenes_from(session, bridge.engine.info.atoms, columns, bridge.engine.info.weights_sha256))
        ready["session"] = {"file": str(args.session), "scenes": sorted(bridge.scenes)}
    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        log.info("signal %d: stopping", signum)
        stop.set()
        bridge._stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None:
            signal.signal(sig, on_signal)
    receiver.start()
    if isinstance(bridge.clock, InternalClock):
        bridge.clock.start()
    ready["bpm"] = bridge.clock.bpm
    announce("ready", ready)
    worker = threading.Thread(target=bridge.run, name="sidl-bars", daemon=True)
    worker.start()
    feed = getattr(args, "demo_feed", None)
    demo_files: list[str] = []
    if feed is not None:
        feed.start()
    try:
        deadline = time.monotonic() + args.seconds if args.seconds else None
        next_check = time.monotonic()
        while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
            stop.wait(0.05)
            if time.monotonic() >= next_check:  # named ports: notice loss, reconnect on return
                next_check = time.monotonic() + 0.5
                for watch in getattr(args, "port_watches", []):
                    change = watch.check()
                    if change:
                        announce("port", {"port": watch.wanted, "state": change})
    finally:
        if feed is not None:
            feed.stop()
        bridge.stop()  # panic through the ledger: every note-on gets its note-off
        if feed is not None:
            demo_files = [str(p) for p in feed.write(args.demo)]
        worker.join(timeout=2.0)
        receiver.stop()
        current = [w.current for w in getattr(args, "port_watches", []) if w.current is not None]
        for p in current or ports:
            try:
                p.handle.close_port()
            except Exception:  # closing a lost port must not hide the rest of the shutdown
                log.debug("closing %s failed", p.name)
        if args.save_session:
            settings = {k: getattr(args, k, None) for k in SESSION_SETTINGS}
            settings.update(mode=bridge.controls.mode, denoise=bridge.controls.denoise)
            save_session(args.save_session, settings, bridge.scenes, bridge.engine.info.weights_sha256)
            log.info("session saved to %s", args.save_session)
        jack = getattr(args, "jack_process", None)
        if jack is not None:
            jack.terminate()
            try:
                jack.wait(timeout=3)
            except Exception:  # jackd can linger on departing clients
                jack.kill()
    if demo_files:
        announce("demo", {"files": demo_files})
    return 0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default="drums", help="bundled model or exported model folder (default drums)")
    p.add_argument("--mode", default="loop", choices=["loop", "filter", "generate"], help="live mode (default loop)")
    p.add_argument("--denoise", type=float, default=0.0, help="denoise amount 0..1 (filter mode: gate strength)")
    p.add_argument("--clock", default="internal", choices=["internal", "midi", "host", "link"],
                   help="clock source: internal, midi (DAW MIDI clock), host (transport over OSC /sidl/host/transport) "
                        "or link (Ableton Link, needs sidl[link])")
    p.add_argument("--bpm", type=float, default=120.0, help="internal clock tempo (default 120)")
    p.add_argument("--backend", choices=["alsa", "jack", "coremidi", "winmm"], help="MIDI backend (default: ALSA, else JACK)")
    p.add_argument("--in", dest="input", help="connect to this input port (name or substring) instead of a virtual 'sidl in'")
    p.add_argument("--out", help="connect to this output port instead of a virtual 'sidl out'")
    p.add_argument("--channel", type=int, help="listen to this MIDI channel only (0-15)")
    p.add_argument("--drum-map-in", help="input drum map: gm, ableton or a .json map")
    p.add_argument("--drum-map-out", help="output drum map: gm (default), ableton or a .json map")
    p.add_argument("--provider", default="auto", choices=["auto", "cpu", "cuda"], help="onnxruntime provider")
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


def run_command(args: argparse.Namespace) -> int:
    import json
    import sys

    def announce(kind: str, payload: dict[str, Any]) -> None:
        print(f"sidl: {kind} " + json.dumps(payload), flush=True)
        sys.stdout.flush()

    defaults = vars(_defaults())
    return serve(args, announce, defaults)


def _defaults() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args([])
