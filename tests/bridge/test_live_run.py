"""``sidl run``'s start-up: one explicit LiveRuntime owns what it builds (nothing parked on the argparse
namespace, no one-element boxes), and every live part it wires reads the one ``now`` it was given."""

from __future__ import annotations

import argparse
import threading

from sidl.bridge.live.ledger import ShortMessage
from sidl.bridge.live.run import LiveRuntime, _watch, build
from sidl.bridge.live.run_args import add_arguments


class FakeTime:
    def __init__(self) -> None:
        self.t = 500.0

    def __call__(self) -> float:
        return self.t


def _args(*flags: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(["--backend", "jack", "--osc-port", "0", *flags])


def test_start_up_builds_one_runtime_on_one_time_base(jack_server: object) -> None:
    args = _args("--mode", "filter", "--denoise", "0.3", "--feedback", "127.0.0.1:9123")
    settings = dict(vars(args))
    now = FakeTime()
    runtime = build(args, now=now)
    try:
        assert isinstance(runtime, LiveRuntime)
        assert vars(args) == settings  # the namespace holds settings only, never runtime objects
        bridge = runtime.bridge
        assert bridge.now is now and bridge.clock._now is now and bridge.scheduler.now() == now.t  # type: ignore[union-attr]
        assert runtime.now is now and runtime.ready["ready_seconds"] == 0.0  # timed on the same base
        assert bridge.mode == "filter" and bridge.controls.mode == "filter" and bridge.controls.denoise == 0.3
        assert runtime.controller.clients == {("127.0.0.1", 9123)}
        output_watch, input_watch = runtime.watches
        assert output_watch.current is runtime.output.port and output_watch.reopen == runtime.output.reopen
        assert input_watch.current is not None and input_watch.current.name == runtime.ready["input"] == "sidl in"
        assert runtime.ready["output"] == "sidl out"
        assert runtime.jack is None and runtime.demo is None  # the test's JACK server is not the session's
        heard: list[ShortMessage] = []
        runtime.output.tap = heard.append
        bridge.panic()  # what the bridge sends goes to the output in use, and to the tap
        assert [m.data1 for m in heard] == [64, 123]
    finally:
        runtime.close()


class _NoWaiting(threading.Event):
    def wait(self, timeout: float | None = None) -> bool:
        raise AssertionError("the main thread waited on the event the signal handler sets: a deadlock")


def test_the_main_loop_polls_the_stop_flag_and_never_waits_on_it() -> None:
    """A signal handler runs on the main thread: if the loop waited on the same Event, a signal landing
    while it held the Event's lock would deadlock ``stop.set()`` (a SIGTERM'd daemon that never exits)."""
    stop, now, naps, announced = _NoWaiting(), FakeTime(), [], []

    class Watch:
        wanted = "ext drums"

        def check(self) -> str | None:
            return "lost" if not announced else None

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        now.t += seconds
        if len(naps) == 30:
            stop.set()  # as the SIGTERM handler does

    _watch([Watch()], stop, lambda kind, payload: announced.append((kind, payload)), None,  # type: ignore[list-item]
           now=now, sleep=sleep)
    assert len(naps) == 30 and announced == [("port", {"port": "ext drums", "state": "lost"})]
