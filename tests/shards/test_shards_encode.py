"""`sidl encode`: a tiny corpus into shards, read back exactly as training encodes it, incrementally."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from sidl.bridge.codecs import Note, Score, TempoMap, TimeSignature, get_codec, save_score
from sidl.bridge.dataset_index import discover
from sidl.bridge.errors import DatasetError, ParameterError
from sidl.bridge.grooves import generate_groove
from sidl.bridge.shards.encode import encode_corpus
from sidl.bridge.shards.store import ShardSet
from sidl.cli import main
from tests.conftest import write_gmd_like

ROOT = Path(__file__).resolve().parents[2]


def _plain_corpus(root: Path, n: int = 4) -> Path:
    """Grooves in two folders, one with tempo changes (so step lengths differ along the file)."""
    for i in range(n):
        save_score(generate_groove(bars=2 + i, seed=i, bpm=80 + 10 * i), root / ("rock" if i % 2 else "funk") / f"g{i}.mid")
    changing = generate_groove(bars=3, seed=9)
    changing.tempo_map = TempoMap([(0.0, 500_000), (4.5, 400_000), (9.0, 650_000)])
    save_score(changing, root / "funk" / "tempo_changes.mid")
    return root


def _grids(shards: ShardSet) -> dict[str, np.ndarray]:
    return {f.path: shards.grid(f) for f in shards.files}


def test_grids_are_exactly_what_training_encodes(tmp_path: Path) -> None:
    from sidl.models.datasets import encode_items

    data = write_gmd_like(tmp_path / "gmd", n_train=3, n_val=2, bars=3)
    report = encode_corpus(data, tmp_path / "shards", model="drums", workers=1)
    shards = ShardSet.open(tmp_path / "shards")
    assert report.encoded == 5 and shards.codec_name == "drums" and shards.channels == 27 and shards.dtype == "float32"
    assert shards.build_codec().spec() == get_codec("drums").spec() and shards.steps_per_bar == 16

    items = discover(data)
    expected = encode_items(items, get_codec("drums"))
    by_path = {f.path: f for f in shards.files}
    for item, grid, seconds in zip(expected.items, expected.grids, expected.step_seconds):
        f = by_path[item.path.relative_to(data).as_posix()]
        got = shards.grid(f)
        assert got.dtype == np.float32 and got.flags.c_contiguous
        np.testing.assert_array_equal(got, grid)
        np.testing.assert_array_equal(shards.seconds(f), seconds.astype(np.float32))
        assert f.split == item.split and f.labels["style"] == item.labels["style"]
        assert f.bars == 3 and f.meter == "4/4" and f.steps == grid.shape[1]
    assert len(shards.select("train")) == 3 and len(shards.select("validation")) == 2
    assert shards.shard(0).shape == (sum(f.steps for f in shards.files), 27) and not shards.shard(0).flags.writeable


def test_step_seconds_follow_tempo_changes_as_the_tempo_map_says(tmp_path: Path) -> None:
    from sidl.bridge.codecs import load_score

    data = _plain_corpus(tmp_path / "midi", n=1)
    encode_corpus(data, tmp_path / "shards", model="models/configs/drums.json", workers=1)
    shards = ShardSet.open(tmp_path / "shards")
    f = next(f for f in shards.files if f.path == "funk/tempo_changes.mid")
    score = load_score(data / f.path)
    np.testing.assert_array_equal(shards.seconds(f), score.tempo_map.step_seconds(f.steps, 4).astype(np.float32))
    # the steps add up to the file's length in seconds, as the tempo map's own piecewise sum says
    assert float(shards.seconds(f).astype(np.float64).sum()) == pytest.approx(score.tempo_map.to_seconds(f.steps / 4), rel=1e-5)
    assert len(set(shards.seconds(f).tolist())) >= 3 and f.tempo == pytest.approx(120.0)
    assert f.labels == {"folder": "funk", "top_folder": "funk"}  # a plain folder labels files by where they sit


def test_skipped_files_are_listed_with_reasons_and_do_not_stop_the_run(tmp_path: Path) -> None:
    data = _plain_corpus(tmp_path / "midi", n=2)
    (data / "garbage.mid").write_bytes(os.urandom(300))
    (data / "huge.mid").write_bytes(b"MThd" + b"\0" * (2 * 1024 * 1024 + 10))
    waltz = generate_groove(bars=2, seed=3)
    waltz.time_signatures = [TimeSignature(0.0, 3, 4)]
    save_score(waltz, data / "waltz.mid")
    save_score(Score([Note(0.0, 80, 100, 1.0, channel=0)]), data / "melody.mid")  # no drum the codec knows

    report = encode_corpus(data, tmp_path / "shards", model="drums", workers=2)
    shards = ShardSet.open(tmp_path / "shards")
    reasons = {s["path"]: s["reason"] for s in shards.skipped}
    assert reasons == {"garbage.mid": "unreadable_or_empty", "huge.mid": "too_large",
                       "waltz.mid": "unsupported_meter", "melody.mid": "no_usable_notes"}
    assert all(s["detail"] for s in shards.skipped)
    assert report.encoded == 3 and sum(report.skipped.values()) == 4 and len(shards.files) == 3

    again = encode_corpus(data, tmp_path / "shards", model="drums", workers=1)
    assert (again.encoded, again.skipped_now, again.unchanged, sum(again.skipped.values())) == (0, 0, 3, 4)


def test_incremental_runs_encode_only_what_changed(tmp_path: Path) -> None:
    data = _plain_corpus(tmp_path / "midi")
    out = tmp_path / "shards"
    first = encode_corpus(data, out, model="drums", workers=1)
    assert (first.encoded, first.unchanged) == (5, 0)
    before = _grids(ShardSet.open(out))

    target = data / "rock" / "g1.mid"
    os.utime(target, ns=(1, os.stat(target).st_mtime_ns + 10**9))  # touched, same bytes
    touched = encode_corpus(data, out, model="drums", workers=1)
    assert (touched.encoded, touched.unchanged) == (0, 5)

    save_score(generate_groove(bars=6, seed=42), target)  # modified
    save_score(generate_groove(bars=2, seed=43), data / "new" / "added.mid")  # added
    (data / "funk" / "g0.mid").unlink()  # removed
    changed = encode_corpus(data, out, model="drums", workers=1)
    assert (changed.encoded, changed.unchanged, changed.removed) == (2, 3, 1)

    shards = ShardSet.open(out)
    after = _grids(shards)
    assert sorted(after) == sorted(set(before) - {"funk/g0.mid"} | {"new/added.mid"})
    assert after["rock/g1.mid"].shape[1] == 6 * 16 != before["rock/g1.mid"].shape[1]
    for path in set(before) & set(after) - {"rock/g1.mid"}:
        np.testing.assert_array_equal(after[path], before[path])
    assert changed.dead_steps == before["funk/g0.mid"].shape[1] + before["rock/g1.mid"].shape[1]

    rebuilt = encode_corpus(data, out, model="drums", workers=1, rebuild=True)
    assert (rebuilt.encoded, rebuilt.dead_steps, rebuilt.shards) == (5, 0, 1)
    assert sorted(p.name for p in out.iterdir()) == ["index.json", "shard-00002.npy", "shard-00002.seconds.npy"]


def test_tiny_shards_roll_over_and_two_workers_give_the_same_corpus(tmp_path: Path) -> None:
    data = _plain_corpus(tmp_path / "midi")
    one = encode_corpus(data, tmp_path / "one", model="drums", workers=1, shard_mb=0.005)
    two = encode_corpus(data, tmp_path / "two", model="drums", workers=2, shard_mb=0.005)
    assert one.shards >= 3 and two.shards >= 3
    a, b = ShardSet.open(tmp_path / "one"), ShardSet.open(tmp_path / "two")

    def placeless(s: ShardSet) -> list[object]:
        return [replace(f, shard=0, start=0) for f in s.files]

    assert placeless(a) == placeless(b)
    for fa, fb in zip(a.files, b.files):
        np.testing.assert_array_equal(a.grid(fa), b.grid(fb))
        np.testing.assert_array_equal(a.seconds(fa), b.seconds(fb))


def test_another_codec_is_refused_unless_rebuilding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _plain_corpus(tmp_path / "midi", n=1)
    out = tmp_path / "shards"
    assert main(["encode", str(data), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    assert "encoded 2, unchanged 0, removed 0, skipped 0" in capsys.readouterr().out

    assert main(["encode", str(data), "--out", str(out), "--model", "piano", "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "'drums' codec" in err and "--rebuild" in err
    assert ShardSet.open(out).codec_name == "drums"  # left as it was

    with pytest.raises(ParameterError):
        encode_corpus(data, out, model="piano", workers=1)
    encode_corpus(data, out, model="piano", workers=1, rebuild=True)
    assert ShardSet.open(out).codec_name == "piano" and ShardSet.open(out).channels == 264


def test_a_folder_with_other_files_is_not_written_into(tmp_path: Path) -> None:
    data = _plain_corpus(tmp_path / "midi", n=1)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(Exception, match="not a shard folder"):
        encode_corpus(data, tmp_path / "busy", model="drums", workers=1)
    assert sorted(p.name for p in (tmp_path / "busy").iterdir()) == ["notes.txt"]


def test_cli_bad_data_path_is_one_line_and_a_failure(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "sidl", "encode", str(tmp_path / "nope"), "--out", str(tmp_path / "s")],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0 and "nope" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "s").exists()
    with pytest.raises(DatasetError):
        encode_corpus(tmp_path / "nope", tmp_path / "s", model="drums", workers=1)


def test_cli_shows_progress_on_stderr_and_reports_json(tmp_path: Path) -> None:
    data = _plain_corpus(tmp_path / "midi", n=2)
    result = subprocess.run([sys.executable, "-m", "sidl", "encode", str(data), "--out", str(tmp_path / "s"),
                             "--workers", "1", "--json"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "encode" in result.stderr and "3/3" in result.stderr and "files/s" in result.stderr
    report = json.loads(result.stdout)
    assert report["encoded"] == 3 and report["files"] == 3 and report["shard_bytes"] > 0
