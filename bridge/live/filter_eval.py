"""Filter mode measured through replay: the F1 gain on corrupted grooves and the damage on clean ones.

Each file is replayed in filter mode (the live bridge's own code, :func:`bridge.live.replay.replay`)
at every strength, once as played and once per corruption seed (:func:`bridge.corruption.corrupt_drums`, seed ``i`` for
seed 0 and ``i + 1_000_003·seed`` otherwise, ``i`` the file's index). Outputs are scored against the clean groove's grid (drum codec, the clean grid's
length) with :func:`sidl.models.evaluation.metrics.drum_metrics`, micro-averaged over the files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sidl.bridge.codecs import load_score
from sidl.bridge.corruption import corrupt_drums, file_seed
from sidl.bridge.engine import Engine
from sidl.bridge.errors import MidiFileError
from sidl.bridge.live.replay import replay

log = logging.getLogger(__name__)

#: (clean grids, estimate grids, step seconds) of every file → {"f1", "precision", "recall", ...}
Scorer = Callable[[list[np.ndarray], list[np.ndarray], list[np.ndarray]], dict[str, float]]


def drum_scorer(cleans: list[np.ndarray], estimates: list[np.ndarray], seconds: list[np.ndarray]) -> dict[str, float]:
    """Micro-averaged drum metrics (imports the evaluation package, which only this needs)."""
    from sidl.models.evaluation.metrics import DrumScores, drum_metrics, merge_scores

    merged = merge_scores([drum_metrics(c, e, s) for c, e, s in zip(cleans, estimates, seconds)])
    assert isinstance(merged, DrumScores)  # drum scores merge to drum scores
    return {"f1": merged.f1, "precision": merged.precision, "recall": merged.recall,
            "velocity_mae": merged.velocity_mae, "timing_mae_ms": merged.timing_mae_ms}


def filter_curve(engine: Engine, files: Iterable[str | Path], amounts: Sequence[float], *,
                 seeds: Sequence[int] = (0, 1), scorer: Scorer = drum_scorer) -> dict[str, Any]:
    """Filter mode over ``files`` at each of ``amounts``: per seed, the noisy input's score, and per
    amount the gain in F1 over it and the scores of noisy and clean input filtered (see module doc)."""
    codec = engine.codec
    cleans: list[np.ndarray] = []
    seconds: list[np.ndarray] = []
    clean_out: dict[float, list[np.ndarray]] = {a: [] for a in amounts}
    noisy_in: dict[int, list[np.ndarray]] = {s: [] for s in seeds}
    noisy_out: dict[int, dict[float, list[np.ndarray]]] = {s: {a: [] for a in amounts} for s in seeds}
    for i, path in enumerate(files):
        try:
            score = load_score(path)
            grid = np.asarray(codec.encode(score).array)
            steps = grid.shape[1]
        except MidiFileError as exc:
            log.info("skipped %s: %s", path, exc)
            continue
        cleans.append(grid)
        seconds.append(score.tempo_map.step_seconds(steps, codec.steps_per_beat))
        for a in amounts:
            clean_out[a].append(np.asarray(codec.encode(replay(engine, score, mode="filter", denoise=a).score,
                                                         n_steps=steps).array))
        for seed in seeds:
            noisy = corrupt_drums(score, seed=file_seed(i, seed))
            noisy_in[seed].append(np.asarray(codec.encode(noisy, n_steps=steps).array))
            for a in amounts:  # a replay per strength: hits that passed vouch for later ones
                noisy_out[seed][a].append(np.asarray(codec.encode(replay(engine, noisy, mode="filter", denoise=a).score,
                                                                  n_steps=steps).array))
    out: dict[str, Any] = {"files": len(cleans), "seeds": {}}
    clean_scores = {a: scorer(cleans, clean_out[a], seconds) for a in amounts}
    for seed in seeds:
        base = scorer(cleans, noisy_in[seed], seconds)
        curve = []
        for a in amounts:
            den = scorer(cleans, noisy_out[seed][a], seconds)
            curve.append({"amount": a, "gain": den["f1"] - base["f1"], "noisy": den, "clean": clean_scores[a]})
        out["seeds"][seed] = {"noisy_input": base, "curve": curve}
    return out
