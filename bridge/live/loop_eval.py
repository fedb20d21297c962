"""Loop mode measured through replay: how transparent it is at neutral settings, per ``feel``, and
what muting one atom changes.

Each file is replayed in loop mode (the live bridge's own code, :func:`bridge.live.replay.replay`)
with no denoise and no edits, aligned (``align``: loop mode's bar of latency removed), at each feel.
Outputs are scored against the file's own grid (drum codec, the file's length) with
:func:`sidl.models.evaluation.metrics.drum_metrics`, micro-averaged over the files
(:func:`bridge.live.filter_eval.drum_scorer`). :func:`mute_check` mutes each file's most active
atom at feel 1 and compares the output with the unmuted one, and with what that atom plays alone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sidl.bridge.codecs import Score, load_score
from sidl.bridge.engine import Engine
from sidl.bridge.errors import MidiFileError
from sidl.bridge.live.filter_eval import Scorer, drum_scorer
from sidl.bridge.live.replay import replay

log = logging.getLogger(__name__)


def _inputs(engine: Engine, files: Iterable[str | Path]) -> list[tuple[Score, np.ndarray, np.ndarray]]:
    """(score, grid, step seconds) of every file the codec reads."""
    out = []
    for path in files:
        try:
            score = load_score(path)
            grid = np.asarray(engine.codec.encode(score).array)
        except MidiFileError as exc:
            log.info("skipped %s: %s", path, exc)
            continue
        if engine.codec.has_notes(grid):
            out.append((score, grid, score.tempo_map.step_seconds(grid.shape[1], engine.codec.steps_per_beat)))
    return out


def _replayed(engine: Engine, score: Score, steps: int, **controls: Any) -> np.ndarray:
    result = replay(engine, score, mode="loop", denoise=0.0, align=True, **controls)
    return np.asarray(engine.codec.encode(result.score, n_steps=steps).array)


def loop_curve(engine: Engine, files: Iterable[str | Path], feels: Sequence[float] = (1.0, 0.5, 0.0), *,
               scorer: Scorer = drum_scorer) -> dict[str, Any]:
    """Loop mode at neutral settings over ``files``, per feel: {"files", "feels": [{"feel", scores…}]}."""
    inputs = _inputs(engine, files)
    grids = [g for _, g, _ in inputs]
    seconds = [s for _, _, s in inputs]
    curve = []
    for feel in feels:
        outputs = [_replayed(engine, score, grid.shape[1], feel=feel) for score, grid, _ in inputs]
        curve.append({"feel": feel, **scorer(grids, outputs, seconds)})
    return {"files": len(inputs), "feels": curve}


def mute_check(engine: Engine, files: Iterable[str | Path]) -> dict[str, Any]:
    """Per file, mute the atom active in most bars at feel 1; totals of hits removed and added, of
    removed hits where the atom alone (solo, feel 0) plays one, and the largest velocity (×127) and
    offset (steps) change of the hits kept."""
    codec = engine.codec
    layout = codec.grid_layout
    totals = {"files": 0, "hits": 0, "removed": 0, "removed_where_atom_plays": 0, "added": 0,
              "atom_hits": 0, "max_velocity_change": 0.0, "max_offset_change": 0.0}
    for score, grid, _ in _inputs(engine, files):
        steps = grid.shape[1]
        neutral = replay(engine, score, mode="loop", denoise=0.0, align=True)
        counts: dict[int, int] = {}
        for report in neutral.reports:
            for atom in report.active_atoms:
                counts[atom] = counts.get(atom, 0) + 1
        if not counts:
            continue
        atom = max(counts, key=lambda a: (counts[a], -a))
        base = np.asarray(codec.encode(neutral.score, n_steps=steps).array)
        muted = _replayed(engine, score, steps, mute=[atom])
        alone = _replayed(engine, score, steps, solo=[atom], feel=0.0)
        h0, hm, ha = codec.hits(base), codec.hits(muted), codec.hits(alone)
        kept = h0 & hm
        removed = h0 & ~hm
        totals["files"] += 1
        totals["hits"] += int(h0.sum())
        totals["removed"] += int(removed.sum())
        totals["removed_where_atom_plays"] += int((removed & ha).sum())
        totals["added"] += int((hm & ~h0).sum())
        totals["atom_hits"] += int(ha.sum())
        for name, group in (("max_velocity_change", layout.velocity), ("max_offset_change", layout.third)):
            change = np.abs(base[group.rows] - muted[group.rows])[kept]
            scale = 127.0 if name == "max_velocity_change" else 1.0
            if change.size:
                totals[name] = max(totals[name], round(float(change.max()) * scale, 4))
    return totals
