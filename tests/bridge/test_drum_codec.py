"""Drum codec: grid layout, round trips, loudest-wins, meters, drum maps."""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sidl.bridge.codecs import (
    ABLETON_DRUM_RACK_MAP,
    DRUM_CLASS_NAMES,
    DRUM_CLASSES,
    GM_DRUM_MAP,
    DrumCodec,
    DrumMap,
    Note,
    PianoCodec,
    Score,
    TempoMap,
    TimeSignature,
    codec_from_spec,
    get_codec,
    get_drum_map,
    load_score,
    save_score,
)
from sidl.bridge.codecs.drum_maps import load_drum_map
from sidl.bridge.codecs.drums import hits, offsets, velocities
from sidl.bridge.errors import CodecMismatchError, ParameterError, UnsupportedMeterError

TPB = 480
TICKS_PER_STEP = TPB // 4
CODEC = DrumCodec()
GM_CLASS_OF = {p: i for i, c in enumerate(DRUM_CLASSES) for p in c.pitches}
DATA = Path(os.environ.get("SIDL_DATA", Path(__file__).parents[2].parent / "shared" / "data"))

# A groove: (class index, which of its input pitches, onset tick, velocity).
grooves = st.lists(
    st.tuples(st.integers(0, 8), st.integers(0, 3), st.integers(0, 4 * 16 * TICKS_PER_STEP - 1),
              st.integers(1, 127)),
    min_size=1, max_size=60,
)


def _score(groove: list[tuple[int, int, int, int]], *, channel: int = 9) -> Score:
    notes = []
    for cls, which, tick, vel in groove:
        pitches = DRUM_CLASSES[cls].pitches
        notes.append(Note(tick / TPB, pitches[which % len(pitches)], vel, (tick + 60) / TPB, channel))
    return Score(notes=sorted(notes), ticks_per_beat=TPB, source="groove.mid")


def _expected_cells(groove: list[tuple[int, int, int, int]], n_steps: int = 64) -> dict[tuple[int, int], tuple[int, int]]:
    """Reference loudest-wins in integer ticks: (class, step) -> (tick, velocity)."""
    cells: dict[tuple[int, int], tuple[int, int]] = {}
    for cls, _, tick, vel in sorted(groove, key=lambda g: g[2]):
        step = (tick + TICKS_PER_STEP // 2) // TICKS_PER_STEP
        key = (cls, step)
        if step >= n_steps:
            continue  # rounds onto a step past the grid: dropped
        if key not in cells or vel > cells[key][1]:
            cells[key] = (tick, vel)
    return cells


def _assert_same_grid(a: np.ndarray, b: np.ndarray, offset_tol: float = 1e-6) -> None:
    assert a.shape == b.shape
    np.testing.assert_array_equal(a[:18], b[:18])  # hits and velocities exactly
    np.testing.assert_allclose(a[18:], b[18:], atol=offset_tol, rtol=0)


# --- layout ---------------------------------------------------------------------------------

def test_classes_and_constants_follow_the_groovae_mapping() -> None:
    assert DRUM_CLASS_NAMES == ("kick", "snare", "closed_hihat", "open_hihat", "low_tom", "mid_tom",
                                "high_tom", "crash", "ride")
    assert [c.pitches for c in DRUM_CLASSES] == [
        (36,), (38, 37, 40), (42, 22, 44), (46, 26), (43, 58), (47, 45), (50, 48), (49, 52, 55, 57),
        (51, 53, 59)]
    assert (CODEC.name, CODEC.steps_per_beat, CODEC.steps_per_bar, CODEC.channels, CODEC.n_classes) == (
        "drums", 4, 16, 27, 9)


def test_encode_places_hit_velocity_and_signed_offset() -> None:
    score = Score([
        Note(1.0 + 30 / TPB, 38, 127, 1.2, 9),   # snare, quarter of a step late -> step 4, +0.25
        Note(2.0 - 60 / TPB, 42, 64, 2.1, 0),    # closed hat, half a step early -> step 8, -0.5
        Note(0.0, 36, 1, 0.1, 3),                # kick on any channel
        Note(3.0 + 59 / TPB, 51, 100, 3.5, 9),   # ride, just under half a step late -> step 12
    ], source="x.mid")
    grid = CODEC.encode(score)
    arr = grid.array
    assert arr.shape == (27, 16) and arr.dtype == np.float32
    assert grid.n_bars == 1 and grid.n_steps == 16
    assert set(zip(*np.nonzero(arr[:9]))) == {(1, 4), (2, 8), (0, 0), (8, 12)}
    assert arr[9 + 1, 4] == np.float32(1.0) and arr[9 + 2, 8] == np.float32(64 / 127)
    assert arr[18 + 1, 4] == pytest.approx(0.25)
    assert arr[18 + 2, 8] == pytest.approx(-0.5)
    assert arr[18 + 8, 12] == pytest.approx(59 / 120)
    assert np.count_nonzero(arr[9:18]) == 4  # velocity only where hits are
    assert np.count_nonzero(arr[18:]) == 3  # the kick is exactly on the grid
    assert hits(arr).shape == (9, 16) and hits(arr).sum() == 4
    assert velocities(arr)[0, 0] == np.float32(1 / 127)
    assert offsets(arr)[1, 4] == pytest.approx(0.25)


def test_length_is_whole_bars_and_overflow_is_dropped_and_counted() -> None:
    score = Score([Note(0.0, 36, 100, 0.1), Note(4.0, 36, 100, 4.1), Note(4.24, 38, 90, 4.3)])
    assert CODEC.encode(score).array.shape == (27, 32)  # onset on step 16 -> two bars
    grid = CODEC.encode(score, n_steps=16)
    assert grid.array.shape == (27, 16)
    assert grid.dropped_notes == 2 and grid.array[0, 0] == 1.0
    with pytest.raises(ParameterError, match="n_steps"):
        CODEC.encode(score, n_steps=0)


def test_loudest_hit_wins_and_ties_keep_the_earliest() -> None:
    score = Score([
        Note(0.0, 38, 60, 0.1), Note(0.05, 40, 100, 0.1), Note(0.1, 37, 80, 0.2),  # snare step 0
        Note(1.0 - 0.05, 42, 70, 1.0), Note(1.0 + 0.05, 44, 70, 1.1),             # hat tie, step 4
    ])
    arr = CODEC.encode(score).array
    assert arr[1, 0] == 1 and arr[9 + 1, 0] == np.float32(100 / 127)
    assert arr[18 + 1, 0] == pytest.approx(0.2)  # the loud one's offset, not the first one's
    assert arr[9 + 2, 4] == np.float32(70 / 127) and arr[18 + 2, 4] == pytest.approx(-0.2)


def test_unknown_pitches_are_counted_not_encoded() -> None:
    score = Score([Note(0.0, 39, 100, 0.1), Note(0.25, 39, 100, 0.3), Note(0.5, 60, 1, 0.6),
                   Note(0.5, 36, 100, 0.6)])
    grid = CODEC.encode(score)
    assert grid.unknown_pitches == Counter({39: 2, 60: 1})
    assert grid.array[:9].sum() == 1 and grid.dropped_notes == 0


@pytest.mark.parametrize("meters", [[(0.0, 3, 4)], [(0.0, 4, 4), (8.0, 7, 8)], [(0.0, 6, 8)]])
def test_non_four_four_raises_naming_file_and_meter(tmp_path: Path, meters: list[tuple[float, int, int]]) -> None:
    score = Score([Note(0.0, 36, 100, 0.5, 9), Note(9.0, 36, 100, 9.5, 9)],
                  time_signatures=[TimeSignature(*m) for m in meters])
    path = save_score(score, tmp_path / "waltz.mid")
    with pytest.raises(UnsupportedMeterError) as info:
        CODEC.encode(load_score(path))
    message = str(info.value)
    assert str(path) in message and "4/4" in message
    assert f"{meters[-1][1]}/{meters[-1][2]}" in message


# --- decode ---------------------------------------------------------------------------------

def test_decode_writes_gm_notes_with_velocity_timing_and_meter() -> None:
    arr = np.zeros((27, 16), np.float32)
    arr[0, 0], arr[9, 0] = 1.0, 0.0          # velocity 0 -> clipped to 1
    arr[1, 4], arr[10, 4], arr[19, 4] = 0.9, 100 / 127, 0.25
    arr[7, 8], arr[16, 8], arr[25, 8] = 1.0, 2.0, -3.0   # velocity > 1 -> 127; offset clipped to -0.5
    arr[8, 12], arr[17, 12] = 0.5, 1.0       # exactly at threshold: no note
    tm = TempoMap.constant(100)
    score = CODEC.decode(arr, tempo_map=tm, start_beat=8.0)
    assert score.tempo_map is tm and score.is_four_four
    assert [(n.pitch, n.velocity, n.channel) for n in score.notes] == [(36, 1, 9), (38, 100, 9), (49, 127, 9)]
    assert [n.start for n in score.notes] == pytest.approx([8.0, 8.0 + 4.25 / 4, 8.0 + 7.5 / 4])
    durations = {n.pitch: n.end - n.start for n in score.notes}
    assert durations[36] == pytest.approx(0.25) and durations[49] == pytest.approx(1.0)
    assert len(CODEC.decode(arr, threshold=0.0).notes) == 4
    assert CODEC.decode(arr).tempo_map.bpm_at(0.0) == pytest.approx(120.0)


def test_decoded_notes_of_one_pitch_never_overlap() -> None:
    arr = np.zeros((27, 8), np.float32)
    arr[7, [0, 1, 2]] = 1.0  # crash on three consecutive 16ths: 1-beat notes would overlap
    arr[16, [0, 1, 2]] = 0.5
    notes = CODEC.decode(arr).notes
    assert [n.end for n in notes] == pytest.approx([0.25, 0.5, 1.5])


def test_decode_rejects_wrong_shapes_and_thresholds() -> None:
    with pytest.raises(CodecMismatchError, match="27"):
        CODEC.decode(np.zeros((264, 16), np.float32))
    with pytest.raises(CodecMismatchError):
        CODEC.decode(np.zeros(27, np.float32))
    with pytest.raises(ParameterError, match="threshold"):
        CODEC.decode(np.zeros((27, 4), np.float32), threshold=float("nan"))


# --- round trips ----------------------------------------------------------------------------

@given(grooves)
@settings(max_examples=80, deadline=None)
def test_encode_decode_encode_is_identical(groove: list[tuple[int, int, int, int]]) -> None:
    first = CODEC.encode(_score(groove), n_steps=64).array
    again = CODEC.encode(CODEC.decode(first), n_steps=64).array
    _assert_same_grid(first, again)


@given(grooves)
@settings(max_examples=60, deadline=None)
def test_decoding_reproduces_class_velocity_and_micro_timing(groove: list[tuple[int, int, int, int]]) -> None:
    grid = CODEC.encode(_score(groove), n_steps=64)
    expected = _expected_cells(groove)
    assert int(grid.array[:9].sum()) == len(expected)
    assert grid.dropped_notes == sum((g[2] + TICKS_PER_STEP // 2) // TICKS_PER_STEP >= 64 for g in groove)
    decoded = CODEC.decode(grid.array).notes
    got = {}
    for n in decoded:
        cls = GM_CLASS_OF[n.pitch]
        step = math.floor(n.start * 4 + 0.5)  # half a step early rounds up, as the encoder does
        assert -0.5 - 1e-9 <= n.start * 4 - step < 0.5  # within half a step of its cell
        got[(cls, step)] = (round(n.start * TPB), n.velocity)
        assert n.start * TPB == pytest.approx(round(n.start * TPB), abs=1e-3)  # the exact tick
    assert got == expected


@given(grooves)
@settings(max_examples=30, deadline=None)
def test_round_trip_through_a_midi_file(tmp_path_factory: pytest.TempPathFactory,
                                        groove: list[tuple[int, int, int, int]]) -> None:
    first = CODEC.encode(_score(groove), n_steps=64).array
    assume(first[:9].any())  # a file with no notes is rightly refused by load_score
    path = save_score(CODEC.decode(first), tmp_path_factory.mktemp("drums") / "d.mid")
    _assert_same_grid(first, CODEC.encode(load_score(path), n_steps=64).array, offset_tol=1e-5)


def test_random_model_like_grids_survive_decode_save_load_encode(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    for trial in range(10):
        arr = np.zeros((27, 48), np.float32)
        on = rng.random((9, 48)) < 0.3
        arr[:9] = np.where(on, rng.uniform(0.51, 1.0, (9, 48)), rng.uniform(0.0, 0.5, (9, 48)))
        arr[9:18] = rng.uniform(0.0, 1.0, (9, 48))
        arr[18:] = rng.uniform(-0.49, 0.49, (9, 48))
        arr[18:, 0] = np.abs(arr[18:, 0])  # a MIDI file cannot hold a hit before time 0
        path = save_score(CODEC.decode(arr), tmp_path / f"{trial}.mid")
        back = CODEC.encode(load_score(path), n_steps=48).array
        np.testing.assert_array_equal(back[:9], on.astype(np.float32))
        vel = np.clip(np.rint(arr[9:18] * 127), 1, 127) / 127
        np.testing.assert_allclose(back[9:18], np.where(on, vel, 0), atol=1e-7)
        tick_in_steps = 4 / TPB
        np.testing.assert_allclose(back[18:], np.where(on, arr[18:], 0), atol=tick_in_steps / 2 + 1e-6)


# --- drum maps ------------------------------------------------------------------------------

def _all_hits(n_steps: int = 9) -> np.ndarray:
    arr = np.zeros((27, n_steps), np.float32)
    for c in range(9):
        arr[c, c], arr[9 + c, c] = 1.0, np.float32(100 / 127)
    return arr


def test_presets_have_their_documented_pitches() -> None:
    assert GM_DRUM_MAP.output_pitches == (36, 38, 42, 46, 43, 47, 50, 49, 51)
    assert ABLETON_DRUM_RACK_MAP.output_pitches == (36, 38, 42, 46, 41, 45, 48, 49, 51)
    assert all(36 <= p <= 51 for p in ABLETON_DRUM_RACK_MAP.output_pitches)  # the default 16 pads
    assert ABLETON_DRUM_RACK_MAP.class_for(37) == "snare" and ABLETON_DRUM_RACK_MAP.class_for(41) == "low_tom"
    assert GM_DRUM_MAP.class_for(60) is None and GM_DRUM_MAP.pitch_for("ride") == 51
    assert get_drum_map("gm") is GM_DRUM_MAP and get_drum_map("Ableton") is ABLETON_DRUM_RACK_MAP


@pytest.mark.parametrize("drum_map", [GM_DRUM_MAP, ABLETON_DRUM_RACK_MAP])
def test_decode_through_a_map_writes_its_pitches_and_reads_back(drum_map: DrumMap) -> None:
    arr = _all_hits()
    score = CODEC.decode(arr, drum_map=drum_map)
    assert [n.pitch for n in sorted(score.notes)] == list(drum_map.output_pitches)
    _assert_same_grid(arr, CODEC.encode(score, n_steps=9, drum_map=drum_map).array)


def test_gm_output_reads_back_through_the_default_input_mapping() -> None:
    arr = _all_hits()
    _assert_same_grid(arr, CODEC.encode(CODEC.decode(arr), n_steps=9).array)


def test_custom_json_map_loads_and_validates(tmp_path: Path) -> None:
    pitches = dict(zip(DRUM_CLASS_NAMES, [60, 61, 62, 63, 64, 65, 66, 67, 68]))
    good = tmp_path / "kit.json"
    good.write_text(json.dumps({"pitches": pitches, "input": {"70": "snare"}}))
    kit = get_drum_map(good)
    assert kit.name == "kit" and kit.output_pitches == tuple(range(60, 69))
    assert kit.class_for(70) == "snare" and kit.class_for(36) == "kick"  # GrooVAE pitches still read
    assert load_drum_map(tmp_path / "kit.json") == kit
    again = tmp_path / "again.json"
    again.write_text(json.dumps(kit.to_dict()))
    assert load_drum_map(again) == kit

    cases = {
        "missing.json": ({k: v for k, v in pitches.items() if k != "ride"}, "ride"),
        "high.json": ({**pitches, "kick": 128}, "128"),
        "neg.json": ({**pitches, "crash": -1}, "-1"),
        "text.json": ({**pitches, "snare": "D1"}, "D1"),
        "cowbell.json": ({**pitches, "cowbell": 56}, "cowbell"),
    }
    for name, (mapping, bad) in cases.items():
        path = tmp_path / name
        path.write_text(json.dumps({"pitches": mapping}))
        with pytest.raises(ParameterError) as info:
            load_drum_map(path)
        assert bad in str(info.value) and name in str(info.value)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(ParameterError, match="broken.json"):
        load_drum_map(broken)
    bad_input = tmp_path / "bad_input.json"
    bad_input.write_text(json.dumps({"pitches": pitches, "input": {"200": "kick"}}))
    with pytest.raises(ParameterError, match="200"):
        load_drum_map(bad_input)
    with pytest.raises(ParameterError, match="no such"):
        load_drum_map(tmp_path / "absent.json")
    with pytest.raises(ParameterError) as info:
        get_drum_map("tr808")
    assert "tr808" in str(info.value) and "gm" in str(info.value) and "ableton" in str(info.value)


# --- spec / registry ------------------------------------------------------------------------

def test_spec_is_json_and_rebuilds_the_codec() -> None:
    spec = json.loads(json.dumps(CODEC.spec()))
    assert spec["name"] == "drums" and spec["channels"] == 27 and spec["steps_per_bar"] == 16
    assert spec["layout"] == {"hit": [0, 9], "velocity": [9, 18], "offset": [18, 27]}
    assert [c["name"] for c in spec["classes"]] == list(DRUM_CLASS_NAMES)
    assert isinstance(codec_from_spec(spec), DrumCodec)
    with pytest.raises(CodecMismatchError, match="steps_per_bar"):
        codec_from_spec({**spec, "steps_per_bar": 12})
    with pytest.raises(CodecMismatchError):
        codec_from_spec({**spec, "name": "bass"})
    with pytest.raises(CodecMismatchError, match="offset"):
        codec_from_spec({**spec, "offset": {**spec["offset"], "range": [-1.0, 1.0]}})
    # Reworded prose or new decode-time note lengths do not make a model's grid unusable.
    assert isinstance(codec_from_spec({**spec, "hit": "reworded", "decode_durations_beats": {}}), DrumCodec)


def test_get_codec_by_name() -> None:
    assert isinstance(get_codec("drums"), DrumCodec)
    assert get_codec("piano", steps_per_beat=12).steps_per_beat == 12
    assert isinstance(get_codec("piano"), PianoCodec)
    with pytest.raises(ParameterError) as info:
        get_codec("guitar")
    assert "guitar" in str(info.value) and "drums" in str(info.value) and "piano" in str(info.value)
    with pytest.raises(ParameterError):
        get_codec("drums", steps_per_beat=3)


def test_bridge_codecs_does_not_import_torch() -> None:
    code = "import sys, bridge.codecs; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[2]).returncode == 0


# --- real data (optional) -------------------------------------------------------------------

@pytest.mark.data
@pytest.mark.skipif(not (DATA / "groove" / "info.csv").is_file(), reason="Groove MIDI Dataset not present")
def test_real_gmd_files_are_stable_under_decode_encode(tmp_path: Path) -> None:
    with open(DATA / "groove" / "info.csv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["time_signature"] == "4-4"]
    picked = sorted(rows, key=lambda r: r["midi_filename"])[::max(1, len(rows) // 5)][:5]
    for row in picked:
        score = load_score(DATA / "groove" / row["midi_filename"])
        grid = CODEC.encode(score)
        assert grid.array[:9].sum() > 0 and grid.n_steps % 16 == 0
        decoded = CODEC.decode(grid.array, tempo_map=grid.tempo_map)
        _assert_same_grid(grid.array, CODEC.encode(decoded, n_steps=grid.n_steps).array)
        path = save_score(decoded, tmp_path / "gmd.mid")
        _assert_same_grid(grid.array, CODEC.encode(load_score(path), n_steps=grid.n_steps).array,
                          offset_tol=4 / TPB)


@pytest.mark.data
@pytest.mark.skipif(not (DATA / "groove" / "info.csv").is_file(), reason="Groove MIDI Dataset not present")
def test_real_gmd_three_four_file_is_rejected() -> None:
    with open(DATA / "groove" / "info.csv", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["time_signature"] == "3-4")
    with pytest.raises(UnsupportedMeterError, match="3/4"):
        CODEC.encode(load_score(DATA / "groove" / row["midi_filename"]))
