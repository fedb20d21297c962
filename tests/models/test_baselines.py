"""Baselines: identity, grid snap, and the OMP patch dictionary on tiny repeated-pattern data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sidl.bridge.errors import CodecMismatchError, ModelError, ParameterError
from sidl.models.evaluation import (
    GridSnapBaseline,
    IdentityBaseline,
    PatchDictionaryBaseline,
    drum_metrics,
    piano_metrics,
)

Data = tuple[list[np.ndarray], list[np.ndarray]]  # (train grids, test grids)


def bar_patterns(rng: np.random.Generator, n: int = 3) -> list[np.ndarray]:
    """``n`` distinct one-bar (27, 16) drum patterns with velocities and small offsets."""
    out = []
    for i in range(n):
        g = np.zeros((27, 16), dtype=np.float32)
        g[0, [0, 8] if i % 2 == 0 else [0, 6, 10]] = 1.0
        g[1, [4, 12]] = 1.0
        g[2 + (i % 3 == 2), :: 2 if i < 2 else 4] = 1.0
        g[9:18] = g[:9] * rng.uniform(0.4, 1.0, size=(9, 16))
        g[18:] = g[:9] * rng.uniform(-0.2, 0.2, size=(9, 16))
        out.append(g)
    return out


def song(rng: np.random.Generator, patterns: list[np.ndarray], bars: int, extra_steps: int = 0) -> np.ndarray:
    grid = np.concatenate([patterns[i] for i in rng.integers(0, len(patterns), bars)], axis=1)
    if extra_steps:  # a trailing partial bar: the start of one more pattern
        grid = np.concatenate([grid, patterns[0][:, :extra_steps]], axis=1)
    return grid


@pytest.fixture(scope="module")
def drum_data() -> tuple[list[np.ndarray], list[np.ndarray]]:
    rng = np.random.default_rng(0)
    patterns = bar_patterns(rng)
    train = [song(rng, patterns, 8) for _ in range(12)]
    test = [song(rng, patterns, 6, extra_steps=5) for _ in range(3)]
    return train, test


@pytest.fixture(scope="module")
def fitted(drum_data: Data) -> PatchDictionaryBaseline:
    return PatchDictionaryBaseline().fit(drum_data[0], n_atoms=8, patch_steps=16, seed=0)


def test_identity_scores_perfectly_and_copies(drum_data: Data) -> None:
    grid = drum_data[1][0]
    out = IdentityBaseline().reconstruct(grid, 3)
    s = drum_metrics(grid, out, 0.125)
    assert s.f1 == 1.0 and s.velocity_mae == 0.0 and s.timing_mae_ms == 0.0
    out[:] = 0.0
    assert grid.any()


def test_grid_snap_zeroes_offsets_only(drum_data: Data) -> None:
    grid = drum_data[1][0]
    out = GridSnapBaseline().reconstruct(grid)
    np.testing.assert_array_equal(out[:18], grid[:18])
    assert not out[18:].any()
    s = drum_metrics(grid, out, 0.125)
    assert s.f1 == 1.0 and s.velocity_mae == 0.0
    assert s.timing_mae_ms == pytest.approx(s.snap_timing_mae_ms) and s.timing_mae_ms > 0
    with pytest.raises(CodecMismatchError):
        GridSnapBaseline().reconstruct(np.zeros((264, 16)))


@pytest.mark.parametrize("budget", [1, 2])
def test_omp_reconstructs_repeated_patterns_within_budget(
    fitted: PatchDictionaryBaseline, drum_data: Data, budget: int
) -> None:
    for grid in drum_data[1]:
        codes = fitted.encode(grid, budget)
        assert codes.shape == (7, 8)  # 6 bars + 1 zero-padded partial bar
        assert np.count_nonzero(codes, axis=1).max() <= budget
        out = fitted.reconstruct(grid, budget)
        assert out.shape == grid.shape and out.dtype == np.float32
        full = 6 * 16  # the partial bar is no training pattern; only its shape is checked here
        s = drum_metrics(grid[:, :full], out[:, :full], 0.125)
        assert s.f1 >= 0.99
        assert s.velocity_mae < 5.0
        assert s.timing_mae_ms < 5.0


def test_reconstruction_stays_in_valid_ranges(fitted: PatchDictionaryBaseline) -> None:
    noisy = np.random.default_rng(1).uniform(-3, 3, size=(27, 40)).astype(np.float32)
    out = fitted.reconstruct(noisy, 4)
    assert out[:18].min() >= 0.0 and out[:18].max() <= 1.0
    assert out[18:].min() >= -0.5 and out[18:].max() <= 0.5
    assert not fitted.reconstruct(np.zeros((27, 20)), 2).any()  # silence costs no atoms
    assert not fitted.reconstruct(np.full((27, 16), 0.5, dtype=np.float32), 0).any()  # budget 0: nothing


def test_save_load_roundtrip(fitted: PatchDictionaryBaseline, drum_data: Data, tmp_path: Path) -> None:
    path = fitted.save(tmp_path / "sub" / "dictionary.bin")
    assert path == tmp_path / "sub" / "dictionary.bin" and path.exists()  # name kept as given
    loaded = PatchDictionaryBaseline.load(path)
    assert (loaded.n_rows, loaded.patch_steps, loaded.n_atoms) == (27, 16, 8)
    grid = drum_data[1][1]
    np.testing.assert_array_equal(loaded.reconstruct(grid, 2), fitted.reconstruct(grid, 2))
    with pytest.raises(ModelError):
        PatchDictionaryBaseline.load(tmp_path / "missing.npz")
    (tmp_path / "junk.npz").write_bytes(b"not an npz")
    with pytest.raises(ModelError):
        PatchDictionaryBaseline.load(tmp_path / "junk.npz")


def test_errors_before_fit_and_on_bad_input(fitted: PatchDictionaryBaseline) -> None:
    with pytest.raises(ModelError):
        PatchDictionaryBaseline().reconstruct(np.zeros((27, 16)), 1)
    with pytest.raises(ModelError):
        PatchDictionaryBaseline().save("x.npz")
    with pytest.raises(CodecMismatchError):
        fitted.reconstruct(np.zeros((264, 16)), 1)
    with pytest.raises(ParameterError):
        fitted.reconstruct(np.zeros((27, 16)))
    with pytest.raises(ParameterError):
        PatchDictionaryBaseline().fit([np.zeros((27, 32))])
    with pytest.raises(ParameterError):
        PatchDictionaryBaseline().fit([])


def test_fit_is_reproducible_and_respects_max_patches(drum_data: Data) -> None:
    a = PatchDictionaryBaseline().fit(drum_data[0], n_atoms=4, seed=3, max_patches=20)
    b = PatchDictionaryBaseline().fit(drum_data[0], n_atoms=4, seed=3, max_patches=20)
    assert a.components_ is not None and b.components_ is not None
    np.testing.assert_allclose(a.components_, b.components_)
    np.testing.assert_allclose(np.linalg.norm(a.components_, axis=1), 1.0, rtol=1e-5)


def test_piano_grids_work_too() -> None:
    rng = np.random.default_rng(2)
    keys = 88
    patterns = []
    for chord in ([39, 43, 46], [41, 45, 48], [36, 40, 43, 48]):
        g = np.zeros((3 * keys, 8), dtype=np.float32)
        for k in chord:
            g[k, 0] = 1.0
            g[keys + k, 0] = rng.uniform(0.4, 0.9)
            g[2 * keys + k, 0:6] = 1.0
        patterns.append(g)
    train = [np.concatenate([patterns[i] for i in rng.integers(0, 3, 10)], axis=1) for _ in range(6)]
    model = PatchDictionaryBaseline().fit(train, n_atoms=6, patch_steps=8, seed=0)
    test = np.concatenate([patterns[i] for i in (2, 0, 1, 1)], axis=1)
    out = model.reconstruct(test, 1)
    assert out.min() >= 0.0 and out.max() <= 1.0
    s = piano_metrics(test, out, 4)
    assert s.onset_f1 >= 0.99 and s.frame_f1 >= 0.99 and s.velocity_mae < 5.0
