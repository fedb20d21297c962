"""The MIDI side on a hostile stage, through real JACK where the fault is JACK's: an unterminated SysEx,
the JACK server killed and restarted, a model that raises or returns NaN, a SIGKILLed bridge, a panic
flood, a second bridge with the same port names, the backend probe's client."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sidl.bridge.live.ledger import (
    ALL_NOTES_OFF_CC,
    ALL_SOUND_OFF_CC,
    SUSTAIN_CC,
    NoteLedger,
    ShortMessage,
    flood_messages,
    send_paced,
)
from sidl.bridge.live.ledger_store import STATE_DIR_ENV, LedgerStore
from sidl.bridge.live.midi_in import MidiInputDecoder, NoteEvent
from tests.bridge.test_live_bridge import FakeTime, make

NOISE = ("Cannot connect to server", "JackSocketClientChannel", "CheckRes error", "Cannot read socket",
         "jack server is not running")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _bridge(*flags: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """``sidl run --backend jack`` as its own process, as a performer starts it."""
    return subprocess.Popen([sys.executable, "-m", "sidl", "run", "--backend", "jack", "--json", "--osc-port", str(_free_port()),
                             *flags], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})


class Lines:
    """A process's stdout read on a thread, so a test can wait for a line with a deadline."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._proc = proc
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            self.lines.append(line)

    def wait_for(self, text: str, timeout: float = 20.0, start: int = 0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[start:]:
                if text in line:
                    return line
            if self._proc.poll() is not None and not any(text in x for x in self.lines[start:]):
                time.sleep(0.2)  # the reader may still be draining
                if not any(text in x for x in self.lines[start:]):
                    break
            time.sleep(0.02)
        err = self._proc.stderr.read() if self._proc.poll() is not None and self._proc.stderr else ""
        raise AssertionError(f"no {text!r} in {self.lines[-10:]}; stderr: {err[-2000:]}")


def _wait(condition: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return bool(condition())


def _virtual_input(name: str, client: str) -> tuple[Any, list[list[int]]]:
    """A JACK MIDI input of the test (a synth, a drum rack) recording what reaches it."""
    import rtmidi

    port = rtmidi.MidiIn(rtapi=rtmidi.API_UNIX_JACK, name=client)
    port.ignore_types(sysex=False, timing=False, active_sense=False)
    heard: list[list[int]] = []
    port.set_callback(lambda ev, _=None: heard.append(ev[0]))
    port.open_virtual_port(name)
    return port, heard


def _output_to(substring: str, client: str) -> Any:
    import rtmidi

    port = rtmidi.MidiOut(rtapi=rtmidi.API_UNIX_JACK, name=client)
    assert _wait(lambda: any(substring in n for n in port.get_ports()), 10.0), port.get_ports()
    port.open_port([i for i, n in enumerate(port.get_ports()) if substring in n][0])
    return port


def _close(*handles: Any) -> None:
    from sidl.bridge.live.ports import close_handle

    for h in handles:
        close_handle(h)


# ---------------------------------------------------------------------- 1. unterminated SysEx

def test_decoder_ends_an_unterminated_sysex_at_the_next_status_byte(caplog: pytest.LogCaptureFixture) -> None:
    dec = MidiInputDecoder()
    with caplog.at_level(logging.WARNING, logger="sidl.bridge.live.midi_in"):
        # what rtmidi's JACK input delivers once the SysEx is closed: everything glued to it
        events = dec.feed([0xF0, 0x01, 0x99, 36, 100, 0x89, 36, 0, 0xF7], 1.0)
        events += dec.feed([0xF0, 0x01, 0x99, 38, 90], 2.0)  # a second one, within the log's quiet time
    notes = [(e.pitch, e.velocity) for e in events if isinstance(e, NoteEvent)]
    assert notes == [(36, 100), (36, 0), (38, 90)]
    assert dec.counts["sysex_unterminated"] == 2 and dec.counts["rejected"] == 0
    warnings = [r for r in caplog.records if "unterminated SysEx" in r.getMessage()]
    assert len(warnings) == 1  # rate-limited: a faulty device must not flood the log

    # a SysEx of a megabyte is skipped without being stored; real-time bytes inside it still count
    big = [0xF0] + [0x11] * 1_000_000 + [0xF8] + [0x22] * 1000 + [0xF7, 0x99, 42, 80]
    events = dec.feed(big, 3.0)
    assert [getattr(e, "status", None) for e in events][:1] == [0xF8]
    assert [(e.pitch, e.velocity) for e in events if isinstance(e, NoteEvent)] == [(42, 80)]
    assert dec.counts["sysex_unterminated"] == 2  # that one was terminated

    # running status survives a lone F7 (the guard's flush) but values that are no bytes are dropped
    assert [(e.pitch) for e in dec.feed([0x99, 40, 100], 4.0) + dec.feed([0xF7], 4.0) + dec.feed([41, 100], 4.0)
            if isinstance(e, NoteEvent)] == [40, 41]
    assert dec.feed([300, 0x99, 43, 100], 5.0) and dec.counts["rejected"] == 1


def test_an_unterminated_sysex_does_not_make_the_jack_input_deaf(jack_server: object,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    """``F0 01`` then notes, through JACK: rtmidi's JACK input used to hold every event after the
    F0 until an F7 came (ignoring SysEx dropped them for good); the bridge's input still hears."""
    from sidl.bridge.live.ports import open_input

    dec = MidiInputDecoder()
    heard: list[NoteEvent] = []
    port = open_input("jack", lambda data, t: heard.extend(e for e in dec.feed(data, t) if isinstance(e, NoteEvent)),
                      client="test-sysex-in")
    player = _output_to("sidl in", "test-sysex-player")
    try:
        time.sleep(0.2)
        with caplog.at_level(logging.WARNING, logger="sidl.bridge.live.midi_in"):
            player.send_message([0xF0, 0x01])  # a faulty device: SysEx begun, never ended
            time.sleep(0.05)
            player.send_message([0x99, 38, 100])  # the next JACK period, or a later one
            player.send_message([0x89, 38, 0])
            assert _wait(lambda: len(heard) >= 2, 3.0), f"the input went deaf after F0 01: {dec.counts}"
            player.send_message([0xF0, 0x01, 0x99, 40, 100])  # and in the same JACK event
            assert _wait(lambda: any(n.pitch == 40 for n in heard), 3.0), dec.counts
            player.send_message([0x99, 42, 100])  # and afterwards all is normal
            assert _wait(lambda: any(n.pitch == 42 for n in heard), 3.0), dec.counts
        assert [(n.pitch, n.velocity) for n in heard] == [(38, 100), (38, 0), (40, 100), (42, 100)]
        assert dec.counts["sysex_unterminated"] == 2
        assert any("unterminated SysEx" in r.getMessage() for r in caplog.records)
    finally:
        _close(player)
        port.close()


# ---------------------------------------------------------------------- 2. the JACK server goes away

LISTENER = r"""
import sys, time, rtmidi
port = rtmidi.MidiIn(rtapi=rtmidi.API_UNIX_JACK, name="test-listener")
port.set_callback(lambda ev, _=None: print(*ev[0], flush=True))
deadline = time.monotonic() + 15
while time.monotonic() < deadline:
    names = [i for i, n in enumerate(port.get_ports()) if "sidl out" in n]
    if names:
        port.open_port(names[0]); print("connected", flush=True); break
    time.sleep(0.1)
time.sleep(60)
"""


# one fixed name: jack2's registry holds 8 servers, and a SIGKILLed server's entry is reclaimed only
# by a server of the same name (unique names per run filled it: "Too many servers already active")
PRIVATE_SERVER = "sidl-test-private"


def _stop_jackd(proc: subprocess.Popen[bytes]) -> None:
    """Stop cleanly (SIGTERM): jackd then leaves the registry."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _jackd(name: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "JACK_NO_AUDIO_RESERVATION": "1", "JACK_DEFAULT_SERVER": name}
    proc = subprocess.Popen(["jackd", "-n", name, "--no-realtime", "-d", "dummy", "-r", "48000", "-p", "256"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    if subprocess.run(["jack_wait", "-w", "-t", "10"], capture_output=True, env=env).returncode != 0:
        proc.kill()
        pytest.skip("a private JACK server did not come up")
    return proc


def _listener(env: dict[str, str]) -> tuple[subprocess.Popen[str], Lines]:
    proc = subprocess.Popen([sys.executable, "-c", LISTENER], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env={**os.environ, **env})
    return proc, Lines(proc)


def test_the_jack_server_killed_and_restarted_the_bridge_notices_and_plays_again(tmp_path: Path) -> None:
    """A private dummy jackd (its own server name, so the session's server is not disturbed) is
    SIGKILLed under a playing bridge: the bridge logs one line, keeps running, and when the server
    is back it reopens its ports and notes flow again; libjack's error lines stay out of stderr."""
    if shutil.which("jackd") is None:
        pytest.skip("jackd is not installed")
    name = PRIVATE_SERVER
    env = {"JACK_DEFAULT_SERVER": name, STATE_DIR_ENV: str(tmp_path)}
    server = _jackd(name)
    bridge = _bridge("--mode", "generate", "--bpm", "240", env=env)
    listeners: list[subprocess.Popen[str]] = []
    try:
        out = Lines(bridge)
        out.wait_for("sidl: ready ")
        first, heard = _listener(env)
        listeners.append(first)
        heard.wait_for("connected", 15)
        heard.wait_for("153 ", 10)  # a note-on on channel 10
        server.kill()
        server.wait()
        out.wait_for('"state": "lost"', 10)
        first.kill()
        assert bridge.poll() is None  # alive, and it knows
        time.sleep(0.5)
        server = _jackd(name)
        out.wait_for('"state": "restored"', 15)
        second, heard_again = _listener(env)
        listeners.append(second)
        heard_again.wait_for("connected", 15)
        heard_again.wait_for("153 ", 10)  # playing again on the recreated "sidl out"
        assert bridge.poll() is None
    finally:
        for proc in listeners:
            proc.kill()
        bridge.terminate()
        try:
            bridge.wait(timeout=15)
        finally:
            if bridge.poll() is None:
                bridge.kill()
            _stop_jackd(server)
    err = bridge.stderr.read() if bridge.stderr else ""
    assert bridge.returncode == 0, err[-2000:]
    assert err.count("the JACK server went away") == 1 and "the JACK server is back" in err
    assert not [line for line in err.splitlines() if any(n in line for n in NOISE)], err[-2000:]


# ---------------------------------------------------------------------- 3a. a failing model

@pytest.fixture(scope="module")
def engine() -> Any:
    from sidl.bridge.engine import Engine

    return Engine.load("drums", provider="cpu")


def _bridge_in_process(engine: Any) -> tuple[Any, FakeTime, list[ShortMessage]]:
    bridge, now, sent = make(engine)
    bridge.change_controls(mode="generate")
    return bridge, now, sent


def _balance(sent: list[ShortMessage]) -> Counter[int]:
    count: Counter[int] = Counter()
    for m in sent:
        if m.kind == "note_on":
            count[m.data1] += 1
        elif m.kind == "note_off":
            count[m.data1] -= 1
    return +count  # what still sounds


@pytest.mark.parametrize("fault", ["raises", "nan"])
def test_a_failing_model_neither_stops_the_loop_nor_leaves_a_note_on(engine: Any, fault: str,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    from sidl.bridge.live.daemon import OUT_PORT

    bridge, now, sent = _bridge_in_process(engine)
    bar, wait = bridge.step(None)
    now.t += wait
    # a long note is sounding (the model's last bar) when the model starts failing
    bridge.scheduler.note(OUT_PORT, 9, 49, 100, now.t, now.t + 30.0)
    bridge.scheduler.run_due()
    assert bridge.scheduler.ledger.sounding()
    decode = engine.decode

    def broken(code: np.ndarray) -> np.ndarray:
        if fault == "raises":
            raise RuntimeError("onnxruntime: the model fell over")
        return np.full_like(decode(code), np.nan)

    monkeypatch.setattr(engine, "decode", broken)
    with caplog.at_level(logging.WARNING, logger="sidl.bridge.live.daemon"):
        now.t = bridge.next_processing_time(bar)  # type: ignore[arg-type]
        bar, _ = bridge.step(bar)  # the failing bar
        if fault == "raises":  # silenced at once, not when the note's scheduled end comes
            assert bridge.scheduler.ledger.sounding() == {} and bridge.scheduler.pending() == 0
            assert any("failed: silencing" in r.getMessage() for r in caplog.records)
            assert [m.data1 for m in sent if m.kind == "control_change"][-1] == ALL_NOTES_OFF_CC
        for _ in range(3):  # and the loop keeps turning through failing bars
            now.t = bridge.next_processing_time(bar)  # type: ignore[arg-type]
            bar, _ = bridge.step(bar)
            bridge.scheduler.run_due()
    now.t += 60.0
    bridge.scheduler.run_due()
    assert bar is not None and bar >= 5  # it went on
    assert bridge.scheduler.ledger.sounding() == {} and not _balance(sent)  # nothing left on


def test_a_bar_loop_more_than_a_bar_behind_skips_instead_of_playing_late(engine: Any,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    bridge, now, _ = _bridge_in_process(engine)
    processed: list[int] = []
    monkeypatch.setattr(bridge, "process_bar", lambda b: processed.append(b))
    bar, _ = bridge.step(None)
    now.t = bridge.next_processing_time(bar)  # type: ignore[arg-type]
    bar, _ = bridge.step(bar)
    assert processed == [1]
    now.t += 5 * 2.0 + 0.5  # the model call took five bars and a quarter
    bar, wait = bridge.step(bar)
    assert processed == [1] and bar == bridge.next_bar() and wait > 0  # no stale bar is played late


# ---------------------------------------------------------------------- 3b. the ledger on disk

def test_the_ledger_on_disk_follows_the_sounding_set(tmp_path: Path) -> None:
    ledger = NoteLedger()
    store = LedgerStore("jack-sidl out", ledger, tmp_path)
    store.start()
    try:
        ledger.note_on("out", 9, 36, 100)
        ledger.note_on("out", 9, 36, 90)  # re-struck: counted
        assert _wait(lambda: store.path.exists() and json.loads(store.path.read_text())["notes"] == [[9, 36, 2]])
        writes = store.writes
        ledger.note_off("out", 9, 36)
        ledger.note_on("out", 9, 36, 80)  # the set did not change: no write is asked for
        time.sleep(0.1)
        assert store.writes == writes
        ledger.release_all()
        assert _wait(lambda: not store.path.exists())  # nothing sounds: no file
        ledger.note_on("out", 0, 60, 100)
        assert _wait(store.path.exists)
    finally:
        store.close()
    assert store.path.exists()  # closed while a note sounds: left for the next start

    # the next start: a run that is gone left a file; a live one's is not touched
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    gone_pid = int(dead.stdout)
    left = tmp_path / f"{store.pattern}{gone_pid}.json"
    store.path.rename(left)
    alive = tmp_path / f"{store.pattern}{os.getppid()}.json"
    alive.write_text(json.dumps({"notes": [[1, 2, 1]]}))
    (tmp_path / f"{store.pattern}999999999.json").write_text("{not json")
    other = LedgerStore("jack-sidl out", NoteLedger(), tmp_path)
    leftovers = other.leftovers()
    assert [(x.pid, x.notes) for x in leftovers] == [(gone_pid, ((0, 60, 1),))]
    assert [(m.kind, m.channel, m.data1) for m in leftovers[0].messages("out")] == [
        ("note_off", 0, 60), ("control_change", 0, SUSTAIN_CC), ("control_change", 0, ALL_NOTES_OFF_CC)]
    leftovers[0].remove()
    assert not left.exists() and alive.exists() and not (tmp_path / f"{store.pattern}999999999.json").exists()


def test_notes_left_by_a_sigkilled_bridge_are_released_by_the_next_start(jack_server: object, tmp_path: Path) -> None:
    """A held key passes straight through filter mode to the synth; the bridge is SIGKILLed while it
    sounds (no handler can run); the next start on the same output sends its note-off."""
    synth, heard = _virtual_input("test synth", "test-synth")
    env = {STATE_DIR_ENV: str(tmp_path)}
    flags = ("--mode", "filter", "--denoise", "0", "--out", "test synth")
    bridge = _bridge(*flags, env=env)
    player = None
    again = None
    try:
        Lines(bridge).wait_for("sidl: ready ")
        player = _output_to("sidl in", "test-held-key")
        time.sleep(0.2)
        player.send_message([0x99, 38, 100])  # the key goes down, and stays down
        assert _wait(lambda: [0x99, 38, 100] in heard, 5.0), heard
        files = lambda: list(tmp_path.glob("ledger-*.json"))  # noqa: E731
        assert _wait(lambda: files() and json.loads(files()[0].read_text())["notes"] == [[9, 38, 1]], 5.0)
        bridge.send_signal(signal.SIGKILL)
        bridge.wait(timeout=10)
        _close(player)
        player = None
        assert [0x89, 38, 0] not in heard  # stuck: nothing released it
        again = _bridge(*flags, env=env)
        Lines(again).wait_for("sidl: ready ")
        assert _wait(lambda: [0x89, 38, 0] in heard, 5.0), heard  # the next start released it
        assert [0xB9, ALL_NOTES_OFF_CC, 0] in heard
        assert _wait(lambda: not any(str(bridge.pid) in f.name for f in files()), 2.0)  # its file is gone
    finally:
        for proc in (bridge, again):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=10)
        if player is not None:
            _close(player)
        _close(synth)
    assert again is not None and again.returncode == 0
    assert not list(tmp_path.glob("ledger-*.json"))  # a clean stop leaves no file


# ---------------------------------------------------------------------- 4. sidl panic --port

def test_send_paced_sends_resets_first_in_bursts() -> None:
    messages = flood_messages()
    assert len(messages) == 16 * 3 + 16 * 128
    first = messages[:48]
    assert all(m.kind == "control_change" for m in first)
    assert [m.data1 for m in first[:3]] == [SUSTAIN_CC, ALL_NOTES_OFF_CC, ALL_SOUND_OFF_CC]
    sent: list[ShortMessage] = []
    naps: list[tuple[int, float]] = []
    sent_count = send_paced(sent.append, messages, burst=64, pause=0.01, sleep=lambda s: naps.append((len(sent), s)))
    assert sent_count == 2096
    assert sent == messages
    assert naps == [(64 * (i + 1), 0.01) for i in range(len(messages) // 64)]  # 64 at a time, a pause between


def test_sidl_panic_port_reaches_a_jack_receiver_whole_and_resets_first(jack_server: object) -> None:
    """2,096 messages to a real JACK input read the simplest way, python-rtmidi's own queue (1,024
    messages) polled: all arrive, resets first. In one burst they land in one JACK period, so the
    queue overflows whatever the reader does (measured: 1,023 of 2,080 arrived, CC123 came 129th)."""
    import rtmidi

    target = rtmidi.MidiIn(rtapi=rtmidi.API_UNIX_JACK, name="test-panic-target")
    target.open_virtual_port("test panic target")
    heard: list[list[int]] = []
    done_reading = threading.Event()

    def read() -> None:
        while not done_reading.is_set():
            while (message := target.get_message()) is not None:
                heard.append(message[0])
            time.sleep(0.001)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        time.sleep(0.2)
        done = subprocess.run([sys.executable, "-m", "sidl", "panic", "--port", "test panic target", "--backend", "jack",
                               "--osc-port", str(_free_port())], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr[-2000:]
        _wait(lambda: len(heard) >= 2096, 5.0)
        time.sleep(0.1)
    finally:
        done_reading.set()
        reader.join(timeout=2)
        _close(target)
    assert len(heard) == 2096
    assert [m[1] for m in heard[:3]] == [SUSTAIN_CC, ALL_NOTES_OFF_CC, ALL_SOUND_OFF_CC]
    first_off = next(i for i, m in enumerate(heard) if m[0] & 0xF0 == 0x80)
    assert first_off == 48 and all(m[0] & 0xF0 == 0xB0 for m in heard[:48])
    assert Counter(m[0] & 0x0F for m in heard if m[0] & 0xF0 == 0x80) == {ch: 128 for ch in range(16)}


# ---------------------------------------------------------------------- 5. names and clients

def test_a_second_bridge_with_the_same_port_names_is_refused(jack_server: object) -> None:
    from sidl.bridge.live.ports import PortError, open_output

    first = open_output("jack", client="test-first-bridge")
    try:
        with pytest.raises(PortError, match=r"'sidl out' already exists .*--out NAME"):
            open_output("jack", client="test-second-bridge")
        second = _bridge("--seconds", "5")
        out, err = second.communicate(timeout=60)
        assert second.returncode != 0 and "sidl: ready" not in out
        assert "'sidl out' already exists" in err and "Traceback" not in err
    finally:
        first.close()


def test_a_second_bridge_with_a_name_of_its_own_runs_beside_the_first(jack_server: object) -> None:
    """`--name drums2` gives the second bridge ports of its own ("drums2 in", "drums2 out" on clients
    "drums2-in"/"drums2-out"), so two bridges play on one machine; the clash message says so."""
    import rtmidi

    from sidl.bridge.live.ports import PortError, open_output

    first = open_output("jack", client="test-first-bridge")
    second = _bridge("--name", "drums2")
    try:
        with pytest.raises(PortError, match="--name NAME"):
            open_output("jack", client="test-clash")
        ready = json.loads(Lines(second).wait_for("sidl: ready", 60).split("sidl: ready ", 1)[1])
        assert (ready["input"], ready["output"], ready["name"]) == ("drums2 in", "drums2 out", "drums2")
        probe = rtmidi.MidiIn(rtapi=rtmidi.API_UNIX_JACK, name="test-name-probe")
        try:
            assert "drums2-out:drums2 out" in probe.get_ports()
        finally:
            probe.delete()
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
        first.close()
    bad = subprocess.run([sys.executable, "-m", "sidl", "run", "--name", "a:b"], capture_output=True, text=True,
                         timeout=60)
    assert bad.returncode == 2 and "--name must be" in bad.stderr and "Traceback" not in bad.stderr


def test_the_backend_probe_closes_its_client(jack_server: object) -> None:
    """The probe of ``choose_backend`` used to leave its JACK client open (``del`` does not free it)."""
    import rtmidi

    from sidl.bridge.live.ports import choose_backend, probe_client_name

    assert choose_backend("jack") == "jack"
    probe = rtmidi.MidiOut(rtapi=rtmidi.API_UNIX_JACK, name=probe_client_name())
    probe.open_virtual_port("name check")
    lister = rtmidi.MidiIn(rtapi=rtmidi.API_UNIX_JACK, name=f"test-lister-{os.getpid()}")
    try:
        mine = [n for n in lister.get_ports() if n.endswith(":name check")]
        assert mine == [f"{probe_client_name()}:name check"]  # the name is free: the probe's client is gone
    finally:
        _close(probe, lister)
