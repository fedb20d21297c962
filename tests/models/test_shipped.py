"""The shipped models: they load without training, reconstruct a groove, every name the README calls
shipped is a checkpoint ``sidl eval`` accepts, and the chosen drum model beats the seed-faithful
baseline on held-out files (when the dataset is present). The torch-free demo: tests/bridge/test_demo.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from sidl.bridge.codecs import DrumCodec
from sidl.bridge.grooves import generate_groove
from sidl.models.checkpoint import resolve_model_dir, shipped_names
from sidl.models.evaluate import LoadedModel, evaluate
from sidl.models.evaluation import drum_metrics
from tests.bridge.test_demo import readme_shipped_names



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


def test_every_model_the_readme_calls_shipped_is_a_checkpoint_eval_accepts() -> None:
    names = readme_shipped_names()
    assert {"drums", "piano", "seed-drums"} <= set(names)
    assert set(names) == set(shipped_names())
    for name in names:
        assert LoadedModel.load(name).name == resolve_model_dir(name).name == name


@pytest.mark.data
def test_shipped_drums_beat_the_seed_on_held_out_files(groove_dir: Path) -> None:
    report = evaluate("drums", groove_dir, "validation", budgets=[4], baselines=False, max_files=12)
    seed = evaluate("seed-drums", groove_dir, "validation", budgets=[4], baselines=False, max_files=12)
    ours, theirs = report["systems"]["drums"]["budgets"]["4"], seed["systems"]["seed-drums"]["budgets"]["4"]
    assert ours["f1"] > theirs["f1"]
    assert ours["velocity_mae"] < theirs["velocity_mae"]
    assert ours["denoise"]["score"] > theirs["denoise"]["score"]
