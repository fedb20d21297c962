"""Behaviour of the drum/piano grid metrics: exact counts, millisecond timing, accumulation."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from sidl.bridge.codecs.score import TempoMap
from sidl.bridge.errors import CodecMismatchError, ParameterError
from sidl.models.evaluation import (
    DrumScores,
    PianoScores,
    drum_metrics,
    merge_scores,
    piano_metrics,
    step_seconds,
)

C = 9


def drum_grid(n_steps: int, hits: list[tuple[int, int, int, float]]) -> np.ndarray:
    """(27, n_steps) grid from (class, step, velocity 1..127, offset in steps)."""
    g = np.zeros((3 * C, n_steps), dtype=np.float32)
    for cls, step, vel, off in hits:
        g[cls, step] = 1.0
        g[C + cls, step] = vel / 127.0
        g[2 * C + cls, step] = off
    return g


def random_drum_grid(rng: np.random.Generator, n_steps: int, density: float = 0.2) -> np.ndarray:
    hit = (rng.random((C, n_steps)) < density).astype(np.float32)
    vel = hit * rng.integers(1, 128, size=(C, n_steps)) / 127.0
    off = hit * rng.uniform(-0.5, 0.5, size=(C, n_steps))
    return np.concatenate([hit, vel, off]).astype(np.float32)


def piano_grid(n_steps: int, notes: list[tuple[int, int, int, int]], keys: int = 88) -> np.ndarray:
    """(3·keys, n_steps) grid from (key, onset step, n hold steps, velocity)."""
    g = np.zeros((3 * keys, n_steps), dtype=np.float32)
    for key, step, length, vel in notes:
        g[key, step] = 1.0
        g[keys + key, step] = vel / 127.0
        g[2 * keys + key, step:step + length] = 1.0
    return g


# ---------------------------------------------------------------- drums


def test_perfect_estimate_scores_one_and_zero_error() -> None:
    ref = random_drum_grid(np.random.default_rng(0), 64)
    s = drum_metrics(ref, ref.copy(), np.full(64, 0.125))
    assert s.tp == int(ref[:C].sum()) > 0
    assert (s.fp, s.fn) == (0, 0)
    assert s.precision == s.recall == s.f1 == 1.0
    assert s.velocity_mae == 0.0
    assert s.timing_mae_ms == 0.0
    assert s.snap_timing_mae_ms > 0.0  # the reference has non-zero offsets


def test_one_hit_moved_by_a_step_is_one_fp_and_one_fn() -> None:
    ref = drum_grid(16, [(0, 0, 100, 0.0), (1, 4, 90, 0.0), (2, 8, 80, 0.0)])
    est = drum_grid(16, [(0, 0, 100, 0.0), (1, 5, 90, 0.0), (2, 8, 80, 0.0)])
    s = drum_metrics(ref, est, 0.125)
    assert (s.tp, s.fp, s.fn, s.matched) == (2, 1, 1, 2)
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx(2 / 3)
    assert s.f1 == pytest.approx(2 / 3)
    assert s.class_tp == (1, 0, 1, 0, 0, 0, 0, 0, 0)
    assert s.class_fp == (0, 1, 0, 0, 0, 0, 0, 0, 0)
    assert s.class_fn == (0, 1, 0, 0, 0, 0, 0, 0, 0)
    assert s.class_f1()["snare"] == 0.0 and s.class_f1()["kick"] == 1.0


def test_velocity_error_is_in_midi_units() -> None:
    ref = drum_grid(16, [(0, 0, 100, 0.0), (1, 4, 50, 0.0)])
    est = drum_grid(16, [(0, 0, 90, 0.0), (1, 4, 54, 0.0)])
    assert drum_metrics(ref, est, 0.125).velocity_mae == pytest.approx(7.0, abs=1e-4)


def test_timing_error_in_ms_at_120_bpm() -> None:
    # 120 BPM: 0.5 s per beat, 4 steps per beat -> 125 ms per step.
    seconds = step_seconds(TempoMap.constant(120), 16)
    np.testing.assert_allclose(seconds, 0.125)
    ref = drum_grid(16, [(0, 0, 100, 0.2), (1, 4, 100, -0.1)])
    est = drum_grid(16, [(0, 0, 100, 0.1), (1, 4, 100, 0.0)])
    s = drum_metrics(ref, est, seconds)
    # |0.2 - 0.1|·125 = 12.5 ms, |-0.1 - 0|·125 = 12.5 ms
    assert s.timing_mae_ms == pytest.approx(12.5, abs=1e-3)
    # snapped: 0.2·125 = 25 ms, 0.1·125 = 12.5 ms
    assert s.snap_timing_mae_ms == pytest.approx(18.75, abs=1e-3)


def test_timing_uses_the_duration_of_the_hits_own_step() -> None:
    seconds = np.array([0.1] * 8 + [0.3] * 8)
    ref = drum_grid(16, [(0, 2, 100, 0.5), (0, 10, 100, 0.5)])
    est = drum_grid(16, [(0, 2, 100, 0.0), (0, 10, 100, 0.0)])
    s = drum_metrics(ref, est, seconds)
    assert s.timing_abs_error_ms_sum == pytest.approx(0.5 * 100 + 0.5 * 300, abs=1e-3)


def test_unmatched_hits_do_not_count_in_error_means() -> None:
    ref = drum_grid(16, [(0, 0, 100, 0.3)])
    est = drum_grid(16, [(0, 1, 10, -0.3)])
    s = drum_metrics(ref, est, 0.125)
    assert s.matched == 0
    assert math.isnan(s.velocity_mae) and math.isnan(s.timing_mae_ms)
    d = s.to_dict()
    assert d["velocity_mae"] is None and d["timing_mae_ms"] is None
    json.dumps(d)  # JSON-able


def test_empty_reference_and_estimate_is_perfect() -> None:
    z = np.zeros((27, 32), dtype=np.float32)
    s = drum_metrics(z, z, 0.125)
    assert s.precision == s.recall == s.f1 == 1.0
    one = drum_grid(32, [(0, 0, 100, 0.0)])
    missed = drum_metrics(one, z, 0.125)
    assert (missed.precision, missed.recall, missed.f1) == (0.0, 0.0, 0.0)
    spurious = drum_metrics(z, one, 0.125)
    assert (spurious.precision, spurious.recall, spurious.f1) == (0.0, 0.0, 0.0)


def test_threshold_decides_what_is_a_hit() -> None:
    ref = drum_grid(4, [(0, 0, 100, 0.0)])
    est = ref.copy()
    est[0, 0] = 0.4
    assert drum_metrics(ref, est, 0.125).fn == 1
    assert drum_metrics(ref, est, 0.125, threshold=0.3).tp == 1


def test_accumulation_equals_metrics_on_concatenated_grids() -> None:
    rng = np.random.default_rng(1)
    refs = [random_drum_grid(rng, n) for n in (32, 48, 16)]
    ests = [random_drum_grid(rng, r.shape[1], density=0.25) for r in refs]
    for r, e in zip(refs, ests):  # make some hits match so the error sums are non-trivial
        e[:, :8] = r[:, :8] + np.where(r[:, :8] != 0, 0.01, 0.0)
    secs = [rng.uniform(0.08, 0.2, size=r.shape[1]) for r in refs]
    parts = [drum_metrics(r, e, s) for r, e, s in zip(refs, ests, secs)]
    whole = drum_metrics(np.concatenate(refs, 1), np.concatenate(ests, 1), np.concatenate(secs))
    total = parts[0] + parts[1] + parts[2]
    assert sum(parts) == total == merge_scores(parts) == parts[0].merge(parts[1]).merge(parts[2])
    for name in ("tp", "fp", "fn", "matched", "class_tp", "class_fp", "class_fn", "n_steps"):
        assert getattr(total, name) == getattr(whole, name)
    assert total.n_files == 3 and whole.n_files == 1
    for name in ("f1", "velocity_mae", "timing_mae_ms", "snap_timing_mae_ms"):
        assert getattr(total, name) == pytest.approx(getattr(whole, name), rel=1e-9)


def test_merging_different_kinds_is_refused() -> None:
    with pytest.raises(ParameterError):
        DrumScores().merge(PianoScores())
    with pytest.raises(TypeError):
        _ = DrumScores() + PianoScores()


def test_drum_metrics_validates_shapes() -> None:
    ref = np.zeros((27, 16), dtype=np.float32)
    with pytest.raises(ParameterError):
        drum_metrics(ref, np.zeros((27, 15)), 0.125)
    with pytest.raises(ParameterError):
        drum_metrics(ref, ref, np.full(15, 0.125))
    with pytest.raises(CodecMismatchError):
        drum_metrics(np.zeros((264, 16)), np.zeros((264, 16)), 0.125)


def test_step_seconds_follows_tempo_changes() -> None:
    tempo = TempoMap([(0.0, 500_000), (1.0, 1_000_000)])  # 120 BPM, then 60 BPM from beat 1
    secs = step_seconds(tempo, 8)
    np.testing.assert_allclose(secs, [0.125] * 4 + [0.25] * 4)
    straddling = step_seconds(tempo, 2, start_beat=0.875)
    np.testing.assert_allclose(straddling, [0.0625 + 0.125, 0.25])
    expected = [tempo.to_seconds(0.875 + (i + 1) / 4) - tempo.to_seconds(0.875 + i / 4) for i in range(2)]
    np.testing.assert_allclose(straddling, expected)
    assert step_seconds(tempo, 0).shape == (0,)
    np.testing.assert_allclose(step_seconds(TempoMap.constant(90), 3, steps_per_beat=2), 1 / 3, rtol=1e-5)  # tempo in whole µs


# ---------------------------------------------------------------- piano


def test_piano_perfect_and_shifted_onset() -> None:
    ref = piano_grid(16, [(39, 0, 4, 80), (43, 4, 2, 60)])
    s = piano_metrics(ref, ref.copy(), 4)
    assert s.onset_f1 == s.frame_f1 == 1.0
    assert s.velocity_mae == 0.0
    est = piano_grid(16, [(39, 0, 4, 70), (43, 5, 2, 60)])
    s = piano_metrics(ref, est, 4)
    assert (s.onset_tp, s.onset_fp, s.onset_fn) == (1, 1, 1)
    assert s.velocity_mae == pytest.approx(10.0, abs=1e-4)
    # frames: key 39 steps 0-3 match (4), key 43 ref 4,5 vs est 5,6 -> 1 tp, 1 fp, 1 fn
    assert (s.frame_tp, s.frame_fp, s.frame_fn) == (5, 1, 1)
    assert s.frame_f1 == pytest.approx(10 / 12)


def test_piano_frames_count_onsets_as_sounding() -> None:
    ref = piano_grid(8, [(10, 2, 1, 64)])
    est = ref.copy()
    est[2 * 88 + 10] = 0.0  # no hold row, onset only: the key still sounds at its onset step
    assert piano_metrics(ref, est).frame_f1 == 1.0


def test_piano_accumulation_and_validation() -> None:
    rng = np.random.default_rng(2)
    refs = [piano_grid(32, [(int(k), int(s), 3, 90) for k, s in zip(rng.integers(0, 88, 6), rng.integers(0, 28, 6))])
            for _ in range(3)]
    ests = [piano_grid(32, [(int(k), int(s), 2, 70) for k, s in zip(rng.integers(0, 88, 6), rng.integers(0, 28, 6))])
            + r for r in refs]
    ests = [np.clip(e, 0, 1) for e in ests]
    total = sum(piano_metrics(r, e) for r, e in zip(refs, ests))
    whole = piano_metrics(np.concatenate(refs, 1), np.concatenate(ests, 1))
    assert isinstance(total, PianoScores)
    for name in ("onset_tp", "onset_fp", "onset_fn", "frame_tp", "frame_fp", "frame_fn", "n_steps"):
        assert getattr(total, name) == getattr(whole, name)
    assert total.velocity_mae == pytest.approx(whole.velocity_mae)
    json.dumps(total.to_dict())
    with pytest.raises(CodecMismatchError):
        piano_metrics(np.zeros((100, 4)), np.zeros((100, 4)))
    with pytest.raises(ParameterError):
        piano_metrics(refs[0], refs[0], steps_per_beat=0)
