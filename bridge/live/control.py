"""OSC control of a running :class:`~bridge.live.daemon.LiveBridge`: one handler per address of the
table (:mod:`bridge.live.osc_table`), plus the feedback to registered clients.

Handlers run on the OSC thread and never change what another thread may be iterating: control
changes replace the bridge's :class:`~bridge.live.daemon.Controls` snapshot whole, and the feedback
clients are a tuple replaced the same way. Nothing a client sends can hold the OSC thread or the
bar loop:

- ``/sidl/model`` loads on a worker thread (one load at a time; ``/sidl/panic`` and queries are
  answered meanwhile) and answers ``/sidl/state`` (``model_pending``) or ``/sidl/error``;
- feedback is sent by a thread of its own: the bar loop only hands it the bar's report (O(1)), so
  no number of clients can delay the notes; registrations are capped (per host and in all) and the
  bridge's own address is refused, so the feedback per bar is bounded and never loops back;
- ``/sidl/bar`` is sent at every step of the clock (bar, step), not once a bar with step 0.
"""

from __future__ import annotations

import collections
import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any

from sidl.bridge.engine import CodeModel
from sidl.bridge.errors import ParameterError, SidlError
from sidl.bridge.live.clock import HostClock, InternalClock, LinkClock, LiveClock
from sidl.bridge.live.daemon import BarReport, Controls, LiveBridge
from sidl.bridge.live.limits import clamp_bpm
from sidl.bridge.live.osc_server import OscReceiver, build_message
from sidl.bridge.live.osc_table import ACTIVITY_PER_MESSAGE, BY_PATH, MAX_CLIENTS, MAX_CLIENTS_PER_HOST, PREFIX

log = logging.getLogger(__name__)

Address = tuple[str, int]


class Controller:
    """Applies validated OSC messages to the bridge; replies and feedback go through ``receiver``.

    ``load_model``: name or path → a loaded engine, for ``/sidl/model`` (run on a worker thread, so
    the OSC thread and the bar loop go on meanwhile); ``make_clock``: (source, bpm) → a new clock, for
    ``/sidl/clock`` (the tempo in force carries over)."""

    def __init__(self, bridge: LiveBridge, load_model: Callable[[str], CodeModel] | None = None,
                 make_clock: Callable[[str, float], LiveClock] | None = None) -> None:
        self.bridge = bridge
        self.load_model = load_model
        self.make_clock = make_clock
        self._receiver: OscReceiver | None = None
        self._clients: tuple[Address, ...] = ()  # oldest registration first
        self._clients_lock = threading.Lock()
        self._loading: str | None = None  # the model /sidl/model is loading
        self._load_lock = threading.Lock()
        self._loader: threading.Thread | None = None
        # feedback: the bar loop leaves its reports here; the sender thread takes the newest
        self._reports: collections.deque[BarReport] = collections.deque(maxlen=1)
        self._wake = threading.Event()
        self._closed = threading.Event()
        self._sender: threading.Thread | None = None
        self._sender_lock = threading.Lock()
        bridge.listeners.append(self.feedback)
        change = bridge.change_controls
        atom = bridge.check_atom
        # (values, sender) -> anything (what a handler returns is ignored)
        self._handlers: dict[str, Callable[[list[Any], Address], object]] = {
            f"{PREFIX}/mode": lambda v, s: change(mode=v[0]),  # Controls refuses an unknown mode
            f"{PREFIX}/denoise": lambda v, s: change(denoise=float(v[0])),
            f"{PREFIX}/feel": lambda v, s: change(feel=float(v[0])),
            f"{PREFIX}/morph": lambda v, s: change(morph=float(v[0])),
            f"{PREFIX}/scene/store": lambda v, s: bridge.store_scene(int(v[0])),
            f"{PREFIX}/scene/recall": self._recall,
            f"{PREFIX}/scene/select": lambda v, s: change(scene=int(v[0])),
            f"{PREFIX}/atom/mute": lambda v, s: self._atom_flag("mute", atom(v[0]), bool(v[1])),
            f"{PREFIX}/atom/solo": lambda v, s: self._atom_flag("solo", atom(v[0]), bool(v[1])),
            f"{PREFIX}/atom/gain": lambda v, s: self._atom_gain(atom(v[0]), float(v[1])),
            f"{PREFIX}/atom/reset": lambda v, s: change(Controls.without_atom_edits),
            f"{PREFIX}/temperature": lambda v, s: change(temperature=float(v[0])),
            f"{PREFIX}/seed": lambda v, s: change(seed=int(v[0])),
            f"{PREFIX}/tempo": self._tempo,
            f"{PREFIX}/panic": lambda v, s: bridge.panic(),
            f"{PREFIX}/register": self._register,
            f"{PREFIX}/unregister": lambda v, s: self.unregister((s[0], int(v[0]))),
            f"{PREFIX}/query": lambda v, s: self._answer(s, f"{PREFIX}/state", self.state_json()),
            f"{PREFIX}/atoms/query": lambda v, s: self._answer(s, f"{PREFIX}/atoms", bridge.atoms_page_json(int(v[0]))),
            f"{PREFIX}/model": self._model,
            f"{PREFIX}/clock": self._clock,
            f"{PREFIX}/host/transport": self._host_transport,
        }
        missing = {a.path for a in BY_PATH.values() if a.direction == "in"} - set(self._handlers)
        if missing:
            raise RuntimeError(f"OSC addresses without a handler: {sorted(missing)}")

    # ------------------------------------------------------------------ wiring
    @property
    def receiver(self) -> OscReceiver | None:
        return self._receiver

    @receiver.setter
    def receiver(self, receiver: OscReceiver | None) -> None:
        """The receiver replies and feedback go through (its own address is never a client)."""
        self._receiver = receiver
        if receiver is not None:
            receiver.reply_targets = self.reply_targets
            receiver.on_stop.append(self.close)
            if self._clients:
                self._ensure_sender()

    def attach(self, receiver: OscReceiver) -> OscReceiver:
        """Wire ``receiver`` both ways: its messages come here, replies go through it."""
        receiver.handler = self.handle
        self.receiver = receiver
        return receiver

    def close(self) -> None:
        """Stop the feedback thread (the receiver's stop calls this)."""
        self._closed.set()
        self._wake.set()
        sender = self._sender
        if sender is not None and sender is not threading.current_thread():
            sender.join(timeout=2.0)

    def handle(self, path: str, values: list[Any], sender: Address) -> None:
        self._handlers[path](values, sender)
        log.debug("OSC %s %s from %s", path, values, sender)

    # ------------------------------------------------------------------ feedback clients
    @property
    def clients(self) -> frozenset[Address]:
        """Where feedback goes: (host, port) of every registered client."""
        return frozenset(self._clients)

    def register(self, client: Address) -> Address | None:
        """Send feedback to ``client`` from now on; returns the registration it replaced (the
        host's oldest, when the host had :data:`MAX_CLIENTS_PER_HOST`), or None. The bridge's own
        address is refused, and so is a new host once :data:`MAX_CLIENTS` are registered."""
        host, port = client
        if self._receiver is not None and self._receiver.reaches_me(client):
            raise ParameterError(f"port {port} on {host} is the bridge's own OSC port: register the port your client "
                                 "listens on")
        with self._clients_lock:
            clients = [c for c in self._clients if c != client]  # registering again makes it the newest
            same_host = [c for c in clients if c[0] == host]
            evicted = None
            if len(same_host) >= MAX_CLIENTS_PER_HOST:
                evicted = same_host[0]
                clients.remove(evicted)
            elif len(clients) >= MAX_CLIENTS:
                raise ParameterError(f"{MAX_CLIENTS} feedback ports are registered already (the most in all); "
                                     "/sidl/unregister one first")
            self._clients = (*clients, client)
        self._ensure_sender()
        if evicted is not None:
            log.info("feedback to %s:%d dropped for %s:%d (%d per host at most)", *evicted, *client, MAX_CLIENTS_PER_HOST)
        return evicted

    def unregister(self, client: Address) -> None:
        with self._clients_lock:
            if client not in self._clients:
                raise ParameterError(f"port {client[1]} on {client[0]} is not registered")
            self._clients = tuple(c for c in self._clients if c != client)

    def _register(self, values: list[Any], sender: Address) -> None:
        evicted = self.register((sender[0], int(values[0])))
        if evicted is not None:
            self._answer(sender, f"{PREFIX}/error", f"{PREFIX}/register: {MAX_CLIENTS_PER_HOST} ports of {sender[0]} "
                                                    f"are registered at most; port {evicted[1]} no longer gets feedback")

    def reply_targets(self, sender: Address) -> list[Address]:
        """Where a reply to ``sender`` goes: its source address, and the feedback ports its host
        registered (Max's udpsend and Pd's netsend send from a port nobody listens on)."""
        registered = sorted(c for c in self._clients if c[0] == sender[0] and c != sender)
        return [sender, *registered]

    # ------------------------------------------------------------------ handlers
    def _atom_flag(self, kind: str, atom: int, on: bool) -> None:
        self.bridge.change_controls(lambda c: c.with_atom(kind, atom, on))

    def _atom_gain(self, atom: int, gain: float) -> None:
        self.bridge.change_controls(lambda c: c.with_gain(atom, gain))

    def _recall(self, values: list[Any], sender: Address) -> None:
        slot, scenes = int(values[0]), self.bridge.scenes
        if slot not in scenes:
            raise ParameterError(f"scene {slot} is empty; stored scenes: {sorted(scenes) or 'none'}")
        self.bridge.change_controls(scene=slot, morph=1.0)

    def _tempo(self, values: list[Any], sender: Address) -> None:
        if not isinstance(self.bridge.clock, (InternalClock, LinkClock)):
            raise ParameterError(f"the tempo follows the {self.bridge.clock.source} clock; /sidl/tempo sets the "
                                 "internal clock or the Link session's tempo")
        self.bridge.clock.set_bpm(float(values[0]))

    def state_json(self) -> str:
        """``/sidl/state``: the bridge's state, plus the model being loaded."""
        return self.bridge.state_json(model_loading=self._loading)

    @property
    def loading(self) -> str | None:
        """The model ``/sidl/model`` is loading now (None: none)."""
        return self._loading

    def _model(self, values: list[Any], sender: Address) -> None:
        if self.load_model is None:
            raise ParameterError("model swapping is not enabled in this session")
        name = str(values[0])
        with self._load_lock:
            if self._loading is not None:
                raise ParameterError(f"model {self._loading!r} is still loading; send /sidl/model again once "
                                     "/sidl/model/loaded or /sidl/error has answered it")
            self._loading = name
        self._loader = threading.Thread(target=self._load, args=(name, sender), name="sidl-model-load", daemon=True)
        self._loader.start()

    def _load(self, name: str, sender: Address) -> None:
        """The worker of ``/sidl/model``: load, queue for the next bar, report (the old model plays on
        whatever happens)."""
        assert self.load_model is not None
        reply: tuple[str, str] | None = None
        try:
            engine = self.load_model(name)
            try:
                self.bridge.swap_model(engine)
            except BaseException:  # refused (another codec): its worker process, if any, goes now
                close = getattr(engine, "close", None)
                if close is not None:
                    close()
                raise
            log.info("model %s loaded; it plays from the next bar", engine.info.name)
        except SidlError as exc:
            reply = (f"{PREFIX}/error", f"{PREFIX}/model: {exc}")
        except Exception as exc:  # a loader bug must not leave the slot taken or pass unreported
            log.exception("loading model %r failed", name)
            reply = (f"{PREFIX}/error", f"{PREFIX}/model: {name!r} failed to load ({type(exc).__name__}: {exc})")
        finally:
            with self._load_lock:
                self._loading = None
        # loaded: the state says so (model_pending), and again to every client once it plays
        self._answer(sender, *(reply if reply is not None else (f"{PREFIX}/state", self.state_json())))

    def _clock(self, values: list[Any], sender: Address) -> None:
        source = str(values[0])
        if source == self.bridge.clock.source and self.bridge.pending_clock is None:
            return
        if self.make_clock is None:
            raise ParameterError(f"clock switching is not enabled in this session; the clock is {self.bridge.clock.source!r}")
        self.bridge.switch_clock(self.make_clock(source, clamp_bpm(self.bridge.clock.bpm)))

    def _host_transport(self, values: list[Any], sender: Address) -> None:
        if not isinstance(self.bridge.clock, HostClock):
            raise ParameterError(f"/sidl/host/transport drives the host clock; this session runs the "
                                 f"{self.bridge.clock.source} clock (sidl run --clock host)")
        self.bridge.clock.update(bool(values[0]), float(values[1]), float(values[2]), self.bridge.now())

    # ------------------------------------------------------------------ replies and feedback
    def _answer(self, sender: Address, path: str, *args: Any) -> None:
        if self._receiver is not None:
            self._receiver.reply(sender, path, args)

    def feedback(self, report: BarReport) -> None:
        """The bar loop's listener: hands the report to the feedback thread and returns (O(1))."""
        if not self._clients:
            return
        self._reports.append(report)
        self._ensure_sender()
        self._wake.set()

    def _ensure_sender(self) -> None:
        """Start the feedback thread once there is somewhere to send from and to."""
        if self._sender is not None or self._closed.is_set() or self._receiver is None:
            return
        with self._sender_lock:
            if self._sender is None:
                self._sender = threading.Thread(target=self._send_feedback, name="sidl-osc-feedback", daemon=True)
                self._sender.start()

    def position(self) -> tuple[int, int] | None:
        """The clock's (bar, step) now, or None while it does not run."""
        bridge = self.bridge
        clock = bridge.clock
        if not getattr(clock, "running", True) or clock.lost():
            return None
        beat = clock.beat_at(bridge.now())
        if not math.isfinite(beat) or beat < 0:
            return None
        steps_per_beat = bridge.engine.codec.steps_per_beat
        bar = int(beat // bridge.beats_per_bar)
        step = int((beat - bar * bridge.beats_per_bar) * steps_per_beat)
        return bar, min(step, bridge.engine.info.steps_per_bar - 1)

    def _until_next_step(self) -> float:
        """Seconds until a quarter into the clock's next step (between 1 and 50 ms: a clock can change
        under us): /sidl/bar goes out then, not on the step's edge, where the notes are sent."""
        clock, bridge = self.bridge.clock, self.bridge
        try:
            steps_per_beat = bridge.engine.codec.steps_per_beat
            beat = clock.beat_at(bridge.now())
            target = (math.floor(beat * steps_per_beat) + 0.25) / steps_per_beat
            if target <= beat:
                target += 1.0 / steps_per_beat
            wait = clock.time_at(target) - bridge.now()
        except Exception:  # a clock between states: look again soon
            return 0.01
        return min(max(wait, 0.001), 0.05)

    def _send_feedback(self) -> None:
        """The feedback thread: each bar's activity, stats and tempo once the bar loop reports it,
        ``/sidl/bar`` at every step, and ``/sidl/state`` when the model, the mode or the clock in force
        changes, and with a bar's report when a control or the scenes changed during it (so every client
        follows what another changed, at most once a bar however fast a fader moves); to every
        registered client, each message built once."""
        last: tuple[int, int] | None = None
        in_force = self._in_force()
        edits = self._edits_seen()
        logged = float("-inf")
        while not self._closed.is_set():
            receiver, clients = self._receiver, self._clients
            if receiver is None or not clients:
                self._wake.wait(0.1)
                self._wake.clear()
                continue
            now: tuple[int, int] | None = None
            try:
                changed = False
                if self._reports:
                    self._send_bar(receiver, clients, self._reports.popleft())
                    now_edits = self._edits_seen()
                    changed = any(a is not b for a, b in zip(now_edits, edits))
                    edits = now_edits
                if self._in_force() != in_force or changed:
                    # what this push shows covers the edits made so far: don't push them again next bar
                    in_force, edits = self._in_force(), self._edits_seen()
                    self._send_all(receiver, clients, build_message(f"{PREFIX}/state", [self.state_json()]))
                now = self.position()
                if now is not None and now != last:
                    last = now
                    self._send_all(receiver, clients, build_message(f"{PREFIX}/bar", list(now)))
            except Exception:  # feedback must never stop for good (and never flood the log)
                if time.monotonic() - logged > 10.0:
                    logged = time.monotonic()
                    log.exception("feedback failed")
            self._wake.wait(0.05 if now is None else self._until_next_step())
            self._wake.clear()

    def _edits_seen(self) -> tuple[object, object]:
        """The controls and scenes snapshots now (each replaced whole on a change: identity tells;
        held, not their ids, so a freed snapshot's address cannot pass for the new one)."""
        return self.bridge.controls, self.bridge.scenes

    def _in_force(self) -> tuple[object, ...]:
        """What a change of is pushed to every client as /sidl/state (changes at a bar boundary; the
        model worker's pid when it ends and when another takes over)."""
        bridge = self.bridge
        return id(bridge.engine), getattr(bridge.engine, "pid", None), bridge.mode, bridge.clock.source

    def _send_bar(self, receiver: OscReceiver, clients: tuple[Address, ...], report: BarReport) -> None:
        activity = report.activity or [0.0]
        messages = [build_message(f"{PREFIX}/activity", activity[:ACTIVITY_PER_MESSAGE])]
        messages += [build_message(f"{PREFIX}/activity/more", [first, *activity[first:first + ACTIVITY_PER_MESSAGE]])
                     for first in range(ACTIVITY_PER_MESSAGE, len(activity), ACTIVITY_PER_MESSAGE)]
        messages.append(build_message(f"{PREFIX}/stats", [report.process_us,
                                                          self.bridge.scheduler.lateness.late_events]))
        messages.append(build_message(f"{PREFIX}/tempo/now", [float(self.bridge.clock.bpm), self.bridge.clock.source]))
        for data in messages:
            self._send_all(receiver, clients, data)

    @staticmethod
    def _send_all(receiver: OscReceiver, clients: tuple[Address, ...], data: bytes) -> None:
        for client in clients:
            receiver.send_datagram(client, data)
