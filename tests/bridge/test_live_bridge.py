"""The live bridge driven bar by bar with a fake clock: loop mode, edits, freeze, scenes, OSC control."""

from __future__ import annotations

import numpy as np
import pytest

from sidl.bridge.engine import Engine
from sidl.bridge.errors import ParameterError
from sidl.bridge.live.clock import InternalClock
from sidl.bridge.live.control import Controller
from sidl.bridge.live.daemon import LiveBridge
from sidl.bridge.live.ledger import ShortMessage


class FakeTime:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load("drums", provider="cpu")


def make(engine: Engine) -> tuple[LiveBridge, FakeTime, list[ShortMessage]]:
    now, sent = FakeTime(), []
    clock = InternalClock(120, now=now)
    clock.start()
    return LiveBridge(engine, sent.append, clock=clock, now=now), now, sent


def play_bar(bridge: LiveBridge, bar: int, *, ghost: bool = False) -> None:
    """A rock beat: kick 1 and 3, snare 2 and 4, eighth hats (0.5 s per beat at 120 BPM)."""
    beat0 = bar * 4
    hits = [(0, 36), (2, 36), (1, 38), (3, 38)] + [(i / 2, 42) for i in range(8)]
    if ghost:
        hits.append((2.75, 47))  # a stray tom
    for beat, pitch in hits:
        t = (beat0 + beat) * 0.5
        bridge.on_midi([0x99, pitch, 100], t)
        bridge.on_midi([0x89, pitch, 0], t + 0.05)


def test_loop_mode_plays_the_last_bar_over_the_next(engine: Engine) -> None:
    bridge, now, sent = make(engine)
    for bar in range(2):
        play_bar(bridge, bar)
    report = bridge.process_bar(2)
    assert report.notes >= 8 and not report.frozen and len(report.active_atoms) <= engine.info.k
    now.t = 2 * 2.0 - 0.01
    bridge.scheduler.run_due()
    assert not [m for m in sent if m.kind == "note_on"]  # nothing before bar 2 starts
    now.t = 3 * 2.0
    bridge.scheduler.run_due()
    ons = [m for m in sent if m.kind == "note_on"]
    assert {m.data1 for m in ons} >= {36, 38, 42} and all(m.channel == 9 for m in ons)
    assert bridge.scheduler.lateness.samples and max(bridge.scheduler.lateness.samples) < 2.1


def test_freeze_when_the_player_stops_and_panic_on_stop(engine: Engine) -> None:
    bridge, now, sent = make(engine)
    play_bar(bridge, 0)
    first = bridge.process_bar(1)
    second = bridge.process_bar(2)  # nothing played in bar 1: the last code keeps playing
    assert second.frozen and second.active_atoms == first.active_atoms
    now.t = 2 * 2.0 + 0.05  # kick and hat of bar 2 are sounding
    bridge.scheduler.run_due()
    assert bridge.scheduler.ledger.sounding()
    released = bridge.stop()
    assert bridge.scheduler.ledger.sounding() == {}
    assert any(m.kind == "note_off" for m in released)


def test_denoise_and_mute_change_what_plays(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loop mode's denoise cleans the played window before coding it (the scale of `sidl denoise`
    and filter mode: 0 = as played), where it used to keep fewer atoms of the code."""
    coded: list[np.ndarray] = []
    encode = Engine.encode
    monkeypatch.setattr(Engine, "encode", lambda self, grid, *a, **kw: (coded.append(grid), encode(self, grid, *a, **kw))[1])
    bridge, _, _ = make(engine)
    for bar in range(4):
        play_bar(bridge, bar, ghost=bar == 3)  # a stray tom in the last bar only
    tom = engine.codec.input_rows(None)(47)
    assert tom is not None
    step = 16 * 3 + 11  # bar 3 of the window, beat 2.75
    plain = bridge.process_bar(4)
    assert coded[-1][tom, step] > 0.5  # denoise 0: coded as played, stray and all
    bridge.change_controls(denoise=1.0)
    bridge.process_bar(4)
    hits = engine.codec.hit_rows
    assert coded[-1][tom, step] == 0.0  # the stray is not coded; the groove is, as played
    assert (coded[-1][hits][coded[-2][hits] > 0.5].sum() == (coded[-2][hits] > 0.5).sum() - 1)
    # at feel 0 (the dictionary alone) muting every active atom silences the bar; at the default feel 1
    # the part of the bar the code does not explain is kept (see test_muting_an_atom_at_feel_1_...)
    bridge.change_controls(denoise=0.0, feel=0.0, mute=set(plain.active_atoms))
    assert bridge.process_bar(4).notes == 0


def test_osc_controller_applies_and_refuses(engine: Engine) -> None:
    bridge, _, _ = make(engine)
    ctl = Controller(bridge)
    sender = ("127.0.0.1", 5555)
    ctl.handle("/sidl/denoise", [0.5], sender)
    ctl.handle("/sidl/atom/mute", [3, 1], sender)
    ctl.handle("/sidl/tempo", [90.0], sender)
    assert bridge.controls.denoise == 0.5 and bridge.controls.mute == {3} and bridge.clock.bpm == 90.0
    with pytest.raises(ParameterError, match="scene 2 is empty"):
        ctl.handle("/sidl/scene/recall", [2], sender)
    with pytest.raises(ParameterError, match="nothing has been coded yet"):
        ctl.handle("/sidl/scene/store", [1], sender)
    play_bar(bridge, 0)
    bridge.process_bar(1)
    ctl.handle("/sidl/scene/store", [1], sender)
    ctl.handle("/sidl/scene/recall", [1], sender)
    assert bridge.controls.scene == 1 and bridge.controls.morph == 1.0
    state = bridge.state()
    assert state["scenes"] == [1] and state["mute"] == [3] and state["clock"] == "internal"


def test_model_swap_waits_for_the_bar_and_refuses_another_codec(engine: Engine) -> None:
    bridge, _, _ = make(engine)
    with pytest.raises(ParameterError, match="piano codec"):
        bridge.swap_model(Engine.load("piano", provider="cpu"))
    bridge.swap_model(Engine.load("drums", provider="cpu"))
    play_bar(bridge, 0)
    assert bridge.pending_engine is not None
    bridge.process_bar(1)
    assert bridge.pending_engine is None


def test_filter_mode_passes_expected_notes_at_once_and_gates_strays(engine: Engine) -> None:
    bridge, now, sent = make(engine)
    for bar in range(2):
        play_bar(bridge, bar)
    bridge.change_controls(mode="filter", denoise=1.0)
    report = bridge.process_bar(2)  # filter from bar 2 on: nothing of the loop is scheduled
    assert report.notes == 0 and bridge.mode == "filter" and bridge.scheduler.pending() == 0
    now.t = 4.0
    bridge.on_midi([0x99, 36, 100], now.t)  # kick on the one: expected
    assert sent[-1].kind == "note_on" and sent[-1].data1 == 36  # sent at once, no scheduling
    bridge.on_midi([0x99, 47, 100], 4.0 + 0.375)  # a tom on an off-sixteenth: not expected
    assert sent[-1].data1 == 36 and bridge.filter_counts["blocked"] == 1
    bridge.on_midi([0x89, 36, 0], 4.1)
    assert sent[-1].kind == "note_off" and sent[-1].data1 == 36
    # the bar loop is late for bar 3: its downbeat kick is judged by bar 2's pattern, not dropped
    bridge.on_midi([0x99, 36, 100], 6.0)
    assert sent[-1].kind == "note_on" and sent[-1].data1 == 36
    assert bridge.filter_counts == {"passed": 2, "blocked": 1}
    bridge.on_midi([0x99, 47, 100], 6.0 + 0.375)  # and its stray tom is still held back
    assert bridge.filter_counts["blocked"] == 2
    bridge.on_midi([0x99, 47, 100], 20.375)  # far from any predicted bar: no expectation, it passes
    assert sent[-1].data1 == 47 and bridge.filter_counts["passed"] == 3
    bridge.change_controls(denoise=0.0)  # amount 0: everything passes, velocity untouched
    bridge.on_midi([0x99, 47, 77], 4.5)
    assert (sent[-1].data1, sent[-1].data2) == (47, 77)


def test_generate_mode_needs_no_input_and_is_reproducible(engine: Engine) -> None:
    bridge, _, _ = make(engine)
    bridge.change_controls(mode="generate")
    first = [bridge.process_bar(b) for b in range(1, 4)]
    assert all(r.notes > 0 and 0 < len(r.active_atoms) <= engine.info.k for r in first)
    again, _, _ = make(engine)
    again.change_controls(mode="generate")
    assert [again.process_bar(b).active_atoms for b in range(1, 4)] == [r.active_atoms for r in first]
    bridge.store_scene(0)  # the last generated bar becomes a scene
    bridge.change_controls(scene=0)
    assert bridge.process_bar(5).active_atoms == first[-1].active_atoms


def test_host_transport_over_osc_drives_a_host_clock(engine: Engine) -> None:
    from sidl.bridge.live.clock import HostClock

    now, sent = FakeTime(), []
    bridge = LiveBridge(engine, sent.append, clock=HostClock(now=now), now=now)
    ctl = Controller(bridge)
    ctl.handle("/sidl/host/transport", [1, 100.0, 4.0], ("127.0.0.1", 1))
    now.t += 0.6
    assert bridge.clock.running and bridge.clock.bpm == 100.0 and bridge.clock.beat_at(now.t) == pytest.approx(5.0)
    plain, _, _ = make(engine)
    with pytest.raises(ParameterError, match="sidl run --clock host"):
        Controller(plain).handle("/sidl/host/transport", [1, 100.0, 4.0], ("127.0.0.1", 1))


def test_mode_and_scene_changes_release_notes_at_the_bar(engine: Engine) -> None:
    bridge, now, sent = make(engine)
    play_bar(bridge, 0)
    bridge.process_bar(1)
    now.t = 2.0 + 0.05  # bar 1 is playing: notes sounding, more scheduled
    bridge.scheduler.run_due()
    assert bridge.scheduler.ledger.sounding() and bridge.scheduler.pending()
    bridge.change_controls(mode="filter")
    assert bridge.mode == "loop"  # asked, not yet in force
    bridge.process_bar(2)
    assert bridge.mode == "filter"
    assert bridge.scheduler.ledger.sounding() == {} and bridge.scheduler.pending() == 0
    assert sent[-1].kind == "control_change" and sent[-1].data1 == 123


def test_bad_midi_bytes_never_stop_the_input(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    bridge, _, _ = make(engine)
    for t in range(50):
        bridge.on_midi([0x45, 0x12, 300, -1], float(t) / 100)  # stray data, out-of-range bytes
    bridge.on_midi([0x99, 36, 100], 0.6)
    assert bridge.decoder.counts["rejected"] + bridge.decoder.counts["stray"] >= 50
    assert sum("malformed MIDI input" in r.message for r in caplog.records) == 1  # once per second
    assert bridge.quantizer.window(1, 1)[0].any()  # the good note after the garbage was taken


def test_clock_source_switches_at_the_loops_next_turn_and_releases_what_sounds(engine: Engine) -> None:
    from sidl.bridge.live.clock import HostClock

    bridge, now, sent = make(engine)
    made: list[str] = []

    def make_clock(source: str, bpm: float) -> HostClock | InternalClock:
        made.append(source)
        return HostClock(now=now) if source == "host" else InternalClock(100, now=now)

    ctl = Controller(bridge, make_clock=make_clock)
    sender = ("127.0.0.1", 5555)
    ctl.handle("/sidl/clock", ["internal"], sender)  # the source in force: nothing to do
    assert made == [] and bridge.pending_clock is None
    play_bar(bridge, 0)
    bridge.process_bar(1)
    now.t = 2.05  # bar 1 is sounding
    bridge.scheduler.run_due()
    assert bridge.scheduler.ledger.sounding() and bridge.quantizer.window(1, 1).any()
    ctl.handle("/sidl/clock", ["host"], sender)
    assert bridge.clock.source == "internal" and made == ["host"]  # queued, not yet in force
    with pytest.raises(ParameterError, match="runs the internal clock"):
        ctl.handle("/sidl/host/transport", [1, 90.0, 0.0], sender)
    assert bridge.take_pending_clock() is not None
    assert bridge.clock.source == "host" and bridge.state()["clock"] == "host"
    assert bridge.scheduler.ledger.sounding() == {}  # released: its beats belonged to the old clock
    assert not bridge.quantizer.window(1, 1).any()  # the held input is forgotten
    ctl.handle("/sidl/host/transport", [1, 90.0, 8.0], sender)
    assert bridge.clock.bpm == pytest.approx(90.0)
    now.t = 10.0
    ctl.handle("/sidl/clock", ["internal"], sender)
    beat = bridge.clock.beat_at(now.t)
    next_bar = bridge.take_pending_clock()
    assert bridge.clock.source == "internal" and bridge.clock.bpm == 100
    assert bridge.clock.beat_at(now.t) == pytest.approx(beat)  # bar numbers run on
    assert next_bar == int(beat // 4) + 1


def test_clock_switching_needs_a_factory_and_replies_reach_registered_ports(engine: Engine) -> None:
    bridge, _, _ = make(engine)
    ctl = Controller(bridge)
    with pytest.raises(ParameterError, match="clock switching is not enabled"):
        ctl.handle("/sidl/clock", ["midi"], ("127.0.0.1", 5555))
    ctl.handle("/sidl/register", [9001], ("127.0.0.1", 40123))
    ctl.handle("/sidl/register", [9100], ("10.0.0.2", 40000))
    # a reply to Max's udpsend (source port 40123) also goes to the port it registered
    assert ctl.reply_targets(("127.0.0.1", 40123)) == [("127.0.0.1", 40123), ("127.0.0.1", 9001)]
    assert ctl.reply_targets(("127.0.0.1", 9001)) == [("127.0.0.1", 9001)]  # a surface sending from its port


def test_filter_mode_keeps_the_players_velocities_and_drops_what_nothing_explains(engine: Engine) -> None:
    """At the tuned strength (0.9, the scale of `sidl denoise`) a groove that repeats passes whole,
    each note at the velocity it was played with (the old gate scaled them by the model's
    expectation), while a stray tom neither the dictionary nor the bars before explain is held back;
    at strength 0 everything passes as played."""
    bridge, now, sent = make(engine)
    bridge.change_controls(mode="filter", denoise=0.9)
    rock = [(0, 36), (2, 36), (1, 38), (3, 38)] + [(i / 2, 42) for i in range(8)]
    velocity = {beat: 40 + int(beat * 20) for beat, _ in rock}  # accents of the player's own
    for bar in range(4):
        now.t = bar * 2.0 - 0.07
        bridge.process_bar(bar)
        for beat, pitch in sorted(rock) + ([(2.75, 47)] if bar == 3 else []):
            now.t = (bar * 4 + beat) * 0.5
            bridge.on_midi([0x99, pitch, velocity.get(beat, 90)], now.t)
            bridge.on_midi([0x89, pitch, 0], now.t + 0.05)
    ons = [(m.data1, m.data2) for m in sent if m.kind == "note_on"]
    assert ons == [(p, velocity[b]) for _ in range(4) for b, p in sorted(rock)]  # the tom (bar 3) is not there
    assert bridge.filter_counts == {"passed": 48, "blocked": 1}
    bridge.change_controls(denoise=0.0)
    bridge.on_midi([0x99, 47, 77], 4 * 2.0 + 0.375)
    assert (sent[-1].data1, sent[-1].data2) == (47, 77)


def test_filter_mode_judges_a_note_near_a_step_edge_by_both_steps(engine: Engine) -> None:
    """A snare played (or clocked) 0.6 of a 16th late rounds to the step after the groove's snare:
    judged by the nearer neighbour too, it passes; a tom at the same place, never played, does not."""
    bridge, now, sent = make(engine)
    bridge.change_controls(mode="filter", denoise=1.0)
    rock = [(0, 36), (2, 36), (1, 38), (3, 38)] + [(i / 2, 42) for i in range(8)]
    for bar in range(4):
        now.t = bar * 2.0 - 0.07
        bridge.process_bar(bar)
        late = [(1 + 0.6 / 4, 38), (3 + 0.6 / 4, 47)] if bar == 3 else []  # 0.6 step = 75 ms at 120 BPM
        for beat, pitch in sorted([n for n in rock if not (bar == 3 and n == (1, 38))] + late):
            now.t = (bar * 4 + beat) * 0.5
            bridge.on_midi([0x99, pitch, 90], now.t)
            bridge.on_midi([0x89, pitch, 0], now.t + 0.05)
    last_bar = [m.data1 for m in sent if m.kind == "note_on"][-12:]
    assert 38 in last_bar[:6] and 47 not in last_bar


# ------------------------------------------------------------------------------------------ feel
def play_humanised_bar(bridge: LiveBridge, bar: int) -> list[tuple[float, int, int]]:
    """The rock beat with the player's own velocities and micro-timing; (time, pitch, velocity) played."""
    rng = np.random.default_rng(bar)
    hits = [(0, 36), (2, 36), (1, 38), (3, 38)] + [(i / 2, 42) for i in range(8)]
    played = []
    for beat, pitch in hits:
        t = (bar * 4 + beat) * 0.5 + float(rng.uniform(-0.02, 0.02))  # within ±20 ms
        velocity = int(rng.integers(40, 127))
        bridge.on_midi([0x99, pitch, velocity], t)
        bridge.on_midi([0x89, pitch, 0], t + 0.05)
        played.append((t, pitch, velocity))
    return played


def scheduled(bridge: LiveBridge, monkeypatch: pytest.MonkeyPatch) -> list[np.ndarray]:
    """The grids loop mode schedules, recorded as they go to the scheduler."""
    grids: list[np.ndarray] = []
    schedule = bridge._schedule
    monkeypatch.setattr(bridge, "_schedule", lambda grid, bar: (grids.append(grid), schedule(grid, bar))[1])
    return grids


def test_loop_mode_at_feel_1_plays_the_bar_as_played(engine: Engine) -> None:
    """Neutral settings: the same hits with the player's velocities and micro-timing, a bar later
    (before the feel control loop mode played the dictionary's velocities and timing)."""
    now, sent = FakeTime(), []
    clock = InternalClock(120, now=now)
    clock.start()
    bridge = LiveBridge(engine, lambda m: sent.append((now.t, m)), clock=clock, now=now)
    assert bridge.controls.feel == 1.0 and bridge.controls.denoise == 0.0
    played = play_humanised_bar(bridge, 1)
    bridge.process_bar(2)
    while (t := bridge.scheduler.next_time()) is not None and t < 6.0:
        now.t = t
        bridge.scheduler.run_due()
    heard = sorted((m.data1, m.data2, t) for t, m in sent if m.kind == "note_on")
    wanted = sorted((p, v, t + 2.0) for t, p, v in played)
    assert [(p, v) for p, v, _ in heard] == [(p, v) for p, v, _ in wanted]
    np.testing.assert_allclose([t for _, _, t in heard], [t for _, _, t in wanted], atol=1e-3)


def test_feel_keeps_the_players_timing_and_feel_0_is_the_dictionary(engine: Engine,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    coded: list[np.ndarray] = []
    encode = Engine.encode
    monkeypatch.setattr(Engine, "encode", lambda self, grid, *a, **kw: (coded.append(grid), encode(self, grid, *a, **kw))[1])
    bridge, _, _ = make(engine)
    grids = scheduled(bridge, monkeypatch)
    for bar in range(2):
        play_humanised_bar(bridge, bar)
    spb = engine.info.steps_per_bar
    bridge.process_bar(2)
    as_played = coded[-1][:, -spb:]
    hits = engine.codec.hits(as_played)
    np.testing.assert_array_equal(grids[-1][engine.codec.hit_rows], hits)
    for group in engine.codec.grid_layout.groups[1:]:  # velocity and offset: the player's
        np.testing.assert_allclose(grids[-1][group.rows][hits], as_played[group.rows][hits], atol=1e-6)
    bridge.change_controls(feel=0.0)
    bridge.process_bar(2)
    code = encode(engine, coded[-1])
    last = engine.geometry.column_bars(coded[-1].shape[1]) == engine.info.window_bars - 1
    full = np.zeros_like(code)
    full[:, last] = code[:, last]
    np.testing.assert_array_equal(grids[-1], engine.decode(full)[:, -spb:])  # today's: the dictionary alone
    assert not np.array_equal(grids[-1][engine.codec.hit_rows] > 0.5, hits) or \
        not np.allclose(grids[-1][engine.codec.grid_layout.velocity.rows][hits],
                        as_played[engine.codec.grid_layout.velocity.rows][hits])


def test_muting_an_atom_at_feel_1_changes_only_what_it_explains(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    bridge, _, _ = make(engine)
    grids = scheduled(bridge, monkeypatch)
    for bar in range(2):
        play_humanised_bar(bridge, bar)
    bridge.process_bar(2)
    code = bridge.last_code
    assert code is not None
    before = grids[-1]
    totals = code.sum(axis=1)
    atom = int(np.argmax(totals))
    bridge.change_controls(mute={atom})
    bridge.process_bar(2)
    after = grids[-1]
    rows = engine.codec.hit_rows
    h0, h1 = before[rows] > 0.5, after[rows] > 0.5
    assert (h0 & ~h1).any() and not (h1 & ~h0).any()  # hits go, none come
    # what the atom explains: where the code's decoded hits drop once the atom is gone
    spb, columns = engine.info.steps_per_bar, code.shape[1]  # the bar's code: the window's last columns
    full = np.zeros((engine.info.atoms, columns * engine.info.window_bars), np.float32)
    full[:, -columns:] = code
    with_atom = engine.decode(full)[rows, -spb:]
    full[atom] = 0.0
    without = engine.decode(full)[rows, -spb:]
    explained = with_atom - without > 0.05
    assert not ((h0 ^ h1) & ~explained).any()
    kept = h0 & h1
    for group in engine.codec.grid_layout.groups[1:]:  # the hits kept are untouched
        np.testing.assert_array_equal(after[group.rows][kept], before[group.rows][kept])


def test_osc_feel_sets_and_clamps(engine: Engine) -> None:
    from sidl.bridge.live.osc_table import validate

    bridge, _, _ = make(engine)
    ctl = Controller(bridge)
    sender = ("127.0.0.1", 5555)
    values, notes = validate("/sidl/feel", [0.25])
    ctl.handle("/sidl/feel", values, sender)
    assert bridge.controls.feel == 0.25 and bridge.state()["feel"] == 0.25 and not notes
    values, notes = validate("/sidl/feel", [1.7])
    assert values == [1.0] and notes and "clamped" in notes[0]
    values, _ = validate("/sidl/feel", [-0.5])
    ctl.handle("/sidl/feel", values, sender)
    assert bridge.controls.feel == 0.0
    with pytest.raises(ParameterError, match="must be a number"):
        validate("/sidl/feel", ["a lot"])


def play_funk_bar(bridge: LiveBridge, bar: int) -> None:
    """Another groove, with its own feel: sixteenth hats, syncopated kicks, late snares, soft hats."""
    rng = np.random.default_rng(100 + bar)
    hits = [(0, 36), (0.75, 36), (2.5, 36), (1, 38), (3, 38)] + [(i / 4, 42) for i in range(16)]
    for beat, pitch in hits:
        late = 0.03 if pitch == 38 else float(rng.uniform(-0.01, 0.01))
        velocity = 30 + int(rng.integers(0, 20)) if pitch == 42 else 110
        t = (bar * 4 + beat) * 0.5 + late
        bridge.on_midi([0x99, pitch, velocity], t)
        bridge.on_midi([0x89, pitch, 0], t + 0.05)


def test_scenes_keep_the_feel_they_were_played_with(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """A scene stored from play comes back as played: morph 1 toward it (and recalling it, in loop or
    generate mode) plays its bar with its player's velocities and timing, not the dictionary's; in
    between, every hit carries the feel of the groove it came from."""
    coded: list[np.ndarray] = []
    encode = Engine.encode
    monkeypatch.setattr(Engine, "encode", lambda self, grid, *a, **kw: (coded.append(grid), encode(self, grid, *a, **kw))[1])
    bridge, _, _ = make(engine)
    grids = scheduled(bridge, monkeypatch)
    spb = engine.info.steps_per_bar
    for bar in range(2):
        play_funk_bar(bridge, bar)
    bridge.process_bar(2)
    funk = coded[-1][:, -spb:]
    bridge.store_scene(3)
    for bar in range(2, 4):
        play_humanised_bar(bridge, bar)
    bridge.process_bar(4)
    rock = coded[-1][:, -spb:]
    layout, rows = engine.codec.grid_layout, engine.codec.hit_rows

    def assert_is(grid: np.ndarray, played: np.ndarray) -> None:
        hits = played[rows] > 0.5
        np.testing.assert_array_equal(grid[rows] > 0.5, hits)
        for group in layout.groups[1:]:
            np.testing.assert_allclose(grid[group.rows][hits], played[group.rows][hits], atol=1e-6)

    bridge.change_controls(scene=3, morph=1.0)
    bridge.process_bar(4)
    assert_is(grids[-1], funk)  # before: the dictionary's reading of the funk bar, or the rock bar's strays on it
    bridge.change_controls(morph=0.5)
    bridge.process_bar(4)
    mixed = grids[-1]
    hits = mixed[rows] > 0.5
    assert hits.any()
    in_rock, in_funk = rock[rows] > 0.5, funk[rows] > 0.5
    for group in layout.groups[1:]:
        values = mixed[group.rows]
        from_rock = hits & in_rock  # ties go to the bar being played
        from_funk = hits & in_funk & ~in_rock
        np.testing.assert_allclose(values[from_rock], rock[group.rows][from_rock], atol=1e-6)
        np.testing.assert_allclose(values[from_funk], funk[group.rows][from_funk], atol=1e-6)
    bridge.change_controls(mode="generate", morph=1.0)
    bridge.process_bar(5)
    assert_is(grids[-1], funk)
    bridge.change_controls(mode="generate", feel=0.0)  # feel 0: the dictionary's reading of the scene
    bridge.process_bar(6)
    assert not np.allclose(grids[-1][layout.velocity.rows][funk[rows] > 0.5],
                           funk[layout.velocity.rows][funk[rows] > 0.5])


def test_state_names_where_the_model_runs(engine: Engine) -> None:
    bridge, _, _ = make(engine)
    assert bridge.state()["provider"] == engine.provider == "cpu"


def test_generate_mode_does_not_quantize_the_input_it_ignores(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of notes a second made quantizing the window most of a generate-mode bar's work,
    for a window it never reads."""
    bridge, _, _ = make(engine)
    for bar in range(2):
        play_bar(bridge, bar)
    built: list[int] = []
    window = bridge.quantizer.window
    monkeypatch.setattr(bridge.quantizer, "window", lambda **kw: (built.append(kw["end_bar"]), window(**kw))[1])
    bridge.change_controls(mode="generate")
    assert bridge.process_bar(2).notes > 0 and built == []
    bridge.change_controls(mode="loop")
    bridge.process_bar(3)
    assert built == [3]
