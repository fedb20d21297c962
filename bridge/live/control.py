"""OSC control of a running :class:`~bridge.live.daemon.LiveBridge`: one handler per address of the
table (:mod:`bridge.live.osc_table`), plus the per-bar feedback to registered clients.

Handlers run on the OSC thread and never change what another thread may be iterating: control
changes replace the bridge's :class:`~bridge.live.daemon.Controls` snapshot whole, and the set of
feedback clients is a frozenset replaced the same way (the bar thread sends the feedback)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sidl.bridge.engine import Engine
from sidl.bridge.errors import ParameterError
from sidl.bridge.live.clock import HostClock, InternalClock, LinkClock, LiveClock
from sidl.bridge.live.daemon import BarReport, Controls, LiveBridge
from sidl.bridge.live.limits import clamp_bpm
from sidl.bridge.live.osc_server import OscReceiver
from sidl.bridge.live.osc_table import BY_PATH, PREFIX

log = logging.getLogger(__name__)


class Controller:
    """Applies validated OSC messages to the bridge; replies and feedback go through ``receiver``.

    ``load_model``: name or path → a loaded engine, for ``/sidl/model`` (runs on the OSC thread, so
    the bar loop keeps playing meanwhile); ``make_clock``: (source, bpm) → a new clock, for
    ``/sidl/clock`` (the tempo in force carries over)."""

    def __init__(self, bridge: LiveBridge, load_model: Callable[[str], Engine] | None = None,
                 make_clock: Callable[[str, float], LiveClock] | None = None) -> None:
        self.bridge = bridge
        self.load_model = load_model
        self.make_clock = make_clock
        self.receiver: OscReceiver | None = None
        self._clients: frozenset[tuple[str, int]] = frozenset()
        self._clients_lock = threading.Lock()
        bridge.listeners.append(self.feedback)
        change = bridge.change_controls
        # (values, sender) -> anything (what a handler returns is ignored)
        self._handlers: dict[str, Callable[[list[Any], tuple[str, int]], object]] = {
            f"{PREFIX}/mode": lambda v, s: change(mode=v[0]),  # Controls refuses an unknown mode
            f"{PREFIX}/denoise": lambda v, s: change(denoise=float(v[0])),
            f"{PREFIX}/feel": lambda v, s: change(feel=float(v[0])),
            f"{PREFIX}/morph": lambda v, s: change(morph=float(v[0])),
            f"{PREFIX}/scene/store": lambda v, s: bridge.store_scene(int(v[0])),
            f"{PREFIX}/scene/recall": self._recall,
            f"{PREFIX}/scene/select": lambda v, s: change(scene=int(v[0])),
            f"{PREFIX}/atom/mute": lambda v, s: change(lambda c: c.with_atom("mute", int(v[0]), bool(int(v[1])))),
            f"{PREFIX}/atom/solo": lambda v, s: change(lambda c: c.with_atom("solo", int(v[0]), bool(int(v[1])))),
            f"{PREFIX}/atom/gain": lambda v, s: change(lambda c: c.with_gain(int(v[0]), float(v[1]))),
            f"{PREFIX}/atom/reset": lambda v, s: change(Controls.without_atom_edits),
            f"{PREFIX}/temperature": lambda v, s: change(temperature=float(v[0])),
            f"{PREFIX}/seed": lambda v, s: change(seed=int(v[0])),
            f"{PREFIX}/tempo": self._tempo,
            f"{PREFIX}/panic": lambda v, s: bridge.panic(),
            f"{PREFIX}/register": lambda v, s: self.register((s[0], int(v[0]))),
            f"{PREFIX}/query": lambda v, s: self._answer(s, f"{PREFIX}/state", [bridge.state_json()]),
            f"{PREFIX}/model": self._model,
            f"{PREFIX}/clock": self._clock,
            f"{PREFIX}/host/transport": self._host_transport,
        }
        missing = {a.path for a in BY_PATH.values() if a.direction == "in"} - set(self._handlers)
        if missing:
            raise RuntimeError(f"OSC addresses without a handler: {sorted(missing)}")

    def handle(self, path: str, values: list[Any], sender: tuple[str, int]) -> None:
        self._handlers[path](values, sender)
        log.debug("OSC %s %s from %s", path, values, sender)

    @property
    def clients(self) -> frozenset[tuple[str, int]]:
        """Where per-bar feedback goes: (host, port) of every registered client."""
        return self._clients

    def register(self, client: tuple[str, int]) -> None:
        with self._clients_lock:
            self._clients = self._clients | {client}

    # ------------------------------------------------------------------ handlers
    def _recall(self, values: list[Any], sender: tuple[str, int]) -> None:
        slot, scenes = int(values[0]), self.bridge.scenes
        if slot not in scenes:
            raise ParameterError(f"scene {slot} is empty; stored scenes: {sorted(scenes) or 'none'}")
        self.bridge.change_controls(scene=slot, morph=1.0)

    def _tempo(self, values: list[Any], sender: tuple[str, int]) -> None:
        if not isinstance(self.bridge.clock, (InternalClock, LinkClock)):
            raise ParameterError(f"the tempo follows the {self.bridge.clock.source} clock; /sidl/tempo sets the "
                                 "internal clock or the Link session's tempo")
        self.bridge.clock.set_bpm(float(values[0]))

    def _model(self, values: list[Any], sender: tuple[str, int]) -> None:
        if self.load_model is None:
            raise ParameterError("model swapping is not enabled in this session")
        self.bridge.swap_model(self.load_model(str(values[0])))

    def _clock(self, values: list[Any], sender: tuple[str, int]) -> None:
        source = str(values[0])
        if source == self.bridge.clock.source and self.bridge.pending_clock is None:
            return
        if self.make_clock is None:
            raise ParameterError(f"clock switching is not enabled in this session; the clock is {self.bridge.clock.source!r}")
        self.bridge.switch_clock(self.make_clock(source, clamp_bpm(self.bridge.clock.bpm)))

    def _host_transport(self, values: list[Any], sender: tuple[str, int]) -> None:
        if not isinstance(self.bridge.clock, HostClock):
            raise ParameterError(f"/sidl/host/transport drives the host clock; this session runs the "
                                 f"{self.bridge.clock.source} clock (sidl run --clock host)")
        self.bridge.clock.update(bool(values[0]), float(values[1]), float(values[2]), self.bridge.now())

    # ------------------------------------------------------------------ feedback
    def reply_targets(self, sender: tuple[str, int]) -> list[tuple[str, int]]:
        """Where a reply to ``sender`` goes: its source address, and the feedback ports its host
        registered (Max's udpsend and Pd's netsend send from a port nobody listens on)."""
        registered = sorted(c for c in self.clients if c[0] == sender[0] and c != sender)
        return [sender, *registered]

    def _answer(self, sender: tuple[str, int], path: str, args: list[Any]) -> None:
        if self.receiver is not None:
            self.receiver.reply(sender, path, args)

    def _reply(self, target: tuple[str, int], path: str, args: list[Any]) -> None:
        if self.receiver is not None:
            self.receiver.send(target, path, args)

    def feedback(self, report: BarReport) -> None:
        for client in self.clients:
            self._reply(client, f"{PREFIX}/bar", [report.bar, 0])
            self._reply(client, f"{PREFIX}/activity", report.activity or [0.0])
            self._reply(client, f"{PREFIX}/stats", [report.process_us, self.bridge.scheduler.lateness.late_events])
            self._reply(client, f"{PREFIX}/tempo/now", [float(self.bridge.clock.bpm), self.bridge.clock.source])
