"""Interpolation keeps the feel: A and B as played at the ends, each hit with its own groove's feel between."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sidl.bridge import tools
from sidl.bridge.codecs import DrumCodec, load_score, save_score
from sidl.bridge.engine import Engine
from sidl.bridge.errors import ParameterError
from sidl.bridge.grooves import generate_groove
from sidl.bridge.morph import morph

CODEC = DrumCodec()
HITS, VEL, OFF = slice(0, 9), slice(9, 18), slice(18, 27)


@pytest.fixture(scope="module")
def drums() -> Engine:
    return Engine.load("drums", provider="cpu")


def _grid(seed: int) -> np.ndarray:
    """Groove 1: the generated groove; groove 2: the same player's other groove (toms on the
    offbeats, no open hats, louder), so the two differ in hits and in feel."""
    grid = CODEC.encode(generate_groove(bars=4, seed=1)).array
    if seed == 2:
        rng = np.random.default_rng(5)
        grid = grid.copy()
        grid[[3, 12, 21]] = 0.0  # no open hats
        for step in range(2, 64, 4):  # low toms on the "and"s, with their own velocity and timing
            grid[5, step], grid[14, step], grid[23, step] = 1.0, rng.uniform(0.6, 1.0), rng.uniform(-0.3, 0.3)
        grid[VEL] = np.where(grid[HITS] > 0.5, np.clip(grid[VEL] * 1.2, 0, 1), 0.0)
    return grid


def test_the_ends_are_the_grooves_as_played(drums: Engine) -> None:
    a, b = _grid(1), _grid(2)
    np.testing.assert_array_equal(morph(drums, a, b, 0.0), a)
    np.testing.assert_array_equal(morph(drums, a, b, 1.0), b)


def test_between_every_hit_carries_the_feel_of_its_groove(drums: Engine) -> None:
    a, b = _grid(1), _grid(2)
    in_a, in_b = a[HITS] > 0.5, b[HITS] > 0.5
    exclusive = 0
    for t in (0.25, 0.5, 0.75):
        out = morph(drums, a, b, t)
        hits = out[HITS] > 0.5
        only_a, only_b, both = hits & in_a & ~in_b, hits & in_b & ~in_a, hits & in_a & in_b
        nearer = a if t <= 0.5 else b  # a hit both played takes the nearer groove's feel
        exclusive += int(only_a.sum() + only_b.sum())
        for group in (VEL, OFF):
            np.testing.assert_array_equal(out[group][only_a], a[group][only_a])
            np.testing.assert_array_equal(out[group][only_b], b[group][only_b])
            np.testing.assert_array_equal(out[group][both], nearer[group][both])
        assert not (out[VEL][~hits]).any() and not (out[OFF][~hits]).any()
    assert exclusive > 0  # B's toms come in on the way


def test_the_morph_moves_from_a_to_b(drums: Engine) -> None:
    a, b = _grid(1), _grid(2)
    ha, hb = a[HITS] > 0.5, b[HITS] > 0.5
    shared_with_b = [((morph(drums, a, b, t)[HITS] > 0.5) & hb).sum() - ((morph(drums, a, b, t)[HITS] > 0.5) & ha & hb).sum()
                     for t in (0.0, 0.5, 1.0)]
    assert shared_with_b[0] <= shared_with_b[1] <= shared_with_b[2]


def test_the_tool_writes_a_and_b_as_played_at_the_ends(drums: Engine, tmp_path: Path) -> None:
    save_score(generate_groove(bars=4, seed=1), tmp_path / "a.mid")
    save_score(generate_groove(bars=4, seed=2), tmp_path / "b.mid")
    tools.interpolate(drums, tmp_path / "a.mid", tmp_path / "b.mid", tmp_path / "m.mid", steps=3)

    def notes(path: Path) -> list[tuple[int, int, int]]:
        grid = CODEC.encode(load_score(path), n_steps=64).array
        return sorted((int(r), int(c), round(float(grid[9 + r, c]) * 127)) for r, c in zip(*np.nonzero(grid[HITS] > 0.5)))

    assert notes(tmp_path / "m-00.mid") == notes(tmp_path / "a.mid")
    assert notes(tmp_path / "m-02.mid") == notes(tmp_path / "b.mid")


def test_bad_morphs_are_refused(drums: Engine) -> None:
    with pytest.raises(ParameterError, match="0..1"):
        morph(drums, _grid(1), _grid(2), 1.5)
    with pytest.raises(ParameterError, match="same shape"):
        morph(drums, _grid(1), _grid(2)[:, :32], 0.5)


def test_piano_morph_keeps_the_held_steps_at_the_ends() -> None:
    from sidl.bridge.codecs import PianoCodec

    piano = Engine.load("piano", provider="cpu")
    codec = piano.codec
    assert isinstance(codec, PianoCodec)
    score_a = generate_groove(bars=2, seed=1)  # any notes will do: played on the piano grid
    notes = [type(n)(n.start, 60 + (n.pitch % 12), n.velocity, n.start + 0.75, 0) for n in score_a.notes[:12]]
    grid = codec.encode(type(score_a)(notes=notes, tempo_map=score_a.tempo_map,
                                      time_signatures=score_a.time_signatures), n_steps=64).array
    other = np.roll(grid, 8, axis=1)
    hold = piano.codec.grid_layout.third.rows
    assert grid[hold].sum() > grid[piano.codec.grid_layout.hit.rows].sum()  # notes are held past their onset
    np.testing.assert_array_equal(morph(piano, grid, other, 0.0), grid)
    np.testing.assert_array_equal(morph(piano, grid, other, 1.0), other)
