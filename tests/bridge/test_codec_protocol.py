"""The instrument is an interface: both codecs satisfy :class:`Codec`, and a third one, defined here
and registered in the codec table only, works through the registry, the offline tools and the live
quantizer with no change anywhere else."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import numpy as np
import pytest

from sidl.bridge import codecs as codecs_pkg
from sidl.bridge import tools
from sidl.bridge.codecs import (
    CODECS,
    Codec,
    DrumCodec,
    GridLayout,
    Note,
    PianoCodec,
    Score,
    TempoMap,
    TimeSignature,
    codec_from_spec,
    get_codec,
    register_codec,
    save_score,
)
from sidl.bridge.codecs.base import HitGroupMixin
from sidl.bridge.errors import CodecMismatchError, MidiFileError
from sidl.bridge.geometry import CodeGeometry
from sidl.bridge.live.quantizer import RollingQuantizer
from sidl.bridge.model_info import ModelInfo

LOWEST = 28  # E1


@dataclass
class BassGrid:
    array: np.ndarray
    tempo_map: TempoMap = field(default_factory=TempoMap)


class BassCodec(HitGroupMixin):
    """A toy monophonic bass: 24 keys from E1, [onset | velocity | hold], MIDI channel 2."""

    name: ClassVar[str] = "bass"
    steps_per_beat: ClassVar[int] = 4
    keys: ClassVar[int] = 24
    channels: ClassVar[int] = 72
    grid_layout: ClassVar[GridLayout] = GridLayout.of(24, hit="onset", third="hold", third_role="hold",
                                                      third_activation="sigmoid")
    output_channel: ClassVar[int] = 1
    baseline_name: ClassVar[str] = "notes per key"

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> BassCodec:
        return cls()

    def encode(self, score: Score, *, n_steps: int | None = None) -> BassGrid:
        spans = [(n.pitch - LOWEST, math.floor(n.start * 4 + 0.5), max(math.floor(n.start * 4 + 0.5) + 1,
                  math.floor(n.end * 4 + 0.5)), n.velocity) for n in score.notes if 0 <= n.pitch - LOWEST < 24]
        if n_steps is None:
            n_steps = max((e for *_, e, _ in spans), default=1)
        grid = np.zeros((72, n_steps), np.float32)
        for key, on, end, velocity in spans:
            if 0 <= on < n_steps:
                grid[key, on] = 1.0
                grid[24 + key, on] = velocity / 127
                grid[48 + key, on:end] = 1.0
        return BassGrid(grid, score.tempo_map)

    def encode_input(self, score: Score, *, n_steps: int | None = None, input_map: Any = None) -> np.ndarray:
        return self.encode(score, n_steps=n_steps).array

    def to_score(self, grid: np.ndarray, *, tempo_map: TempoMap | None = None,
                 time_signatures: list[TimeSignature] | None = None, output_map: Any = None) -> Score:
        notes = []
        for key, step in zip(*np.nonzero(grid[:24] > 0.5)):
            end = step + 1
            while end < grid.shape[1] and grid[48 + key, end] > 0.5 and grid[key, end] <= 0.5:
                end += 1
            velocity = int(np.clip(round(float(grid[24 + key, step]) * 127), 1, 127))
            notes.append(Note(step / 4, LOWEST + int(key), velocity, end / 4, self.output_channel))
        return Score(sorted(notes), tempo_map or TempoMap(), time_signatures or [TimeSignature(0.0, 4, 4)])

    def input_rows(self, input_map: Any = None) -> Callable[[int], int | None]:
        return lambda pitch: pitch - LOWEST if 0 <= pitch - LOWEST < 24 else None

    def row_labels(self) -> tuple[str, ...]:
        return tuple(f"key{k}" for k in range(24))

    def row_pitches(self) -> tuple[int, ...]:
        return tuple(range(LOWEST, LOWEST + 24))

    def baseline_feature(self, grid: np.ndarray, steps_per_bar: int) -> np.ndarray:
        return (grid[:24] > 0.5).sum(axis=1).astype(np.float64)

    def check_file(self, score: Score, *, source: str, model: str) -> None:
        if sum(n.channel == 9 for n in score.notes) > len(score.notes) // 2:
            raise CodecMismatchError(f"{source}: a drum file, and model {model!r} is a bass model")

    def spec(self) -> dict[str, Any]:
        return {"name": self.name, "version": 1, "channels": self.channels, "steps_per_beat": 4,
                "layout": {"onset": [0, 24], "velocity": [24, 48], "hold": [48, 72]}}


@pytest.fixture
def bass() -> Iterator[BassCodec]:
    saved = dict(CODECS)
    register_codec("bass", BassCodec)
    try:
        yield BassCodec()
    finally:
        CODECS.clear()
        CODECS.update(saved)


def test_both_codecs_satisfy_the_protocol() -> None:
    for codec in (DrumCodec(), PianoCodec(), PianoCodec(12, sustain_pedal=True)):
        assert isinstance(codec, Codec)
        assert codec.grid_layout.channels == codec.channels
        assert codec.hit_rows == codec.grid_layout.hit.rows == slice(0, codec.grid_layout.size)
        assert len(codec.row_labels()) == len(codec.row_pitches()) == codec.grid_layout.size
        rebuilt = codec_from_spec(codec.spec())
        assert type(rebuilt) is type(codec) and rebuilt.spec() == codec.spec()
    assert DrumCodec().hit_word == "hit" and PianoCodec().hit_word == "onset"
    assert DrumCodec().output_channel == 9 and PianoCodec().output_channel == 0
    assert DrumCodec().grid_layout.third.role == "timing" and PianoCodec().grid_layout.third.role == "hold"


def test_the_registry_is_one_table() -> None:
    assert set(CODECS) == {"drums", "piano"}
    assert isinstance(get_codec("drums"), DrumCodec) and get_codec("piano", steps_per_beat=8).steps_per_beat == 8
    with pytest.raises(CodecMismatchError, match="unknown codec"):
        codec_from_spec({"name": "bass"})


def test_activation_follows_the_layout() -> None:
    logits = np.linspace(-4, 4, 27 * 5, dtype=np.float32).reshape(27, 5)
    out = DrumCodec().activate(logits)
    np.testing.assert_array_equal(out[:18], (1.0 / (1.0 + np.exp(-logits[:18]))).astype(np.float32))
    np.testing.assert_array_equal(out[18:], (0.5 * np.tanh(logits[18:])).astype(np.float32))
    piano = PianoCodec().activate(np.zeros((2, 264, 3), np.float32))
    assert piano.shape == (2, 264, 3) and np.all(piano == 0.5)


def test_input_rows_follow_the_input_map() -> None:
    from sidl.bridge.codecs import ABLETON_DRUM_RACK_MAP

    rows = DrumCodec().input_rows()
    assert rows(36) == 0 and rows(38) == 1 and rows(60) is None
    mapped = DrumCodec().input_rows(ABLETON_DRUM_RACK_MAP)
    assert mapped(ABLETON_DRUM_RACK_MAP.pitch_for("ride")) == 8
    keys = PianoCodec().input_rows()
    assert keys(21) == 0 and keys(108) == 87 and keys(20) is None and keys(109) is None


def test_check_file_tells_drum_files_from_melodic_ones() -> None:
    drum_file = Score([Note(i / 2, 36, 100, i / 2 + 0.1, 9) for i in range(8)])
    melodic = Score([Note(i / 2, 60 + i, 100, i / 2 + 0.5, 0) for i in range(8)])
    DrumCodec().check_file(drum_file, source="d.mid", model="m")
    PianoCodec().check_file(melodic, source="p.mid", model="m")
    with pytest.raises(CodecMismatchError, match="is a piano model"):
        PianoCodec().check_file(drum_file, source="d.mid", model="m")
    with pytest.raises(CodecMismatchError, match="is a drum model"):
        DrumCodec().check_file(melodic, source="p.mid", model="m")


# ------------------------------------------------------------------------------------ a third codec
def test_a_third_codec_registers_in_the_codec_table_only(bass: BassCodec) -> None:
    assert isinstance(bass, Codec)
    assert isinstance(get_codec("bass"), BassCodec)
    assert isinstance(codec_from_spec(bass.spec()), BassCodec)
    assert codecs_pkg.CODECS["bass"] is BassCodec


def _bass_info(codec: BassCodec) -> ModelInfo:
    return ModelInfo(name="toy-bass", version="0", weights_sha256="0" * 64, codec_spec=codec.spec(), layout="bass",
                     in_channels=72, atoms=72, kernel=16, stride=16, steps_per_bar=16, k=4, wta_axis="bar",
                     output="linear", coder="network", window_bars=2, context_bars=1, training_data="none", opset=17)


class _IdentityEngine:
    """An engine whose 'code' is the grid itself: enough to drive the tools end to end."""

    def __init__(self, codec: BassCodec) -> None:
        self.codec = codec
        self.info = _bass_info(codec)
        self.geometry = CodeGeometry(72, 16, 16, 16)
        self.encoded_with: list[int | None] = []

    def encode(self, grid: np.ndarray, k: int | None = None) -> np.ndarray:
        self.encoded_with.append(k)
        t = grid.shape[1]
        padded = -(-t // 16) * 16
        return np.pad(grid, ((0, 0), (0, padded - t)))[:, ::16].copy()

    def decode(self, code: np.ndarray) -> np.ndarray:
        return np.repeat(code, 16, axis=1)


def test_a_third_codec_works_through_the_tools(bass: BassCodec, tmp_path: Path) -> None:
    riff = Score([Note(i, LOWEST + 5 * (i % 3), 90, i + 0.5, 1) for i in range(8)], TempoMap.constant(100.0),
                 [TimeSignature(0.0, 4, 4)])
    src = save_score(riff, tmp_path / "riff.mid")
    engine: Any = _IdentityEngine(bass)
    loaded = tools.load_for(engine, src)
    assert loaded.grid.shape[0] == 72 and bass.has_notes(loaded.grid)
    report = tools.reconstruct(engine, src, tmp_path / "out.mid")
    assert report.details["atoms_per_bar"] == 4 and engine.encoded_with == [4]
    written = tools.load_for(engine, report.outputs[0])
    assert written.score.notes and {n.channel for n in written.score.notes} == {1}
    assert written.score.tempo_map.bpm_at(0.0) == pytest.approx(100.0)
    drums = save_score(Score([Note(i / 2, 36, 100, i / 2 + 0.1, 9) for i in range(8)]), tmp_path / "d.mid")
    with pytest.raises(CodecMismatchError, match="bass model"):
        tools.load_for(engine, drums)
    high = save_score(Score([Note(0, 100, 100, 1, 0)]), tmp_path / "high.mid")
    with pytest.raises(MidiFileError, match="bass codec"):
        tools.load_for(engine, high)


def test_a_third_codec_works_through_the_live_quantizer(bass: BassCodec) -> None:
    q = RollingQuantizer(bass, beats_per_bar=4, keep_bars=2)
    q.note(1.0, 1, LOWEST + 3, 100)
    q.note(2.0, 1, LOWEST + 3, 0)
    window = q.window(end_bar=1, bars=1)
    assert window.shape == (72, 16) and window[3, 4] == 1.0 and window[48 + 3, 4:8].all()


def test_a_third_codec_drives_the_analysis_helpers(bass: BassCodec) -> None:
    from sidl.bridge.analysis import features, plotting
    from sidl.bridge.analysis.atoms import describe_grid

    grid = np.zeros((72, 16), np.float32)
    grid[2, 0] = grid[50, 0:4] = 1.0
    engine: Any = SimpleNamespace(codec=bass, info=_bass_info(bass))
    assert describe_grid(engine, grid) == "key2"
    assert features.baseline_feature(grid, bass, 16)[2] == 1.0 and features.baseline_name(bass) == "notes per key"
    assert isinstance(plotting.roll_for(bass), plotting.KeyRoll)
