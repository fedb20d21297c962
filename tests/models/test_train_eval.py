"""Training and evaluation end to end on a tiny generated dataset (real MIDI files on disk)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sidl.bridge.errors import ParameterError
from sidl.models.config import KSchedule, ModelConfig
from sidl.models.evaluate import evaluate, format_table
from sidl.models.train import DenoiseConfig, TrainConfig, train
from tests.conftest import write_gmd_like

ROOT = Path(__file__).resolve().parents[2]


def tiny_config(**overrides: object) -> TrainConfig:
    model = ModelConfig(layout="drums", in_channels=27, atoms=16, kernel=16, stride=4, wta_axis="bar", k=2,
                        output="activated", atom_norm="unit")
    cfg = TrainConfig(codec="drums", model=model, loss="groove", epochs=3, batch_size=16, window_bars=2,
                      hop_bars=1, denoise=DenoiseConfig(), seed=3)
    for key, value in overrides.items():
        setattr(cfg, key, value)
    return cfg


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_gmd_like(tmp_path_factory.mktemp("gmd"), n_train=6, n_val=2, bars=4)


def test_training_writes_a_resumable_checkpoint(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    summary = train(tiny_config(epochs=2), dataset, out, progress=False)
    assert summary["epochs"] == 2 and summary["train_windows"] > 0
    for name in ("model.safetensors", "config.json", "train_state.safetensors", "train_state.json", "loss.png"):
        assert (out / name).is_file(), name
    assert (out / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    config = json.loads((out / "config.json").read_text())
    assert config["codec_spec"]["name"] == "drums" and config["train"]["model"]["atoms"] == 16
    with pytest.raises(ParameterError, match="--resume"):
        train(tiny_config(epochs=2), dataset, out, progress=False)
    resumed = train(tiny_config(epochs=4), dataset, out, resume=True, progress=False)
    state = json.loads((out / "train_state.json").read_text())
    assert [h["epoch"] for h in state["progress"]["history"]] == [0, 1, 2, 3]
    assert resumed["epochs"] == 4


def test_training_is_reproducible_with_a_seed(dataset: Path, tmp_path: Path) -> None:
    a = train(tiny_config(epochs=1), dataset, tmp_path / "a", progress=False)
    b = train(tiny_config(epochs=1), dataset, tmp_path / "b", progress=False)
    assert a["final_train_loss"] == b["final_train_loss"]
    assert (tmp_path / "a" / "model.safetensors").read_bytes() == (tmp_path / "b" / "model.safetensors").read_bytes()


def test_loss_falls_and_the_seed_schedule_decays_k(dataset: Path, tmp_path: Path) -> None:
    seed_model = ModelConfig(layout="drums", in_channels=27, atoms=20, kernel=4, stride=4, wta_axis="atoms", k=1,
                             output="linear", atom_norm="none", decoder_bias=False)
    cfg = tiny_config(model=seed_model, loss="mse", denoise=None, epochs=6, k_schedule=KSchedule(3, 1, 2))
    train(cfg, dataset, tmp_path / "seed", progress=False)
    history = json.loads((tmp_path / "seed" / "train_state.json").read_text())["progress"]["history"]
    assert [h["k"] for h in history] == [3, 3, 2, 2, 1, 1]
    assert history[1]["train_loss"] < history[0]["train_loss"]


def test_evaluation_reports_every_budget_and_denoising(dataset: Path, tmp_path: Path) -> None:
    train(tiny_config(epochs=3), dataset, tmp_path / "m", progress=False)
    report = evaluate(str(tmp_path / "m"), dataset, "validation", budgets=[1, 4])
    assert report["files"] == 2 and report["split"] == "validation"
    entry = report["systems"]["m"]
    assert set(entry["budgets"]) == {"1", "4"}
    for result in [*entry["budgets"].values(), entry["as_trained"]]:
        assert 0.0 <= result["f1"] <= 1.0
        assert result["velocity_mae"] >= 0 and result["timing_mae_ms"] >= 0
        d = result["denoise"]
        assert d["score"] == pytest.approx(d["f1_output"] - d["f1_noisy"], abs=2e-4)
        assert 0.5 < d["f1_noisy"] < 1.0  # the corruption really damaged the grooves
    assert "| m | 4 |" in format_table(report)


def test_cli_train_and_eval_json(dataset: Path, tmp_path: Path) -> None:
    cfg_path = tmp_path / "cfg.json"
    cfg_path.write_text(json.dumps(tiny_config(epochs=1).to_dict()))
    run = [sys.executable, "-m", "sidl"]
    done = subprocess.run([*run, "train", "drums", "--data", str(dataset), "--config", str(cfg_path),
                           "--out", str(tmp_path / "cli")], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["epochs"] == 1
    ev = subprocess.run([*run, "eval", "--model", str(tmp_path / "cli"), "--data", str(dataset), "--split",
                         "validation", "--budgets", "2", "--json"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert ev.returncode == 0, ev.stderr
    assert json.loads(ev.stdout)["systems"]["cli"]["budgets"]["2"]["f1"] >= 0
    bad = subprocess.run([*run, "eval", "--model", str(tmp_path / "cli"), "--data", str(dataset), "--split", "test"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert bad.returncode == 2 and "available: train, validation" in bad.stderr


def test_piano_trains_and_reports_onset_metrics(tmp_path: Path) -> None:
    import csv

    import numpy as np

    from sidl.bridge.codecs import Note, Score, save_score

    rng = np.random.default_rng(0)
    rows = []
    for i in range(5):
        notes = []
        for beat in np.arange(0, 16, 0.5):
            for pitch in rng.choice(np.arange(48, 72), size=2, replace=False):
                notes.append(Note(float(beat), int(pitch), int(rng.integers(40, 110)), float(beat) + 0.5, 0))
        save_score(Score(sorted(notes)), tmp_path / f"p{i}.mid")
        rows.append({"composer": "c", "midi_filename": f"p{i}.mid", "split": "validation" if i == 4 else "train"})
    with (tmp_path / "info.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    model = ModelConfig(layout="piano", in_channels=264, atoms=8, kernel=8, stride=4, wta_axis="bar", k=4,
                        steps_per_bar=16, output="linear", refine_steps=1, refine_step_size=0.5)
    cfg = TrainConfig(codec="piano", model=model, loss="mse", epochs=1, batch_size=8, window_bars=1, hop_bars=1)
    train(cfg, tmp_path, tmp_path / "m", progress=False)
    report = evaluate(str(tmp_path / "m"), tmp_path, "validation", budgets=[2], baselines=True)
    assert set(report["systems"]) == {"m", "omp", "identity"}
    assert report["systems"]["identity"]["no_budget"]["onset_f1"] == 1.0
    assert 0.0 <= report["systems"]["m"]["budgets"]["2"]["onset_f1"] <= 1.0
    assert "| identity | — | 1.000 | 1.000 | 1.000 |" in format_table(report)
