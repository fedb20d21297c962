"""Scores for reconstructed drum and piano grids (numpy only).

The evaluation compares a model's output grid with the clean reference grid of the same file.
Counts and error *sums* are stored rather than ratios so that scores from many files can be added
together and the ratios computed once at the end (micro-averaging): a long file then weighs more
than a short one, which is what "how many hits did the model get right" means over a dataset.

Grid layouts (see ``bridge.codecs``):

- drums, ``(27, T)``: rows 0..8 hits {0, 1} for the 9 classes, rows 9..17 velocity ``v/127``,
  rows 18..26 micro-timing offset in fractions of a 16th step, in ``[-0.5, 0.5]``;
- piano, ``(3·K, T)`` (``K = 88`` for the piano codec): ``[onset(K) | velocity(K) | hold(K)]``.

Conventions for empty cases: a ratio whose denominator is zero is 1.0 when there was nothing to
miss (precision with no estimated hits and no reference hits, recall with no reference hits and no
false alarms), else 0.0; an error mean over zero matched hits is ``nan`` (``None`` in
:meth:`to_dict`), because "no error" and "nothing measured" must not look alike.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from sidl.bridge.codecs.base import group_size
from sidl.bridge.codecs.drum_maps import DRUM_CLASS_NAMES
from sidl.bridge.codecs.score import TempoMap
from sidl.bridge.errors import CodecMismatchError, ParameterError

log = logging.getLogger(__name__)

N_DRUM_CLASSES = len(DRUM_CLASS_NAMES)
DRUM_ROWS = 3 * N_DRUM_CLASSES


def _zeros() -> tuple[int, ...]:
    return (0,) * N_DRUM_CLASSES


def _safe_ratio(num: float, den: float, *, empty: float) -> float:
    return num / den if den > 0 else empty


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall, F1 with the empty-case conventions of this module."""
    precision = _safe_ratio(tp, tp + fp, empty=1.0 if fn == 0 else 0.0)
    recall = _safe_ratio(tp, tp + fn, empty=1.0 if fp == 0 else 0.0)
    f1 = _safe_ratio(2 * tp, 2 * tp + fp + fn, empty=1.0)
    return precision, recall, f1


def _mean(total: float, count: int) -> float:
    return total / count if count > 0 else math.nan


def _json_float(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


class _Accumulable:
    """Shared ``merge``/``+`` for score dataclasses whose fields are all sums (ints, floats, tuples)."""

    def merge(self, other: Any) -> Any:
        """Return the scores of both sets of files together (fields added, ratios recomputed)."""
        if type(other) is not type(self):
            raise ParameterError(f"cannot merge {type(self).__name__} with {type(other).__name__}")
        values = {}
        for f in fields(self):  # type: ignore[arg-type]
            a, b = getattr(self, f.name), getattr(other, f.name)
            values[f.name] = tuple(x + y for x, y in zip(a, b)) if isinstance(a, tuple) else a + b
        return type(self)(**values)

    def __add__(self, other: Any) -> Any:
        if type(other) is not type(self):
            return NotImplemented
        return self.merge(other)

    def __radd__(self, other: Any) -> Any:
        if isinstance(other, int) and other == 0:  # lets builtin sum() start from 0
            return self
        return NotImplemented


@dataclass(frozen=True)
class DrumScores(_Accumulable):
    """Hit detection, velocity and timing errors of drum grids, as sums over (class, step) cells.

    ``timing_abs_error_ms_sum`` is the model's timing error on matched hits;
    ``snap_abs_error_ms_sum`` is what snapping those same hits to the grid (offset 0) would cost,
    the reference a timing model has to beat.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0
    matched: int = 0
    velocity_abs_error_sum: float = 0.0
    timing_abs_error_ms_sum: float = 0.0
    snap_abs_error_ms_sum: float = 0.0
    class_tp: tuple[int, ...] = field(default_factory=_zeros)
    class_fp: tuple[int, ...] = field(default_factory=_zeros)
    class_fn: tuple[int, ...] = field(default_factory=_zeros)
    n_files: int = 0
    n_steps: int = 0

    @property
    def precision(self) -> float:
        return _prf(self.tp, self.fp, self.fn)[0]

    @property
    def recall(self) -> float:
        return _prf(self.tp, self.fp, self.fn)[1]

    @property
    def f1(self) -> float:
        return _prf(self.tp, self.fp, self.fn)[2]

    @property
    def velocity_mae(self) -> float:
        """Mean |velocity error| over matched hits, in MIDI units 0..127."""
        return _mean(self.velocity_abs_error_sum, self.matched)

    @property
    def timing_mae_ms(self) -> float:
        """Mean |onset time error| over matched hits, in milliseconds."""
        return _mean(self.timing_abs_error_ms_sum, self.matched)

    @property
    def snap_timing_mae_ms(self) -> float:
        """Timing MAE the same matched hits would have if the estimate were snapped to the grid."""
        return _mean(self.snap_abs_error_ms_sum, self.matched)

    def class_f1(self) -> dict[str, float]:
        """F1 per drum class (rare classes such as toms hide inside the micro average)."""
        return {
            name: _prf(tp, fp, fn)[2]
            for name, tp, fp, fn in zip(DRUM_CLASS_NAMES, self.class_tp, self.class_fp, self.class_fn)
        }

    def to_dict(self) -> dict[str, Any]:
        """Counts and ratios as plain JSON-able values (``nan`` becomes ``None``)."""
        return {
            "n_files": self.n_files,
            "n_steps": self.n_steps,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "matched": self.matched,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "velocity_mae": _json_float(self.velocity_mae),
            "timing_mae_ms": _json_float(self.timing_mae_ms),
            "snap_timing_mae_ms": _json_float(self.snap_timing_mae_ms),
            "class_f1": self.class_f1(),
        }


@dataclass(frozen=True)
class PianoScores(_Accumulable):
    """Onset detection, onset velocity error and frame (sounding) detection of piano grids, as sums."""

    onset_tp: int = 0
    onset_fp: int = 0
    onset_fn: int = 0
    velocity_abs_error_sum: float = 0.0
    frame_tp: int = 0
    frame_fp: int = 0
    frame_fn: int = 0
    n_files: int = 0
    n_steps: int = 0

    @property
    def onset_precision(self) -> float:
        return _prf(self.onset_tp, self.onset_fp, self.onset_fn)[0]

    @property
    def onset_recall(self) -> float:
        return _prf(self.onset_tp, self.onset_fp, self.onset_fn)[1]

    @property
    def onset_f1(self) -> float:
        return _prf(self.onset_tp, self.onset_fp, self.onset_fn)[2]

    @property
    def f1(self) -> float:
        """The event F1 every kind of score has (for piano: onsets), as :attr:`DrumScores.f1` is hits."""
        return self.onset_f1

    @property
    def velocity_mae(self) -> float:
        """Mean |velocity error| over matched onsets, in MIDI units 0..127."""
        return _mean(self.velocity_abs_error_sum, self.onset_tp)

    @property
    def frame_precision(self) -> float:
        return _prf(self.frame_tp, self.frame_fp, self.frame_fn)[0]

    @property
    def frame_recall(self) -> float:
        return _prf(self.frame_tp, self.frame_fp, self.frame_fn)[1]

    @property
    def frame_f1(self) -> float:
        return _prf(self.frame_tp, self.frame_fp, self.frame_fn)[2]

    def to_dict(self) -> dict[str, Any]:
        """Counts and ratios as plain JSON-able values (``nan`` becomes ``None``)."""
        return {
            "n_files": self.n_files,
            "n_steps": self.n_steps,
            "onset_tp": self.onset_tp,
            "onset_fp": self.onset_fp,
            "onset_fn": self.onset_fn,
            "onset_precision": self.onset_precision,
            "onset_recall": self.onset_recall,
            "onset_f1": self.onset_f1,
            "velocity_mae": _json_float(self.velocity_mae),
            "frame_tp": self.frame_tp,
            "frame_fp": self.frame_fp,
            "frame_fn": self.frame_fn,
            "frame_precision": self.frame_precision,
            "frame_recall": self.frame_recall,
            "frame_f1": self.frame_f1,
        }


def _pair(reference: npt.ArrayLike, estimate: npt.ArrayLike, what: str) -> tuple[np.ndarray, np.ndarray]:
    ref = np.asarray(reference, dtype=np.float64)
    est = np.asarray(estimate, dtype=np.float64)
    if ref.ndim != 2:
        raise ParameterError(f"{what} reference grid must be 2-D (rows, steps), got shape {ref.shape}")
    if ref.shape != est.shape:
        raise ParameterError(
            f"{what} reference and estimate grids must have the same shape, got {ref.shape} and {est.shape}"
        )
    return ref, est


def _check_threshold(threshold: float) -> None:
    if not 0.0 <= threshold < 1.0:
        raise ParameterError(f"threshold must be in [0, 1), got {threshold}")


def drum_metrics(
    reference: npt.ArrayLike,
    estimate: npt.ArrayLike,
    step_seconds: npt.ArrayLike,
    threshold: float = 0.5,
) -> DrumScores:
    """Score an estimated drum grid against the reference grid of the same file.

    A hit is a hit row value ``> threshold``; hits are matched cell by cell (same class, same 16th
    step), so a hit moved by one step counts as one false positive plus one false negative. On
    matched hits the velocity error is ``|v_ref − v_est|·127`` and the timing error is
    ``|off_ref − off_est| · step_seconds[step] · 1000`` ms, so timing errors are milliseconds at
    the file's own tempo.

    ``step_seconds`` is the duration in seconds of each step, shape ``(T,)`` (see
    :func:`step_seconds`); a scalar is taken as a constant tempo.
    """
    ref, est = _pair(reference, estimate, "drum")
    if ref.shape[0] != DRUM_ROWS:
        raise CodecMismatchError(
            f"drum grids have {DRUM_ROWS} rows (hits, velocities, offsets of {N_DRUM_CLASSES} classes), "
            f"got {ref.shape[0]}"
        )
    _check_threshold(threshold)
    n_steps = ref.shape[1]
    seconds = np.asarray(step_seconds, dtype=np.float64)
    if seconds.ndim == 0:
        seconds = np.full(n_steps, float(seconds))
    if seconds.shape != (n_steps,):
        raise ParameterError(f"step_seconds must have shape ({n_steps},), got {seconds.shape}")
    c = N_DRUM_CLASSES
    ref_hit = ref[:c] > threshold
    est_hit = est[:c] > threshold
    both = ref_hit & est_hit
    class_tp = both.sum(axis=1)
    class_fp = (est_hit & ~ref_hit).sum(axis=1)
    class_fn = (ref_hit & ~est_hit).sum(axis=1)
    step_ms = np.broadcast_to(seconds * 1000.0, ref_hit.shape)[both]
    velocity_err = np.abs(ref[c:2 * c][both] - est[c:2 * c][both]) * 127.0
    ref_off = ref[2 * c:][both]
    timing_err = np.abs(ref_off - est[2 * c:][both]) * step_ms
    snap_err = np.abs(ref_off) * step_ms
    return DrumScores(
        tp=int(class_tp.sum()),
        fp=int(class_fp.sum()),
        fn=int(class_fn.sum()),
        matched=int(both.sum()),
        velocity_abs_error_sum=float(velocity_err.sum()),
        timing_abs_error_ms_sum=float(timing_err.sum()),
        snap_abs_error_ms_sum=float(snap_err.sum()),
        class_tp=tuple(int(x) for x in class_tp),
        class_fp=tuple(int(x) for x in class_fp),
        class_fn=tuple(int(x) for x in class_fn),
        n_files=1,
        n_steps=n_steps,
    )


def piano_metrics(
    reference: npt.ArrayLike,
    estimate: npt.ArrayLike,
    steps_per_beat: int = 4,
    threshold: float = 0.5,
) -> PianoScores:
    """Score an estimated piano grid ``[onset | velocity | hold]`` against the reference grid.

    Onsets are matched on (key, step) cells; the velocity error ``|v_ref − v_est|·127`` is taken on
    matched onsets. Frames count a key as sounding at a step when its onset *or* hold value is above
    ``threshold``, so the frame score does not depend on whether the codec marks the onset step as
    held. ``steps_per_beat`` only checks that the grid resolution is a sane one (the cells are
    compared as they are; no tolerance window is applied).
    """
    ref, est = _pair(reference, estimate, "piano")
    if ref.shape[0] % 3 != 0 or ref.shape[0] == 0:
        raise CodecMismatchError(
            f"piano grids stack onset, velocity and hold rows of the same keys; "
            f"{ref.shape[0]} rows is not a multiple of 3"
        )
    if int(steps_per_beat) != steps_per_beat or steps_per_beat < 1:
        raise ParameterError(f"steps_per_beat must be a positive integer, got {steps_per_beat}")
    _check_threshold(threshold)
    k = group_size(ref.shape[0])
    ref_on, est_on = ref[:k] > threshold, est[:k] > threshold
    matched = ref_on & est_on
    velocity_err = np.abs(ref[k:2 * k][matched] - est[k:2 * k][matched]) * 127.0
    ref_frame = ref_on | (ref[2 * k:] > threshold)
    est_frame = est_on | (est[2 * k:] > threshold)
    return PianoScores(
        onset_tp=int(matched.sum()),
        onset_fp=int((est_on & ~ref_on).sum()),
        onset_fn=int((ref_on & ~est_on).sum()),
        velocity_abs_error_sum=float(velocity_err.sum()),
        frame_tp=int((ref_frame & est_frame).sum()),
        frame_fp=int((est_frame & ~ref_frame).sum()),
        frame_fn=int((ref_frame & ~est_frame).sum()),
        n_files=1,
        n_steps=ref.shape[1],
    )


def step_seconds(
    tempo_map: TempoMap,
    n_steps: int,
    steps_per_beat: int = 4,
    start_beat: float = 0.0,
) -> np.ndarray:
    """Duration in seconds of each of ``n_steps`` grid steps starting at ``start_beat``
    (:meth:`TempoMap.step_seconds`, torch- and scikit-learn-free for the runtime and encoders)."""
    return tempo_map.step_seconds(n_steps, steps_per_beat, start_beat)


def merge_scores(scores: Sequence[DrumScores] | Sequence[PianoScores]) -> DrumScores | PianoScores:
    """Add up per-file scores (all of one kind); an empty sequence is an error, not empty scores."""
    if not scores:
        raise ParameterError("merge_scores needs at least one score")
    total = scores[0]
    for s in scores[1:]:
        total = total.merge(s)
    return total
