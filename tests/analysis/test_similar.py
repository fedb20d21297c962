"""`sidl similar`: a planted copy of the query ranks first at its bar, on both shipped models; the
query's own section is never a result; unusable files are skipped and counted; clear errors."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

from sidl.bridge.analysis import similar
from sidl.cli import main
from sidl.bridge.codecs import DrumCodec, Note, PianoCodec, Score, TempoMap, TimeSignature, load_score, save_score
from sidl.bridge.engine import Engine
from sidl.bridge.errors import CodecMismatchError, MidiFileError, ParameterError
from sidl.bridge.grooves import generate_groove


def piano_piece(bars: int, seed: int) -> Score:
    """Broken chords and a melody, different for every seed (4/4, 8th and quarter notes)."""
    rng = np.random.default_rng(seed)
    notes = []
    for bar in range(bars):
        root = int(rng.integers(45, 57))
        for i in range(8):
            p = root + (0, 4, 7, 12)[i % 4]
            notes.append(Note(bar * 4 + i * 0.5, p, int(rng.integers(50, 90)), bar * 4 + i * 0.5 + 0.45, 0))
        for beat in range(4):
            p = int(rng.integers(64, 80))
            notes.append(Note(bar * 4 + beat, p, int(rng.integers(60, 110)), bar * 4 + beat + 0.9, 0))
    return Score(sorted(notes), TempoMap.constant(100.0), [TimeSignature(0.0, 4, 4)], 480, None)


def _write_grid(codec: DrumCodec | PianoCodec, grid: np.ndarray, path: Path, bpm: float) -> Path:
    if isinstance(codec, DrumCodec):
        score = codec.decode(grid, tempo_map=TempoMap.constant(bpm))
    else:
        score = codec.decode(grid, tempo_map=TempoMap.constant(bpm), time_signatures=[TimeSignature(0.0, 4, 4)])
    return save_score(score, path)


def planted_folder(tmp: Path, engine: Engine, *, plant_bar: int, query_bars: int = 2,
                   shift_steps: int = 0) -> tuple[Path, Path, Path]:
    """A folder of five pieces; ``planted.mid`` holds a copy of the query's bars from ``plant_bar``
    (0-based; moved ``shift_steps`` later); the query (outside the folder) is bars 3.. of another piece."""
    drums = engine.info.codec_name == "drums"
    codec = engine.codec
    spb = engine.info.steps_per_bar

    def piece(seed: int) -> np.ndarray:
        score = generate_groove(bars=8, seed=seed, bpm=100.0) if drums else piano_piece(8, seed)
        return codec.encode(score, n_steps=8 * spb).array

    folder = tmp / "folder"
    (folder / "sub").mkdir(parents=True)
    for seed in range(4):
        _write_grid(codec, piece(seed), folder / ("sub" if seed % 2 else ".") / f"piece-{seed}.mid", 100.0)
    source = piece(100)
    query_grid = source[:, 2 * spb : (2 + query_bars) * spb]
    query = _write_grid(codec, query_grid, tmp / "query.mid", 100.0)
    host = piece(7)
    lo = plant_bar * spb + shift_steps
    host[:, lo : lo + query_bars * spb] = query_grid
    planted = _write_grid(codec, host, folder / "sub" / "planted.mid", 100.0)
    return folder, query, planted


def test_planted_section_ranks_first_drums(tmp_path: Path, drums: Engine) -> None:
    folder, query, planted = planted_folder(tmp_path, drums, plant_bar=4)
    result = similar.find_similar(drums, query, folder, top=5)
    best = result.matches[0]
    assert Path(best.path) == planted and best.file == "sub/planted.mid"
    assert (best.start_bar, best.end_bar) == (5, 6)
    assert best.similarity > 0.999  # bar-long atoms, one per bar: the same bars get the same code
    assert result.matches[1].similarity < best.similarity  # generated grooves are alike: close behind
    sims = [m.similarity for m in result.matches]
    assert sims == sorted(sims, reverse=True)
    assert [m.rank for m in result.matches] == list(range(1, len(result.matches) + 1))
    assert result.files_searched == 5 and result.bars == 2
    assert len({m.path for m in result.matches}) == len(result.matches)  # one section per file by default
    # both metrics find it; with no per-file limit the planted file's other sections may follow
    other = similar.find_similar(drums, query, folder, top=3, metric="dictionary", per_file=0)
    assert Path(other.matches[0].path) == planted and other.matches[0].start_bar == 5
    assert other.matches[0].similarity > 0.999


def test_planted_section_ranks_first_piano(tmp_path: Path, piano: Engine) -> None:
    folder, query, planted = planted_folder(tmp_path, piano, plant_bar=3)
    result = similar.find_similar(piano, query, folder, top=5)
    best = result.matches[0]
    assert Path(best.path) == planted and (best.start_bar, best.end_bar) == (4, 5)
    assert best.similarity > result.matches[1].similarity + 0.05


def test_shift_tolerance_finds_an_offbeat_copy(tmp_path: Path, piano: Engine) -> None:
    # planted half a beat (one code column of the piano model) after the bar line
    folder, query, planted = planted_folder(tmp_path, piano, plant_bar=3, shift_steps=4)
    aligned = similar.find_similar(piano, query, folder, top=5, per_file=0)
    tolerant = similar.find_similar(piano, query, folder, top=5, shift=1, per_file=0)
    best = tolerant.matches[0]
    assert Path(best.path) == planted and best.start_bar == 4 and best.shift_columns == 1
    assert best.similarity > max(m.similarity for m in aligned.matches) + 0.05


def test_query_inside_the_folder_is_not_its_own_match(tmp_path: Path, drums: Engine) -> None:
    folder = tmp_path / "loops"
    folder.mkdir()
    for seed in range(3):
        save_score(generate_groove(bars=8, seed=seed), folder / f"g{seed}.mid")
    query = folder / "g1.mid"
    result = similar.find_similar(drums, query, folder, top=10, bars=2, start_bar=3, per_file=0)
    own = [m for m in result.matches if Path(m.path) == query]
    for m in own:
        assert m.query_file
        assert m.end_bar < 3 or m.start_bar > 4, "a section overlapping the query section was returned"
    assert all(not m.query_file for m in result.matches if Path(m.path) != query)


def test_skips_unusable_files_with_a_count(tmp_path: Path, drums: Engine) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    save_score(generate_groove(bars=4, seed=1), folder / "ok.mid")
    waltz = generate_groove(bars=4, seed=2)
    waltz.time_signatures = [TimeSignature(0.0, 3, 4)]
    save_score(waltz, folder / "waltz.mid")
    (folder / "broken.mid").write_bytes(b"not a midi file at all")
    save_score(piano_piece(4, 3), folder / "piano.mid")
    query = save_score(generate_groove(bars=2, seed=9), tmp_path / "q.mid")
    result = similar.find_similar(drums, query, folder)
    assert result.files_searched == 1
    assert result.skipped == {"unsupported_meter": 1, "unreadable": 1, "wrong_codec": 1}
    assert [m.file for m in result.matches] == ["ok.mid"]


def test_cli_table_json_sections_and_interpolate_hint(tmp_path: Path, drums: Engine,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    folder, query, planted = planted_folder(tmp_path, drums, plant_bar=4)
    out = tmp_path / "sections"
    assert main(["similar", str(query), str(folder), "--model", "drums", "--top", "3", "--out-midi", str(out)]) == 0
    text = capsys.readouterr().out
    assert "sub/planted.mid" in text.splitlines()[3] and "5-6" in text.splitlines()[3]
    assert "sidl interpolate" in text and "query-bars-1-2.mid" in text and "01-planted-bars-5-6.mid" in text
    # the written match is the planted copy: the same hits as the query section
    codec = drums.codec
    a = codec.encode(load_score(out / "query-bars-1-2.mid"), n_steps=32).array
    b = codec.encode(load_score(out / "01-planted-bars-5-6.mid"), n_steps=32).array
    np.testing.assert_array_equal(a[:9], b[:9])
    np.testing.assert_allclose(a[9:18], b[9:18], atol=1 / 127 + 1e-6)
    assert main(["similar", str(query), str(folder), "--top", "2", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["matches"][0]["file"] == "sub/planted.mid" and report["matches"][0]["start_bar"] == 5
    assert report["metric"] == "code" and report["files_searched"] == 5


def test_clear_errors(tmp_path: Path, drums: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("no midi here")
    query = save_score(generate_groove(bars=2, seed=1), tmp_path / "q.mid")
    with pytest.raises(MidiFileError, match="no .mid or .midi files"):
        similar.find_similar(drums, query, empty)
    with pytest.raises(ParameterError, match="no such folder"):
        similar.find_similar(drums, query, tmp_path / "missing")
    only_bad = tmp_path / "bad"
    only_bad.mkdir()
    (only_bad / "x.mid").write_bytes(b"garbage")
    with pytest.raises(MidiFileError, match="none of its 1 MIDI files"):
        similar.find_similar(drums, query, only_bad)
    notmidi = tmp_path / "fake.mid"
    notmidi.write_text("hello")
    with pytest.raises(MidiFileError, match="fake.mid"):
        similar.find_similar(drums, notmidi, only_bad)
    folder = tmp_path / "one"
    folder.mkdir()
    save_score(generate_groove(bars=4, seed=3), folder / "g.mid")
    with pytest.raises(ParameterError, match="the query has 2 bars"):
        similar.find_similar(drums, query, folder, bars=3)
    with pytest.raises(ParameterError, match="past its end"):
        similar.find_similar(drums, query, folder, start_bar=3)
    with pytest.raises(ParameterError, match="top"):
        similar.find_similar(drums, query, folder, top=0)
    with pytest.raises(CodecMismatchError):
        similar.find_similar(drums, save_score(piano_piece(2, 1), tmp_path / "p.mid"), folder)
    assert main(["similar", str(notmidi), str(folder)]) == 2
    assert "fake.mid" in capsys.readouterr().err


def test_sliding_cosine_matches_a_direct_computation() -> None:
    rng = np.random.default_rng(0)
    code = np.where(rng.random((12, 20)) < 0.2, rng.random((12, 20)), 0.0)
    query = code[:, 5:9] + 0.0
    cos = similar.sliding_cosine(query, code)
    for o in range(len(cos)):
        w = code[:, o : o + 4].ravel()
        expected = w @ query.ravel() / (np.linalg.norm(w) * np.linalg.norm(query)) if w.any() else 0.0
        assert cos[o] == pytest.approx(expected)
    assert cos[5] == pytest.approx(1.0)


@pytest.mark.data
def test_gmd_validation_split_is_fast(groove_dir: Path, drums: Engine) -> None:
    query = groove_dir / "drummer1/session1/126_funk-fast_125_beat_4-4.mid"
    t0 = time.perf_counter()
    result = similar.find_similar(drums, query, groove_dir, split="validation", top=10)
    assert time.perf_counter() - t0 < 20
    assert result.files_searched + sum(result.skipped.values()) == 122 + 2
    assert result.skipped == {"unsupported_meter": 2}
    assert len(result.matches) == 10 and result.sections_compared > 1000
