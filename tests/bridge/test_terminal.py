"""What a person sees of ``sidl run`` and ``sidl ports`` (issue 15 §1): a ready message that says what
to connect where, a status line per bar, one clear line for a bad flag, channels counted 1–16, and a
Ctrl-C that stops a `make run`-style session (its own dummy JACK server, the idle demo) without a
single error line."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sidl.bridge.engine import Engine
from sidl.bridge.errors import ParameterError
from sidl.bridge.live.clock import InternalClock
from sidl.bridge.live.daemon import LiveBridge
from sidl.bridge.live.ledger import ShortMessage
from sidl.bridge.live.port_view import port_lines
from sidl.bridge.live.ready_message import ready_lines, stop_lines
from sidl.bridge.live.run import apply_session
from sidl.bridge.live.run_args import add_arguments
from sidl.bridge.live.status_line import CLEAR_LINE, StatusLine, Terminal, count_input
from sidl.cli import build_parser, main
from tests.bridge.test_live_bridge import FakeTime

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load("drums", provider="cpu")


def _bridge(engine: Engine, channel: int | None = None) -> tuple[LiveBridge, list[ShortMessage]]:
    now, sent = FakeTime(), []
    clock = InternalClock(120, now=now)
    clock.start()
    return LiveBridge(engine, sent.append, clock=clock, now=now, input_channel=channel), sent


def _rock_bar(bridge: LiveBridge, bar: int, status: int = 0x99) -> int:
    hits = [(0, 36), (2, 36), (1, 38), (3, 38)] + [(i / 2, 42) for i in range(8)]
    for beat, pitch in hits:
        t = (bar * 4 + beat) * 0.5
        bridge.on_midi([status, pitch, 100], t)
        bridge.on_midi([status & 0xEF, pitch, 0], t + 0.05)
    return len(hits)


# ------------------------------------------------------------------------------------------ status line
def test_the_status_line_counts_a_bar_in_and_out_and_is_rewritten_in_place_on_a_terminal(engine: Engine) -> None:
    bridge, _ = _bridge(engine)
    shown: list[str] = []
    terminal = Terminal(shown.append, in_place=True)
    bridge.listeners.append(StatusLine(bridge, terminal, count_input(bridge)))
    played = _rock_bar(bridge, 0) + _rock_bar(bridge, 1)
    bridge.process_bar(2)
    first = shown[-1]
    assert first.startswith(CLEAR_LINE) and "\n" not in first  # rewritten where it stands
    text = first[len(CLEAR_LINE):]
    assert text.startswith("bar    2") and f"in  {played}" in text and "loop" in text and "late 0" in text
    out = bridge.reports[-1].notes
    assert out > 0 and f"out  {out:>2}" in text and f"atoms  {len(bridge.reports[-1].active_atoms)}" in text
    terminal.line("a message")  # printed above the status line, which is shown again below it
    assert shown[-3:] == [CLEAR_LINE, "a message\n", text]
    bridge.process_bar(3)  # nothing played during bar 3: in 0, and the held bar says so
    assert " in   0 " in shown[-1] and "holding the last bar" in shown[-1]


def test_off_a_terminal_the_status_is_one_line_per_bar(engine: Engine) -> None:
    bridge, _ = _bridge(engine)
    shown: list[str] = []
    bridge.listeners.append(StatusLine(bridge, Terminal(shown.append, in_place=False), count_input(bridge)))
    for bar in range(3):
        bridge.process_bar(bar)
    assert len(shown) == 3 and all(s.endswith("\n") and CLEAR_LINE not in s for s in shown)
    assert [s.split()[1] for s in shown] == ["0", "1", "2"]


def test_filter_mode_counts_what_it_lets_through_as_out(engine: Engine) -> None:
    bridge, sent = _bridge(engine)
    bridge.change_controls(mode="filter", denoise=0.0)
    bridge.mode = "filter"
    shown: list[str] = []
    bridge.listeners.append(StatusLine(bridge, Terminal(shown.append, in_place=False), count_input(bridge)))
    played = _rock_bar(bridge, 0)
    bridge.process_bar(1)
    passed = sum(m.kind == "note_on" for m in sent)
    assert passed == played and f"in  {played}" in shown[-1] and f"out  {passed}" in shown[-1]


# ------------------------------------------------------------------------------------------ messages
READY = {"model": {"model": "drums", "atoms": 1024, "atoms_per_bar": 4, "providers": ["CPUExecutionProvider"]},
         "backend": "jack", "input": "sidl in", "output": "sidl out", "clock": "internal", "bpm": 120.0,
         "osc": "udp://127.0.0.1:9000", "ready_seconds": 1.2, "mode": "loop", "provider": "cpu", "output_channel": 10}


def test_the_ready_message_says_what_to_connect_where_and_what_to_try_next() -> None:
    text = "\n".join(ready_lines(READY, virtual_in=True, virtual_out=True))
    assert text.startswith("sidl: ready in 1.2 s: model drums (1024 atoms, 4 a bar) on CPU, loop mode, internal ")
    assert "{" not in text  # for people: no JSON blob
    for said in ('play into  "sidl in"', 'listen to  "sidl out"', "MIDI channel 10", "on CPU", "loop mode",
                 "120 BPM", "udp://127.0.0.1:9000", "jack_connect", "sidl run --demo", "sidl ports", "Ctrl-C"):
        assert said in text, said
    demo = "\n".join(ready_lines(READY, virtual_in=True, virtual_out=True, demo="demo_out", idle_demo=True))
    assert "until you play into it" in demo and "demo_out/" in demo and "sidl run --demo" not in demo
    named = "\n".join(ready_lines({**READY, "input": "Keystation", "output": "Drum Rack"}, virtual_in=False,
                                  virtual_out=False))
    assert 'listening  "Keystation"' in named and 'playing    "Drum Rack" on MIDI channel 10' in named
    assert stop_lines(1, ["d/demo-in.mid", "d/demo-out.mid"]) == [
        "sidl run stopped after 1 bar; every note was released",
        "wrote d/demo-in.mid (what went in) and d/demo-out.mid (what came out): open them in any MIDI player or DAW"]


def test_sidl_ports_says_what_to_play_into_and_what_to_listen_to() -> None:
    # rtmidi's view: "inputs" are the ports a program reads (sources), "outputs" those it writes
    report = {"alsa": {"usable": False, "why": "no ALSA sequencer"},
              "coremidi": {"usable": False, "why": "not compiled into this python-rtmidi"},
              "jack": {"usable": True, "inputs": ["sidl-out:sidl out", "system:midi_capture_1"],
                       "outputs": ["sidl-in:sidl in", "fluidsynth:midi"]}}
    lines = port_lines(report)
    assert lines[0] == "alsa: unavailable (no ALSA sequencer)" and not any("coremidi" in x for x in lines)
    into, listen = lines.index(next(x for x in lines if x.startswith("  play into"))), \
        lines.index(next(x for x in lines if x.startswith("  listen to")))
    assert into < listen
    assert "    sidl-in:sidl in   <- the bridge's input: play into it" in lines[into:listen]
    assert "    fluidsynth:midi" in lines[into:listen]
    assert "    sidl-out:sidl out   <- the bridge's output: listen to it with an instrument" in lines[listen:]
    assert not any("no sidl run is running" in x for x in lines)
    idle = port_lines({"jack": {"usable": True, "inputs": [], "outputs": []}})
    assert "    none" in idle and idle[-1].startswith("no sidl run is running here")


# ------------------------------------------------------------------------------------------ flags
@pytest.mark.parametrize(("flags", "said"), [
    (["--channel", "0"], "MIDI channels are numbered 1..16 (10 is the drum channel), got 0"),
    (["--channel", "17"], "MIDI channels are numbered 1..16 (10 is the drum channel), got 17"),
    (["--channel", "99"], "got 99"),
    (["--osc-port", "70000"], "OSC port must be a whole number within 0..65535, got 70000"),
    (["--osc-host", "999.1.1.1"], "OSC host '999.1.1.1' is not an IPv4 address"),
    (["--osc-allow", "127.0.0.1,,"], "a comma list of sender hosts"),
    (["--feedback", "garbage"], "must be HOST:PORT (e.g. 127.0.0.1:9001), got 'garbage'"),
])
def test_a_bad_flag_is_one_line_naming_it_and_exit_2(flags: list[str], said: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["run", *flags, "--model", "/nonexistent"])  # refused before any model is looked at
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"sidl run: error: argument {flags[0]}: ") and said in err, err


def test_channels_are_counted_1_to_16_and_10_is_the_drum_channel(engine: Engine, tmp_path: Path) -> None:
    args = build_parser().parse_args(["run", "--channel", "10"])
    assert args.channel == 9  # converted once, at the flag
    bridge, sent = _bridge(engine, channel=args.channel)
    bridge.change_controls(mode="filter", denoise=0.0)
    bridge.mode = "filter"
    _rock_bar(bridge, 0, status=0x99)  # channel 10
    _rock_bar(bridge, 1, status=0x90)  # channel 1: not listened to
    assert sum(m.kind == "note_on" for m in sent) == 12
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert "numbered 1..16 as on instruments and in DAWs (10 is the General MIDI drum channel" in \
        " ".join(parser.format_help().split())
    # a session file counts as people do too
    (tmp_path / "s.toml").write_text("format = 1\n[settings]\nchannel = 10\n")
    args = build_parser().parse_args(["run", "--session", str(tmp_path / "s.toml")])
    apply_session(args, {"channel": None})
    assert args.channel == 9
    (tmp_path / "bad.toml").write_text("format = 1\n[settings]\nchannel = 0\n")
    args = build_parser().parse_args(["run", "--session", str(tmp_path / "bad.toml")])
    with pytest.raises(ParameterError, match=r"bad.toml: channel: MIDI channels are numbered 1..16"):
        apply_session(args, {"channel": None})


# ------------------------------------------------------------------------------------------ a real session
PRIVATE_SERVER = "sidl-test-terminal"  # one fixed name (jack2 keeps a registry of 8 servers)
LIBJACK_NOISE = ("Cannot connect to server", "jack server is not running", "JackShmReadWritePtr",
                 "JackSocketClientChannel", "Cannot read socket", "CheckRes error")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Lines:
    def __init__(self, stream: object) -> None:
        self.lines: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.append(line)

    def wait_for(self, test: object, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if test(line):  # type: ignore[operator]
                    return line
            time.sleep(0.05)
        raise AssertionError(f"not seen in {timeout} s; got: {''.join(self.lines)[-2000:]}")


PLAYER = """
import time, rtmidi
player = rtmidi.MidiOut(rtapi=rtmidi.API_UNIX_JACK, name="terminal-test-player")
player.open_port([i for i, n in enumerate(player.get_ports()) if n.endswith(":sidl in")][0])
for _ in range(30):  # played until the bridge has heard it (the test waits for its line)
    player.send_message([0x99, 38, 100])
    player.send_message([0x89, 38, 0])
    time.sleep(0.1)
player.delete()
"""


def _jack_running(env: dict[str, str]) -> bool:
    return subprocess.run(["jack_wait", "-c"], capture_output=True, text=True, env=env).stdout.strip() == "running"


def test_a_make_run_session_plays_the_demo_until_played_into_and_stops_on_ctrl_c_without_an_error_line(
        tmp_path: Path) -> None:
    """``sidl run --jack-dummy --idle-demo`` as `make run` starts it, on a JACK server of its own:
    nothing from libjack before ready, the demo plays until a player plays into "sidl in", and a
    terminal's Ctrl-C (SIGINT to the whole process group, the JACK server it started included) ends
    it with exit 0, the files written, the server gone, and no error line."""
    if shutil.which("jackd") is None or shutil.which("jack_wait") is None:
        pytest.skip("jackd is not installed (.ci/run installs jackd2)")
    env = {**os.environ, "JACK_DEFAULT_SERVER": PRIVATE_SERVER, "PYTHONUNBUFFERED": "1"}
    if _jack_running(env):
        pytest.skip(f"a JACK server named {PRIVATE_SERVER} is already running")
    demo = tmp_path / "demo"
    proc = subprocess.Popen([sys.executable, "-m", "sidl", "run", "--jack-dummy", "--idle-demo", str(demo),
                             "--bpm", "240", "--osc-port", str(_free_port())], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path, start_new_session=True)
    out, err = _Lines(proc.stdout), _Lines(proc.stderr)
    player = None
    try:
        out.wait_for(lambda line: line.startswith("sidl: ready in "), 60)
        out.wait_for(lambda line: line.startswith("bar") and int(line.split()[3]) > 0)  # the demo plays in
        # the player is a process of its own: a JACK client of the private server inside this test
        # process would be left to libjack when that server goes, and crashed a full run (segfault)
        player = subprocess.Popen([sys.executable, "-c", PLAYER], env={**env, "JACK_DEFAULT_SERVER": PRIVATE_SERVER},
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out.wait_for(lambda line: "the demo groove stopped" in line, 10)
        assert player.wait(timeout=30) == 0, player.communicate()
        player = None
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        assert proc.wait(timeout=30) == 0
    finally:
        if player is not None and player.poll() is None:
            player.kill()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    time.sleep(0.2)  # the reader threads take the last lines
    stderr = "".join(err.lines)
    assert not [line for line in err.lines if any(n in line for n in LIBJACK_NOISE)], stderr
    assert "Traceback" not in stderr and "Error" not in stderr and "ERROR" not in stderr, stderr
    assert "WARNING" not in stderr, stderr  # a newcomer's first run shows nothing that reads like a failure
    stdout = "".join(out.lines)
    assert "sidl run stopped after" in stdout and "(what went in)" in stdout, stdout
    assert (demo / "demo-in.mid").is_file() and (demo / "demo-out.mid").is_file()
    assert not _jack_running(env)  # the server it started went with it


def test_json_keeps_the_machine_readable_lines() -> None:
    if shutil.which("jackd") is None or shutil.which("jack_wait") is None:
        pytest.skip("jackd is not installed (.ci/run installs jackd2)")
    env = {**os.environ, "JACK_DEFAULT_SERVER": PRIVATE_SERVER, "PYTHONUNBUFFERED": "1"}
    done = subprocess.run([sys.executable, "-m", "sidl", "run", "--jack-dummy", "--json", "--seconds", "1",
                           "--osc-port", str(_free_port())], capture_output=True, text=True, timeout=60, cwd=ROOT,
                          env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    import json

    assert lines[0].startswith("sidl: ready ") and lines[-1].startswith("sidl: stopped ")
    ready = json.loads(lines[0][len("sidl: ready "):])
    assert ready["provider"] == "cpu" and ready["output_channel"] == 10 and ready["mode"] == "loop"
    assert ready["input"] == "sidl in" and not any(line.startswith("bar") for line in lines)  # no status line
