"""Score I/O: tempo maps, MIDI load/save round trips, and clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import mido
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sidl.bridge.codecs.score import (
    Note,
    PedalSpan,
    Score,
    TempoMap,
    TimeSignature,
    load_score,
    save_score,
    score_from_midi,
)
from sidl.bridge.errors import MidiFileError, SidlError

TPB = 480


def _write(tmp_path: Path, name: str, tracks: list[list[mido.Message | mido.MetaMessage]], *,
           midi_type: int = 1, tpb: int = TPB) -> Path:
    midi = mido.MidiFile(type=midi_type, ticks_per_beat=tpb)
    for events in tracks:
        midi.tracks.append(mido.MidiTrack(events))
    path = tmp_path / name
    midi.save(str(path))
    return path


# --- tempo map -------------------------------------------------------------------------------

def test_tempo_map_converts_across_tempo_changes() -> None:
    tm = TempoMap([(0.0, 500_000), (4.0, 1_000_000), (6.0, 250_000)])
    assert tm.to_seconds(0.0) == 0.0
    assert tm.to_seconds(2.0) == pytest.approx(1.0)
    assert tm.to_seconds(4.0) == pytest.approx(2.0)
    assert tm.to_seconds(5.0) == pytest.approx(3.0)  # 60 BPM: one second per beat
    assert tm.to_seconds(6.0) == pytest.approx(4.0)
    assert tm.to_seconds(10.0) == pytest.approx(5.0)  # 240 BPM
    assert tm.to_beats(3.0) == pytest.approx(5.0)
    assert tm.to_beats(4.5) == pytest.approx(8.0)
    assert tm.seconds_per_beat(4.5) == pytest.approx(1.0)
    assert tm.bpm_at(7.0) == pytest.approx(240.0)
    assert TempoMap.constant(90).bpm_at(100.0) == pytest.approx(90.0, rel=1e-6)


def test_tempo_before_first_change_is_midi_default_and_input_not_mutated() -> None:
    changes = [(2.0, 1_000_000)]
    tm = TempoMap(changes)
    assert changes == [(2.0, 1_000_000)]
    assert tm.changes[0] == (0.0, 500_000)  # 120 BPM until the first set_tempo
    assert tm.to_seconds(2.0) == pytest.approx(1.0)
    assert tm.to_seconds(3.0) == pytest.approx(2.0)


@given(
    st.lists(st.tuples(st.floats(0.25, 64.0), st.integers(200_000, 2_000_000)), max_size=6),
    st.floats(0.0, 100.0),
)
@settings(max_examples=60, deadline=None)
def test_tempo_map_beats_seconds_inverse(changes: list[tuple[float, int]], beat: float) -> None:
    tm = TempoMap(sorted(dict(changes).items()))
    assert tm.to_beats(tm.to_seconds(beat)) == pytest.approx(beat, abs=1e-9)
    # monotone: later beats are later in time
    assert tm.to_seconds(beat + 0.5) > tm.to_seconds(beat)


# --- load / save -----------------------------------------------------------------------------

notes_on_ticks = st.lists(
    st.tuples(st.integers(0, 8 * TPB), st.integers(1, 2 * TPB), st.integers(0, 127),
              st.integers(1, 127), st.integers(0, 15)),
    min_size=1, max_size=30,
)


@given(notes_on_ticks)
@settings(max_examples=40, deadline=None)
def test_save_load_round_trip_and_seconds_agree_with_mido(tmp_path_factory: pytest.TempPathFactory,
                                                         raw: list[tuple[int, int, int, int, int]]) -> None:
    # Distinct (channel, pitch) per note so FIFO pairing cannot reorder overlapping notes.
    seen: set[tuple[int, int]] = set()
    notes = []
    for on, dur, pitch, vel, ch in raw:
        if (ch, pitch) in seen:
            continue
        seen.add((ch, pitch))
        notes.append(Note(on / TPB, pitch, vel, (on + dur) / TPB, ch))
    score = Score(
        notes=sorted(notes),
        tempo_map=TempoMap([(0.0, 600_000), (3.0, 400_000), (5.5, 900_000)]),
        time_signatures=[TimeSignature(0.0, 4, 4), TimeSignature(4.0, 3, 4), TimeSignature(7.0, 6, 8)],
        ticks_per_beat=TPB,
    )
    path = save_score(score, tmp_path_factory.mktemp("rt") / "out.mid")
    back = load_score(path)
    assert back.notes == score.notes
    assert back.tempo_map.changes == score.tempo_map.changes
    assert back.time_signatures == score.time_signatures
    assert back.source == str(path)
    # Cross-check the tempo map against mido's own tick -> seconds conversion.
    t = 0.0
    onsets: list[tuple[float, int, int]] = []
    for msg in mido.MidiFile(str(path)):
        t += msg.time
        if msg.type == "note_on" and msg.velocity > 0:
            onsets.append((t, msg.channel, msg.note))
    expected = {(n.channel, n.pitch): back.tempo_map.to_seconds(n.start) for n in back.notes}
    for sec, ch, pitch in onsets:
        assert sec == pytest.approx(expected[(ch, pitch)], abs=1e-6)


def test_round_trip_keeps_meter_tempo_and_pedal(tmp_path: Path) -> None:
    score = Score(
        notes=[Note(0.0, 60, 90, 1.0), Note(0.5, 64, 70, 3.0, 1)],
        tempo_map=TempoMap([(0.0, 750_000), (2.0, 500_000)]),
        time_signatures=[TimeSignature(0.0, 3, 4)],
        ticks_per_beat=96,
        pedal=[PedalSpan(0.25, 2.5, 0)],
    )
    back = load_score(save_score(score, tmp_path / "a.mid"))
    assert back.notes == score.notes
    assert back.ticks_per_beat == 96
    assert back.meters() == ["3/4"] and not back.is_four_four
    assert back.tempo_map.changes == [(0.0, 750_000), (2.0, 500_000)]
    assert back.pedal == [PedalSpan(0.25, 2.5, 0)]


def test_velocity_zero_note_on_is_note_off(tmp_path: Path) -> None:
    path = _write(tmp_path, "v0.mid", [[
        mido.Message("note_on", note=60, velocity=100, time=0),
        mido.Message("note_on", note=60, velocity=0, time=240),
        mido.Message("note_on", note=62, velocity=80, time=0),
        mido.Message("note_off", note=62, velocity=64, time=480),
    ]])
    score = load_score(path)
    assert score.notes == [Note(0.0, 60, 100, 0.5, 0), Note(0.5, 62, 80, 1.5, 0)]


def test_repeated_pitch_pairs_first_in_first_out_and_unclosed_note_ends_at_track_end(tmp_path: Path) -> None:
    path = _write(tmp_path, "rep.mid", [[
        mido.Message("note_on", note=40, velocity=10, time=0),
        mido.Message("note_on", note=40, velocity=20, time=480),
        mido.Message("note_off", note=40, time=480),
        mido.Message("note_off", note=40, time=480),
        mido.Message("note_on", note=41, velocity=30, time=0),
        mido.MetaMessage("end_of_track", time=960),
    ]])
    assert load_score(path).notes == [
        Note(0.0, 40, 10, 2.0), Note(1.0, 40, 20, 3.0), Note(3.0, 41, 30, 5.0)]


def test_tracks_are_merged_and_meta_read_from_any_track(tmp_path: Path) -> None:
    path = _write(tmp_path, "multi.mid", [
        [mido.MetaMessage("set_tempo", tempo=400_000, time=0),
         mido.MetaMessage("time_signature", numerator=5, denominator=4, time=0)],
        [mido.Message("note_on", note=36, velocity=99, channel=9, time=120),
         mido.Message("note_off", note=36, channel=9, time=60)],
    ])
    score = load_score(path)
    assert score.notes == [Note(0.25, 36, 99, 0.375, 9)]
    assert score.tempo_map.changes == [(0.0, 400_000)]
    assert score.meters() == ["5/4"]


@pytest.mark.parametrize("content", [b"", b"\x00garbage bytes that are not midi" * 4,
                                     b"MThd\x00\x00\x00\x06\x00\x01\x00\x01\x01\xe0MTrk\x00\x00\x00\x10\x00\x90"])
def test_unreadable_files_raise_midi_file_error_naming_the_path(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad file.mid"
    path.write_bytes(content)
    with pytest.raises(MidiFileError) as info:
        load_score(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, SidlError)


def test_missing_file_raises_midi_file_error_naming_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "missing.mid"
    with pytest.raises(MidiFileError, match="missing.mid"):
        load_score(path)


def test_file_without_notes_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, "silent.mid", [[mido.MetaMessage("set_tempo", tempo=500_000, time=0)]])
    with pytest.raises(MidiFileError, match="no notes"):
        load_score(path)


def test_type_2_file_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, "t2.mid", [[mido.Message("note_on", note=60, velocity=1, time=0)]], midi_type=2)
    with pytest.raises(MidiFileError, match="type 2"):
        load_score(path)


def test_score_from_midi_defaults_when_file_states_no_tempo_or_meter() -> None:
    midi = mido.MidiFile(type=0, ticks_per_beat=100)
    midi.tracks.append(mido.MidiTrack([mido.Message("note_on", note=50, velocity=5, time=50),
                                       mido.Message("note_off", note=50, time=50)]))
    score = score_from_midi(midi)
    assert score.tempo_map.changes == [(0.0, 500_000)]
    assert score.is_four_four
    assert score.notes == [Note(0.5, 50, 5, 1.0)]
