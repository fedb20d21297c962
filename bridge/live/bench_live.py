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

from sidl.bridge.live.osc_server import build_message


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


def _round_trip(in_name: str, out_name: str, notes: int) -> list[float]:
    """Note-ons sent to ``in_name``, timed until they come back on ``out_name`` (ms). Each note is
    told apart by (pitch, velocity); pitches are drum-class pitches so a drum filter lets them by."""
    import rtmidi

    api = rtmidi.API_UNIX_JACK
    sender, receiver = rtmidi.MidiOut(rtapi=api, name="bench-send"), rtmidi.MidiIn(rtapi=api, name="bench-recv")
    sender.open_port(_port_index(sender, in_name))
    arrivals: dict[tuple[int, int], float] = {}

    def on_message(ev: tuple[list[int], float], _: object = None) -> None:
        if ev[0][0] & 0xF0 == 0x90 and ev[0][2] > 0:
            arrivals.setdefault((ev[0][1], ev[0][2]), time.perf_counter())

    receiver.set_callback(on_message)
    receiver.open_port(_port_index(receiver, out_name))
    time.sleep(0.3)
    pitches = (36, 38, 42, 46, 49, 51)
    sent: dict[tuple[int, int], float] = {}
    for i in range(notes):
        key = (pitches[i % len(pitches)], 1 + (i // len(pitches)) % 127)
        if key in sent:
            break
        sent[key] = time.perf_counter()
        sender.send_message([0x99, key[0], key[1]])
        sender.send_message([0x89, key[0], 0])
        time.sleep(0.004)
    time.sleep(0.3)
    sender.close_port()
    receiver.close_port()
    return [(arrivals[k] - t) * 1000 for k, t in sent.items() if k in arrivals]


def passthrough_latency(notes: int = 500) -> dict[str, float]:
    """Note sent → the same note back through a trivial JACK client that forwards it."""
    import rtmidi

    api = rtmidi.API_UNIX_JACK
    relay_in, relay_out = rtmidi.MidiIn(rtapi=api, name="bench-relay-in"), rtmidi.MidiOut(rtapi=api, name="bench-relay-out")
    relay_in.open_virtual_port("relay in")
    relay_out.open_virtual_port("relay out")
    relay_in.set_callback(lambda ev, _=None: relay_out.send_message(ev[0]))
    try:
        return _stats(_round_trip("relay in", "relay out", notes))
    finally:
        relay_in.close_port()
        relay_out.close_port()


def filter_latency(model: str, notes: int = 500) -> dict[str, float]:
    """The same round trip through ``sidl run --mode filter`` (amount 0: every note passes)."""
    proc = subprocess.Popen([sys.executable, "-m", "sidl", "run", "--json", "--backend", "jack", "--mode", "filter",
                             "--model", model, "--osc-port", str(_free_port())], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert proc.stdout is not None
        if not proc.stdout.readline().startswith("sidl: ready "):
            raise RuntimeError("sidl run --mode filter did not start")
        return _stats(_round_trip("sidl in", "sidl out", notes))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def run_live_bench(*, bars: int = 16, bpm: float = 120.0, model: str = "drums") -> dict[str, Any]:
    import rtmidi

    from sidl.bridge.live.ports import start_jack_dummy, stop_jack_dummy

    jack = start_jack_dummy()  # None when a JACK server already runs
    try:
        return _measure(rtmidi, bars=bars, bpm=bpm, model=model)
    finally:
        stop_jack_dummy(jack)


def _measure(rtmidi: Any, *, bars: int, bpm: float, model: str) -> dict[str, Any]:
    osc_port = _free_port()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "sidl", "run", "--json", "--backend", "jack", "--clock", "midi",
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
            **_filter_comparison(passthrough_latency(), filter_latency(model))}


def _filter_comparison(plain: dict[str, float], daemon: dict[str, float]) -> dict[str, Any]:
    added = {k.replace("_ms", "_added_ms"): round(daemon[k] - plain[k], 3) for k in ("p50_ms", "p99_ms")
             if k in plain and k in daemon}
    return {"jack_passthrough_latency": plain, "filter_mode_latency": daemon, "filter_mode_added_latency": added}
