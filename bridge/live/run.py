"""``sidl run``: the live bridge daemon (ports, clock, engine, OSC, signals), and its ``--demo``.

Start-up builds one :class:`LiveRuntime` — every object the session owns, wired explicitly — and
:func:`serve` runs and shuts down exactly what it holds. All live parts share one time base (``now``).
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from sidl.bridge.codecs import get_drum_map
from sidl.bridge.engine import Engine
from sidl.bridge.errors import ParameterError
from sidl.bridge.live.clock import InternalClock, new_clock
from sidl.bridge.live.control import Controller
from sidl.bridge.live.daemon import LiveBridge
from sidl.bridge.live.ledger import ShortMessage
from sidl.bridge.live.limits import check_bpm
from sidl.bridge.live.osc_server import OscReceiver
from sidl.bridge.live.ports import (
    OpenPort,
    PortError,
    PortWatch,
    choose_backend,
    open_input,
    open_output,
    start_jack_dummy,
    stop_jack_dummy,
)
from sidl.bridge.live.run_args import add_arguments
from sidl.bridge.live.session import SETTINGS as SESSION_SETTINGS
from sidl.bridge.live.session import load_session, save_session, scenes_from
from sidl.bridge.live.timebase import TimeSource, monotonic_now

if TYPE_CHECKING:
    from sidl.bridge.live.demo import DemoFeed

log = logging.getLogger(__name__)


class OutputPort:
    """The MIDI output in use — reopened by name when a lost port returns — and an optional ``tap``
    that hears everything sent (the demo's recorder)."""

    def __init__(self, backend: str, wanted: str | None) -> None:
        self.backend, self.wanted = backend, wanted
        self.port = open_output(backend, wanted)
        self.tap: Callable[[ShortMessage], None] | None = None

    def send(self, message: ShortMessage) -> None:
        self.port.handle.send_message(message.to_bytes())
        if self.tap is not None:
            self.tap(message)

    def reopen(self) -> OpenPort:
        self.port = open_output(self.backend, self.wanted)
        return self.port


@dataclass
class LiveRuntime:
    """What start-up built for one ``sidl run``: owned here, passed explicitly, closed by :meth:`close`."""

    bridge: LiveBridge
    controller: Controller
    receiver: OscReceiver
    output: OutputPort
    watches: list[PortWatch]  # output and input; each holds the port in use (None while lost)
    ready: dict[str, Any]  # the announcement of the ``ready`` line
    now: TimeSource  # the one time base of the clock, scheduler, input and bar loop
    jack: Any = None  # the JACK server started for this session, if any
    demo: DemoFeed | None = None

    def close(self) -> None:
        """Close the ports in use and stop a JACK server this session started (after :meth:`LiveBridge.stop`)."""
        self.receiver.stop()
        for watch in self.watches:
            if watch.current is None:
                continue  # lost: closed when it went
            try:
                watch.current.handle.close_port()
            except Exception:  # closing a lost port must not hide the rest of the shutdown
                log.debug("closing %s failed", watch.current.name)
        stop_jack_dummy(self.jack)


def _backend(args: argparse.Namespace) -> tuple[str, Any]:
    """(MIDI backend, the JACK server started for it or None)."""
    try:
        return choose_backend(args.backend), None
    except PortError:
        if not args.jack_dummy or args.backend not in (None, "jack"):
            raise
        jack = start_jack_dummy()
        return choose_backend("jack"), jack


def build(args: argparse.Namespace, now: TimeSource = monotonic_now) -> LiveRuntime:
    """Everything ``sidl run`` needs, from its settings; all live parts read ``now``."""
    started = now()
    check_bpm(args.bpm, "--bpm")
    if args.denoise is not None and not 0.0 <= args.denoise <= 1.0:
        raise ParameterError(f"--denoise must be within 0..1, got {args.denoise}")
    if not 0.0 <= args.feel <= 1.0:
        raise ParameterError(f"--feel must be within 0..1, got {args.feel}")
    engine = Engine.load(args.model, provider=args.provider)
    backend, jack = _backend(args)
    try:
        return _wire(args, engine, backend, now, started, jack)
    except BaseException:
        stop_jack_dummy(jack)  # a failed start leaves no server behind
        raise


def _wire(args: argparse.Namespace, engine: Engine, backend: str, now: TimeSource, started: float,
          jack: Any) -> LiveRuntime:
    clock = new_clock(args.clock, args.bpm, now=now)
    output = OutputPort(backend, args.out)
    bridge = LiveBridge(engine, output.send, clock=clock, input_channel=args.channel, now=now,
                        drum_map_in=get_drum_map(args.drum_map_in) if args.drum_map_in else None,
                        drum_map_out=get_drum_map(args.drum_map_out) if args.drum_map_out else None)
    demo = None
    if args.demo:
        from sidl.bridge.live.demo import DemoFeed

        demo = DemoFeed(bridge)
        output.tap = demo.record_output  # demo-out.mid is what went out
    bridge.change_controls(mode=args.mode,  # no --denoise: the model's tuned default, as `sidl denoise`
                           denoise=engine.info.denoise_amount if args.denoise is None else args.denoise,
                           feel=float(args.feel))
    bridge.mode = args.mode
    reopen_input = partial(open_input, backend, bridge.on_midi, args.input, now=now)
    in_port = reopen_input()
    controller = Controller(bridge, load_model=partial(Engine.load, provider=args.provider),
                            make_clock=partial(new_clock, now=now))
    receiver = OscReceiver(controller.handle, host=args.osc_host, port=args.osc_port,
                           allow=args.osc_allow.split(",") if args.osc_allow else None)
    controller.receiver = receiver
    receiver.reply_targets = controller.reply_targets
    if args.feedback:
        host, _, port = args.feedback.rpartition(":")
        controller.register((host or "127.0.0.1", int(port)))
    watches = [PortWatch(output.port, args.out, output.reopen, on_lost=bridge.panic),
               PortWatch(in_port, args.input, reopen_input)]
    ready = {"model": engine.describe(), "backend": backend, "input": in_port.name, "output": output.port.name,
             "clock": clock.source, "bpm": clock.bpm, "osc": "udp://%s:%d" % receiver.address,
             "ready_seconds": round(now() - started, 3)}
    return LiveRuntime(bridge, controller, receiver, output, watches, ready, now, jack, demo)


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
    runtime = build(args)
    bridge, ready = runtime.bridge, runtime.ready
    if session is not None:
        columns = bridge.engine.geometry.code_length(bridge.engine.info.steps_per_bar)
        bridge.add_scenes(scenes_from(session, bridge.engine.info.atoms, columns, bridge.engine.info.weights_sha256))
        ready["session"] = {"file": str(args.session), "scenes": sorted(bridge.scenes)}
    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        log.info("signal %d: stopping", signum)
        stop.set()
        bridge._stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None:
            signal.signal(sig, on_signal)
    runtime.receiver.start()
    if isinstance(bridge.clock, InternalClock):
        bridge.clock.start()
    ready["bpm"] = bridge.clock.bpm
    announce("ready", ready)
    worker = threading.Thread(target=bridge.run, name="sidl-bars", daemon=True)
    worker.start()
    demo_files: list[str] = []
    if runtime.demo is not None:
        runtime.demo.start()
    try:
        _watch(runtime.watches, stop, announce, args.seconds, now=runtime.now)
    finally:
        if runtime.demo is not None:
            runtime.demo.stop()
        bridge.stop()  # panic through the ledger: every note-on gets its note-off
        if runtime.demo is not None:
            demo_files = [str(p) for p in runtime.demo.write(args.demo)]
        worker.join(timeout=2.0)
        runtime.close()
        if args.save_session:
            c = bridge.controls
            settings = {k: getattr(args, k, None) for k in SESSION_SETTINGS}
            settings.update(mode=c.mode, denoise=c.denoise, feel=c.feel)
            save_session(args.save_session, settings, bridge.scenes, bridge.engine.info.weights_sha256)
            log.info("session saved to %s", args.save_session)
    if demo_files:
        announce("demo", {"files": demo_files})
    return 0


def _watch(watches: list[PortWatch], stop: threading.Event, announce: Callable[[str, dict[str, Any]], None],
           seconds: float | None, *, now: TimeSource = monotonic_now,
           sleep: Callable[[float], None] = time.sleep) -> None:
    """Until ``stop`` is set (or ``seconds`` pass), check named ports twice a second: loss, reconnection.

    ``stop`` is set by the signal handler, which runs on this (the main) thread: waiting on ``stop``
    here would hold its lock at moments, and a signal landing then deadlocks ``stop.set()`` — so this
    loop only polls the flag and sleeps."""
    deadline = now() + seconds if seconds else None
    next_check = now()
    while not stop.is_set() and (deadline is None or now() < deadline):
        sleep(0.05)
        if now() >= next_check:
            next_check = now() + 0.5
            for watch in watches:
                change = watch.check()
                if change:
                    announce("port", {"port": watch.wanted, "state": change})


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
