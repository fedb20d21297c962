"""``sidl bench live``: the daemon measured from outside, through a real JACK server.

It starts ``sidl run --backend jack --clock midi`` as a separate process (as a performer would),
drives it like a DAW — MIDI clock and a groove played exactly on the 16th grid into "sidl in" — and
listens on "sidl out". Reported, in one run:

- startup: process start → the ``ready`` line, and the daemon's own ready time;
- loop-mode output timing: each note-on received vs the nearest 16th of the bench's own clock (ms),
  which includes the model's reproduced micro-timing, the scheduler and the JACK hop;
- the daemon's scheduler lateness (send time − scheduled time, from ``/sidl/query``);
- a plain JACK pass-through client's latency as the reference for the transport itself.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from typing import Any

import numpy as np

from bridge.live.osc_server import build_message


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stats(values_ms: list[float]) -> dict[str, float]:
    if not values_ms:
        return {}
    arr = np.abs(np.asarray(values_ms))
    return {"p50_ms": round(float(np.percentile(arr, 50)), 3), "p99_ms": round(float(np.percentile(arr, 99)), 3),
            "max_ms": round(float(arr.max()), 3), "count": int(arr.size)}


def _port_index(handle: Any, name: str) -> int:
    for i, port in enumerate(handle.get_ports()):
        if name in port:
            return i
    raise RuntimeError(f"no JACK MIDI port matching {name!r}: {handle.get_ports()}")


def passthrough_latency(notes: int = 500) -> dict[str, float]:
    """Note sent → the same note back through a trivial JACK client that forwards it."""
    import rtmidi

    api = rtmidi.API_UNIX_JACK
    relay_in, relay_out = rtmidi.MidiIn(rtapi=api, name="bench-relay-in"), rtmidi.MidiOut(rtapi=api, name="bench-relay-out")
    relay_in.open_virtual_port("relay in")
    relay_out.open_virtual_port("relay out")
    relay_in.set_callback(lambda ev, _=None: relay_out.send_message(ev[0]))
    sender, receiver = rtmidi.MidiOut(rtapi=api, name="bench-send"), rtmidi.MidiIn(rtapi=api, name="bench-recv")
    sender.open_port(_port_index(sender, "relay in"))
    arrivals: dict[int, float] = {}
    receiver.set_callback(lambda ev, _=None: arrivals.setdefault(ev[0][1] * 128 + ev[0][2], time.perf_counter()))
    receiver.open_port(_port_index(receiver, "relay out"))
    time.sleep(0.3)
    sent: dict[int, float] = {}
    for i in range(notes):
        key = (i % 100) * 128 + 1 + i // 100
        sent[key] = time.perf_counter()
        sender.send_message([0x90, key // 128, key % 128])
        time.sleep(0.004)
    time.sleep(0.3)
    for h in (relay_in, relay_out, sender, receiver):
        h.close_port()
    return _stats([(arrivals[k] - t) * 1000 for k, t in sent.items() if k in arrivals])


def run_live_bench(*, bars: int = 16, bpm: float = 120.0, model: str = "drums") -> dict[str, Any]:
    import rtmidi

    from bridge.live.ports import start_jack_dummy

    jack = start_jack_dummy()  # None when a JACK server already runs
    try:
        return _measure(rtmidi, bars=bars, bpm=bpm, model=model)
    finally:
        if jack is not None:
            jack.terminate()
            try:
                jack.wait(timeout=3)
            except subprocess.TimeoutExpired:
                jack.kill()


def _measure(rtmidi: Any, *, bars: int, bpm: float, model: str) -> dict[str, Any]:
    osc_port = _free_port()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bridge", "run", "--backend", "jack", "--clock", "midi",
                             "--model", model, "--osc-port", str(osc_port)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("sidl: ready "):
            raise RuntimeError(f"sidl run did not start: {line!r}")
        ready = json.loads(line[len("sidl: ready "):])
        startup = time.perf_counter() - started
        api = rtmidi.API_UNIX_JACK
        player, listener = rtmidi.MidiOut(rtapi=api, name="bench-player"), rtmidi.MidiIn(rtapi=api, name="bench-listener")
        player.open_port(_port_index(player, "sidl in"))
        heard: list[tuple[float, list[int]]] = []
        lock = threading.Lock()

        def on_out(ev: tuple[list[int], float], _: object = None) -> None:
            with lock:
                heard.append((time.perf_counter(), ev[0]))

        listener.set_callback(on_out)
        listener.open_port(_port_index(listener, "sidl out"))
        time.sleep(0.3)
        beat = 60.0 / bpm
        tick = beat / 24
        t0 = time.perf_counter() + 0.2
        events: list[tuple[float, list[int]]] = [(t0, [0xFA])]
        events += [(t0 + i * tick, [0xF8]) for i in range(1, int((bars + 2) * 4 * 24))]
        for bar in range(bars):
            for b, pitch in [(0, 36), (2, 36), (2.5, 36), (1, 38), (3, 38)] + [(i / 2, 42) for i in range(8)]:
                at = t0 + (bar * 4 + b) * beat
                events += [(at, [0x99, pitch, 100]), (at + 0.05, [0x89, pitch, 0])]
        events.sort(key=lambda e: e[0])
        for at, message in events:
            while (delay := at - time.perf_counter()) > 0.002:
                time.sleep(delay - 0.0015)
            while time.perf_counter() < at:
                pass
            player.send_message(message)
        query = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        query.settimeout(2.0)
        query.sendto(build_message("/sidl/query", []), ("127.0.0.1", osc_port))
        from pythonosc.osc_message import OscMessage

        state = json.loads(OscMessage(query.recv(65536)).params[0])
        player.close_port()
        listener.close_port()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    step = beat / 4
    with lock:
        ons = [t - t0 for t, m in heard if m[0] & 0xF0 == 0x90 and m[2] > 0]
    errors = [(t - round(t / step) * step) * 1000 for t in ons]
    return {"bench": "live", "model": model, "bpm": bpm, "bars": bars,
            "startup_to_ready_s": round(startup, 3), "daemon_ready_s": ready["ready_seconds"],
            "loop_output_vs_grid": _stats(errors),
            "daemon_scheduler_lateness_ms": state.get("lateness_ms", {}), "late_events": state.get("late_events"),
            "jack_passthrough_latency": passthrough_latency()}
