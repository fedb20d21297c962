"""Timing under control load: the bridge's note lateness idle and under OSC + MIDI traffic, side by side.

Issue 14 §7 measured the scheduler's note lateness p99 going from 2.8 ms to 59 ms under 2,000 OSC
packets/s. :func:`run_load_bench` reproduces that measurement as a benchmark (never a timed test):

- the bridge runs as its own process, as a performer runs it — ``sidl run --backend jack --mode
  generate`` through a real JACK server when one can be used (started with the dummy driver if none
  runs), else a *simulated* bridge (the same :class:`~bridge.live.daemon.LiveBridge`, controller and
  OSC receiver, with a MIDI output that only counts and the input fed from a thread at the same rate);
- the load comes from this process, so the generators never share the bridge's interpreter lock:
  ``osc_rate`` control packets/s (a fader storm over the performer controls, one ``/sidl/query`` in
  every 200) and ``midi_rate`` MIDI events/s (note-on/off pairs) into "sidl in";
- each phase (``idle``: no traffic; ``load``: the traffic) is a fresh bridge run of ``seconds``; the
  lateness (send time − scheduled time of every note-on/off, the scheduler's own figure) comes from
  ``/sidl/query`` at the end; the bridge's resident memory (RSS) is sampled every second.

Run it with ``python -c "import json; from sidl.bridge.live.bench_load import run_load_bench;
print(json.dumps(run_load_bench(), indent=1))"``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from sidl.bridge.live.osc_server import build_message

READY = "sidl: ready "
QUERY_EVERY = 200  # one /sidl/query in every QUERY_EVERY control packets
DRUM_PITCHES = (36, 38, 42, 46, 49, 51)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float | None:
    """Resident memory of process ``pid`` in MB (None where /proc is not available)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024.0, 1)
    except OSError:
        return None
    return None


def _children(pid: int) -> list[int]:
    """The child processes of ``pid`` (``sidl run``'s model worker), from /proc."""
    found = []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(") ", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _rss_summary(rss: list[float]) -> dict[str, float]:
    half = rss[len(rss) // 2:]  # after the start-up's own growth (the last 64 bar reports filling)
    return {"first": rss[0], "last": rss[-1], "max": max(rss),
            "second_half_growth_mb_per_min": round((half[-1] - half[0]) / max(len(half) / 60.0, 1e-9), 2)}


def control_storm(seed: int = 0, atoms: int = 1024, query_every: int = QUERY_EVERY) -> list[bytes]:
    """A cycle of control datagrams as a performer's surface sends them when every fader moves, with
    one ``/sidl/query`` in every ``query_every``."""
    rng = random.Random(seed)
    out: list[bytes] = []
    for i in range(max(query_every, 1)):
        if i == query_every - 1:
            out.append(build_message("/sidl/query", []))
            continue
        kind = i % 6
        if kind == 0:
            out.append(build_message("/sidl/denoise", [rng.random()]))
        elif kind == 1:
            out.append(build_message("/sidl/morph", [rng.random()]))
        elif kind == 2:
            out.append(build_message("/sidl/atom/gain", [rng.randrange(atoms), rng.uniform(0.0, 2.0)]))
        elif kind == 3:
            out.append(build_message("/sidl/atom/mute", [rng.randrange(atoms), rng.randrange(2)]))
        elif kind == 4:
            out.append(build_message("/sidl/feel", [rng.random()]))
        else:
            out.append(build_message("/sidl/temperature", [rng.uniform(0.5, 1.5)]))
    return out


class _Paced(threading.Thread):
    """Calls ``emit(n)`` every ``tick`` seconds with how many events are due so far at ``rate``/s."""

    def __init__(self, rate: float, emit: Any, tick: float = 0.005) -> None:
        super().__init__(daemon=True)
        self.rate, self.emit, self.tick = rate, emit, tick
        self.sent = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        start = time.perf_counter()
        while not self.stopped.is_set():
            due = int((time.perf_counter() - start) * self.rate)
            if due > self.sent:
                self.emit(due - self.sent)
                self.sent = due
            self.stopped.wait(self.tick)

    def stop(self) -> int:
        self.stopped.set()
        self.join(timeout=2.0)
        return self.sent


def _query(port: int, timeout: float = 3.0) -> dict[str, Any]:
    from pythonosc.osc_message import OscMessage

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        s.settimeout(timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            s.sendto(build_message("/sidl/query", []), ("127.0.0.1", port))
            try:
                while True:
                    message = OscMessage(s.recv(65536))
                    if message.address == "/sidl/state":
                        return dict(json.loads(message.params[0]))
            except (TimeoutError, OSError):
                continue
    raise RuntimeError(f"the bridge on OSC port {port} did not answer /sidl/query")


def _start(command: list[str]) -> subprocess.Popen[str]:
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert proc.stdout is not None
    deadline = time.monotonic() + 60.0
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith(READY):
            return proc
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise RuntimeError(f"the bridge did not start: {' '.join(command)}")


def _phase(command: list[str], osc_port: int, *, osc_rate: float, midi_rate: float, seconds: float,
           midi_sender: Any, query_every: int = QUERY_EVERY) -> dict[str, Any]:
    """One bridge run of ``seconds`` under the given traffic; its lateness and memory."""
    proc = _start(command)
    rss: list[float] = []
    worker_rss: list[float] = []  # the model worker's (sidl run's default), apart: a process of its own
    feedback: _Feedback | None = None
    try:
        feedback = _Feedback(osc_port)
        storm = control_storm(query_every=query_every)
        osc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        osc.bind(("127.0.0.1", 0))
        position = [0]

        def send_osc(n: int) -> None:
            for _ in range(n):
                try:
                    osc.sendto(storm[position[0] % len(storm)], ("127.0.0.1", osc_port))
                except OSError:
                    pass
                position[0] += 1

        generators = []
        if osc_rate > 0:
            generators.append(_Paced(osc_rate, send_osc))
        if midi_rate > 0 and midi_sender is not None:
            generators.append(_Paced(midi_rate, midi_sender))
        for g in generators:
            g.start()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            value = _rss_mb(proc.pid)
            if value is not None:
                rss.append(value)
            workers = [mb for child in _children(proc.pid) if (mb := _rss_mb(child)) is not None]
            if workers:
                worker_rss.append(sum(workers))
            time.sleep(min(1.0, max(0.0, end - time.monotonic())))
        counts = [g.stop() for g in generators]
        time.sleep(0.2)  # replies to the storm's queries drain before the final one
        osc.close()
        state = _query(osc_port)
    finally:
        proc.terminate()  # first: nothing below may leave the bridge running
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if feedback is not None:
            feedback.close()
    result: dict[str, Any] = {"lateness_ms": state.get("lateness_ms", {}), "late_events": state.get("late_events"),
                              "osc_sent": counts[0] if osc_rate > 0 else 0,
                              "midi_sent": counts[-1] if midi_rate > 0 and midi_sender is not None else 0}
    result["bar_process_ms"] = _percentiles([us / 1000.0 for us in feedback.process_us] if feedback else [])
    if rss:
        result["rss_mb"] = _rss_summary(rss)
    if worker_rss:
        result["worker_rss_mb"] = _rss_summary(worker_rss)
    return result


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]  # noqa: E731
    return {"p50": round(pick(0.5), 3), "p99": round(pick(0.99), 3), "max": round(ordered[-1], 3), "count": len(values)}


class _Feedback(threading.Thread):
    """A client panel registered for feedback: collects each bar's processing time (``/sidl/stats``)."""

    def __init__(self, osc_port: int) -> None:
        super().__init__(daemon=True)
        from pythonosc.osc_message import OscMessage

        self._parse = OscMessage
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.process_us: list[float] = []
        self._done = threading.Event()
        self.sock.sendto(build_message("/sidl/register", [self.sock.getsockname()[1]]), ("127.0.0.1", osc_port))
        self.start()

    def run(self) -> None:
        while not self._done.is_set():
            try:
                message = self._parse(self.sock.recv(65536))
            except (TimeoutError, OSError):
                continue
            except Exception:  # noqa: BLE001 - anything unreadable is not ours to judge here
                continue
            if message.address == "/sidl/stats" and message.params:
                self.process_us.append(float(message.params[0]))

    def close(self) -> None:
        self._done.set()
        self.join(timeout=1.0)
        self.sock.close()


def _jack_midi_sender() -> tuple[Any, Any]:
    """(emit(n), close()) for MIDI events into "sidl in" through JACK, or raise if JACK is unusable."""
    import rtmidi

    port = rtmidi.MidiOut(rtapi=rtmidi.API_UNIX_JACK, name="bench-load-midi")
    names = port.get_ports()
    matches = [i for i, n in enumerate(names) if "sidl in" in n]
    if not matches:
        port.close_port()
        raise RuntimeError(f"no 'sidl in' JACK port: {names}")
    port.open_port(matches[0])
    state = {"i": 0}

    def emit(n: int) -> None:
        for _ in range(n):
            i = state["i"]
            pitch = DRUM_PITCHES[(i // 2) % len(DRUM_PITCHES)]
            port.send_message([0x99, pitch, 90] if i % 2 == 0 else [0x89, pitch, 0])
            state["i"] = i + 1

    return emit, port.close_port


def _jack_ready() -> tuple[bool, Any]:
    """(can JACK be used, the dummy server started for this bench or None)."""
    try:
        from sidl.bridge.live.ports import start_jack_dummy

        return True, start_jack_dummy()
    except Exception:
        return False, None


def run_load_bench(*, osc_rate: float = 2000.0, midi_rate: float = 3000.0, seconds: float = 20.0,
                   model: str = "drums", bpm: float = 120.0, backend: str = "auto",
                   query_every: int = QUERY_EVERY, idle: bool = True,
                   model_processes: tuple[str, ...] = ("worker",)) -> dict[str, Any]:
    """The bridge's note lateness idle and under ``osc_rate`` OSC packets/s plus ``midi_rate`` MIDI
    events/s, each phase a fresh run of ``seconds`` (``idle=False``: the load phase only, e.g. a
    memory soak); ``backend``: "jack", "simulated" or "auto" (JACK when usable); one ``/sidl/query``
    in every ``query_every`` control packets. Returns a JSON-ready dict: settings, then ``idle`` and ``load`` with ``lateness_ms``
    (p50/p99/max/count), ``late_events`` (over 2 ms), ``bar_process_ms`` (each bar's processing, from
    ``/sidl/stats``: a bar processed late makes its first notes late), traffic sent and the bridge's
    RSS (MB; ``worker_rss_mb``: its model worker's). ``model_processes``: ``sidl run --model-process``
    values, each run through the same phases (JACK only); the first one's phases are ``idle``/``load``,
    the others' ``<value>_idle``/``<value>_load``, side by side."""
    if backend not in ("auto", "jack", "simulated"):
        raise ValueError(f"backend must be auto, jack or simulated, got {backend!r}")
    jack, server = (False, None) if backend == "simulated" else _jack_ready()
    if backend == "jack" and not jack:
        raise RuntimeError("JACK cannot be used here (jackd missing or not starting)")
    try:
        results: dict[str, Any] = {"bench": "load", "backend": "jack" if jack else "simulated", "model": model,
                                   "bpm": bpm, "seconds": seconds, "osc_rate": osc_rate, "midi_rate": midi_rate}
        phases = ((("idle", (0.0, 0.0)),) if idle else ()) + (("load", (osc_rate, midi_rate)),)
        if jack:
            results["model_processes"] = list(model_processes)
        for name, (o_rate, m_rate) in phases:
            osc_port = _free_port()
            if jack:
                for i, process in enumerate(model_processes):
                    osc_port = _free_port()
                    command = [sys.executable, "-m", "sidl", "run", "--backend", "jack", "--json", "--mode", "generate",
                               "--model", model, "--bpm", str(bpm), "--osc-port", str(osc_port),
                               "--model-process", process]
                    results[name if i == 0 else f"{process}_{name}"] = _jack_phase(command, osc_port, o_rate, m_rate,
                                                                                   seconds, query_every)
            else:
                command = [sys.executable, "-m", "sidl.bridge.live.bench_load", "--model", model, "--bpm", str(bpm),
                           "--osc-port", str(osc_port), "--midi-rate", str(m_rate)]
                results[name] = _phase(command, osc_port, osc_rate=o_rate, midi_rate=m_rate, seconds=seconds,
                                       midi_sender=None, query_every=query_every)
                results[name]["midi_sent"] = int(m_rate * seconds)  # fed inside the simulated bridge
        return results
    finally:
        if server is not None:
            from sidl.bridge.live.ports import stop_jack_dummy

            stop_jack_dummy(server)


def _jack_phase(command: list[str], osc_port: int, osc_rate: float, midi_rate: float, seconds: float,
                query_every: int) -> dict[str, Any]:
    closers: list[Any] = []

    def lazy_sender(n: int) -> None:  # the port exists once the bridge is up: open on first use
        if not closers:
            emit, close = _jack_midi_sender()
            closers.append((emit, close))
        closers[0][0](n)

    try:
        return _phase(command, osc_port, osc_rate=osc_rate, midi_rate=midi_rate, seconds=seconds,
                      midi_sender=lazy_sender if midi_rate > 0 else None, query_every=query_every)
    finally:
        for _, close in closers:
            close()


def _serve_simulated(argv: list[str]) -> int:
    """The simulated bridge process: the live bridge, controller and OSC receiver as ``sidl run``
    wires them, a MIDI output that counts, and ``--midi-rate`` input events/s fed from a thread."""
    from sidl.bridge.engine import Engine
    from sidl.bridge.live.clock import InternalClock
    from sidl.bridge.live.control import Controller
    from sidl.bridge.live.daemon import LiveBridge
    from sidl.bridge.live.osc_server import OscReceiver

    p = argparse.ArgumentParser()
    p.add_argument("--model", default="drums")
    p.add_argument("--bpm", type=float, default=120.0)
    p.add_argument("--osc-port", type=int, required=True)
    p.add_argument("--midi-rate", type=float, default=0.0)
    args = p.parse_args(argv)
    engine = Engine.load(args.model, provider="cpu")
    clock = InternalClock(args.bpm)
    sent = [0]

    def send(_message: Any) -> None:
        sent[0] += 1

    bridge = LiveBridge(engine, send, clock=clock)
    bridge.change_controls(mode="generate")
    bridge.mode = "generate"
    controller = Controller(bridge)
    receiver = OscReceiver(controller.handle, port=args.osc_port)
    controller.receiver = receiver  # wired as sidl run wires them
    receiver.reply_targets = controller.reply_targets
    receiver.start()
    clock.start()
    worker = threading.Thread(target=bridge.run, name="sidl-bars", daemon=True)
    worker.start()
    feeder = None
    if args.midi_rate > 0:
        state = {"i": 0}

        def feed(n: int) -> None:
            for _ in range(n):
                i = state["i"]
                pitch = DRUM_PITCHES[(i // 2) % len(DRUM_PITCHES)]
                bridge.on_midi([0x99, pitch, 90] if i % 2 == 0 else [0x89, pitch, 0], bridge.now())
                state["i"] = i + 1

        feeder = _Paced(args.midi_rate, feed)
        feeder.start()
    print(READY + json.dumps({"osc": args.osc_port}), flush=True)
    try:
        while True:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        if feeder is not None:
            feeder.stop()
        bridge.stop()
        receiver.stop()
    return 0


if __name__ == "__main__":  # the simulated bridge's own process (see run_load_bench)
    import signal

    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    sys.exit(_serve_simulated(sys.argv[1:]))
