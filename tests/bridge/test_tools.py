"""The offline MIDI tools on the bundled ONNX models: real files in, valid MIDI out, clear refusals."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import mido
import numpy as np
import pytest

from sidl.bridge import tools
from sidl.cli import main
from sidl.bridge.codecs import DrumCodec, Note, Score, TempoMap, TimeSignature, load_score, save_score
from sidl.bridge.engine import Engine, bundled_names
from sidl.bridge.errors import CodecMismatchError, MidiFileError, ParameterError, UnsupportedMeterError


def groove(path: Path, *, seed: int, bpm: float = 97.0, bars: int = 4, meter: tuple[int, int] = (4, 4)) -> Path:
    """A humanised groove: kick, snare backbeat, 8th hats, a little randomness per seed."""
    rng = np.random.default_rng(seed)
    beats = meter[0] * 4 / meter[1]
    notes = []
    for bar in range(bars):
        b0 = bar * beats
        for i in range(int(beats * 2)):
            notes.append(Note(b0 + i / 2 + rng.normal(0, 0.01), 42, int(rng.integers(50, 100)), b0 + i / 2 + 0.2, 9))
        notes.append(Note(b0, 36, 110, b0 + 0.25, 9))
        if rng.random() < 0.5:
            notes.append(Note(b0 + 2.5, 36, 100, b0 + 2.75, 9))
        for beat in (1.0, 3.0):
            if beat < beats:
                notes.append(Note(b0 + beat + rng.normal(0, 0.01), 38, 115, b0 + beat + 0.25, 9))
    score = Score(sorted(notes), TempoMap.constant(bpm), [TimeSignature(0.0, *meter)], 480, None)
    return save_score(score, path)


def melody(path: Path) -> Path:
    notes = [Note(i * 0.5, 60 + (i * 5) % 24, 80, i * 0.5 + 0.45, 0) for i in range(64)]
    return save_score(Score(notes, TempoMap.constant(100.0), [TimeSignature(0.0, 3, 4)], 480, None), path)


@pytest.fixture(scope="module")
def drums() -> Engine:
    assert "drums" in bundled_names()
    return Engine.load("drums", provider="cpu")


@pytest.fixture(scope="module")
def piano() -> Engine:
    return Engine.load("piano", provider="cpu")


def _notes(path: Path) -> list[tuple[float, int, int]]:
    return [(round(n.start, 4), n.pitch, n.velocity) for n in load_score(path).notes]


def test_bundled_models_describe_themselves(drums: Engine, piano: Engine) -> None:
    assert drums.info.codec_name == "drums" and drums.coder == "pursuit" and drums.info.atoms == 1024
    assert piano.info.codec_name == "piano" and piano.coder == "network"
    assert drums.info.extra["atom_stats"] and "denoise" in drums.info.extra
    assert "Groove MIDI Dataset" in drums.info.training_data and "piano-midi.de" in piano.info.training_data


def test_reconstruct_keeps_tempo_meter_and_the_drum_channel(drums: Engine, tmp_path: Path) -> None:
    src = groove(tmp_path / "in.mid", seed=1, bpm=97.0)
    report = tools.reconstruct(drums, src, tmp_path / "out.mid")
    midi = mido.MidiFile(tmp_path / "out.mid")
    tempos = [m.tempo for m in midi.tracks[0] if m.type == "set_tempo"]
    assert tempos == [mido.bpm2tempo(97.0)]
    assert {(m.numerator, m.denominator) for m in midi.tracks[0] if m.type == "time_signature"} == {(4, 4)}
    assert {m.channel for m in midi.tracks[0] if m.type == "note_on"} == {9}
    out = DrumCodec().encode(load_score(tmp_path / "out.mid")).array
    ref = DrumCodec().encode(load_score(src)).array
    hits_out, hits_ref = out[:9] > 0.5, ref[:9] > 0.5
    assert (hits_out & hits_ref).sum() >= 0.8 * hits_ref.sum()  # a simple groove comes back nearly whole
    assert report.details["atoms_per_bar"] == drums.info.k
    fewer = tools.reconstruct(drums, src, tmp_path / "one.mid", atoms=1)
    assert fewer.details["active_entries"] < report.details["active_entries"]


def test_interpolation_sequence_runs_from_a_to_b(drums: Engine, tmp_path: Path) -> None:
    a, b = groove(tmp_path / "a.mid", seed=2), groove(tmp_path / "b.mid", seed=3, bars=2)
    tools.denoise(drums, a, tmp_path / "ra.mid", amount=0.0)  # A as played, through the same grid and writer
    report = tools.interpolate(drums, a, b, tmp_path / "morph.mid", steps=3)
    assert [p.name for p in report.outputs] == ["morph-00.mid", "morph-01.mid", "morph-02.mid"]
    assert _notes(report.outputs[0]) == _notes(tmp_path / "ra.mid")
    looped = tmp_path / "b-looped.mid"  # B (2 bars) is looped to A's 4 bars
    tools.denoise(drums, groove(looped, seed=3, bars=2), tmp_path / "rb.mid", amount=0.0)
    end = {n for n in _notes(report.outputs[2]) if n[0] < 8.0 - 0.2}
    assert end == {n for n in _notes(tmp_path / "rb.mid") if n[0] < 8.0 - 0.2}


def test_decompose_writes_parts_that_add_up(drums: Engine, tmp_path: Path) -> None:
    src = groove(tmp_path / "in.mid", seed=4)
    report = tools.decompose(drums, src, tmp_path / "parts")
    listing = json.loads((tmp_path / "parts" / "atoms.json").read_text())
    assert len(listing["atoms"]) == report.details["active_atoms"] > 0
    assert len(report.outputs) == len(listing["atoms"]) + 1
    tools.reconstruct(drums, src, tmp_path / "rec.mid")
    assert _notes(tmp_path / "parts" / "sum.mid") == _notes(tmp_path / "rec.mid")


def test_generate_is_reproducible_by_seed(drums: Engine, piano: Engine, tmp_path: Path) -> None:
    tools.generate(drums, tmp_path / "g1.mid", bars=4, seed=5)
    tools.generate(drums, tmp_path / "g2.mid", bars=4, seed=5)
    tools.generate(drums, tmp_path / "g3.mid", bars=4, seed=6)
    assert _notes(tmp_path / "g1.mid") == _notes(tmp_path / "g2.mid") != _notes(tmp_path / "g3.mid")
    assert len(_notes(tmp_path / "g1.mid")) > 4
    tools.generate(piano, tmp_path / "p.mid", bars=2, seed=1)
    assert {m.channel for m in mido.MidiFile(tmp_path / "p.mid").tracks[0] if m.type == "note_on"} == {0}


def test_swap_and_denoise_write_valid_midi(drums: Engine, tmp_path: Path) -> None:
    a, b = groove(tmp_path / "a.mid", seed=7), groove(tmp_path / "b.mid", seed=8)
    tools.swap(drums, a, b, tmp_path / "s.mid", atoms=2)
    report = tools.denoise(drums, a, tmp_path / "d.mid", amount=1.0)
    assert report.details["kept"] > 0 and report.details["kept"] + report.details["removed"] == len(load_score(a).notes)
    for name in ("s.mid", "d.mid"):
        assert load_score(tmp_path / name).notes


def test_piano_reconstruction_keeps_meter(piano: Engine, tmp_path: Path) -> None:
    src = melody(tmp_path / "m.mid")
    tools.reconstruct(piano, src, tmp_path / "out.mid")
    assert load_score(tmp_path / "out.mid").meters() == ["3/4"]


def test_refusals_are_clear_and_write_nothing(drums: Engine, piano: Engine, tmp_path: Path) -> None:
    out = tmp_path / "out.mid"
    (tmp_path / "text.mid").write_text("not midi")
    with pytest.raises(MidiFileError, match="not a readable MIDI file"):
        tools.reconstruct(drums, tmp_path / "text.mid", out)
    empty = save_score(Score([], TempoMap.constant(120.0)), tmp_path / "empty.mid")
    with pytest.raises(MidiFileError, match="no notes"):
        tools.reconstruct(drums, empty, out)
    with pytest.raises(UnsupportedMeterError, match="3/4"):
        tools.reconstruct(drums, groove(tmp_path / "waltz.mid", seed=1, meter=(3, 4)), out)
    with pytest.raises(CodecMismatchError, match="piano"):
        tools.reconstruct(drums, melody(tmp_path / "m.mid"), out)  # 3/4 melody: the codec check comes first
    with pytest.raises(CodecMismatchError, match="drum file"):
        tools.reconstruct(piano, groove(tmp_path / "g.mid", seed=1), out)
    with pytest.raises(ParameterError, match="must end in .mid"):
        tools.reconstruct(drums, groove(tmp_path / "g2.mid", seed=1), tmp_path / "out.wav")
    with pytest.raises(MidiFileError, match="no such file"):
        tools.reconstruct(drums, tmp_path / "missing.mid", out)
    assert not out.exists()


def test_cli_reports_errors_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.mid").write_text("nope")
    assert main(["reconstruct", str(tmp_path / "x.mid"), str(tmp_path / "o.mid")]) == 2
    assert "error:" in capsys.readouterr().err


def test_every_tool_runs_without_torch(tmp_path: Path) -> None:
    """What `pip install sidl[cpu]` gets: torch made unimportable, every tool through the CLI."""
    a, b = groove(tmp_path / "a.mid", seed=1), groove(tmp_path / "b.mid", seed=2)
    script = textwrap.dedent(f"""
        import sys
        sys.modules["torch"] = None  # any import of torch now fails
        from sidl.cli import main
        d = {str(tmp_path)!r}
        runs = [
            ["reconstruct", f"{{d}}/a.mid", f"{{d}}/r.mid"],
            ["denoise", f"{{d}}/a.mid", f"{{d}}/d.mid"],
            ["interpolate", f"{{d}}/a.mid", f"{{d}}/b.mid", f"{{d}}/i.mid", "--steps", "2"],
            ["swap", f"{{d}}/a.mid", f"{{d}}/b.mid", f"{{d}}/s.mid"],
            ["decompose", f"{{d}}/a.mid", f"{{d}}/parts"],
            ["generate", f"{{d}}/g.mid", "--seed", "1"],
            ["bench", "engine", "--windows", "20", "--warmup", "2", "--out", f"{{d}}/bench.json"],
        ]
        for argv in runs:
            assert main(argv) == 0, argv
        assert "torch" not in [m for m in sys.modules if sys.modules[m] is not None]
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    for name in ("r.mid", "d.mid", "i-00.mid", "i-01.mid", "s.mid", "parts/sum.mid", "g.mid"):
        assert mido.MidiFile(tmp_path / name).tracks
    bench = json.loads((tmp_path / "bench.json").read_text())
    assert all(r["runtime"] == "onnxruntime" for r in bench["results"])  # no torch to compare with
