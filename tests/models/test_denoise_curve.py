"""The denoising curve of `sidl denoise` and the rule that picks the default amount from it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sidl.bridge.codecs import DrumCodec, save_score
from sidl.bridge.engine import Engine
from sidl.bridge.grooves import generate_groove
from sidl.models.evaluate import CLEAN_F1_FLOOR, denoise_curve, eval_kind, load_eval_set, tuned_amount


def _curve(points: dict[str, tuple[float, float]]) -> dict[str, object]:
    return {"curve": {a: {"gain": g, "clean_f1": c} for a, (g, c) in points.items()}}


def test_the_default_is_the_best_gain_that_leaves_a_good_take_alone() -> None:
    curve = _curve({"0": (0.0, 1.0), "0.5": (0.02, 0.99), "0.9": (0.034, 0.973), "1": (0.036, 0.95)})
    assert tuned_amount(curve) == 0.9  # 1 gains more but damages clean grooves below the floor
    assert tuned_amount(_curve({"0": (0.0, 1.0), "1": (0.05, 0.9)})) == 0.0
    assert tuned_amount(_curve({"0.5": (-0.01, 0.99)}), floor=CLEAN_F1_FLOOR) == 0.5  # the only one allowed


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("grooves")
    for seed in range(3):
        save_score(generate_groove(bars=8, seed=seed), root / f"g{seed}.mid")
    return root


def test_the_curve_is_measured_per_corruption_seed(folder: Path) -> None:
    engine = Engine.load("drums", provider="cpu")
    codec = DrumCodec()
    sets = [load_eval_set(folder, "all", codec, corrupt=True, max_files=None, corruption_seed=s) for s in (0, 1)]
    assert not np.array_equal(sets[0].files[0].noisy, sets[1].files[0].noisy)  # other damage, same files
    np.testing.assert_array_equal(sets[0].files[0].clean, sets[1].files[0].clean)
    report = denoise_curve(engine, sets, eval_kind(codec), amounts=(0.0, 0.9))
    assert report["damaged_sets"] == 2 and len(report["noisy_f1"]) == 2
    assert report["curve"]["0"]["gain"] == 0.0 and report["curve"]["0"]["clean_f1"] == 1.0  # as played
    assert report["curve"]["0.9"]["gain"] > 0.0  # generated grooves repeat: the damage is found


def test_filter_and_loop_mode_curves_through_replay(folder: Path) -> None:
    from sidl.models.evaluate import _live_mode_lines, live_mode_curves

    engine = Engine.load("drums", provider="cpu")
    live = live_mode_curves(engine, sorted(folder.glob("*.mid"))[:2], seeds=(0,))
    filter_points = live["filter"]["seeds"][0]["curve"]
    assert filter_points[0]["amount"] == 0.0 and filter_points[0]["gain"] == 0.0  # strength 0 passes all
    loop = {p["feel"]: p for p in live["loop"]["feels"]}
    assert loop[1.0]["f1"] > 0.97 and loop[1.0]["f1"] >= loop[0.0]["f1"]  # as played at feel 1
    text = "\n".join(_live_mode_lines(live))
    assert "| 0.9 |" in text and "| feel | hit F1 |" in text
