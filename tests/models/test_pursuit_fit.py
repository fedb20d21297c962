"""Refitting the atoms to pursuit codes (models.pursuit_fit): the stage after the epochs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sidl.bridge.errors import ParameterError
from sidl.bridge.pursuit import Pursuer
from sidl.models.config import ModelConfig
from sidl.models.evaluate import LoadedModel
from sidl.models.pursuit_fit import PursuitFitConfig, bar_patches, fit_atoms
from sidl.models.train import DenoiseConfig, TrainConfig, train
from tests.conftest import write_gmd_like


def _error(atoms: np.ndarray, patches: np.ndarray, k: int) -> float:
    pursuer = Pursuer(atoms)
    return float(((patches - pursuer.decode(pursuer.code(patches, k))) ** 2).sum(axis=1).mean())


def _two_of_twelve(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """12 hidden unit-norm non-negative atoms of 40 values, and 3,000 patches each made of 2 of them."""
    truth = np.abs(rng.normal(size=(12, 40)))
    truth /= np.linalg.norm(truth, axis=1, keepdims=True)
    codes = np.zeros((3000, 12))
    for row in codes:
        row[rng.choice(12, 2, replace=False)] = rng.uniform(0.5, 1.5, 2)
    return truth, (codes @ truth).astype(np.float32)


def test_refitting_atoms_to_pursuit_codes_recovers_a_dictionary() -> None:
    """Patches made of 2 of 12 hidden non-negative atoms; starting from noisy copies of them, the
    refit lowers pursuit's error at the budget it fits, keeps atoms unit-norm, and leaves an atom no
    patch chooses as it was."""
    rng = np.random.default_rng(0)
    truth, patches = _two_of_twelve(rng)
    start = truth + rng.normal(scale=0.15, size=truth.shape)
    start = np.vstack([start, -np.ones((1, 40))])  # an atom pursuit never picks (negative correlation)
    start /= np.linalg.norm(start, axis=1, keepdims=True)
    start = start.astype(np.float32)
    fitted = fit_atoms(start, None, patches, PursuitFitConfig(rounds=5, budgets=[2], ridge=0.1))
    assert _error(fitted, patches, 2) < 0.5 * _error(start, patches, 2)
    np.testing.assert_allclose(np.linalg.norm(fitted, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(fitted[-1], start[-1])
    assert fit_atoms(start, None, patches, PursuitFitConfig(rounds=0)) is not start  # 0 rounds: a copy
    np.testing.assert_array_equal(fit_atoms(start, None, patches, PursuitFitConfig(rounds=0)), start)


def test_atoms_fitted_on_damaged_copies_read_damage_as_the_clean_patch() -> None:
    """With ``noisy_share`` 1 the atoms are fitted so that the code of a damaged patch decodes to the
    clean one: coding damaged patches then lands nearer the clean patches than with atoms fitted to
    clean patches alone (what ``sidl denoise`` relies on)."""
    rng = np.random.default_rng(1)
    truth, clean = _two_of_twelve(rng)
    damaged = clean.copy()
    spikes = rng.random(damaged.shape) < 0.05  # spurious values, as spurious hits are
    damaged[spikes] += 1.0
    start = truth.astype(np.float32)

    def denoised_error(atoms: np.ndarray) -> float:
        pursuer = Pursuer(atoms)
        return float(((clean - pursuer.decode(pursuer.code(damaged, 2))) ** 2).sum(axis=1).mean())

    plain = fit_atoms(start, None, clean, PursuitFitConfig(rounds=4, budgets=[2], ridge=0.1))
    robust = fit_atoms(start, None, clean, PursuitFitConfig(rounds=4, budgets=[2], ridge=0.1, noisy_share=1.0),
                       noisy=damaged)
    assert denoised_error(robust) < 0.99 * denoised_error(plain)
    with pytest.raises(ParameterError, match="damaged copy"):
        fit_atoms(start, None, clean, PursuitFitConfig(noisy_share=0.5))


def test_bar_patches_drop_silent_bars_and_pad_the_last() -> None:
    grid = np.zeros((3, 40), np.float32)
    grid[0, 1] = grid[2, 35] = 1.0  # bars 0 and 2 (the last, 8 steps, padded); bar 1 silent
    patches = bar_patches([grid], 16)
    assert patches.shape == (2, 48)
    assert patches[0, 1] == 1.0 and patches[1, 2 * 16 + 3] == 1.0


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ParameterError, match="budgets"):
        PursuitFitConfig(budgets=[])
    with pytest.raises(ParameterError, match="noisy_share"):
        PursuitFitConfig(noisy_share=1.5)
    with pytest.raises(ParameterError, match="unknown pursuit_fit keys"):
        PursuitFitConfig.from_dict({"round": 3})
    with pytest.raises(ParameterError, match="(bars, 8)"):
        fit_atoms(np.eye(2, 8, dtype=np.float32), None, np.zeros((3, 5), np.float32), PursuitFitConfig())


def _pursuit_config(**fit: object) -> TrainConfig:
    model = ModelConfig(layout="drums", in_channels=27, atoms=16, kernel=16, stride=16, wta_axis="bar", k=2,
                        steps_per_bar=16, output="linear", atom_norm="unit", inference_coder="pursuit")
    return TrainConfig(codec="drums", model=model, loss="mse", epochs=2, batch_size=16, window_bars=2, hop_bars=1,
                       denoise=DenoiseConfig(), seed=3,
                       pursuit_fit=PursuitFitConfig(**fit) if fit else None)  # type: ignore[arg-type]


def test_training_ends_with_the_pursuit_fit_and_a_resume_does_not_repeat_it(tmp_path: Path) -> None:
    data = write_gmd_like(tmp_path / "gmd", n_train=6, n_val=2, bars=4)
    plain = train(_pursuit_config(), data, tmp_path / "plain", progress=False)
    fitted = train(_pursuit_config(rounds=3, budgets=[1, 2], noisy_share=0.5), data, tmp_path / "fitted", progress=False)
    assert plain["pursuit_fit"] == [] and [r["round"] for r in fitted["pursuit_fit"]] == [0, 1, 2]
    before = LoadedModel.load(tmp_path / "plain").model.dictionary.numpy()
    after = LoadedModel.load(tmp_path / "fitted").model.dictionary.numpy()
    assert not np.allclose(before, after)  # same seed and epochs: only the refit differs
    saved = json.loads((tmp_path / "fitted" / "config.json").read_text())["train"]["pursuit_fit"]
    assert saved["rounds"] == 3 and saved["budgets"] == [1, 2]
    resumed = train(_pursuit_config(rounds=3, budgets=[1, 2], noisy_share=0.5), data, tmp_path / "fitted", resume=True,
                    progress=False)
    np.testing.assert_array_equal(LoadedModel.load(tmp_path / "fitted").model.dictionary.numpy(), after)
    assert len(resumed["pursuit_fit"]) == 3
    with pytest.raises(ParameterError, match="inference_coder"):
        cfg = _pursuit_config().to_dict()
        cfg["model"]["inference_coder"] = "network"
        cfg["pursuit_fit"] = {"rounds": 1}
        TrainConfig.from_dict(cfg)
