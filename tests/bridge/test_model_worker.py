"""The model in a worker process (``sidl run``'s default): the same answers as in-process, its end
noticed and silenced at once, restarted, a hung call cut off, and no orphan when the supervisor dies."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator

import numpy as np
import pytest

from sidl.bridge.engine import Engine
from sidl.bridge.errors import ModelError
from sidl.bridge.live.model_worker import WorkerEngine


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped by its parent) counts as gone
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


def _until(condition, timeout: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return bool(condition())


@pytest.fixture(scope="module")
def inline() -> Engine:
    return Engine.load("drums")


@pytest.fixture
def worker() -> Iterator[WorkerEngine]:
    engine = WorkerEngine.start("drums", call_timeout=1.0)
    yield engine
    engine.close()


def _groove(engine: Engine, seed: int = 0) -> np.ndarray:
    info = engine.info
    rng = np.random.default_rng(seed)
    return (rng.random((info.in_channels, info.steps_per_bar * info.window_bars)) > 0.85).astype(np.float32)


def test_the_worker_answers_as_the_engine_in_process(worker: WorkerEngine, inline: Engine) -> None:
    grid = _groove(inline)
    assert worker.pid is not None and worker.pid != os.getpid()
    assert worker.info.weights_sha256 == inline.info.weights_sha256 and worker.provider == inline.provider
    np.testing.assert_array_equal(worker.encode(grid), inline.encode(grid))
    np.testing.assert_array_equal(worker.encode(grid, 2), inline.encode(grid, 2))
    code = inline.encode(grid)
    np.testing.assert_array_equal(worker.decode(code), inline.decode(code))
    np.testing.assert_array_equal(worker.reconstruct(grid, 3), inline.reconstruct(grid, 3))
    assert worker.describe()["worker_pid"] == worker.pid


def test_a_killed_worker_is_noticed_at_once_silenced_and_restarted(worker: WorkerEngine, inline: Engine) -> None:
    lost: list[float] = []
    worker.on_lost = lambda: lost.append(time.monotonic())
    first = worker.pid
    assert first is not None
    killed = time.monotonic()
    os.kill(first, signal.SIGKILL)
    assert _until(lambda: bool(lost), 2.0)
    assert lost[0] - killed < 0.2  # the supervisor silences within 200 ms of the kill
    assert _until(lambda: worker.pid is not None and worker.pid != first, 20.0)
    assert worker.restarts == 1 and not _alive(first)
    grid = _groove(inline, 1)
    np.testing.assert_array_equal(worker.reconstruct(grid), inline.reconstruct(grid))  # back, the same model


def test_calls_fail_at_once_while_the_worker_is_away(worker: WorkerEngine, inline: Engine) -> None:
    worker.restart = False  # stays away: every call must fail fast, not wait for a deadline
    pid = worker.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert _until(lambda: worker.pid is None, 5.0)
    started = time.monotonic()
    with pytest.raises(ModelError, match="being restarted"):
        worker.encode(_groove(inline))
    assert time.monotonic() - started < 0.1


def test_an_error_in_the_worker_fails_that_call_only(worker: WorkerEngine, inline: Engine) -> None:
    pid = worker.pid
    with pytest.raises(ModelError, match="code"):
        worker.decode(np.full((3, 3), np.nan, np.float32))  # a wrong shape and NaN: refused by the engine
    np.testing.assert_array_equal(worker.reconstruct(_groove(inline)), inline.reconstruct(_groove(inline)))
    assert worker.pid == pid and worker.restarts == 0  # the worker went on


def test_a_hung_worker_is_cut_off_at_the_deadline_and_replaced(worker: WorkerEngine, inline: Engine) -> None:
    lost: list[float] = []
    worker.on_lost = lambda: lost.append(time.monotonic())
    hung = worker.pid
    assert hung is not None
    os.kill(hung, signal.SIGSTOP)  # the model stops answering, as a deadlocked runtime would
    started = time.monotonic()
    with pytest.raises(ModelError, match="longer than 1.00 s"):
        worker.encode(_groove(inline))
    assert 0.9 < time.monotonic() - started < 1.5
    assert _until(lambda: bool(lost), 2.0)
    assert _until(lambda: worker.pid is not None and worker.pid != hung, 20.0)
    assert not _alive(hung)
    worker.encode(_groove(inline))


def test_a_model_that_cannot_load_is_one_line_and_leaves_no_process(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "encoder.onnx").write_bytes(b"not onnx")
    (tmp_path / "decoder.onnx").write_bytes(b"not onnx")
    before = set(_children())
    with pytest.raises(ModelError) as caught:
        WorkerEngine.start(str(tmp_path))
    assert "\n" not in str(caught.value) and "encoder.onnx" in str(caught.value)
    assert _until(lambda: not (set(_children()) - before), 5.0)


def _children() -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().split(") ")[1].split()
            except OSError:
                continue
            if int(fields[1]) == os.getpid() and fields[0] != "Z":
                pids.append(int(entry))
    return pids


def test_the_worker_ends_when_the_supervisor_is_killed() -> None:
    script = textwrap.dedent("""
        import sys, time
        from sidl.bridge.live.model_worker import WorkerEngine
        engine = WorkerEngine.start("drums")
        print(engine.pid, flush=True)
        time.sleep(60)
    """)
    supervisor = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert supervisor.stdout is not None
        pid = int(supervisor.stdout.readline())
        assert _alive(pid)
        supervisor.send_signal(signal.SIGKILL)
        supervisor.wait(10)
        assert _until(lambda: not _alive(pid), 5.0)  # it read its socket's end and left: no orphan
    finally:
        if supervisor.poll() is None:
            supervisor.kill()


def _loop(engine, bars: int = 3, until: float | None = None):  # type: ignore[no-untyped-def]
    from tests.bridge.test_live_bridge import make, play_bar

    bridge, now, sent = make(engine)
    for bar in range(bars):
        play_bar(bridge, bar)
    bridge.process_bar(bars)
    now.t = (bars + 1) * 2.0 if until is None else until  # 2 s a bar at 120 BPM
    bridge.scheduler.run_due()
    return bridge, now, sent


def test_the_bridge_plays_the_same_notes_with_the_model_in_a_worker(worker: WorkerEngine, inline: Engine) -> None:
    _, _, in_process = _loop(inline)
    _, _, through_worker = _loop(worker)
    assert [m for m in through_worker if m.kind == "note_on"] == [m for m in in_process if m.kind == "note_on"]
    assert [m for m in in_process if m.kind == "note_on"]


def test_the_worker_dying_mid_bar_silences_the_bridge_and_its_bars_fail_softly(
        worker: WorkerEngine, caplog: pytest.LogCaptureFixture) -> None:
    bridge, now, sent = _loop(worker, until=3 * 2.0 + 0.02)  # bar 3's first notes sound
    assert bridge.scheduler.ledger.sounding()
    worker.on_lost, worker.restart = bridge.panic, False
    pid = worker.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert _until(lambda: not bridge.scheduler.ledger.sounding(), 2.0)  # released by the watcher, not a bar
    assert any(m.kind == "control_change" and m.data1 == 123 for m in sent)
    now.t = 4 * 2.0 - 0.01  # bar 4's processing time
    with caplog.at_level(logging.WARNING, logger="sidl.bridge.live.daemon"):
        assert bridge.step(4)[0] == 5  # the bar fails (no model): the loop goes on
    failed = [r for r in caplog.records if r.name == "sidl.bridge.live.daemon"]
    assert [r.levelname for r in failed] == ["WARNING"] and not failed[0].exc_info  # one line, no traceback
    assert "being restarted" in failed[0].getMessage()


def test_filter_mode_passes_every_note_while_the_worker_is_away(worker: WorkerEngine) -> None:
    from tests.bridge.test_live_bridge import make, play_bar

    bridge, now, sent = make(worker)
    bridge.change_controls(mode="filter", denoise=1.0)
    for bar in range(3):
        play_bar(bridge, bar)
    bridge.process_bar(3)
    assert bridge.mode == "filter" and bridge.expectation is not None
    worker.restart = False
    pid = worker.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert _until(lambda: worker.pid is None, 5.0)
    now.t = 4 * 2.0 - 0.01
    assert bridge.step(4)[0] == 5
    assert bridge.expectation is None  # no prior for a bar that was not coded
    for pitch in (47, 49, 51):  # strays the gate at full strength would judge: all pass now
        bridge.on_midi([0x99, pitch, 90], now.t + 0.02)
    assert {m.data1 for m in sent if m.kind == "note_on"} >= {47, 49, 51}


def test_a_swapped_model_retires_the_old_worker_at_the_bar(worker: WorkerEngine) -> None:
    from tests.bridge.test_live_bridge import make

    bridge, _, _ = make(worker)
    old = worker.pid
    assert old is not None
    new = WorkerEngine.start("drums")
    try:
        bridge.swap_model(new)
        assert _alive(old)  # until the bar boundary the old model plays on
        bridge.process_bar(1)
        assert bridge.engine is new
        assert _until(lambda: not _alive(old), 5.0)
    finally:
        new.close()


def test_clients_are_told_when_the_worker_ends_and_when_another_takes_over(worker: WorkerEngine) -> None:
    import json
    import socket

    from pythonosc.osc_message import OscMessage

    from sidl.bridge.live.control import Controller
    from sidl.bridge.live.osc_server import OscReceiver
    from tests.bridge.test_live_bridge import make

    bridge, _, _ = make(worker)
    worker.on_lost = bridge.panic
    controller = Controller(bridge)
    receiver = controller.attach(OscReceiver(lambda *a: None, port=0))
    receiver.start()
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.bind(("127.0.0.1", 0))
    client.settimeout(0.2)
    try:
        controller.register(client.getsockname())
        first = worker.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        pids: list[object] = []
        deadline = time.monotonic() + 20.0
        while time.monotonic() < deadline and not (pids and pids[-1] not in (None, first)):
            try:
                message = OscMessage(client.recv(65536))
            except TimeoutError:
                continue
            if message.address == "/sidl/state":
                pids.append(json.loads(message.params[0])["model"]["worker_pid"])
        assert None in pids  # the worker's end, pushed while it restarts
        assert pids[-1] not in (None, first)  # and its successor
    finally:
        client.close()
        controller.close()
        receiver.stop()


def test_the_socket_carries_json_and_raw_arrays_never_pickles() -> None:
    import ast
    from pathlib import Path

    from sidl.bridge.live.model_worker import _pack, _unpack

    grid = np.arange(12, dtype=np.float32).reshape(3, 4)
    header, array = _unpack(_pack({"seq": 7, "method": "decode"}, grid))
    assert header == {"seq": 7, "method": "decode"} and array is not None
    np.testing.assert_array_equal(array, grid)
    crafted = _pack({"seq": 1}).replace(b'{"seq": 1}', b'{"seq": 1, "array": {"dtype": "object", "shape": [1]}}')
    crafted = len(crafted[4:]).to_bytes(4, "little") + crafted[4:]
    with pytest.raises(ModelError, match="dtype 'object'"):
        _unpack(crafted)
    bridge = Path(__file__).resolve().parents[2] / "bridge"
    def imported(node: ast.AST) -> list[str]:
        if isinstance(node, ast.Import):
            return [n.name.split(".")[0] for n in node.names]
        if isinstance(node, ast.ImportFrom):
            return [(node.module or "").split(".")[0]]
        return []

    importers = [str(f) for f in bridge.rglob("*.py") for node in ast.walk(ast.parse(f.read_text()))
                 if {"pickle", "cloudpickle", "dill"} & set(imported(node))]
    assert importers == []  # the runtime loads ONNX and plain data only
