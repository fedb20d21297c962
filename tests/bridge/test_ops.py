"""Sparse-code operations: extremes, budgets, invariants and errors."""

from __future__ import annotations

import numpy as np
import pytest

from sidl.bridge import ops
from sidl.bridge.errors import ParameterError
from sidl.bridge.geometry import CodeGeometry
from sidl.bridge.sparse import active_per_bar, topk_bar

GEO = CodeGeometry(atoms=16, kernel=8, stride=4, steps_per_bar=16)
T = 4 * 16
BARS = GEO.column_bars(T)
COLS = GEO.code_length(T)


def random_code(seed: int, k: int = 4, batch: int | None = None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shape = (GEO.atoms, COLS) if batch is None else (batch, GEO.atoms, COLS)
    dense = rng.exponential(size=shape).astype(np.float32) * (rng.random(shape) < 0.3)
    return topk_bar(dense, k, BARS)


def test_denoise_extremes_and_budget() -> None:
    code = random_code(0, k=4)
    np.testing.assert_array_equal(ops.denoise(code, 0.0, k=4, column_bars=BARS), code)
    one = ops.denoise(code, 1.0, k=4, column_bars=BARS)
    assert (active_per_bar(one, BARS) <= 1).all()
    for bar in range(4):  # the survivor is the bar's strongest entry
        cols = BARS == bar
        assert one[:, cols].max() == code[:, cols].max()
    half = ops.denoise(code, 0.5, k=4, column_bars=BARS)
    assert (active_per_bar(half, BARS) <= 2).all()
    assert (half[half > 0] >= 0).all() and set(zip(*np.nonzero(half))) <= set(zip(*np.nonzero(code)))
    batch = random_code(1, batch=3)
    np.testing.assert_array_equal(ops.denoise(batch, 0.5, k=4, column_bars=BARS)[2],
                                  ops.denoise(batch[2], 0.5, k=4, column_bars=BARS))


def test_denoise_threshold_drops_weak_entries() -> None:
    code = np.zeros((GEO.atoms, COLS), np.float32)
    code[0, 0], code[1, 1], code[2, 2] = 2.0, 0.5, 1.5  # all in bar 0
    out = ops.denoise(code, 0.0, k=4, column_bars=BARS, threshold=0.5)
    assert out[0, 0] == 2.0 and out[2, 2] == 1.5 and out[1, 1] == 0.0


def test_interpolate_ends_are_exact_and_monotone() -> None:
    a, b = random_code(2), random_code(3)
    np.testing.assert_array_equal(ops.interpolate(a, b, 0.0, k=4, column_bars=BARS), a)
    np.testing.assert_allclose(ops.interpolate(a, b, 1.0, k=4, column_bars=BARS), b)
    for seed in range(10):
        a, b = random_code(10 + seed), random_code(50 + seed)
        ts = np.linspace(0, 1, 41)
        path = [ops.interpolate(a, b, t, k=4, column_bars=BARS) for t in ts]
        to_b = [np.abs(c - b).sum() for c in path]
        to_a = [np.abs(c - a).sum() for c in path]
        assert all(y <= x + 1e-5 for x, y in zip(to_b, to_b[1:])), to_b
        assert all(y >= x - 1e-5 for x, y in zip(to_a, to_a[1:])), to_a
        assert all((active_per_bar(c, BARS) <= 4).all() for c in path)  # never busier than the budget


def test_interpolate_refuses_bad_arguments() -> None:
    a = random_code(4)
    with pytest.raises(ParameterError, match="t must be a number in \\[0, 1\\], got 1.5"):
        ops.interpolate(a, a, 1.5, k=4, column_bars=BARS)
    with pytest.raises(ParameterError, match="same shape"):
        ops.interpolate(a, a[:, :-1], 0.5, k=4, column_bars=BARS)


def test_mute_solo_gain() -> None:
    code = random_code(5)
    active = np.flatnonzero(code.any(axis=1))[:3].tolist()
    np.testing.assert_array_equal(ops.mute(code, active) + ops.solo(code, active), code)
    assert not ops.mute(code, active)[active].any()
    doubled = ops.gain(code, {active[0]: 2.0, active[1]: 0.0})
    np.testing.assert_array_equal(doubled[active[0]], 2 * code[active[0]])
    assert not doubled[active[1]].any()
    with pytest.raises(ParameterError, match="atom index 16 is out of range; valid atoms are 0..15"):
        ops.mute(code, [16])
    with pytest.raises(ParameterError, match="gain for atom 0 must be a number >= 0, got -1"):
        ops.gain(code, {0: -1})


def test_swap_keeps_the_budget_and_takes_b_strongest() -> None:
    a, b = random_code(6), random_code(7)
    out = ops.swap(a, b, 1, column_bars=BARS)
    assert (active_per_bar(out, BARS) <= 4 + 1).all()
    for bar in range(4):
        cols = BARS == bar
        if b[:, cols].any():
            assert out[:, cols].max() >= b[:, cols].max()  # B's strongest entry of the bar is there
    with pytest.raises(ParameterError, match="k must be an integer >= 1"):
        ops.swap(a, b, 0, column_bars=BARS)


def test_shift_round_trip_and_edges() -> None:
    code = np.zeros((GEO.atoms, COLS), np.float32)
    code[3, 5] = 1.0
    code[4, 0] = 2.0
    moved = ops.shift(code, 2)
    assert moved[3, 7] == 1.0 and moved[4, 2] == 2.0
    np.testing.assert_array_equal(ops.shift(moved, -2), code)
    assert ops.shift(code, -1)[4].sum() == 0  # fell off the start
    only = ops.shift(code, 1, atoms=[3])
    assert only[3, 6] == 1.0 and only[4, 0] == 2.0
    assert not ops.shift(code, COLS).any()


def test_split_by_atom_sums_to_the_code() -> None:
    code = random_code(8)
    parts = ops.split_by_atom(code)
    np.testing.assert_array_equal(sum(p for _, p in parts), code)
    assert all(np.count_nonzero(p.any(axis=1)) == 1 for _, p in parts)


def test_atom_stats_and_generate() -> None:
    codes = [random_code(s) for s in range(30)]
    stats = ops.AtomStats.from_codes(codes, [BARS] * len(codes))
    again = ops.AtomStats.from_dict(stats.to_dict())
    np.testing.assert_allclose(again.frequency, stats.frequency, atol=1e-6)
    assert ((stats.frequency > 0) & (stats.frequency <= 1)).all()
    g1 = ops.generate(stats, COLS, k=3, column_bars=BARS, seed=1)
    np.testing.assert_array_equal(g1, ops.generate(stats, COLS, k=3, column_bars=BARS, seed=1))
    assert not np.array_equal(g1, ops.generate(stats, COLS, k=3, column_bars=BARS, seed=2))
    assert (active_per_bar(g1, BARS) <= 3).all() and (g1 >= 0).all()


def test_low_temperature_prefers_frequent_atoms() -> None:
    freq = np.full(16, 0.02)
    freq[[1, 5, 9]] = 0.9
    stats = ops.AtomStats(freq, np.zeros(16), np.full(16, 0.1))
    picks = {"cold": 0, "hot": 0}
    for seed in range(40):
        cold = ops.generate(stats, COLS, k=2, column_bars=BARS, temperature=0.2, seed=seed)
        hot = ops.generate(stats, COLS, k=2, column_bars=BARS, temperature=5.0, seed=seed)
        picks["cold"] += int(cold[[1, 5, 9]].astype(bool).sum())
        picks["hot"] += int(hot[[1, 5, 9]].astype(bool).sum())
    assert picks["cold"] > picks["hot"]
    with pytest.raises(ParameterError, match="temperature must be a number > 0, got 0"):
        ops.generate(stats, COLS, k=2, column_bars=BARS, temperature=0)


def test_stats_refuse_bad_data() -> None:
    with pytest.raises(ParameterError, match="must lie in \\[0, 1\\]"):
        ops.AtomStats(np.array([1.5]), np.zeros(1), np.zeros(1))
    with pytest.raises(ParameterError, match="frequency, log_mean and log_std"):
        ops.AtomStats.from_dict({"frequency": [0.1]})
