"""End to end through a real JACK server: a test client plays a groove with MIDI clock into
"sidl in", `sidl run` answers on "sidl out", and SIGTERM leaves no note hanging."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from typing import Any

import pytest

BPM = 240.0
TICK = 60.0 / (BPM * 24)
BAR = 4 * 60.0 / BPM  # one second


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_bridge(*flags: str) -> subprocess.Popen[str]:
    """``sidl run --backend jack`` with ``flags`` as its own process, as a performer starts it."""
    return subprocess.Popen([sys.executable, "-m", "sidl", "run", "--backend", "jack", "--json", *flags],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def _player(name: str) -> Any:
    """A JACK MIDI output connected to "sidl in" (the DAW track)."""
    import rtmidi

    port = rtmidi.MidiOut(rtapi=rtmidi.API_UNIX_JACK, name=name)
    port.open_port([i for i, n in enumerate(port.get_ports()) if "sidl in" in n][0])
    return port


def _listener(name: str, heard: list[tuple[float, list[int]]]) -> Any:
    """A JACK MIDI input on "sidl out" (the drum rack) recording (arrival time, bytes)."""
    import rtmidi

    port = rtmidi.MidiIn(rtapi=rtmidi.API_UNIX_JACK, name=name)
    port.set_callback(lambda ev, _=None: heard.append((time.perf_counter(), ev[0])))
    port.open_port([i for i, n in enumerate(port.get_ports()) if "sidl out" in n][0])
    return port


def _clocked(t0: float, bars: int, hits_of_bar: Any, clock_bars: float, length: float = 0.03) -> list[tuple[float, list[int]]]:
    """MIDI clock from ``t0`` for ``clock_bars`` bars plus the notes ``hits_of_bar(bar)`` gives."""
    events: list[tuple[float, list[int]]] = [(t0, [0xFA])]
    events += [(t0 + i * TICK, [0xF8]) for i in range(1, int(clock_bars * BAR / TICK))]
    for bar in range(bars):
        for beat, pitch in hits_of_bar(bar):
            at = t0 + bar * BAR + beat * 60.0 / BPM
            events += [(at, [0x99, pitch, 100]), (at + length, [0x89, pitch, 0])]
    return sorted(events, key=lambda e: e[0])


def _play(player: Any, events: list[tuple[float, list[int]]], on_time: Any = None) -> None:
    for at, message in events:
        if on_time is not None:
            on_time(at)
        delay = at - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        player.send_message(message)


def _wait_ready(proc: subprocess.Popen[str], timeout: float = 20.0) -> dict[str, object]:
    deadline = time.time() + timeout
    assert proc.stdout is not None
    while time.time() < deadline:
        line = proc.stdout.readline()
        if line.startswith("sidl: ready "):
            return json.loads(line[len("sidl: ready "):])
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError(f"sidl run did not get ready: {proc.stderr.read() if proc.stderr else ''}")


ROCK = [(0, 36), (2, 36), (1, 38), (3, 38)] + [(i / 2, 42) for i in range(8)]


@pytest.mark.slow
def test_loop_mode_through_jack_then_sigterm_releases_every_note(jack_server: object) -> None:
    proc = _start_bridge("--clock", "midi", "--osc-port", str(_free_port()))
    heard: list[tuple[float, list[int]]] = []
    try:
        ready = _wait_ready(proc)
        assert ready["backend"] == "jack" and ready["input"] == "sidl in" and ready["clock"] == "midi"
        player, listener = _player("e2e-player"), _listener("e2e-listener", heard)
        time.sleep(0.3)
        t0 = time.perf_counter() + 0.2
        # four bars of rock beat, then the player stops (the loop keeps playing) while the clock runs
        _play(player, _clocked(t0, 4, lambda bar: ROCK, clock_bars=7, length=0.05))
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        time.sleep(0.3)
        listener.close_port()
        player.close_port()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""

    ons = [(t, m) for t, m in heard if m[0] & 0xF0 == 0x90 and m[2] > 0]
    offs = [m for _, m in heard if m[0] & 0xF0 == 0x80 or (m[0] & 0xF0 == 0x90 and m[2] == 0)]
    assert ons, "the bridge played nothing"
    assert {m[1] for _, m in ons} >= {36, 38, 42}
    bars = Counter(int((t - t0) // BAR) for t, _ in ons)
    assert min(bars) >= 1  # a bar of latency: nothing before the first bar was complete
    kicks = [t - t0 for t, m in ons if m[1] == 36]
    on_beat = [k for k in kicks if abs((k / (60.0 / BPM)) - round(k / (60.0 / BPM))) * 60.0 / BPM < 0.04]
    assert len(on_beat) >= 0.8 * len(kicks), kicks  # kicks land on beats (within 40 ms)
    balance = Counter(m[1] for _, m in ons)
    balance.subtract(Counter(m[1] for m in offs))
    assert all(v <= 0 for v in balance.values()), balance  # every note-on got its note-off
    assert any(m[0] & 0xF0 == 0xB0 and m[1] == 123 for _, m in heard)  # and all-notes-off on exit


def test_sidl_panic_reaches_a_running_bridge_over_osc(jack_server: object) -> None:
    """The OSC panic path of a live daemon: `sidl panic` makes it release and reset its output."""
    osc_port = _free_port()
    proc = _start_bridge("--bpm", "240", "--osc-port", str(osc_port))
    heard: list[tuple[float, list[int]]] = []
    try:
        _wait_ready(proc)
        listener = _listener("panic-listener", heard)
        time.sleep(0.2)
        done = subprocess.run([sys.executable, "-m", "sidl", "panic", "--osc-port", str(osc_port)],
                              capture_output=True, text=True, timeout=30)
        assert done.returncode == 0 and "/sidl/panic sent" in done.stdout
        deadline = time.time() + 3
        while not any(m[0] & 0xF0 == 0xB0 and m[1] == 123 for _, m in heard) and time.time() < deadline:
            time.sleep(0.02)
        listener.close_port()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert any(m[0] & 0xF0 == 0xB0 and m[1] == 123 for _, m in heard)  # the bridge answered the panic


def test_demo_plays_a_generated_groove_and_writes_both_sides(jack_server: object, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sidl.bridge.codecs import load_score

    proc = _start_bridge("--bpm", "240", "--osc-port", str(_free_port()), "--demo", str(tmp_path), "--seconds", "5")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-1500:]
    assert "sidl: demo " in out
    sent, played = load_score(tmp_path / "demo-in.mid"), load_score(tmp_path / "demo-out.mid")
    assert len(sent.notes) > 20 and len(played.notes) > 10
    assert min(n.start for n in played.notes) >= min(n.start for n in sent.notes) + 4 - 0.2  # a bar later
    assert {n.pitch for n in played.notes} & {36, 38, 42}


def test_a_named_output_port_that_disappears_is_reconnected(jack_server: object) -> None:
    import rtmidi

    def device() -> tuple[Any, list[list[int]]]:
        port = rtmidi.MidiIn(rtapi=rtmidi.API_UNIX_JACK, name="e2e-device")
        got: list[list[int]] = []
        port.set_callback(lambda ev, _=None: got.append(ev[0]))
        port.open_virtual_port("ext drums")
        return port, got

    dev, first = device()
    time.sleep(0.2)
    proc = _start_bridge("--bpm", "240", "--mode", "generate", "--out", "ext drums", "--osc-port", str(_free_port()))
    try:
        ready = _wait_ready(proc)
        assert "ext drums" in str(ready["output"])
        time.sleep(2.5)
        dev.close_port()  # the device goes away…
        del dev
        time.sleep(1.5)
        dev, second = device()  # …and comes back
        time.sleep(3.0)
        dev.close_port()
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=10)
    assert any(m[0] & 0xF0 == 0x90 for m in first), err[-1000:]
    assert any(m[0] & 0xF0 == 0x90 for m in second), (out, err[-1000:])  # playing again after the return
    assert '"state": "lost"' in out and '"state": "restored"' in out


def test_filter_mode_drops_injected_spurious_hits(jack_server: object) -> None:
    """Filter mode at full strength, driven with MIDI clock: after four clean bars, stray toms on
    off-sixteenths are held back while the groove's own hits pass straight through."""
    proc = _start_bridge("--clock", "midi", "--mode", "filter", "--denoise", "1.0", "--osc-port", str(_free_port()))
    heard: list[tuple[float, list[int]]] = []
    try:
        _wait_ready(proc)
        player, listener = _player("filter-player"), _listener("filter-listener", heard)
        time.sleep(0.3)
        spurious = [(0.75, 47), (2.25, 47)]  # toms never heard before
        _play(player, _clocked(time.perf_counter() + 0.2, 6, lambda bar: ROCK + (spurious if bar >= 4 else []),
                               clock_bars=7))
        time.sleep(0.2)
        listener.close_port()
        player.close_port()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    ons = [m for _, m in heard if m[0] & 0xF0 == 0x90 and m[2] > 0]
    assert sum(1 for m in ons if m[1] == 36) >= 8 and sum(1 for m in ons if m[1] == 38) >= 8
    assert sum(1 for m in ons if m[1] == 47) == 0  # the injected toms were filtered out


def _osc(port: int, path: str, args: list[object], reply: bool = False) -> dict[str, object] | None:
    from pythonosc.osc_message import OscMessage

    from sidl.bridge.live.osc_server import build_message

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(2.0)
        sock.sendto(build_message(path, args), ("127.0.0.1", port))
        if not reply:
            return None
        return json.loads(OscMessage(sock.recv(65536)).params[0])


def test_osc_morph_toward_a_scene_and_mode_switch_at_the_bar(jack_server: object) -> None:
    """Through JACK and OSC: a stored scene of groove A, morphed to while groove B plays, brings A's
    closed hats back and B's open hats out; a mode change asked mid-bar waits for the bar."""
    osc_port = _free_port()
    proc = _start_bridge("--clock", "midi", "--osc-port", str(osc_port))
    heard: list[tuple[float, list[int]]] = []
    try:
        _wait_ready(proc)
        player, listener = _player("morph-player"), _listener("morph-listener", heard)
        time.sleep(0.3)
        t0 = time.perf_counter() + 0.2
        groove_b = [(i, 36) for i in range(4)] + [(i + 0.5, 46) for i in range(4)]
        controls = [(t0 + 3.5 * BAR, "/sidl/scene/store", [1]), (t0 + 3.6 * BAR, "/sidl/scene/select", [1]),
                    (t0 + 3.6 * BAR, "/sidl/morph", [1.0])]

        def send_controls(at: float) -> None:
            while controls and controls[0][0] <= at:
                _, path, args = controls.pop(0)
                _osc(osc_port, path, args)

        _play(player, _clocked(t0, 8, lambda bar: ROCK if bar < 3 else groove_b, clock_bars=9), send_controls)
        _osc(osc_port, "/sidl/mode", ["filter"])
        asked = _osc(osc_port, "/sidl/query", [], reply=True)
        time.sleep(0.3)
        listener.close_port()
        player.close_port()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert asked is not None and asked["requested_mode"] == "filter" and asked["mode"] == "loop"
    assert asked["scenes"] == [1]
    late = [m[1] for t, m in heard if m[0] & 0xF0 == 0x90 and m[2] > 0 and t - t0 >= 5 * BAR]
    assert late, "nothing played while groove B was morphed to scene A"
    assert late.count(42) > late.count(46)  # A's closed hats are back, B's open hats are out


@pytest.mark.slow
def test_the_model_worker_sigkilled_mid_groove_silences_at_once_and_the_loop_comes_back(jack_server: object) -> None:
    """Loop mode plays back a groove; the process that runs the model is SIGKILLed mid-bar. The
    bridge (which owns the ports and the note ledger) silences within 200 ms, starts another worker,
    and plays the loop again a few bars later."""
    osc_port = _free_port()
    proc = _start_bridge("--clock", "midi", "--osc-port", str(osc_port))
    heard: list[tuple[float, list[int]]] = []
    killed: list[float] = []
    try:
        ready = _wait_ready(proc)
        worker = ready["model"]["worker_pid"]  # type: ignore[index]
        assert isinstance(worker, int) and worker != proc.pid
        player, listener = _player("e2e-kill-player"), _listener("e2e-kill-listener", heard)
        time.sleep(0.3)
        t0 = time.perf_counter() + 0.2

        def kill_at(at: float) -> None:
            if not killed and at >= t0 + 3.5 * BAR:
                os.kill(worker, signal.SIGKILL)
                killed.append(time.perf_counter())

        _play(player, _clocked(t0, 9, lambda bar: ROCK, clock_bars=9, length=0.05), on_time=kill_at)
        state = _osc(osc_port, "/sidl/query", [], reply=True)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        listener.close_port()
        player.close_port()
    finally:
        if proc.poll() is None:
            proc.kill()
    stderr = proc.stderr.read() if proc.stderr else ""
    assert proc.returncode == 0, stderr
    assert killed
    resets = [t for t, m in heard if m[0] & 0xF0 == 0xB0 and m[1] == 123 and t > killed[0]]
    assert resets and resets[0] - killed[0] < 0.2, (resets[:1], killed)  # silenced within 200 ms
    sounding: Counter[int] = Counter()
    for t, m in heard:
        if t > resets[0]:
            break
        if m[0] & 0xF0 == 0x90 and m[2] > 0:
            sounding[m[1]] += 1
        elif m[0] & 0xF0 == 0x80 or m[0] & 0xF0 == 0x90:
            sounding[m[1]] -= 1
    assert all(v <= 0 for v in sounding.values()), sounding  # every note-on had its note-off by then
    assert state is not None
    model = state["model"]
    assert isinstance(model, dict) and model["worker_restarts"] == 1 and model["worker_pid"] not in (worker, None)
    later = [t for t, m in heard if m[0] & 0xF0 == 0x90 and m[2] > 0 and t > killed[0] + 2.5 * BAR]
    assert later, "the loop did not come back after the worker was restarted"
    assert "model worker restarted" in stderr
