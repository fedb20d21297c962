"""Piano codec: onset/velocity/hold layout, round trips, meters, resolution, sustain pedal."""

from __future__ import annotations

import csv
import json
import math
import os
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sidl.bridge.codecs import (
    DrumCodec,
    Note,
    PedalSpan,
    PianoCodec,
    Score,
    TempoMap,
    TimeSignature,
    codec_from_spec,
    load_score,
    save_score,
)
from sidl.bridge.errors import CodecMismatchError, ParameterError

TPB = 480
DATA = Path(os.environ.get("SIDL_DATA", Path(__file__).parents[2].parent / "shared" / "data"))


def _step(beat: float, spb: int) -> int:
    return math.floor(beat * spb + 0.5)


# Notes on distinct keys (so no two strikes of one key interact): (pitch, start tick, length ticks, velocity).
melodies = st.lists(
    st.tuples(st.integers(21, 108), st.integers(0, 16 * TPB), st.integers(1, 4 * TPB), st.integers(1, 127)),
    min_size=1, max_size=40, unique_by=lambda n: n[0],
)
resolutions = st.sampled_from([4, 12])


def _score(melody: list[tuple[int, int, int, int]]) -> Score:
    return Score(notes=sorted(Note(on / TPB, p, v, (on + d) / TPB) for p, on, d, v in melody),
                 ticks_per_beat=TPB)


def test_layout_and_constants() -> None:
    codec = PianoCodec()
    assert (codec.name, codec.channels, codec.n_keys, codec.lowest_pitch, codec.steps_per_beat) == (
        "piano", 264, 88, 21, 4)
    score = Score([Note(1.0, 60, 127, 2.0), Note(0.1, 21, 64, 0.2), Note(0.0, 108, 1, 0.05)])
    arr = codec.encode(score).array
    assert arr.shape == (264, 8) and arr.dtype == np.float32  # ends at the last note's end
    k = 60 - 21
    assert arr[k, 4] == 1 and arr[k].sum() == 1
    assert arr[88 + k, 4] == 1.0 and np.count_nonzero(arr[88 + k]) == 1
    np.testing.assert_array_equal(arr[176 + k], [0, 0, 0, 0, 1, 1, 1, 1])
    assert arr[0, 0] == 1 and arr[88, 0] == np.float32(64 / 127)
    np.testing.assert_array_equal(arr[176, :2], [1, 0])  # 0.1..0.2 beats: rounds to 0..1, one step
    assert arr[87, 0] == 1 and arr[176 + 87, 0] == 1  # a very short note still holds one step


def test_out_of_range_notes_are_counted() -> None:
    score = Score([Note(0.0, 20, 10, 1.0), Note(0.0, 109, 10, 1.0), Note(1.0, 20, 10, 2.0),
                   Note(0.0, 0, 10, 1.0), Note(0.0, 64, 10, 1.0)])
    grid = PianoCodec().encode(score)
    assert grid.out_of_range == Counter({20: 2, 109: 1, 0: 1})
    assert grid.array[:88].sum() == 1


def test_notes_past_n_steps_are_dropped_and_holds_cut() -> None:
    score = Score([Note(0.0, 60, 90, 10.0), Note(3.0, 62, 90, 4.0)])
    grid = PianoCodec().encode(score, n_steps=8)
    assert grid.dropped_notes == 1
    assert grid.array[176 + 39].sum() == 8
    with pytest.raises(ParameterError):
        PianoCodec().encode(score, n_steps=-1)


def test_three_four_is_accepted_and_recorded(tmp_path: Path) -> None:
    score = Score([Note(0.0, 60, 80, 3.0), Note(3.0, 67, 80, 6.0)],
                  time_signatures=[TimeSignature(0.0, 3, 4), TimeSignature(6.0, 6, 8)])
    loaded = load_score(save_score(score, tmp_path / "waltz.mid"))
    grid = PianoCodec().encode(loaded)
    assert grid.array[:88].sum() == 2
    assert [(t.numerator, t.denominator) for t in grid.time_signatures] == [(3, 4), (6, 8)]
    decoded = PianoCodec().decode(grid.array, time_signatures=grid.time_signatures)
    assert decoded.meters() == ["3/4", "6/8"]


def test_twelve_steps_per_beat_resolves_triplets() -> None:
    triplets = Score([Note(i / 3, 60 + i, 90, (i + 1) / 3) for i in range(6)])
    fine = PianoCodec(steps_per_beat=12)
    arr = fine.encode(triplets).array
    assert arr.shape == (264, 24)
    for i in range(6):
        assert arr[60 + i - 21, 4 * i] == 1
        assert arr[176 + 60 + i - 21].sum() == 4
    decoded = fine.decode(arr).notes
    assert [n.start for n in decoded] == pytest.approx([i / 3 for i in range(6)])
    assert [n.end - n.start for n in decoded] == pytest.approx([1 / 3] * 6)
    # 16ths alone cannot hold them: 1/3 and 2/3 land on steps 1 and 3, not on the triplet.
    coarse = PianoCodec().decode(PianoCodec().encode(triplets).array).notes
    assert [n.start for n in coarse][:3] == pytest.approx([0.0, 0.25, 0.75])
    with pytest.raises(ParameterError, match="steps_per_beat"):
        PianoCodec(steps_per_beat=0)


def test_decode_rules_for_onsets_and_holds() -> None:
    arr = np.zeros((264, 12), np.float32)
    k = 40
    arr[k, [0, 3]] = 1.0
    arr[88 + k, 0], arr[88 + k, 3] = 0.5, 0.0
    arr[176 + k, 0:6] = 1.0      # held 0..6 with a re-strike at 3
    arr[176 + k, 8:11] = 1.0     # hold with no onset: ignored
    arr[k + 1, 5] = 0.9          # onset with no hold: one step
    arr[88 + k + 1, 5] = 1.0
    arr[k + 2, 11] = 1.0         # held to the end of the grid
    arr[176 + k + 2, 11] = 1.0
    score = PianoCodec().decode(arr, tempo_map=TempoMap.constant(90), start_beat=4.0)
    got = [(n.pitch, n.start, n.end, n.velocity, n.channel) for n in score.notes]
    assert got == [(61, 4.0, 4.75, 64, 0), (61, 4.75, 5.5, 1, 0), (62, 5.25, 5.5, 127, 0),
                   (63, 6.75, 7.0, 1, 0)]
    assert score.tempo_map.bpm_at(0) == pytest.approx(90, rel=1e-6)
    again = PianoCodec().encode(PianoCodec().decode(arr), n_steps=12).array
    np.testing.assert_array_equal(again[:88], (arr[:88] > 0.5).astype(np.float32))
    np.testing.assert_array_equal(np.flatnonzero(again[176 + k]), np.arange(6))  # orphan hold gone
    np.testing.assert_array_equal(np.flatnonzero(again[176 + k + 1]), [5])  # one step added
    np.testing.assert_array_equal(np.flatnonzero(again[176 + k + 2]), [11])


@given(melodies, resolutions)
@settings(max_examples=60, deadline=None)
def test_decoding_reproduces_onsets_velocities_and_durations(melody: list[tuple[int, int, int, int]],
                                                            spb: int) -> None:
    codec = PianoCodec(steps_per_beat=spb)
    decoded = {n.pitch: n for n in codec.decode(codec.encode(_score(melody)).array).notes}
    assert len(decoded) == len(melody)
    half_step, step = 0.5 / spb, 1.0 / spb
    for pitch, on, dur, vel in melody:
        n = decoded[pitch]
        assert n.velocity == vel
        assert abs(n.start - on / TPB) <= half_step + 1e-9
        assert n.start == _step(on / TPB, spb) / spb
        assert abs((n.end - n.start) - dur / TPB) <= step + 1e-9
        assert n.end > n.start


# Any strikes, repeated and overlapping keys included.
crowds = st.lists(
    st.tuples(st.integers(21, 108), st.integers(0, 8 * TPB), st.integers(1, 3 * TPB), st.integers(1, 127)),
    min_size=1, max_size=60,
)


@given(crowds, resolutions)
@settings(max_examples=80, deadline=None)
def test_encode_decode_encode_is_identical(crowd: list[tuple[int, int, int, int]], spb: int) -> None:
    codec = PianoCodec(steps_per_beat=spb)
    first = codec.encode(_score(crowd))
    again = codec.encode(codec.decode(first.array), n_steps=first.n_steps)
    np.testing.assert_array_equal(first.array, again.array)


@given(crowds, resolutions)
@settings(max_examples=25, deadline=None)
def test_round_trip_through_a_midi_file(tmp_path_factory: pytest.TempPathFactory,
                                        crowd: list[tuple[int, int, int, int]], spb: int) -> None:
    codec = PianoCodec(steps_per_beat=spb)
    first = codec.encode(_score(crowd))
    path = save_score(codec.decode(first.array), tmp_path_factory.mktemp("piano") / "p.mid")
    again = codec.encode(load_score(path), n_steps=first.n_steps)
    np.testing.assert_array_equal(first.array, again.array)


def test_random_model_like_grids_decode_and_re_encode_consistently() -> None:
    rng = np.random.default_rng(11)
    codec = PianoCodec(steps_per_beat=12)
    arr = rng.random((264, 96)).astype(np.float32)
    first = codec.encode(codec.decode(arr), n_steps=96).array
    second = codec.encode(codec.decode(first), n_steps=96).array
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first[:88], (arr[:88] > 0.5).astype(np.float32))


def test_sustain_pedal_is_off_by_default_and_extends_released_notes() -> None:
    score = Score(
        notes=[Note(0.0, 60, 80, 0.5), Note(0.0, 64, 80, 0.5), Note(2.0, 64, 80, 2.25),
               Note(5.0, 67, 80, 5.5)],
        pedal=[PedalSpan(0.25, 4.0, 0)],
    )
    plain = PianoCodec().encode(score).array
    assert plain[176 + 60 - 21].sum() == 2  # 0..0.5 beats
    pedalled = PianoCodec(sustain_pedal=True).encode(score).array
    np.testing.assert_array_equal(np.flatnonzero(pedalled[176 + 60 - 21]), np.arange(16))  # to pedal up
    np.testing.assert_array_equal(np.flatnonzero(pedalled[176 + 64 - 21]), np.arange(16))  # re-struck at 2
    assert pedalled[64 - 21].sum() == 2
    assert pedalled[176 + 67 - 21].sum() == 2  # released after the pedal went up: unchanged
    assert PianoCodec(sustain_pedal=True).spec()["sustain_pedal"] is True


def test_spec_json_and_mismatch() -> None:
    codec = PianoCodec(steps_per_beat=12)
    spec = json.loads(json.dumps(codec.spec()))
    assert spec["layout"] == {"onset": [0, 88], "velocity": [88, 176], "hold": [176, 264]}
    rebuilt = codec_from_spec(spec)
    assert isinstance(rebuilt, PianoCodec) and rebuilt.steps_per_beat == 12
    with pytest.raises(CodecMismatchError):
        codec_from_spec({**spec, "n_keys": 61})
    with pytest.raises(CodecMismatchError, match="264"):
        codec.decode(np.zeros((27, 4), np.float32))
    with pytest.raises(CodecMismatchError):
        DrumCodec().decode(codec.encode(Score([Note(0, 60, 1, 1)])).array)


@pytest.mark.data
@pytest.mark.skipif(not (DATA / "piano" / "metadata.csv").is_file(), reason="piano dataset not present")
def test_real_piano_files_are_stable_under_decode_encode() -> None:
    with open(DATA / "piano" / "metadata.csv", newline="") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: r["midi"])[:2]
    for row in rows:
        score = load_score(DATA / "piano" / row["midi"])
        for codec in (PianoCodec(), PianoCodec(12, sustain_pedal=True)):
            grid = codec.encode(score)
            assert grid.array[:88].sum() > 0
            again = codec.encode(codec.decode(grid.array), n_steps=grid.n_steps)
            np.testing.assert_array_equal(grid.array, again.array)
