"""What a hostile stage does to the offline tools, each reproduced: the output named as the input, a
full disk mid-write, read-only places, files and folders in the way, and sizes from outside (atoms
per bar, bars, morph steps, MIDI files, model metadata, external-data ONNX) far beyond reason.

Each case must end in one clear line and a non-zero exit (2: a SidlError), with every input and any
earlier output untouched and no partial or temporary file left. Checks that need sidl's newer
modules import them inside the test, so this file also runs against an older sidl and shows what
failed there.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import mido
import pytest

from sidl.bridge import tools
from sidl.bridge.codecs import load_score, save_score
from sidl.bridge.engine import BUNDLED_DIR, Engine
from sidl.bridge.errors import MidiFileError, ModelError, ParameterError, SidlError
from sidl.cli import main

DATA_ROOT = Path(os.environ.get("SIDL_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"))
MODEL = "seed-drums"  # the smallest bundled model: quick to load


def drum_file(path: Path, bars: int = 2, *, hats_per_beat: int = 2) -> Path:
    """A plain drum groove on channel 10: kick, backbeat, hats."""
    midi = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    midi.tracks.append(track)
    events: list[tuple[int, mido.Message]] = []
    step = 480 // hats_per_beat
    for bar in range(bars):
        for beat in range(4):
            t = (bar * 4 + beat) * 480
            hits = [(42, i * step) for i in range(hats_per_beat)] + [(36 if beat % 2 == 0 else 38, 0)]
            for pitch, offset in hits:
                events.append((t + offset, mido.Message("note_on", note=pitch, velocity=100, channel=9)))
                events.append((t + offset + 60, mido.Message("note_off", note=pitch, velocity=0, channel=9)))
    events.sort(key=lambda e: e[0])
    last = 0
    for tick, msg in events:
        track.append(msg.copy(time=tick - last))
        last = tick
    path.parent.mkdir(parents=True, exist_ok=True)
    midi.save(str(path))
    return path


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    return code, capsys.readouterr().err


def assert_one_line(err: str, *needles: str) -> None:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for needle in needles:
        assert needle in lines[0], lines[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden temporary files included) with its content."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------------ output == input
def _cases(tmp: Path) -> dict[str, tuple[list[str | Path], list[Path]]]:
    """command line, and the inputs it must leave untouched."""
    a, b = drum_file(tmp / "a.mid"), drum_file(tmp / "b.mid", bars=3)
    (tmp / "link.mid").symlink_to(a)
    os.link(a, tmp / "hard.mid")
    numbered = drum_file(tmp / "m-01.mid")  # `interpolate --steps 3 ... m.mid` writes m-00, m-01, m-02
    listing = tmp / "list.csv"
    listing.write_text("midi,style\na.mid,rock\n", encoding="utf-8")
    folder = tmp / "parts"
    inside = drum_file(folder / "sum.mid")
    m = ["--model", MODEL]
    return {
        "reconstruct": (["reconstruct", a, a, *m], [a]),
        "reconstruct-dotted": (["reconstruct", a, tmp / "." / "a.mid", *m], [a]),
        "reconstruct-symlink": (["reconstruct", a, tmp / "link.mid", *m], [a]),
        "reconstruct-hardlink": (["reconstruct", a, tmp / "hard.mid", *m], [a]),
        "denoise": (["denoise", a, a, *m], [a]),
        "interpolate-second": (["interpolate", a, b, b, *m], [a, b]),
        "interpolate-steps": (["interpolate", numbered, b, tmp / "m.mid", "--steps", "3", *m], [numbered, b]),
        "swap": (["swap", a, b, a, *m], [a, b]),
        "decompose": (["decompose", inside, folder, *m], [inside]),
        "replay-hardlink": (["replay", a, tmp / "hard.mid", "--model", MODEL], [a]),
        "style": (["style", listing, "--features", listing, "--model", MODEL], [listing]),
    }


@pytest.mark.parametrize("case", ["reconstruct", "reconstruct-dotted", "reconstruct-symlink", "reconstruct-hardlink",
                                  "denoise", "interpolate-second", "interpolate-steps", "swap", "decompose",
                                  "replay-hardlink", "style"])
def test_an_output_that_is_an_input_is_refused_and_nothing_is_written(
        case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv, inputs = _cases(tmp_path)[case]
    before = snapshot(tmp_path)
    code, err = run_cli(capsys, *argv)
    assert code == 2
    assert_one_line(err, "is the input file")
    assert snapshot(tmp_path) == before  # inputs untouched, nothing new (no partial morph sequence either)
    assert all(p.read_bytes() == before[str(p.relative_to(tmp_path))] for p in inputs)


# ------------------------------------------------------------------------------ full disk
def _fail_midway(monkeypatch: pytest.MonkeyPatch) -> None:
    """mido's writer puts half a file down, then the disk is full."""
    def save(self: mido.MidiFile, filename: str | None = None, file: Any = None) -> None:
        chunk = b"MThd\x00\x00\x00\x06\x00\x00\x00\x01\x01\xe0MTrk" + b"\x00" * 64
        if file is not None:
            file.write(chunk)
        else:
            with open(filename, "wb") as fh:  # type: ignore[arg-type]
                fh.write(chunk)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(mido.MidiFile, "save", save)


def test_a_full_disk_mid_write_leaves_no_partial_file_and_keeps_the_earlier_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    score = load_score(drum_file(tmp_path / "in" / "a.mid"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "earlier.mid").write_bytes(b"the earlier take")
    _fail_midway(monkeypatch)
    for name in ("new.mid", "earlier.mid"):
        with pytest.raises(SidlError, match="disk is full") as info:
            save_score(score, out / name)
        assert type(info.value).__name__ == "OutputError" and str(out / name) in str(info.value)
    assert snapshot(out) == {"earlier.mid": b"the earlier take"}  # no new.mid, no temporary file


def test_a_failed_text_write_leaves_nothing(tmp_path: Path) -> None:
    from sidl.bridge.errors import OutputError
    from sidl.bridge.safe_io import write_atomic

    def half_then_full(fh: Any) -> None:
        fh.write(b'{"half": ')
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError, match="nothing was written"):
        write_atomic(tmp_path / "report.json", half_then_full)
    (tmp_path / "report.json").write_text("{}")
    with pytest.raises(OutputError, match="earlier file is unchanged"):
        write_atomic(tmp_path / "report.json", half_then_full)
    with pytest.raises(KeyboardInterrupt):  # interrupted, not an OSError: still no temporary file
        write_atomic(tmp_path / "report.json", lambda fh: (_ for _ in ()).throw(KeyboardInterrupt()))
    assert snapshot(tmp_path) == {"report.json": b"{}"}


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_real_file_size_limit_leaves_no_truncated_midi(tmp_path: Path) -> None:
    """A subprocess whose files may not grow past 4 KB (what a full disk looks like to a writer)."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    src = drum_file(tmp_path / "long.mid", bars=32, hats_per_beat=4)  # its reconstruction is > 4 KB
    earlier = tmp_path / "earlier.mid"
    earlier.write_bytes(b"the earlier take")
    for out in (tmp_path / "new.mid", earlier):
        proc = subprocess.run([sys.executable, "-m", "sidl", "reconstruct", str(src), str(out), "--model", MODEL],
                              capture_output=True, text=True, timeout=120, preexec_fn=limit)
        assert proc.returncode == 2, proc.stderr
        assert_one_line(proc.stderr, str(out), "file-size limit")
    files = snapshot(tmp_path)
    assert sorted(files) == ["earlier.mid", "long.mid"] and files["earlier.mid"] == b"the earlier take"
    # and without the limit the same command writes a file larger than it
    proc = subprocess.run([sys.executable, "-m", "sidl", "reconstruct", str(src), str(tmp_path / "ok.mid"),
                           "--model", MODEL], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and (tmp_path / "ok.mid").stat().st_size > 4096


def test_written_files_get_the_usual_mode(tmp_path: Path) -> None:
    """Temporary files are private (0600) by default; the renamed output must not stay so."""
    score = load_score(drum_file(tmp_path / "a.mid"))
    umask = os.umask(0)
    os.umask(umask)
    assert (save_score(score, tmp_path / "new.mid").stat().st_mode & 0o777) == 0o666 & ~umask
    old = tmp_path / "old.mid"
    old.write_bytes(b"x")
    old.chmod(0o640)
    assert (save_score(score, old).stat().st_mode & 0o777) == 0o640


# ------------------------------------------------------------------------------ places that cannot be written
def test_paths_blocked_by_files_and_folders_give_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = drum_file(tmp_path / "a.mid")
    blocker = tmp_path / "out.mid"
    blocker.write_bytes(b"a file, not a folder")
    (tmp_path / "folder.mid").mkdir()
    m = ["--model", MODEL]
    cases = [
        (["reconstruct", src, blocker / "x.mid", *m], "out.mid is a file, not a folder"),
        (["reconstruct", src, blocker / "deeper" / "x.mid", *m], "out.mid is a file, not a folder"),
        (["generate", blocker / "x.mid", "--model", "drums"], "out.mid is a file, not a folder"),
        (["decompose", src, blocker, *m], "out.mid is a file, not a folder"),
        (["decompose", src, blocker / "parts", *m], "out.mid is a file, not a folder"),
        (["reconstruct", src, tmp_path / "folder.mid", *m], "is a folder"),
    ]
    before = snapshot(tmp_path)
    for argv, needle in cases:
        code, err = run_cli(capsys, *argv)
        assert code == 2, argv
        assert_one_line(err, needle)
    assert snapshot(tmp_path) == before


def _read_only_place(tmp_path: Path) -> Path:
    """A folder this process cannot create files in: a chmod'ed folder, or for root (whom no mode
    stops) sysfs, where nobody can create files."""
    if os.geteuid() != 0:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    if not Path("/sys/kernel").is_dir():
        pytest.skip("running as root without /sys: no read-only place to write into")
    return Path("/sys")


def test_a_read_only_target_gives_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = drum_file(tmp_path / "a.mid")
    folder = _read_only_place(tmp_path)
    try:
        for argv in (["reconstruct", src, folder / "sidl-test.mid", "--model", MODEL],
                     ["decompose", src, folder / "sidl-test-parts", "--model", MODEL]):
            code, err = run_cli(capsys, *argv)
            assert code == 2
            assert_one_line(err, "sidl-test")
            assert any(word in err for word in ("permission denied", "not writable", "read-only"))
            assert not (folder / "sidl-test.mid").exists() and not (folder / "sidl-test-parts").exists()
    finally:
        if folder != Path("/sys"):
            folder.chmod(0o755)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root may write read-only files")
def test_a_read_only_output_file_is_not_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = drum_file(tmp_path / "a.mid")
    kept = tmp_path / "kept.mid"
    kept.write_bytes(b"keep me")
    kept.chmod(0o444)
    code, err = run_cli(capsys, "reconstruct", src, kept, "--model", MODEL)
    assert code == 2
    assert_one_line(err, "kept.mid", "read-only")
    assert kept.read_bytes() == b"keep me"


# ------------------------------------------------------------------------------ sizes from outside
def test_atoms_per_bar_are_capped_before_any_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = drum_file(tmp_path / "a.mid")
    code, err = run_cli(capsys, "reconstruct", src, tmp_path / "o.mid", "--atoms", "1024")  # ran for minutes
    assert code == 2
    assert_one_line(err, "1024", "1..64")
    assert not (tmp_path / "o.mid").exists()
    engine = Engine.load(MODEL, provider="cpu")
    with pytest.raises(ParameterError, match="atoms per bar"):  # refused before the (missing) input is read
        tools.reconstruct(engine, tmp_path / "missing.mid", tmp_path / "o.mid", atoms=65)
    with pytest.raises(ParameterError, match="atoms swapped per bar"):
        tools.swap(engine, tmp_path / "missing.mid", src, tmp_path / "o.mid", atoms=10_000)
    assert engine.info.encoder_k(64) == 16  # the cap itself is allowed (4 code columns per bar)


def test_bars_steps_and_seeds_are_checked_before_any_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = drum_file(tmp_path / "a.mid")
    cases = [
        (["generate", tmp_path / "g.mid", "--bars", "100000000"], "100000000"),  # MemoryError before
        (["interpolate", src, src, tmp_path / "i.mid", "--steps", "1000", "--model", MODEL], "1000"),
        (["generate", tmp_path / "g.mid", "--seed", "-1"], "seed"),  # a numpy traceback before
        (["demo", "--out", tmp_path / "demo", "--bars", "100000000"], "100000000"),
    ]
    for argv, needle in cases:
        code, err = run_cli(capsys, *argv)
        assert code == 2, argv
        assert_one_line(err, needle)
    assert sorted(snapshot(tmp_path)) == ["a.mid"]


def _raw_midi(path: Path, track: bytes, ticks_per_beat: int = 96) -> Path:
    """A type-0 file written byte by byte (sizes no writer would choose)."""
    header = b"MThd" + (6).to_bytes(4, "big") + (0).to_bytes(2, "big") + (1).to_bytes(2, "big") \
        + ticks_per_beat.to_bytes(2, "big")
    body = track + b"\x00\xff\x2f\x00"
    path.write_bytes(header + b"MTrk" + len(body).to_bytes(4, "big") + body)
    return path


def test_midi_files_over_the_byte_limit_are_refused_before_parsing(tmp_path: Path) -> None:
    from sidl.bridge import limits

    pairs = limits.MAX_MIDI_BYTES // 8 + 1  # note on + note off, 8 bytes a pair: just over the limit
    big = _raw_midi(tmp_path / "big.mid", b"\x00\x99\x24\x64\x00\x89\x24\x00" * pairs)
    assert big.stat().st_size > limits.MAX_MIDI_BYTES
    with pytest.raises(MidiFileError, match="byte limit"):
        load_score(big)


def test_midi_event_count_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sidl.bridge import limits

    src = drum_file(tmp_path / "a.mid", bars=4)
    events = sum(len(track) for track in mido.MidiFile(str(src)).tracks)
    monkeypatch.setattr(limits, "MAX_MIDI_EVENTS", events - 1)
    with pytest.raises(MidiFileError, match=f"{events} MIDI events is over the limit of {events - 1}"):
        load_score(src)
    monkeypatch.setattr(limits, "MAX_MIDI_EVENTS", events)
    assert load_score(src).notes


def test_a_tiny_file_that_lasts_for_years_is_refused_before_any_grid(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Two notes 2.8 million beats apart: 38 bytes that would ask for a grid of 11 million steps."""
    far = b"\x00\x99\x24\x64" + b"\xff\xff\xff\x7f\x89\x24\x00"  # note-off after the largest delta time
    tiny = _raw_midi(tmp_path / "tiny.mid", far)
    with pytest.raises(MidiFileError, match="beats"):
        load_score(tiny)
    code, err = run_cli(capsys, "reconstruct", tiny, tmp_path / "o.mid", "--model", MODEL)
    assert code == 2
    assert_one_line(err, "tiny.mid", "beats")


@pytest.mark.data
def test_every_file_of_the_shared_data_is_within_the_limits() -> None:
    """The limits must admit all real material: the largest files by size and the longest piece."""
    from sidl.bridge import limits

    files = sorted(DATA_ROOT.rglob("*.mid"), key=lambda p: p.stat().st_size) if DATA_ROOT.is_dir() else []
    if not files:
        pytest.skip(f"no data at {DATA_ROOT}")
    longest = DATA_ROOT / "groove" / "drummer2" / "session1" / "1_rock_110_beat_4-4.mid"  # 2,556 beats
    for path in files[-3:] + ([longest] if longest.is_file() else []):
        score = load_score(path)
        assert path.stat().st_size * 10 < limits.MAX_MIDI_BYTES
        assert score.end_beat * 3 < limits.MAX_BEATS


# ------------------------------------------------------------------------------ model metadata
def _metadata(**changes: Any) -> dict[str, str]:
    """The seed model's metadata with some values replaced (``extra`` entries merged)."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(BUNDLED_DIR / MODEL / "encoder.onnx"), providers=["CPUExecutionProvider"])
    meta = dict(session.get_modelmeta().custom_metadata_map)
    for key, value in changes.items():
        if key == "extra":
            meta["sidl.extra"] = json.dumps({**json.loads(meta["sidl.extra"]), **value})
        elif key == "steps_per_beat":
            meta["sidl.codec_spec"] = json.dumps({**json.loads(meta["sidl.codec_spec"]), "steps_per_beat": value})
        else:
            meta["sidl." + key] = str(value)
    return meta


@pytest.mark.parametrize(("changes", "named"), [
    ({"k": 100_000_000}, "sidl.k = 100000000"),  # hung the engine (and the OSC thread of /sidl/model)
    ({"steps_per_bar": 1_600_000_000, "kernel": 1_600_000_000, "stride": 1_600_000_000}, "sidl.kernel"),
    ({"kernel": 4_000_000}, "sidl.kernel = 4000000"),
    ({"window_bars": 100_000_000}, "sidl.window_bars = 100000000"),
    ({"context_bars": 100_000_000}, "sidl.context_bars = 100000000"),
    ({"atoms": 1_000_000}, "sidl.atoms = 1000000"),
    ({"in_channels": 1_000_000}, "sidl.in_channels = 1000000"),
    ({"k": 20}, "means 80 atoms per bar"),  # 20 per column x 4 columns
    ({"kernel": 128, "stride": 4}, "at most 4 bars"),
    ({"steps_per_beat": 10_000}, "steps_per_beat"),
    ({"extra": {"denoise": {"amount": 10 ** 400}}}, "denoise amount"),  # OverflowError before
])
def test_model_metadata_out_of_range_is_one_model_error(changes: dict[str, Any], named: str) -> None:
    from sidl.bridge.model_info import ModelInfo

    with pytest.raises(ModelError) as info:
        ModelInfo.from_metadata(_metadata(**changes), source="m/encoder.onnx", role="encoder")
    assert named in str(info.value)
    assert "m/encoder.onnx" in str(info.value)


def _rewritten(tmp_path: Path, **changes: Any) -> Path:
    onnx = pytest.importorskip("onnx")
    folder = tmp_path / "model"
    folder.mkdir()
    for role in ("encoder", "decoder"):
        proto = onnx.load(str(BUNDLED_DIR / MODEL / f"{role}.onnx"))
        for entry in proto.metadata_props:
            if entry.key.removeprefix("sidl.") in changes:
                entry.value = str(changes[entry.key.removeprefix("sidl.")])
        (folder / f"{role}.onnx").write_bytes(proto.SerializeToString())
    return folder


@pytest.mark.parametrize("changes", [{"window_bars": 100_000_000}, {"k": 100_000_000}])
def test_a_model_asking_for_absurd_sizes_does_not_load(changes: dict[str, int], tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    folder = _rewritten(tmp_path, **changes)
    with pytest.raises(ModelError, match="outside the accepted range"):
        Engine.load(folder, provider="cpu")
    src = drum_file(tmp_path / "a.mid")
    code, err = run_cli(capsys, "reconstruct", src, tmp_path / "o.mid", "--model", folder)
    assert code == 2
    assert_one_line(err, str(next(iter(changes.values()))))


# ------------------------------------------------------------------------------ external data
def _with_external_data(tmp_path: Path, location: str) -> Path:
    onnx = pytest.importorskip("onnx")
    folder = tmp_path / "model"
    shutil.copytree(BUNDLED_DIR / MODEL, folder)
    proto = onnx.load(str(folder / "decoder.onnx"))
    onnx.save_model(proto, str(folder / "decoder.onnx"), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=location)  # the default threshold keeps small shape constants inline
    return folder


def test_external_data_beside_the_model_is_refused_even_from_its_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _with_external_data(tmp_path, "decoder.onnx.data")
    assert (folder / "decoder.onnx.data").is_file()
    monkeypatch.chdir(folder)  # onnxruntime resolves external data against the current folder: it loaded
    with pytest.raises(ModelError, match="side file"):
        Engine.load(".", provider="cpu")
    with pytest.raises(ModelError, match="side file"):
        Engine.load(folder, provider="cpu")


def test_external_data_pointing_anywhere_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The side file moved elsewhere and named by an absolute path (onnx itself refuses to write '..')."""
    onnx = pytest.importorskip("onnx")
    folder = _with_external_data(tmp_path, "weights.bin")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    moved = (folder / "weights.bin").rename(elsewhere / "weights.bin")
    proto = onnx.load(str(folder / "decoder.onnx"), load_external_data=False)
    for tensor in proto.graph.initializer:
        for entry in tensor.external_data:
            if entry.key == "location":
                entry.value = str(moved)
    (folder / "decoder.onnx").write_bytes(proto.SerializeToString())
    monkeypatch.chdir(elsewhere)
    with pytest.raises(ModelError, match="side file"):
        Engine.load(folder, provider="cpu")


def test_the_scan_finds_external_tensors_in_nested_graphs_and_passes_the_bundled_models() -> None:
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    from sidl.bridge.onnx_scan import check_self_contained, external_tensors

    tensor = helper.make_tensor("w", TensorProto.FLOAT, [1], [1.0])
    tensor.data_location = TensorProto.EXTERNAL
    entry = tensor.external_data.add()
    entry.key, entry.value = "location", "/etc/passwd"
    del tensor.float_data[:]
    const = helper.make_node("Constant", [], ["c"], value=tensor)
    body = helper.make_graph([const], "then", [], [helper.make_tensor_value_info("c", TensorProto.FLOAT, [1])])
    other = helper.make_graph([helper.make_node("Constant", [], ["d"], value_float=0.0)], "else", [],
                              [helper.make_tensor_value_info("d", TensorProto.FLOAT, [])])
    cond = helper.make_tensor_value_info("cond", TensorProto.BOOL, [])
    node = helper.make_node("If", ["cond"], ["y"], then_branch=body, else_branch=other)
    graph = helper.make_graph([node], "g", [cond], [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    model = helper.make_model(graph)
    assert external_tensors(model.SerializeToString()) == ["w"]
    with pytest.raises(ModelError, match="side file"):
        check_self_contained(model.SerializeToString(), "m.onnx")
    for role in ("encoder", "decoder"):
        for name in ("drums", "piano", "seed-drums"):
            assert external_tensors((BUNDLED_DIR / name / f"{role}.onnx").read_bytes()) == []
    assert check_self_contained(b"garbage, not protobuf", "g.onnx") is not None  # onnxruntime names it
    del onnx


# ------------------------------------------------------------------------------ the write path everywhere
@pytest.mark.parametrize("tool", ["reconstruct", "denoise", "generate", "decompose", "interpolate", "swap"])
def test_every_tool_leaves_only_complete_files_when_the_disk_fills(
        tool: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    a = drum_file(tmp_path / "in" / "a.mid")
    out = tmp_path / "out"
    out.mkdir()
    argv: dict[str, list[str | Path]] = {
        "reconstruct": ["reconstruct", a, out / "o.mid"],
        "denoise": ["denoise", a, out / "o.mid"],
        "generate": ["generate", out / "o.mid", "--model", "drums"],
        "decompose": ["decompose", a, out / "parts"],
        "interpolate": ["interpolate", a, a, out / "o.mid", "--steps", "3"],
        "swap": ["swap", a, a, out / "o.mid"],
    }
    model: list[str | Path] = [] if tool == "generate" else ["--model", MODEL]
    _fail_midway(monkeypatch)
    code, err = run_cli(capsys, *argv[tool], *model)
    assert code == 2
    assert_one_line(err, "disk is full")
    assert [p for p in out.rglob("*") if p.is_file()] == []
