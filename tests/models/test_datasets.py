from __future__ import annotations

import csv
from pathlib import Path

import mido
import pytest

from sidl.bridge.codecs import DrumCodec, Note, Score, TimeSignature, save_score
from sidl.bridge.errors import DatasetError
from sidl.models.datasets import cut_windows, discover, encode_items, stable_fraction
from tests.conftest import write_gmd_like


def test_gmd_layout_filters_by_split(tmp_path: Path) -> None:
    root = write_gmd_like(tmp_path / "gmd", n_train=3, n_val=2, bars=2)
    train = discover(root, "train")
    val = discover(root, "validation")
    assert len(train) == 3 and len(val) == 2
    assert {i.labels["style"] for i in train} <= {"rock", "funk"}
    assert not {i.path for i in train} & {i.path for i in val}
    assert len(discover(root)) == 5


def test_unknown_split_names_the_available_ones(tmp_path: Path) -> None:
    root = write_gmd_like(tmp_path / "gmd", n_train=2, n_val=1, bars=1)
    with pytest.raises(DatasetError, match="test.*available: train, validation"):
        discover(root, "test")


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="does not exist"):
        discover(tmp_path / "absent", "train")


def test_metadata_layout_derives_a_stable_split(tmp_path: Path) -> None:
    root = tmp_path / "piano"
    rows = []
    for i in range(30):
        rel = f"midis/c{i % 3}/p{i}.mid"
        save_score(Score([Note(0.0, 60 + i % 12, 80, 1.0, 0)]), root / rel)
        rows.append({"composer": f"c{i % 3}", "title": f"p{i}", "year": "1800", "midi": rel, "duration": "1"})
    with (root / "metadata.csv").open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    val = discover(root, "validation")
    train = discover(root, "train")
    assert len(val) + len(train) == 30 and 0 < len(val) < 15
    assert discover(root, "validation") == val  # stable across calls
    assert val[0].labels["composer"].startswith("c")


def test_plain_folder_is_searched_recursively(tmp_path: Path) -> None:
    for i, sub in enumerate(["a", "a/b", "c"]):
        save_score(Score([Note(0.0, 36, 100, 0.25, 9)]), tmp_path / sub / f"f{i}.MID")
    (tmp_path / "notes.txt").write_text("not midi")
    assert len(discover(tmp_path)) == 3


def test_stable_fraction_is_deterministic_and_spread() -> None:
    values = [stable_fraction(f"file{i}") for i in range(1000)]
    assert values == [stable_fraction(f"file{i}") for i in range(1000)]
    assert 0.15 < sum(v < 0.2 for v in values) / 1000 < 0.25


def test_encode_counts_what_it_skips(tmp_path: Path) -> None:
    save_score(Score([Note(0.0, 36, 100, 0.25, 9), Note(1.0, 38, 90, 1.25, 9)]), tmp_path / "ok.mid")
    save_score(Score([Note(0.0, 36, 100, 0.25, 9)], time_signatures=[TimeSignature(0.0, 3, 4)]), tmp_path / "waltz.mid")
    (tmp_path / "broken.mid").write_bytes(b"MThd garbage")
    mido.MidiFile().save(str(tmp_path / "empty.mid"))
    encoded = encode_items(discover(tmp_path), DrumCodec())
    assert [i.path.name for i in encoded.items] == ["ok.mid"]
    assert encoded.skipped == {"unsupported_meter": 1, "unreadable_or_empty": 2}
    assert encoded.grids[0].shape == (27, 16)


def test_encode_cache_returns_identical_grids(tmp_path: Path) -> None:
    root = write_gmd_like(tmp_path / "gmd", n_train=2, n_val=1, bars=2)
    items = discover(root)
    first = encode_items(items, DrumCodec(), cache_dir=tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("*.npz"))) == 3
    second = encode_items(items, DrumCodec(), cache_dir=tmp_path / "cache")
    for a, b in zip(first.grids, second.grids):
        assert (a == b).all()


def test_cut_windows_pads_and_drops_silence() -> None:
    import numpy as np

    grid = np.zeros((27, 40), np.float32)
    grid[0, 0] = 1
    grid[0, 36] = 1
    windows = cut_windows([grid], window=16, hop=16, hit_rows=9)
    assert windows.shape == (2, 27, 16)  # the silent middle window is dropped, the last is padded
    assert windows[1, 0, 4] == 1
