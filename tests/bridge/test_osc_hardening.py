"""The OSC control side holds against what a stage (or a hostile client) sends it (issue 14 §2, §4,
§6, §7; issue 15 §2): over real UDP on loopback, against a real receiver and controller driving a
live bridge with the bundled model."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pythonosc.osc_message import OscMessage

from sidl.bridge.engine import Engine
from sidl.bridge.errors import ModelError, ParameterError
from sidl.bridge.live.clock import InternalClock
from sidl.bridge.live.control import Controller
from sidl.bridge.live.daemon import BarReport, LiveBridge
from sidl.bridge.live.osc_server import DutyCycle, OscReceiver, ReplyBudget, build_message
from sidl.bridge.live.osc_table import (
    ATOMS_PER_PAGE,
    FEEDBACK_PER_BAR,
    LOG_FIRST,
    MAX_CLIENTS,
    MAX_CLIENTS_PER_HOST,
    MAX_REPLY,
    MAX_SENDERS,
    REPLIES_PER_SECOND,
    STATE_LISTED,
    validate,
)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load("drums", provider="cpu")


class Live:
    """A bridge with the bundled model, its controller and a started OSC receiver on a free port."""

    def __init__(self, engine: Engine, load_model: Callable[[str], Engine] | None = None, bpm: float = 120.0) -> None:
        self.sent: list[Any] = []
        self.clock = InternalClock(bpm)
        self.bridge = LiveBridge(engine, self.sent.append, clock=self.clock)
        self.controller = Controller(self.bridge, load_model=load_model)
        self.receiver = self.controller.attach(OscReceiver(lambda *a: None, port=0))
        self.receiver.start()

    def close(self) -> None:
        self.receiver.stop()


@pytest.fixture
def live(engine: Engine) -> Iterator[Live]:
    bridge = Live(engine)
    yield bridge
    bridge.close()


def _client(timeout: float = 2.0) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(timeout)
    return sock


def _expect(sock: socket.socket, address: str, timeout: float = 3.0) -> OscMessage:
    """The next message on ``address`` (others are skipped)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            message = OscMessage(sock.recv(65536))
        except TimeoutError:
            break
        if message.address == address:
            return message
    raise AssertionError(f"no {address} within {timeout} s")


def _until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _query(sock: socket.socket, live: Live) -> tuple[dict[str, Any], int]:
    sock.sendto(build_message("/sidl/query", []), live.receiver.address)
    message = _expect(sock, "/sidl/state")
    return json.loads(message.params[0]), len(message.dgram)


# ------------------------------------------------------------------ §2: /sidl/register
def test_the_bridges_own_port_cannot_be_registered_and_nothing_answers_itself(live: Live) -> None:
    """Before: registering the bridge's own port made every reply come back as a refused message,
    refused again, forever (a full core; ~70,000 refusals in the first second here)."""
    client = _client()
    own = live.receiver.address[1]
    client.sendto(build_message("/sidl/register", [own]), live.receiver.address)
    assert "own OSC port" in _expect(client, "/sidl/error").params[0]
    for alias in ("127.0.0.1", "localhost", "0.0.0.0", "127.0.0.2"):  # every name that reaches it
        with pytest.raises(ParameterError, match="own OSC port"):
            live.controller.register((alias, own))
    assert not live.controller.clients
    client.sendto(build_message("/sidl/nothing", []), live.receiver.address)  # a reply goes out
    _expect(client, "/sidl/error")
    time.sleep(0.5)
    assert live.receiver.counts["refused"] == 1  # the one message sent: no echo of its own replies
    # a datagram from its own address (a loop some other way) is dropped, never answered
    assert live.receiver.handle_datagram(build_message("/sidl/nothing", []), ("127.0.0.1", own)) == 0
    assert live.receiver.counts["from_self"] == 1 and live.receiver.counts["refused"] == 1


def test_feedback_from_another_bridge_is_not_answered(engine: Engine, live: Live) -> None:
    """Two bridges registered to each other would trade /sidl/error forever: feedback addresses are
    ignored, never refused with a reply."""
    other = Live(engine)
    try:
        other.receiver.send(live.receiver.address, "/sidl/error", ["from the other bridge"])
        other.receiver.send(live.receiver.address, "/sidl/bar", [3, 1])
        assert _until(lambda: live.receiver.counts["feedback_ignored"] == 2)
        time.sleep(0.3)
        assert live.receiver.counts["refused"] == 0 and other.receiver.counts["refused"] == 0
    finally:
        other.close()


def test_registrations_are_capped_per_host_and_in_all(live: Live) -> None:
    """Before: every /sidl/register added a client, without end (thousands of ports got feedback)."""
    client = _client()
    for port in range(20000, 20000 + 3 * MAX_CLIENTS_PER_HOST):
        client.sendto(build_message("/sidl/register", [port]), live.receiver.address)
    assert "no longer gets feedback" in _expect(client, "/sidl/error").params[0]
    newest = set(range(20000 + 2 * MAX_CLIENTS_PER_HOST, 20000 + 3 * MAX_CLIENTS_PER_HOST))
    assert _until(lambda: {p for _, p in live.controller.clients} == newest)
    ctl = live.controller
    hosts = [f"10.0.{i // 200}.{i % 200 + 1}" for i in range(MAX_CLIENTS - MAX_CLIENTS_PER_HOST)]
    for host in hosts:
        ctl.handle("/sidl/register", [9001], (host, 40000))
    assert len(ctl.clients) == MAX_CLIENTS
    with pytest.raises(ParameterError, match=f"{MAX_CLIENTS} feedback ports are registered"):
        ctl.handle("/sidl/register", [9001], ("10.9.9.9", 40000))
    ctl.handle("/sidl/unregister", [9001], (hosts[0], 40000))
    ctl.handle("/sidl/register", [9001], ("10.9.9.9", 40000))
    assert len(ctl.clients) == MAX_CLIENTS and ("10.9.9.9", 9001) in ctl.clients
    with pytest.raises(ParameterError, match="not registered"):
        ctl.handle("/sidl/unregister", [9001], (hosts[0], 40000))


def test_feedback_is_sent_off_the_bar_loop_and_bounded_per_bar(engine: Engine) -> None:
    """Before: the bar loop built and sent every client's feedback itself, so thousands of clients
    stopped the notes. Now it only hands the report over: with the sending blocked outright, the
    bar loop still processes and schedules its bars."""
    live = Live(engine, bpm=240.0)
    sent: list[tuple[str, bytes]] = []
    blocked, release, senders = threading.Event(), threading.Event(), set()

    def send_datagram(target: tuple[str, int], data: bytes, path: str = "") -> bool:
        senders.add(threading.current_thread().name)
        blocked.set()
        release.wait(10.0)
        sent.append((OscMessage(data).address, data))
        return True

    try:
        live.receiver.send_datagram = send_datagram  # type: ignore[method-assign]
        for i in range(5000):  # thousands of ports asked for: at most MAX_CLIENTS registered
            try:
                live.controller.register((f"10.1.{i // 250}.{i % 250 + 1}", 9001 + i % 7))
            except ParameterError:
                pass
        assert len(live.controller.clients) == MAX_CLIENTS
        live.bridge.change_controls(mode="generate")
        live.bridge.mode = "generate"
        live.clock.start()
        reports = []
        for bar in range(1, 5):  # the feedback thread is stuck in its first send meanwhile
            reports.append(live.bridge.process_bar(bar))
            assert blocked.wait(10.0)
        assert live.bridge.scheduler.pending() > 0  # notes were scheduled while feedback was stuck
        assert senders == {"sidl-osc-feedback"}
        release.set()
        spb = engine.info.steps_per_bar
        assert _until(lambda: sum(1 for a, _ in sent if a == "/sidl/stats") >= MAX_CLIENTS)
        assert _until(lambda: any(a == "/sidl/bar" for a, _ in sent))  # sent after the bar's reports
        bars = sum(1 for a, _ in sent if a == "/sidl/stats")
        per_bar = sum(1 for a, _ in sent if a not in ("/sidl/bar", "/sidl/state")) / max(1, bars)
        assert per_bar <= FEEDBACK_PER_BAR  # per client and bar, plus /sidl/bar at most once a step
        assert sum(1 for a, _ in sent if a == "/sidl/state") <= MAX_CLIENTS  # the one change of mode
        assert all(len(data) <= MAX_REPLY for _, data in sent)
        assert max(OscMessage(d).params[1] for a, d in sent if a == "/sidl/bar") < spb
    finally:
        release.set()
        live.close()


def test_bar_reports_the_clocks_real_step(engine: Engine) -> None:
    """Before: /sidl/bar always said step 0 (sent once a bar). Now the step of the clock, each step."""
    live = Live(engine, bpm=240.0)  # a step is 62.5 ms
    listener = _client(timeout=0.5)
    try:
        live.controller.register(listener.getsockname())
        live.clock.start()
        seen: list[tuple[int, int]] = []
        deadline = time.monotonic() + 8.0
        while len({s for _, s in seen}) < 3 and time.monotonic() < deadline:
            try:
                message = OscMessage(listener.recv(65536))
            except TimeoutError:
                continue
            if message.address == "/sidl/bar":
                seen.append((int(message.params[0]), int(message.params[1])))
        assert len({s for _, s in seen}) >= 3, seen
        assert all(0 <= s < engine.info.steps_per_bar for _, s in seen)
        assert seen == sorted(seen)  # the clock's position only moves on
    finally:
        live.close()


def test_every_client_is_told_when_the_mode_in_force_changes(live: Live) -> None:
    """A client follows what another client changed: the state is pushed when the bar loop puts a
    new mode (or model, or clock) in force."""
    listener = _client()
    live.controller.register(listener.getsockname())
    live.bridge.change_controls(mode="generate")
    live.bridge.process_bar(1)  # the mode takes effect at this boundary
    state = json.loads(_expect(listener, "/sidl/state").params[0])
    assert state["mode"] == "generate"


def test_every_client_is_told_at_the_bar_when_another_changed_a_control(live: Live) -> None:
    """A denoise fader moved by one client reaches the others' panels with the next bar's report (at
    most one state a bar, however fast the fader moves), not only at their next query."""
    listener = _client()
    live.controller.register(listener.getsockname())
    for amount in (0.1, 0.2, 0.3, 0.35):  # a fader moving
        live.bridge.change_controls(denoise=amount)
    live.bridge.process_bar(1)
    state = json.loads(_expect(listener, "/sidl/state").params[0])
    assert state["denoise"] == 0.35


# ------------------------------------------------------------------ §4: /sidl/model off the control thread
def test_a_slow_model_load_leaves_panic_and_queries_answered(engine: Engine) -> None:
    """Before: /sidl/model loaded on the OSC thread; a model that takes long (metadata k = 1e8) left
    /sidl/panic and /sidl/query unanswered until it ended."""
    entered, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def slow_load(name: str) -> Engine:
        calls.append(name)
        entered.set()
        if not release.wait(20.0):
            raise AssertionError("never released")
        if name == "broken":
            raise ModelError("model 'broken' has an unreadable encoder")
        return engine

    live = Live(engine, load_model=slow_load)
    client = _client()
    try:
        client.sendto(build_message("/sidl/model", ["slow"]), live.receiver.address)
        assert entered.wait(5.0)
        client.sendto(build_message("/sidl/panic", []), live.receiver.address)
        assert _until(lambda: any(m.kind == "control_change" and m.data1 == 123 for m in live.sent))
        state, _ = _query(client, live)
        assert state["model_loading"] == "slow" and state["model"]["model"] == "drums"
        client.sendto(build_message("/sidl/model", ["another"]), live.receiver.address)
        assert "'slow' is still loading" in _expect(client, "/sidl/error").params[0]
        release.set()
        state = json.loads(_expect(client, "/sidl/state").params[0])  # the answer to /sidl/model
        assert state["model_loading"] is None and state["model_pending"] == "drums"
        assert live.bridge.pending_engine is engine and calls == ["slow"]
        release.clear()
        client.sendto(build_message("/sidl/model", ["broken"]), live.receiver.address)
        assert _until(lambda: live.controller.loading == "broken")
        release.set()
        assert "unreadable encoder" in _expect(client, "/sidl/error").params[0]
        assert _until(lambda: live.controller.loading is None)
    finally:
        release.set()
        live.close()


# ------------------------------------------------------------------ §4: the state fits a datagram
def test_the_state_fits_one_datagram_with_every_atom_edited_and_pages_give_them_all(live: Live) -> None:
    """Before: mutes, solos and gains on every atom made /sidl/state tens of KB (41 KB for gains
    alone on 4,096 atom numbers): past what a client's datagram buffer (8 KB for python-osc) or UDP
    carries, so /sidl/query went unanswered."""
    atoms = live.bridge.engine.info.atoms
    gains = {a: 1.2345678 + a / 10_000 for a in range(atoms)}
    live.bridge.change_controls(mute=frozenset(range(atoms)), solo=frozenset(range(atoms)), gain=gains)
    client = _client()
    state, size = _query(client, live)
    assert size <= MAX_REPLY
    for key in ("mode", "requested_mode", "denoise", "feel", "morph", "scene", "scenes", "temperature", "seed",
                "bpm", "clock", "model", "mute", "solo", "gain", "late_events", "lateness_ms"):
        assert key in state, key  # every key clients read is kept
    assert state["mute"] == list(range(STATE_LISTED)) and len(state["gain"]) == STATE_LISTED
    edits = state["atom_edits"]
    assert (edits["mute"], edits["solo"], edits["gain"], edits["complete"]) == (atoms, atoms, atoms, False)
    mute, solo, gain = set(), set(), {}
    for page in range(edits["pages"]):
        client.sendto(build_message("/sidl/atoms/query", [page]), live.receiver.address)
        message = _expect(client, "/sidl/atoms")
        assert len(message.dgram) <= MAX_REPLY
        part = json.loads(message.params[0])
        assert (part["page"], part["first"]) == (page, page * ATOMS_PER_PAGE)
        mute |= set(part["mute"])
        solo |= set(part["solo"])
        gain.update({int(a): g for a, g in part["gain"].items()})
    assert mute == solo == set(range(atoms)) and gain == {a: round(g, 4) for a, g in gains.items()}
    client.sendto(build_message("/sidl/atoms/query", [edits["pages"]]), live.receiver.address)
    assert "not one of the atom pages" in _expect(client, "/sidl/error").params[0]


def test_nothing_larger_than_a_datagram_is_sent(live: Live) -> None:
    assert not live.receiver.send_datagram(("127.0.0.1", 9), b"/x\x00\x00" + b"\x00" * MAX_REPLY)
    assert live.receiver.counts["reply_too_large"] == 1
    live.bridge.pending_engine = None
    state = json.loads(live.controller.bridge.state_json(model_loading="x" * 20_000))
    assert len(json.dumps(state)) <= MAX_REPLY and state["model_loading"].startswith("x")


# ------------------------------------------------------------------ issue 15 §2: checked against the model
def test_atom_numbers_are_checked_against_the_model_in_use(live: Live) -> None:
    """Before: atom 2000 on a 1,024-atom model was accepted (and 5000 clamped to 4095), and 5.7 was
    rounded to atom 6."""
    client = _client()
    atoms = live.bridge.engine.info.atoms
    for message, error in (([2000, 1], f"outside the model in use ('drums': atoms 0..{atoms - 1})"),
                           ([5000, 1], "within 0..4095"), ([5.7, 1], "whole number")):
        client.sendto(build_message("/sidl/atom/mute", message), live.receiver.address)
        assert error in _expect(client, "/sidl/error").params[0]
    client.sendto(build_message("/sidl/atom/gain", [atoms, 2.0]), live.receiver.address)
    assert "outside the model in use" in _expect(client, "/sidl/error").params[0]
    assert not live.bridge.controls.mute and not live.bridge.controls.gain
    client.sendto(build_message("/sidl/atom/mute", [7.0, 1]), live.receiver.address)  # Pd sends whole floats
    assert _until(lambda: live.bridge.controls.mute == {7})


def test_osc_booleans_work_wherever_on_off_is_expected(live: Live) -> None:
    client = _client()
    client.sendto(build_message("/sidl/atom/mute", [3, True]), live.receiver.address)
    client.sendto(build_message("/sidl/atom/solo", [4, True]), live.receiver.address)
    assert _until(lambda: live.bridge.controls.mute == {3} and live.bridge.controls.solo == {4})
    client.sendto(build_message("/sidl/atom/mute", [3, False]), live.receiver.address)
    assert _until(lambda: not live.bridge.controls.mute)
    assert validate("/sidl/host/transport", [True, 120.0, 0.0]) == ([1, 120.0, 0.0], [])
    with pytest.raises(ParameterError, match="must be a number"):
        validate("/sidl/denoise", [True])  # a boolean is not a level


# ------------------------------------------------------------------ §6: ports, hosts, logs
def test_a_taken_port_or_a_bad_setting_is_one_clear_error(live: Live) -> None:
    """Before: a second bridge on the same port, an unknown host or port 70000 raised a traceback."""
    port = live.receiver.address[1]
    with pytest.raises(ParameterError, match=f"OSC port {port} on 127.0.0.1 is in use"):
        OscReceiver(lambda *a: None, port=port)
    with pytest.raises(ParameterError, match="65535, got 70000"):
        OscReceiver(lambda *a: None, port=70000)
    with pytest.raises(ParameterError, match="'no-such-host.invalid' is not an IPv4 address"):
        OscReceiver(lambda *a: None, host="no-such-host.invalid", port=0)
    with pytest.raises(ParameterError, match="allowed host.*'bad host!'"):
        OscReceiver(lambda *a: None, host="0.0.0.0", port=0, allow=["127.0.0.1", "bad host!"])
    with pytest.raises(ParameterError, match="got '9000'"):
        OscReceiver(lambda *a: None, port="9000")  # type: ignore[arg-type]  # a session file's string


def test_crafted_datagrams_are_logged_at_a_bounded_rate(live: Live, caplog: pytest.LogCaptureFixture) -> None:
    """Before: python-osc logged one root-logger warning per unknown type tag: 5,000 crafted
    datagrams gave 59,602 log lines."""
    crafted = b"/sidl/denoise\x00\x00\x00," + b"Z" * 11 + b"\x00" * 4  # eleven unknown type tags
    with caplog.at_level(logging.DEBUG):
        for _ in range(5000):
            live.receiver.handle_datagram(crafted, ("127.0.0.1", 5555))
    assert live.receiver.counts["malformed"] == 5000
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert LOG_FIRST <= len(warnings) <= LOG_FIRST + 3, [r.getMessage() for r in warnings][:10]
    assert "type tag 'Z' is not one the bridge reads" in warnings[0].getMessage()


def test_replies_per_sender_are_limited_and_the_table_of_senders_is_bounded() -> None:
    t = [0.0]
    budget = ReplyBudget(clock=lambda: t[0])
    assert sum(budget.take(("127.0.0.1", 1)) for _ in range(3 * REPLIES_PER_SECOND)) == REPLIES_PER_SECOND
    t[0] += 1.0
    assert sum(budget.take(("127.0.0.1", 1)) for _ in range(3 * REPLIES_PER_SECOND)) == REPLIES_PER_SECOND
    for port in range(10 * MAX_SENDERS):  # a flood from many ports
        budget.take(("127.0.0.1", 1000 + port))
    assert len(budget) == MAX_SENDERS
    assert budget.take(("127.0.0.1", 1))  # forgotten: a fresh budget


def test_a_flood_of_bad_messages_gets_a_bounded_number_of_replies(live: Live) -> None:
    client = _client(timeout=0.3)
    for _ in range(5 * REPLIES_PER_SECOND):
        live.receiver.handle_datagram(build_message("/sidl/nothing", []), client.getsockname())
    replies = 0
    while True:
        try:
            client.recv(65536)
            replies += 1
        except TimeoutError:
            break
    assert 0 < replies <= 2 * REPLIES_PER_SECOND and live.receiver.counts["reply_limited"] >= 2 * REPLIES_PER_SECOND


def test_the_control_thread_keeps_to_its_share_of_a_core() -> None:
    duty = DutyCycle(share=0.25, burst=0.02, now=0.0)
    assert duty.spend(0.01, 0.0) == 0.0  # within the burst
    assert duty.spend(0.02, 0.0) == pytest.approx(0.04)  # 10 ms over: 40 ms of sleep at a quarter
    assert duty.spend(0.0, 0.04) == 0.0  # slept it off
    busy = 0.0
    for i in range(1, 1001):  # a packet of 1 ms every ms: sustained, it gets a quarter
        pause = duty.spend(0.001, 0.04 + busy + i * 0.001)
        busy += pause
    assert 0.001 * 1000 / (1.0 + busy) == pytest.approx(0.25, abs=0.03)


def test_a_second_bridge_on_the_same_osc_port_says_so_in_one_line(jack_server: object) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        for flags, message in (([str(port)], f"OSC port {port} on 127.0.0.1 is in use"),
                               (["70000"], "must be a whole number within 0..65535, got 70000")):
            done = subprocess.run([sys.executable, "-m", "sidl", "run", "--backend", "jack", "--osc-port", *flags,
                                   "--seconds", "1"], capture_output=True, text=True, timeout=60,
                                  env={**os.environ, "PYTHONUNBUFFERED": "1"})
            lines = [line for line in done.stderr.splitlines() if line.strip()]
            assert done.returncode == 2 and lines and message in lines[-1], done.stderr
            assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("line", "message"), [
    ('osc_port = "9000"', "osc_port must be a whole number within 0..65535, got '9000'"),
    ("osc_port = 70000", "osc_port must be a whole number within 0..65535, got 70000"),
    ('feedback = "garbage"', "feedback must be HOST:PORT"),
    ("osc_host = 127", "osc_host must be a string, got 127"),
])
def test_wrongly_typed_osc_settings_in_a_session_file_are_refused_by_name(tmp_path: Any, line: str,
                                                                          message: str) -> None:
    """Before: they reached the socket calls and ended in a traceback."""
    from sidl.bridge.live.session import load_session

    path = tmp_path / "set.toml"
    path.write_text(f"format = 1\n[settings]\n{line}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=f"session file {path}: {message}"):
        load_session(path)
