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
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from sidl.bridge.codecs import get_drum_map
from sidl.bridge.engine import CodeModel, Engine
from sidl.bridge.errors import ParameterError
from sidl.bridge.live.clock import InternalClock, new_clock
from sidl.bridge.live.control import Controller
from sidl.bridge.live.daemon import OUT_PORT, BarReport, LiveBridge
from sidl.bridge.live.ledger import ShortMessage
from sidl.bridge.live.ledger_store import LedgerStore
from sidl.bridge.live.limits import check_bpm
from sidl.bridge.live.model_worker import DEFAULT_CALL_TIMEOUT, WorkerEngine
from sidl.bridge.live.osc_server import OscReceiver, parse_target
from sidl.bridge.live.ports import (
    DEFAULT_NAME,
    BackendWatch,
    OpenPort,
    PortError,
    PortWatch,
    choose_backend,
    client_name,
    open_input,
    open_output,
    port_names,
    start_jack_dummy,
    stop_jack_dummy,
)
from sidl.bridge.live.run_args import add_arguments, channel_index, channel_number
from sidl.bridge.live.session import SETTINGS as SESSION_SETTINGS
from sidl.bridge.live.session import load_session, save_session, scene_bars_from, scenes_from
from sidl.bridge.live.timebase import TimeSource, monotonic_now

if TYPE_CHECKING:
    from sidl.bridge.live.demo import DemoFeed
    from sidl.bridge.live.status_line import Terminal

log = logging.getLogger(__name__)


class OutputPort:
    """The MIDI output in use — reopened by name when a lost port returns, or when the backend comes
    back — and an optional ``tap`` that hears everything sent (the demo's recorder). While there is
    no port (lost, backend down) sends are counted in ``dropped``; the lock makes sure a port is never
    freed under a send (rtmidi would crash)."""

    def __init__(self, backend: str, wanted: str | None, usable: Callable[[], bool] = lambda: True, *,
                 name: str = DEFAULT_NAME) -> None:
        self.backend, self.wanted = backend, wanted
        self.usable = usable  # False once the backend is gone: a dead JACK output blocks when full
        self._lock = threading.Lock()
        # the virtual port (no --out) and its client, as --name calls them
        self._open = partial(open_output, backend, wanted, client_name(name, "out"), virtual=port_names(name)[1])
        self.port: OpenPort | None = self._open()
        self.tap: Callable[[ShortMessage], None] | None = None
        self.dropped = 0

    def send(self, message: ShortMessage) -> None:
        with self._lock:
            if self.port is None or not self.usable():
                self.dropped += 1
            else:
                self.port.handle.send_message(message.to_bytes())
        if self.tap is not None:
            self.tap(message)

    def reopen(self) -> OpenPort:
        port = self._open()
        with self._lock:
            old, self.port = self.port, port
        if old is not None:
            old.close()
        return port

    def release(self, _port: OpenPort | None = None) -> None:
        """Close the port in use (the output watch's ``close``); sends are dropped until :meth:`reopen`."""
        with self._lock:
            old, self.port = self.port, None
        if old is not None:
            old.close()


def _release_leftovers(store: LedgerStore, output: OutputPort, virtual: bool) -> Any:
    """Note-offs for what a killed run left sounding on this output (then its file is removed); for a
    virtual output once more a second later, when connections to the recreated port are back.
    Returns the timer of that repeat (None: nothing to do)."""
    messages: list[ShortMessage] = []
    for left in store.leftovers():
        mine = left.messages(OUT_PORT)
        messages += mine
        log.warning("released %d note(s) a previous run (pid %d) left sounding on %s",
                    sum(m.kind == "note_off" for m in mine), left.pid, store.key)
        left.remove()
    if not messages:
        return None

    def send_all() -> None:
        for m in messages:
            output.send(m)

    send_all()
    if not virtual:
        return None
    timer = threading.Timer(1.0, send_all)
    timer.daemon = True
    timer.start()
    return timer


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
    backend_watch: BackendWatch | None = None  # notices the backend (JACK server) going and coming back
    store: LedgerStore | None = None  # the note ledger kept on disk for the next start
    leftover_timer: Any = None  # the repeated release of a previous run's notes, if pending

    def close(self) -> None:
        """Close the ports in use, end the model's worker and stop a JACK server this session started
        (after :meth:`LiveBridge.stop`)."""
        self.receiver.stop()
        self.bridge.close_models()
        if self.leftover_timer is not None:
            self.leftover_timer.cancel()
        if self.store is not None:
            self.store.close()  # after a clean stop nothing sounds: the file goes
        for watch in self.watches:
            try:
                watch.close()
            except Exception:  # closing a lost port must not hide the rest of the shutdown
                log.debug("closing %s failed", watch.wanted, exc_info=True)
        if self.backend_watch is not None:
            self.backend_watch.close()
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
    engine = load_model(args)
    jack = None
    try:
        backend, jack = _backend(args)
        return _wire(args, engine, backend, now, started, jack)
    except BaseException:
        close = getattr(engine, "close", None)
        if close is not None:  # a failed start leaves no worker process behind
            close()
        stop_jack_dummy(jack)  # nor a server
        raise


def load_model(args: argparse.Namespace, name: str | None = None) -> CodeModel:
    """The model ``--model`` (or ``name``), in a worker process unless ``--model-process inline``."""
    model = args.model if name is None else name
    if getattr(args, "model_process", "worker") == "inline":
        return Engine.load(model, provider=args.provider)
    timeout = getattr(args, "model_timeout", DEFAULT_CALL_TIMEOUT)
    if not 0.05 <= timeout <= 60:
        raise ParameterError(f"--model-timeout must be within 0.05..60 seconds, got {timeout}")
    return WorkerEngine.start(model, provider=args.provider, call_timeout=timeout)


def _not_started(path: str, values: list[Any], sender: tuple[str, int]) -> None:
    """The OSC handler until the controller exists (the receiver is not started before then)."""


def _wire(args: argparse.Namespace, engine: CodeModel, backend: str, now: TimeSource, started: float,
          jack: Any) -> LiveRuntime:
    clock = new_clock(args.clock, args.bpm, now=now)
    with ExitStack() as undo:  # a start that fails part-way (a refused port…) leaves no client behind
        # the OSC port first: a second bridge on it is refused before it makes any MIDI port
        receiver = OscReceiver(_not_started, host=args.osc_host, port=args.osc_port,
                               allow=args.osc_allow.split(",") if args.osc_allow else None)
        undo.callback(receiver.stop)
        backend_watch = BackendWatch(backend, now=now)  # first: it must see every port opened after it
        undo.callback(backend_watch.close)
        name = getattr(args, "name", DEFAULT_NAME)
        output = OutputPort(backend, args.out, usable=backend_watch.usable, name=name)
        undo.callback(output.release)
        out_port = output.port
        if out_port is None:  # only a watch closes it, and none runs yet
            raise PortError("the MIDI output closed while starting")
        bridge = LiveBridge(engine, output.send, clock=clock, input_channel=args.channel, now=now,
                            realtime=getattr(args, "realtime", True),
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
        reopen_input = partial(open_input, backend, bridge.on_midi, args.input, client_name(name, "in"), now=now,
                               virtual=port_names(name)[0])
        in_port = reopen_input()
        undo.callback(in_port.close)
        if isinstance(engine, WorkerEngine):  # the worker's end silences at once: the ledger is ours
            engine.on_lost = bridge.panic

        def load_swapped(name: str) -> CodeModel:
            swapped = load_model(args, name)
            if isinstance(swapped, WorkerEngine):
                swapped.on_lost = bridge.panic
            return swapped

        controller = Controller(bridge, load_model=load_swapped,
                                make_clock=partial(new_clock, now=now))
        receiver.handler = controller.handle
        controller.receiver = receiver
        receiver.reply_targets = controller.reply_targets
        if args.feedback:
            controller.register(parse_target(args.feedback, "--feedback"))
        watches = [backend_watch.add(PortWatch(out_port, args.out, output.reopen, on_lost=bridge.panic,
                                               close=output.release)),
                   backend_watch.add(PortWatch(in_port, args.input, reopen_input))]
        # the note ledger on disk: first what a killed run left on this output, then this run's own
        store = LedgerStore(f"{backend}-{args.out or out_port.name}", bridge.scheduler.ledger)  # as asked: stable
        timer = _release_leftovers(store, output, out_port.virtual)
        store.start()
        ready = {"model": engine.describe(), "backend": backend, "name": name, "input": in_port.name,
                 "output": out_port.name,
                 "clock": clock.source, "bpm": clock.bpm, "osc": "udp://%s:%d" % receiver.address,
                 "ready_seconds": round(now() - started, 3)}
        runtime = LiveRuntime(bridge, controller, receiver, output, watches, ready, now, jack, demo,
                              backend_watch=backend_watch, store=store, leftover_timer=timer)
        undo.pop_all()  # started: the runtime owns it all now
        return runtime
    raise AssertionError("unreachable")  # ExitStack does not swallow exceptions; for the type checker


def apply_session(args: argparse.Namespace, defaults: dict[str, Any]) -> dict[str, Any] | None:
    """Settings from ``--session`` where no flag was given (a flag differing from its default wins)."""
    if not args.session:
        return None
    session = load_session(args.session)
    for key, value in session["settings"].items():
        if getattr(args, key, None) == defaults.get(key):
            if key == "channel":  # counted 1..16 in the file, as on the command line
                value = channel_index(value, f"session file {args.session}: channel")
            setattr(args, key, value)
    return session


def serve(args: argparse.Namespace, announce: Callable[[str, dict[str, Any]], None],
          defaults: dict[str, Any] | None = None, *, on_start: Callable[[LiveRuntime], None] | None = None) -> int:
    """Run until SIGINT/SIGTERM/SIGHUP (or ``--seconds``); every sounding note is released on exit.

    ``announce(kind, payload)`` hears what happens (ready, port, backend, demo, stopped); ``on_start``
    gets the runtime before the first bar (the CLI adds its bar listeners there)."""
    session = apply_session(args, defaults or {})
    runtime = build(args)
    bridge, ready = runtime.bridge, runtime.ready
    if session is not None:
        columns = bridge.engine.geometry.code_length(bridge.engine.info.steps_per_bar)
        info = bridge.engine.info
        bridge.add_scenes(scenes_from(session, info.atoms, columns, info.weights_sha256),
                          scene_bars_from(session, bridge.engine.codec.grid_layout.channels, info.steps_per_bar))
        ready["session"] = {"file": str(args.session), "scenes": sorted(bridge.scenes)}
    stop = threading.Event()
    bars = 0

    def count_bar(_report: BarReport) -> None:
        nonlocal bars
        bars += 1

    bridge.listeners.append(count_bar)
    if on_start is not None:
        on_start(runtime)

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
    ready.update(bpm=bridge.clock.bpm, mode=bridge.mode, provider=bridge.engine.provider,
                 output_channel=channel_number(bridge.output_channel))
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
        runtime.close()  # the MIDI clients first, then a JACK server this session started
        if args.save_session:
            c = bridge.controls
            settings = {k: getattr(args, k, None) for k in SESSION_SETTINGS}
            settings.update(mode=c.mode, denoise=c.denoise, feel=c.feel, channel=channel_number(args.channel))
            save_session(args.save_session, settings, bridge.scenes, bridge.engine.info.weights_sha256,
                         bars=bridge.scene_bars)
            log.info("session saved to %s", args.save_session)
    if demo_files:
        announce("demo", {"files": demo_files})
    announce("stopped", {"bars": bars})
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
    # the backend's own watch is a flag while it runs: read every turn, so the ports of a dead JACK
    # server are closed before it can come back (see bridge.live.jack_watch)
    backends = list(dict.fromkeys(b for b in (getattr(w, "server", None) for w in watches) if b is not None))
    while not stop.is_set() and (deadline is None or now() < deadline):
        sleep(0.05)
        for backend in backends:
            change = backend.check()
            if change:
                announce("backend", {"backend": backend.backend, "state": change})
        if now() >= next_check:
            next_check = now() + 0.5
            for watch in watches:
                change = watch.check()
                if change:
                    announce("port", {"port": watch.wanted, "state": change})


def run_command(args: argparse.Namespace) -> int:
    """``sidl run``: for people a ready message, a status line per bar and a stop message on stdout;
    with ``--json`` one ``sidl: KIND {json}`` line per event instead (what scripts and tests read)."""
    import json
    import shutil
    import sys

    from sidl.bridge.live.status_line import ClearBeforeLogging, Terminal

    idle = args.idle_demo is not None and args.demo is None
    if idle:
        args.demo = args.idle_demo  # the same demo feed, stopped by the first notes from outside
    defaults = vars(_defaults())
    if args.json:
        def announce_json(kind: str, payload: dict[str, Any]) -> None:
            print(f"sidl: {kind} " + json.dumps(payload), flush=True)

        return serve(args, announce_json, defaults, on_start=partial(_listen, args, None, idle))
    terminal = Terminal(_stdout_write, in_place=sys.stdout.isatty(), width=shutil.get_terminal_size().columns)
    handlers = [h for h in logging.getLogger().handlers if getattr(h, "stream", None) in (sys.stderr, sys.stdout)]
    clearing = ClearBeforeLogging(terminal)
    for handler in handlers:
        handler.addFilter(clearing)
    try:
        return serve(args, partial(_announce_text, args, terminal, idle, []), defaults,
                     on_start=partial(_listen, args, terminal, idle))
    finally:
        terminal.end()
        for handler in handlers:
            handler.removeFilter(clearing)


def _stdout_write(text: str) -> None:
    import sys

    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except (OSError, ValueError):  # stdout closed (a pipe's reader went): the bridge plays on
        pass


def _listen(args: argparse.Namespace, terminal: Terminal | None, idle: bool, runtime: LiveRuntime) -> None:
    """The CLI's bar listeners: the status line (a ``Terminal``, unless --quiet) and the idle demo."""
    from sidl.bridge.live.idle_demo import StopDemoWhenPlayed
    from sidl.bridge.live.ready_message import demo_stopped_line
    from sidl.bridge.live.status_line import StatusLine, count_input

    bridge = runtime.bridge
    counter = count_input(bridge)
    if terminal is not None and not args.quiet:
        bridge.listeners.append(StatusLine(bridge, terminal, counter))
    if idle and runtime.demo is not None:
        line = demo_stopped_line(str(runtime.ready.get("input", "sidl in")))

        def say() -> None:
            if terminal is not None:
                terminal.line(line)

        bridge.listeners.append(StopDemoWhenPlayed(runtime.demo, counter, say))


def _announce_text(args: argparse.Namespace, terminal: Terminal, idle: bool, demo_files: list[str], kind: str,
                   payload: dict[str, Any]) -> None:
    """The events of :func:`serve` for people (ports and backends coming and going are log lines already)."""
    from sidl.bridge.live.ready_message import ready_lines, stop_lines

    if kind == "ready":
        for line in ready_lines(payload, virtual_in=args.input is None, virtual_out=args.out is None,
                                demo=args.demo, idle_demo=idle):
            terminal.line(line)
    elif kind == "demo":
        demo_files += payload.get("files", [])
    elif kind == "stopped":
        terminal.end()
        for line in stop_lines(int(payload.get("bars", 0)), demo_files):
            terminal.line(line)


def _defaults() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args([])
