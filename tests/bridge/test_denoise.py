"""sidl denoise: played hits are evidence, the dictionary and the groove the prior (bridge/denoise.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sidl.bridge import tools
from sidl.bridge.codecs import DrumCodec, Note, load_score, save_score
from sidl.bridge.denoise import add_above, clean, groove_belief, keep_below
from sidl.bridge.engine import Engine
from sidl.bridge.errors import ParameterError
from sidl.bridge.grooves import generate_groove

CODEC = DrumCodec()
HATS, SNARE, KICK, LOW_TOM = 2, 1, 0, 5  # rows of the drum grid


@pytest.fixture(scope="module")
def drums() -> Engine:
    return Engine.load("drums", provider="cpu")


def _rock(bars: int = 8) -> np.ndarray:
    """A steady rock beat with the player's own velocities and small timing offsets."""
    rng = np.random.default_rng(3)
    grid = np.zeros((27, 16 * bars), np.float32)
    for bar in range(bars):
        for step, row in [(0, KICK), (8, KICK), (4, SNARE), (12, SNARE)] + [(s, HATS) for s in range(0, 16, 2)]:
            t = bar * 16 + step
            grid[row, t] = 1.0
            grid[9 + row, t] = rng.uniform(0.4, 0.9)
            grid[18 + row, t] = rng.uniform(-0.2, 0.2)
    return grid


def test_amount_zero_leaves_the_grid_as_played(drums: Engine) -> None:
    grid = _rock()
    grid[LOW_TOM, 3 * 16 + 5] = 1.0
    out = clean(drums, grid, 0.0)
    np.testing.assert_array_equal(out.grid, grid)
    assert out.removed == out.added == 0


def test_a_stray_hit_goes_and_the_groove_stays_as_played(drums: Engine) -> None:
    grid = _rock()
    stray = 3 * 16 + 5
    grid[LOW_TOM, stray], grid[9 + LOW_TOM, stray] = 1.0, 0.5
    out = clean(drums, grid, 1.0)
    assert out.grid[LOW_TOM, stray] == 0.0 and out.removed >= 1
    played = _rock() > 0
    hit_rows = slice(0, 9)
    kept = played[hit_rows] & (out.grid[hit_rows] > 0.5)
    assert kept.sum() >= 0.95 * played[hit_rows].sum()  # the groove itself is left alone
    for group in (slice(9, 18), slice(18, 27)):  # ... with the velocities and offsets it was played with
        np.testing.assert_array_equal(out.grid[group][kept], _rock()[group][kept])


def test_a_hit_missing_from_a_repeated_groove_comes_back(drums: Engine) -> None:
    grid = _rock()
    gap = 4 * 16 + 4  # the snare of bar 4's second beat
    grid[[SNARE, 9 + SNARE, 18 + SNARE], gap] = 0.0
    out = clean(drums, grid, 1.0)
    assert out.grid[SNARE, gap] == 1.0 and out.added >= 1
    assert 0.0 < out.grid[9 + SNARE, gap] <= 1.0  # with the dictionary's velocity


def test_thresholds_move_with_the_amount() -> None:
    assert keep_below(0.0) == 0.0 and add_above(0.0) > 1.0  # nothing removed, nothing added
    assert keep_below(1.0) > keep_below(0.5) > 0.0 and add_above(1.0) < add_above(0.5) < add_above(0.0)
    for bad in (-0.1, 1.5, float("nan"), True, "0.5"):
        with pytest.raises(ParameterError, match="0..1"):
            keep_below(bad)  # type: ignore[arg-type]


def test_groove_belief_counts_the_bars_around_without_the_bar_itself() -> None:
    hits = np.zeros((1, 16 * 5), bool)
    hits[0, [0, 16, 32, 48]] = True  # step 0 of bars 0..3, not bar 4
    belief, has_context = groove_belief(hits, 16, 4)
    assert belief[0, 0] == pytest.approx(0.75) and belief[0, 64] == pytest.approx(1.0)
    assert has_context.all()
    causal, has_context = groove_belief(hits, 16, 4, causal=True)
    assert causal[0, 16] == 1.0 and causal[0, 64] == 1.0 and not has_context[0] and has_context[16]


def test_a_short_file_has_no_groove_to_ask_and_uses_the_dictionary(drums: Engine) -> None:
    out = clean(drums, _rock(bars=1), 1.0)
    assert out.kept > 0


def test_the_tool_keeps_the_played_velocities_in_the_file(drums: Engine, tmp_path: Path) -> None:
    score = generate_groove(bars=8, seed=4)
    stray = Note(3 * 4 + 1.25, 45, 40, 3 * 4 + 1.35, 9)  # a tom nobody repeats
    save_score(type(score)(notes=[*score.notes, stray], tempo_map=score.tempo_map,
                           time_signatures=score.time_signatures), tmp_path / "in.mid")
    report = tools.denoise(drums, tmp_path / "in.mid", tmp_path / "out.mid", amount=1.0)
    assert report.details["removed"] >= 1
    out = load_score(tmp_path / "out.mid")
    assert not any(n.pitch in (45, 47) and abs(n.start - stray.start) < 0.1 for n in out.notes)
    played = {(round(n.start * 4), CODEC.input_rows()(n.pitch)): n.velocity for n in score.notes}
    same = [played[key] == n.velocity for n in out.notes if (key := (round(n.start * 4), CODEC.input_rows()(n.pitch))) in played]
    assert len(same) >= 0.9 * len(score.notes) and sum(same) >= 0.9 * len(same)


def test_a_bad_grid_is_refused(drums: Engine) -> None:
    with pytest.raises(ParameterError, match="shape"):
        clean(drums, np.zeros((9, 16), np.float32), 0.5)
