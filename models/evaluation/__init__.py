"""Evaluation of sidl models: grid metrics, controlled corruption and reference baselines.

Public API (re-exported here):

- metrics: :func:`drum_metrics`, :func:`piano_metrics`, :func:`step_seconds`,
  :func:`merge_scores`, :class:`DrumScores`, :class:`PianoScores`, :data:`DRUM_CLASS_NAMES`;
- corruption: :func:`corrupt_drums`, :func:`corrupt_grid`, :func:`stable_seed`,
  :data:`DRUM_CLASS_PITCHES`;
- baselines: :class:`IdentityBaseline`, :class:`GridSnapBaseline`,
  :class:`PatchDictionaryBaseline`.
"""

from sidl.models.evaluation.baselines import GridSnapBaseline, IdentityBaseline, PatchDictionaryBaseline
from sidl.models.evaluation.corruption import DRUM_CLASS_PITCHES, corrupt_drums, corrupt_grid, stable_seed
from sidl.models.evaluation.metrics import (
    DRUM_CLASS_NAMES,
    DrumScores,
    PianoScores,
    drum_metrics,
    merge_scores,
    piano_metrics,
    step_seconds,
)

__all__ = [
    "DRUM_CLASS_NAMES",
    "DRUM_CLASS_PITCHES",
    "DrumScores",
    "GridSnapBaseline",
    "IdentityBaseline",
    "PatchDictionaryBaseline",
    "PianoScores",
    "corrupt_drums",
    "corrupt_grid",
    "drum_metrics",
    "merge_scores",
    "piano_metrics",
    "stable_seed",
    "step_seconds",
]
