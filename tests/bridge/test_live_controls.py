"""OSC control changes reach the bar loop as whole snapshots: the OSC thread never changes a set or
dict the bar thread is iterating (before, mutes/solos/gains were changed in place, and a bar could
die on "Set changed size during iteration")."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import FrozenInstanceError, dataclass, field
from typing import Any

import numpy as np
import pytest

from sidl.bridge.engine import Engine
from sidl.bridge.errors import ParameterError
from sidl.bridge.live.clock import InternalClock
from sidl.bridge.live.control import Controller
from sidl.bridge.live.daemon import Controls, LiveBridge

SENDER = ("127.0.0.1", 5555)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load("drums", provider="cpu")


def _bridge(engine: Engine) -> LiveBridge:
    now = lambda: 0.0  # noqa: E731 - a frozen fake clock: nothing here depends on time passing
    clock = InternalClock(120, now=now)
    return LiveBridge(engine, lambda message: None, clock=clock, now=now)


def _race(toggle: Callable[[int], None], snapshot: Callable[[], Any], seconds: float = 1.0) -> BaseException | None:
    """``toggle(i)`` for i = 0, 1, … on a second thread while this one reads ``snapshot()``'s mutes,
    solos and gains the way the bar loop's edit step does (Python-level iteration); returns the first
    error the reader met, None if ``seconds`` passed without one."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: a race shows within milliseconds
    stop = threading.Event()

    def write() -> None:
        i = 0
        while not stop.is_set():
            toggle(i)
            i += 1

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            c = snapshot()
            solo = sorted(a for a in c.solo if a < 1024)
            mute = sorted(a for a in c.mute if a < 1024)
            gain = {a: g for a, g in c.gain.items() if a < 1024}
            if (solo, mute, gain) != (sorted(c.solo), sorted(c.mute), dict(c.gain)):
                return AssertionError("the controls changed while one bar was reading them")
    except RuntimeError as exc:  # "Set changed size during iteration"
        return exc
    finally:
        stop.set()
        writer.join(timeout=5.0)
        sys.setswitchinterval(previous)
    return None


@dataclass
class _InPlace:
    """The controls as they were kept before: sets and a dict that the OSC thread changed in place."""

    mute: set[int] = field(default_factory=lambda: set(range(0, 1000, 2)))
    solo: set[int] = field(default_factory=set)
    gain: dict[int, float] = field(default_factory=dict)


def test_controls_changed_in_place_do_break_a_reader() -> None:
    """The failure the snapshots prevent is real: this harness exposes it within a second."""
    c = _InPlace()

    def toggle(i: int) -> None:
        atom = i % 1000
        (c.mute.discard if atom in c.mute else c.mute.add)(atom)
        if atom in c.gain:
            del c.gain[atom]
        else:
            c.gain[atom] = 2.0

    error = _race(toggle, lambda: c)
    assert error is not None, "the in-place controls survived the race: the harness shows nothing"


def test_osc_toggles_never_disturb_the_snapshot_a_bar_reads(engine: Engine) -> None:
    bridge = _bridge(engine)
    ctl = Controller(bridge)
    for atom in range(0, 1000, 2):
        ctl.handle("/sidl/atom/mute", [atom, 1], SENDER)

    def toggle(i: int) -> None:
        atom = i % 1000
        path = ("/sidl/atom/mute", "/sidl/atom/solo", "/sidl/atom/gain")[i % 3]
        ctl.handle(path, [atom, 2.0] if path.endswith("gain") else [atom, int(atom not in bridge.controls.mute)],
                   SENDER)

    assert _race(toggle, lambda: bridge.controls) is None


def test_a_snapshot_is_immutable_and_changes_replace_it_whole(engine: Engine) -> None:
    bridge = _bridge(engine)
    ctl = Controller(bridge)
    before = bridge.controls
    ctl.handle("/sidl/atom/mute", [3, 1], SENDER)
    ctl.handle("/sidl/atom/gain", [5, 0.5], SENDER)
    ctl.handle("/sidl/denoise", [0.25], SENDER)
    after = bridge.controls
    assert before == Controls() and not before.mute and not before.gain  # the bar holding it is undisturbed
    assert after.mute == {3} and after.gain == {5: 0.5} and after.denoise == 0.25
    with pytest.raises(FrozenInstanceError):
        after.denoise = 1.0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        after.mute.add(4)  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        after.gain[6] = 1.0  # type: ignore[index]
    ctl.handle("/sidl/atom/reset", [], SENDER)
    assert not bridge.controls.mute and not bridge.controls.gain and after.mute == {3}
    with pytest.raises(ParameterError, match="mode must be one of loop, filter, generate, got 'jam'"):
        ctl.handle("/sidl/mode", ["jam"], SENDER)  # every mode of the table is available
    ctl.handle("/sidl/mode", ["generate"], SENDER)
    assert bridge.controls.mode == "generate"


def test_scenes_and_feedback_clients_are_replaced_not_changed(engine: Engine) -> None:
    bridge = _bridge(engine)
    ctl = Controller(bridge)
    bridge.last_code = np.ones((engine.info.atoms, 1), np.float32)
    held = bridge.scenes
    ctl.handle("/sidl/scene/store", [2], SENDER)
    assert 2 in bridge.scenes and not held  # a bar that took the old mapping still sees it as it was
    with pytest.raises(TypeError):
        bridge.scenes[3] = bridge.last_code  # type: ignore[index]
    bridge.last_code[0, 0] = 9.0
    assert bridge.scenes[2][0, 0] == 1.0  # stored as a copy
    clients = ctl.clients
    ctl.handle("/sidl/register", [9001], SENDER)
    assert ctl.clients == {("127.0.0.1", 9001)} and not clients
