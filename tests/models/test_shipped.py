"""The shipped models: they load without training, reconstruct a groove, and the chosen drum model
beats the seed-faithful baseline on held-out files (when the dataset is present)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import mido
import pytest

from sidl.bridge.codecs import DrumCodec
from sidl.models.checkpoint import shipped_names
from sidl.models.demo import generate_groove
from sidl.models.evaluate import LoadedModel, evaluate
from sidl.models.evaluation import drum_metrics

ROOT = Path(__file__).resolve().parents[2]


def test_the_three_models_are_shipped() -> None:
    assert {"drums", "piano", "seed-drums"} <= set(shipped_names())


@pytest.mark.parametrize("name", ["drums", "seed-drums"])
def test_shipped_drum_models_reconstruct_a_new_groove(name: str) -> None:
    model = LoadedModel.load(name)
    assert not model.model.training
    groove = generate_groove(bars=4, seed=11)
    grid = DrumCodec().encode(groove).array
    out = model.reconstruct(grid, 8)
    assert out.shape == grid.shape
    assert drum_metrics(grid, out, 0.15).f1 > 0.6  # an untrained dictionary scores near 0


def test_shipped_piano_model_runs_on_its_codec() -> None:
    model = LoadedModel.load("piano")
    assert model.codec_name == "piano" and model.model.config.in_channels == 264


def test_demo_writes_playable_midi(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "sidl", "demo", "--out", str(tmp_path), "--bars", "2"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "bar 1:" in done.stdout and "bar 2:" in done.stdout
    for name in ("input", "reconstruction", "noisy", "denoised"):
        midi = mido.MidiFile(str(tmp_path / f"{name}.mid"))
        notes = [m for m in midi if m.type == "note_on" and m.velocity > 0]
        assert notes and all(m.channel == 9 for m in notes)


@pytest.mark.data
def test_shipped_drums_beat_the_seed_on_held_out_files(groove_dir: Path) -> None:
    report = evaluate("drums", groove_dir, "validation", budgets=[4], baselines=False, max_files=12)
    seed = evaluate("seed-drums", groove_dir, "validation", budgets=[4], baselines=False, max_files=12)
    ours, theirs = report["systems"]["drums"]["budgets"]["4"], seed["systems"]["seed-drums"]["budgets"]["4"]
    assert ours["f1"] > theirs["f1"]
    assert ours["velocity_mae"] < theirs["velocity_mae"]
    assert ours["denoise"]["score"] > theirs["denoise"]["score"]
