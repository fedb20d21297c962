"""No note is ever left hanging, whatever happens in whatever order: a property over random
interleavings of played notes (with and without their note-offs), bars, mode and edit changes,
panics and failing bars, on the live bridge's own code with a fake clock.

The listener's view is what counts: replaying every message the bridge sent, after a panic nothing
sounds, and after ``stop()`` nothing sounds. ``make test`` tries 150 interleavings; the long variant
(``SIDL_PROPERTY_EXAMPLES=10000 pytest tests/bridge/test_stuck_notes_property.py``) 10,000.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sidl.bridge.engine import Engine
from sidl.bridge.live.clock import InternalClock
from sidl.bridge.live.daemon import LiveBridge
from sidl.bridge.live.ledger import ALL_NOTES_OFF_CC, ShortMessage
from sidl.bridge.live.limits import MODES
from tests.bridge.test_live_bridge import FakeTime

EXAMPLES = int(os.environ.get("SIDL_PROPERTY_EXAMPLES", "150"))
PITCHES = (36, 38, 42, 46, 47, 49, 51)

play = st.tuples(st.just("play"), st.sampled_from(PITCHES), st.integers(0, 127), st.floats(0.0, 0.3))
advance = st.tuples(st.just("advance"), st.floats(0.0, 1.2))
mode = st.tuples(st.just("mode"), st.sampled_from(MODES))
edit = st.tuples(st.just("edit"), st.sampled_from(("mute", "feel", "denoise", "scene", "store")), st.integers(0, 15))
fault = st.tuples(st.just("fault"))
panic = st.tuples(st.just("panic"))
operations = st.lists(st.one_of(play, play, play, advance, advance, mode, edit, fault, panic), min_size=1, max_size=40)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load("drums", provider="cpu")


def sounding(sent: list[ShortMessage]) -> set[tuple[int, int]]:
    """(channel, pitch) still sounding for a listener that heard ``sent`` in order."""
    on: set[tuple[int, int]] = set()
    for m in sent:
        if m.kind == "note_on" and m.data2 > 0:
            on.add((m.channel, m.data1))
        elif m.kind in ("note_on", "note_off"):
            on.discard((m.channel, m.data1))
        elif m.kind == "control_change" and m.data1 == ALL_NOTES_OFF_CC:
            on = {(c, p) for c, p in on if c != m.channel}
    return on


class Loop:
    """The bar loop's own state between its turns (the bar it will process next)."""

    bar: int | None = None


def apply(bridge: LiveBridge, now: FakeTime, sent: list[ShortMessage], state: Loop, op: tuple[Any, ...]) -> None:
    kind = op[0]
    if kind == "play":
        _, pitch, velocity, dt = op
        now.t += dt
        bridge.scheduler.run_due()
        bridge.on_midi([0x99, pitch, velocity], now.t)  # velocity 0: a note-off, as keyboards send it
    elif kind == "advance":  # the bar loop turns as it does live, processing each bar as its time comes
        end = now.t + op[1]
        while True:
            state.bar, wait = bridge.step(state.bar)
            bridge.scheduler.run_due()
            if wait > 0:
                if now.t >= end:
                    break
                now.t = min(end, now.t + wait)
    elif kind == "mode":
        bridge.change_controls(mode=op[1])
    elif kind == "edit":
        what, value = op[1], op[2]
        if what == "mute":
            bridge.change_controls(lambda c: c.with_atom("mute", value, True))
        elif what in ("feel", "denoise"):
            bridge.change_controls(**{what: value / 15})
        elif what == "store" and bridge.last_code is not None:
            bridge.store_scene(value)
        elif what == "scene" and value in bridge.scenes:
            bridge.change_controls(scene=value, morph=value / 15)
    elif kind == "fault":  # the next bar's processing raises (a model error)
        def failing(bar: int) -> Any:
            del bridge.process_bar  # one failure only
            raise RuntimeError("model failed")

        bridge.process_bar = failing  # type: ignore[method-assign]
    elif kind == "panic":
        bridge.panic()
        assert not sounding(sent), "a panic left notes sounding"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])
@given(start=st.sampled_from(MODES), ops=operations)
def test_no_interleaving_leaves_a_note_on(engine: Engine, start: str, ops: list[tuple[Any, ...]]) -> None:
    now, sent = FakeTime(), []
    clock = InternalClock(240, now=now)  # 1 s bars: a few ops cross several bar boundaries
    clock.start()
    bridge = LiveBridge(engine, sent.append, clock=clock, now=now)
    bridge.change_controls(mode=start)  # as sidl run starts it: the mode in force from the first note
    bridge.mode = start
    state = Loop()
    for op in ops:
        apply(bridge, now, sent, state, op)
    bars = len(bridge.reports)
    bridge.stop()
    assert not sounding(sent), f"left sounding after stop ({bars} bars): {sorted(sounding(sent))}"
    assert not bridge.scheduler.ledger.sounding()


def test_the_listener_model_sees_a_hanging_note() -> None:
    """The invariant can fail: a note-on with nothing after it is sounding; CC123 clears its channel."""
    on = ShortMessage("out", "note_on", 9, 36, 100)
    assert sounding([on]) == {(9, 36)}
    assert not sounding([on, ShortMessage("out", "control_change", 9, ALL_NOTES_OFF_CC, 0)])
    assert sounding([on, ShortMessage("out", "control_change", 0, ALL_NOTES_OFF_CC, 0)]) == {(9, 36)}
