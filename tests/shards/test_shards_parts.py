"""The shard format's building blocks: the manifest, the process pool, the progress bar, the reader."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import numpy as np
import pytest

from sidl.bridge.errors import DatasetError, ParameterError
from sidl.bridge.progress import ProgressBar, format_duration
from sidl.bridge.shards.manifest import FileStamp, plan, stamp
from sidl.bridge.shards.pool import parallel_map
from sidl.bridge.shards.store import ShardSet
from sidl.bridge.shards.writer import ShardWriter


def _double_or_fail(x: int) -> int:
    if x == 3:
        raise ValueError("three is refused")
    return 2 * x


def _double_or_die(x: int) -> int:
    if x == 5:
        os._exit(7)  # a worker process killed mid-item (a segfault in a library looks the same)
    return 2 * x


# ----------------------------------------------------------------------------------------- manifest
def test_plan_sorts_files_into_new_changed_unchanged_removed(tmp_path: Path) -> None:
    for name in ("a", "b", "c", "d"):
        (tmp_path / f"{name}.mid").write_bytes(name.encode() * 10)
    before = {s.path: s for s in (stamp(tmp_path / f"{n}.mid", tmp_path) for n in ("a", "b", "c"))}
    before["gone.mid"] = FileStamp("gone.mid", 1, 1, "00")

    (tmp_path / "b.mid").write_bytes(b"B" * 10)  # same size, new bytes, new mtime
    os.utime(tmp_path / "b.mid", ns=(1, 2_000_000_000))
    a_stat = os.stat(tmp_path / "a.mid")
    os.utime(tmp_path / "c.mid", ns=(1, a_stat.st_mtime_ns + 10**9))  # touched: same bytes, new mtime

    result = plan(sorted(tmp_path.glob("*.mid")), tmp_path, before)

    assert [s.path for s in result.new] == ["d.mid"]
    assert [s.path for s in result.changed] == ["b.mid"]
    assert [s.path for s in result.unchanged] == ["a.mid", "c.mid"]
    assert result.removed == ["gone.mid"]
    assert [s.path for s in result.to_encode] == ["b.mid", "d.mid"]
    assert result.unchanged[1].mtime_ns == a_stat.st_mtime_ns + 10**9  # the new stamp is what gets stored


def test_plan_trusts_size_and_mtime_without_reading(tmp_path: Path) -> None:
    f = tmp_path / "x.mid"
    f.write_bytes(b"one")
    old = stamp(f, tmp_path)
    f.write_bytes(b"two")  # same size; mtime put back: only a hash could tell, and none is taken
    os.utime(f, ns=(old.mtime_ns, old.mtime_ns))
    assert [s.path for s in plan([f], tmp_path, {"x.mid": old}).unchanged] == ["x.mid"]


# ----------------------------------------------------------------------------------------- pool
def test_pool_in_process_reports_a_failing_item_and_progress() -> None:
    seen: list[tuple[int, int]] = []
    outcomes = list(parallel_map(_double_or_fail, [1, 2, 3, 4], workers=1, progress=lambda d, t: seen.append((d, t))))
    assert [(o.item, o.value, o.ok) for o in outcomes] == [(1, 2, True), (2, 4, True), (3, None, False), (4, 8, True)]
    assert outcomes[2].error == "ValueError: three is refused"
    assert seen[0] == (0, 4) and seen[-1] == (4, 4)


def test_pool_survives_a_dying_worker_and_names_only_its_item() -> None:
    items = list(range(12))
    outcomes = {o.item: o for o in parallel_map(_double_or_die, items, workers=2)}
    assert sorted(outcomes) == items
    assert not outcomes[5].ok and "died" in (outcomes[5].error or "")
    assert all(outcomes[i].ok and outcomes[i].value == 2 * i for i in items if i != 5)


def test_pool_refuses_a_bad_worker_count() -> None:
    with pytest.raises(ParameterError, match="workers"):
        list(parallel_map(_double_or_fail, [1], workers=0))


# ----------------------------------------------------------------------------------------- progress
class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_redraws_one_line() -> None:
    stream = _Tty()
    bar = ProgressBar("encode", stream=stream)
    for done in range(0, 101):
        bar(done, 100)
    bar.close()
    text = stream.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")
    assert "\r" in text and "100/100" in text and "files/s" in text


def test_progress_in_a_log_writes_few_lines_and_quiet_writes_none() -> None:
    stream = io.StringIO()
    bar = ProgressBar("encode", stream=stream)
    for done in range(0, 1001):
        bar(done, 1000)
    bar.close()
    lines = stream.getvalue().splitlines()
    assert 1 <= len(lines) <= 3 and "1,000/1,000" in lines[-1]
    silent = io.StringIO()
    quiet = ProgressBar("encode", stream=silent, enabled=False)
    quiet(5, 10)
    quiet.close()
    assert silent.getvalue() == ""
    assert format_duration(3725) == "1:02:05" and format_duration(float("inf")) == "?"


# ----------------------------------------------------------------------------------------- store
def test_a_folder_without_an_index_is_refused_by_name(tmp_path: Path) -> None:
    assert not ShardSet.is_shard_folder(tmp_path)
    with pytest.raises(DatasetError, match=str(tmp_path.name)):
        ShardSet.open(tmp_path)
    (tmp_path / "index.json").write_text(json.dumps({"format": "something-else"}))
    assert not ShardSet.is_shard_folder(tmp_path)
    with pytest.raises(DatasetError, match="not a shard index"):
        ShardSet.open(tmp_path)


def test_writer_rolls_over_and_shards_load_as_npy(tmp_path: Path) -> None:
    writer = ShardWriter(tmp_path, channels=3, dtype="float32", max_bytes=3 * 4 * 10, first_number=4)
    grids = [np.arange(3 * n, dtype=np.float32).reshape(n, 3) + n for n in (4, 5, 20, 1)]
    places = [writer.append(g, np.full(g.shape[0], 0.125, np.float32)) for g in grids]
    shards = writer.close()
    assert places == [("shard-00004.npy", 0), ("shard-00004.npy", 4), ("shard-00005.npy", 0), ("shard-00006.npy", 0)]
    assert [s.steps for s in shards] == [9, 20, 1]
    first = np.load(tmp_path / "shard-00004.npy")
    np.testing.assert_array_equal(first[4:9], grids[1])
    np.testing.assert_array_equal(np.load(tmp_path / "shard-00005.npy", mmap_mode="r"), grids[2])
    assert np.load(tmp_path / "shard-00004.seconds.npy").shape == (9,)
    assert not list(tmp_path.glob(".*"))  # no partial file left
