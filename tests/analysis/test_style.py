"""`sidl style`: features, input layouts, skipped files, CSV and PNG outputs, the CLI, real data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from sidl.bridge import dataset_index
from sidl.bridge.analysis import features as feats
from sidl.bridge.analysis import style, style_map
from sidl.cli import main
from sidl.bridge.codecs import Note, Score, TimeSignature, save_score
from sidl.bridge.engine import Engine
from sidl.bridge.errors import DatasetError, ParameterError
from sidl.bridge.grooves import generate_groove
from tests.conftest import write_gmd_like


def _piano_piece(path: Path, tonic: int, seed: int, bars: int = 2) -> Path:
    """A short scale-and-chord piece on one tonic (channel 1)."""
    rng = np.random.default_rng(seed)
    steps = [0, 2, 4, 5, 7, 9, 11, 12]
    notes = []
    for beat in range(4 * bars):
        pitch = 48 + tonic + steps[int(rng.integers(len(steps)))]
        notes.append(Note(float(beat), pitch, 70 + int(rng.integers(30)), beat + 0.9, 0))
        notes.append(Note(float(beat), pitch + 12, 60, beat + 0.5, 0))
    return save_score(Score(notes), path)


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="") as fh:
        return list(csv.reader(fh))


def _png_stats(path: Path) -> tuple[int, int, float]:
    from matplotlib.image import imread

    img = imread(str(path))
    return img.shape[1], img.shape[0], float(img[..., :3].var())


# ------------------------------------------------------------------------------------- features
def test_average_activity_and_histogram_known_values() -> None:
    code = np.zeros((3, 4))
    code[0, :] = 1.0
    code[1, 1] = 2.0
    assert np.allclose(feats.average_activity(code), [1.0, 0.5, 0.0])
    assert np.allclose(feats.active_histogram(code, n_bars=2), [2.0, 0.5, 0.0])  # activations per bar
    with pytest.raises(ParameterError, match="feature must be one of activity, histogram, got 'bogus'"):
        feats.model_feature(code, 2, "bogus")


def test_pitch_class_histogram_and_hit_density() -> None:
    grid = np.zeros((264, 8), np.float32)
    grid[60 - 21, 0] = grid[60 - 21, 4] = 1.0  # two C4 onsets
    grid[67 - 21, 2] = 1.0  # one G4
    grid[2 * 88 + 60 - 21, :] = 1.0  # holds do not count
    hist = feats.pitch_class_histogram(grid)
    assert hist.shape == (12,) and hist[0] == pytest.approx(2 / 3) and hist[7] == pytest.approx(1 / 3)
    drum = np.zeros((27, 32), np.float32)
    drum[0, ::4] = 1.0  # kick on every beat for two bars: 4 per bar
    drum[1, 4] = 1.0
    dens = feats.hit_density(drum, steps_per_bar=16)
    assert dens.shape == (9,) and dens[0] == pytest.approx(4.0) and dens[1] == pytest.approx(0.5)


# ------------------------------------------------------------------------------------- layouts
def test_index_layouts_and_labels(tmp_path: Path) -> None:
    gmd = write_gmd_like(tmp_path / "gmd", n_train=2, n_val=2, bars=1)
    idx = dataset_index.index(gmd, "validation")
    assert idx.layout == "gmd" and len(idx.items) == 2 and {"drummer", "style"} <= set(idx.label_columns())

    plain = tmp_path / "mymidi"
    save_score(generate_groove(bars=1, seed=1), plain / "artistA" / "x.mid")
    save_score(generate_groove(bars=1, seed=2), plain / "artistB" / "live" / "y.mid")
    save_score(generate_groove(bars=1, seed=3), plain / "z.mid")
    idx = dataset_index.index(plain)
    labels = {i.path.name: i.labels for i in idx.items}
    assert idx.layout == "folder"
    assert labels["x.mid"] == {"folder": "artistA", "top_folder": "artistA"}
    assert labels["y.mid"] == {"folder": "live", "top_folder": "artistB"}
    assert labels["z.mid"]["folder"] == "mymidi"

    listing = tmp_path / "list" / "pieces.csv"
    listing.parent.mkdir()
    listing.write_text("midi,artist,year\n../mymidi/z.mid,me,2020\n../mymidi/artistA/x.mid,you,2021\n")
    idx = dataset_index.index(listing)
    assert idx.layout == "csv" and [i.labels["artist"] for i in idx.items] == ["you", "me"]
    assert all(i.path.is_file() for i in idx.items)

    bad = tmp_path / "bad.csv"
    bad.write_text("file,artist\na.mid,x\n")
    with pytest.raises(DatasetError, match="'midi' or 'midi_filename' column"):
        dataset_index.index(bad)
    with pytest.raises(DatasetError, match="split must be one of"):
        dataset_index.index(plain, "test")


def test_models_datasets_reexports_the_moved_discovery() -> None:
    from sidl.models import datasets

    for name in ("MidiItem", "stable_fraction", "_derived_split", "discover", "_from_csv", "VALIDATION_SHARE"):
        assert getattr(datasets, name) is getattr(dataset_index, name)


def test_gmd_folder_main_style_csv_and_png(tmp_path: Path, drums: Engine) -> None:
    root = write_gmd_like(tmp_path / "gmd", n_train=7, n_val=3, bars=2)
    # a sub-style: counted under its main style, kept in full as style_full
    rows = _read_csv(root / "info.csv")
    rows[1][1] = "rock/halftime"
    with (root / "info.csv").open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    out_png, out_csv = tmp_path / "map.png", tmp_path / "f.csv"
    result = style.run(root, model=drums, out=out_png, features_csv=out_csv, metrics=True)
    rep = result.report
    assert rep["label"] == "style" and rep["label_counts"] == {"funk": 5, "rock": 5}
    assert "rock/halftime" in {i.labels["style_full"] for i in result.items}

    table = _read_csv(out_csv)
    assert table[0] == ["midi"] + [f"f{i}" for i in range(drums.info.atoms)]
    assert len(table) == 1 + 10 and table[1][0] == "drummer1/g0.mid"
    values = np.array([[float(v) for v in row[1:]] for row in table[1:]])
    assert np.allclose(values, result.features, rtol=1e-5, atol=1e-7) and (values >= 0).all()
    assert (values > 0).sum(axis=1).min() >= 1  # every piece has active atoms

    width, height, variance = _png_stats(out_png)
    assert 1000 < width < 2000 and 400 < height < 900 and variance > 1e-3
    assert out_png.stat().st_size < 300_000

    m = rep["metrics"]
    assert m["model"]["labels"] == {"funk": 5, "rock": 5} and m["baseline"]["items"] == 10
    assert 0.0 <= m["model"]["loo_1nn_accuracy"] <= 1.0 and -1.0 <= m["model"]["silhouette"] <= 1.0
    assert m["model"]["chance"] == {"majority": 0.5, "permutation": pytest.approx(40 / 90)}


def test_plain_folder_counts_and_lists_skipped_files(tmp_path: Path, drums: Engine) -> None:
    root = tmp_path / "mymidi"
    for i in range(3):
        save_score(generate_groove(bars=2, seed=i), root / "artistA" / f"a{i}.mid")
        save_score(generate_groove(bars=2, seed=10 + i, bpm=130), root / "artistB" / f"b{i}.mid")
    save_score(Score([Note(0.0, 36, 100, 0.25, 9)], time_signatures=[TimeSignature(0.0, 3, 4)]),
               root / "artistB" / "waltz.mid")
    (root / "artistA" / "broken.mid").write_bytes(b"MThd garbage")
    _piano_piece(root / "artistA" / "piano.mid", tonic=0, seed=0)
    result = style.run(root, model=drums, metrics=True, min_items=3)
    files = result.report["files"]
    assert files["listed"] == 9 and files["encoded"] == 6 and files["skipped"] == 3
    assert files["skipped_by_reason"] == {"unreadable": 1, "wrong_codec": 1, "unsupported_meter": 1}
    reasons = {s["midi"]: s["reason"] for s in files["skipped_files"]}
    assert reasons == {"artistA/broken.mid": "unreadable", "artistA/piano.mid": "wrong_codec",
                       "artistB/waltz.mid": "unsupported_meter"}
    assert all(s["message"] for s in files["skipped_files"])
    assert result.labels == ["artistA"] * 3 + ["artistB"] * 3
    assert result.report["metrics"]["model"]["labels"] == {"artistA": 3, "artistB": 3}
    text = style.format_report(result.report)
    assert "skipped 3" in text and "artistB/waltz.mid: unsupported_meter" in text


def test_csv_listing_with_piano_model_histogram_feature(tmp_path: Path, piano: Engine) -> None:
    lines = ["midi,composer,title"]
    for i in range(5):
        _piano_piece(tmp_path / "pieces" / f"c{i}.mid", tonic=0, seed=i)
        _piano_piece(tmp_path / "pieces" / f"fs{i}.mid", tonic=6, seed=i)
        lines += [f"pieces/c{i}.mid,InC,t{i}", f"pieces/fs{i}.mid,InFsharp,u{i}"]
    lines.append("pieces/missing.mid,InC,gone")
    listing = tmp_path / "list.csv"
    listing.write_text("\n".join(lines) + "\n")
    out_csv = tmp_path / "p.csv"
    result = style.run(listing, model=piano, feature="histogram", features_csv=out_csv, metrics=True,
                       compare=["InC", "InFsharp"])
    rep = result.report
    assert rep["layout"] == "csv" and rep["label"] == "composer" and rep["feature"] == "histogram"
    assert rep["files"]["skipped_by_reason"] == {"unreadable": 1}
    assert "no such file" in rep["files"]["skipped_files"][0]["message"]
    header = _read_csv(out_csv)[0]
    assert header == ["midi"] + [f"f{i}" for i in range(piano.info.atoms)]
    # histogram: atom activations per bar; the piano model keeps k per bar, so each row sums to ~k
    assert np.allclose(result.features.sum(axis=1), piano.info.k, rtol=0.35)
    # the baseline (pitch classes) separates C major from F# major perfectly
    assert rep["metrics"]["baseline"]["loo_1nn_accuracy"] == 1.0
    assert result.baseline.shape == (10, 12) and np.allclose(result.baseline.sum(axis=1), 1.0)
    assert rep["compare"]["model"]["items"] == {"InC": 5, "InFsharp": 5}


def test_split_max_files_and_label_errors(tmp_path: Path, drums: Engine) -> None:
    root = write_gmd_like(tmp_path / "gmd", n_train=6, n_val=3, bars=1)
    result = style.run(root, model=drums, split="validation", label="drummer")
    assert result.report["files"]["encoded"] == 3 and set(result.labels) == {"drummer1"}
    result = style.run(root, model=drums, max_files=4)
    assert result.report["files"] == {**result.report["files"], "listed": 9, "used": 4, "encoded": 4}
    assert result.names[0] == "drummer1/g0.mid" and result.names[-1] == "drummer1/g8.mid"  # spread, not first 4
    with pytest.raises(DatasetError, match="label column 'composer' not found.*available: drummer"):
        style.run(root, model=drums, label="composer")
    with pytest.raises(DatasetError, match="none of the 1 files"):
        lone = tmp_path / "lone"
        _piano_piece(lone / "p.mid", tonic=0, seed=0)
        style.run(lone, model=drums)


def test_projection_pca_and_umap_when_missing() -> None:
    rng = np.random.default_rng(0)
    x = np.abs(rng.normal(size=(12, 6)))
    xy, info = style_map.project(x, "pca")
    assert xy.shape == (12, 2) and info["method"] == "pca"
    assert 0 < info["explained_variance"][1] <= info["explained_variance"][0] <= 1
    assert np.allclose(xy, style_map.project(x, "pca")[0])  # deterministic signs
    try:
        import umap  # noqa: F401
    except ImportError:
        with pytest.raises(ParameterError, match="umap-learn"):
            style_map.project(x, "umap")


def test_cli_json_report_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_gmd_like(tmp_path / "gmd", n_train=5, n_val=5, bars=1)
    out_png, out_json, out_csv = tmp_path / "m.png", tmp_path / "r.json", tmp_path / "f.csv"
    code = main(["style", str(root), "--model", "drums", "--out", str(out_png), "--features", str(out_csv),
                 "--metrics", "--json", "--report", str(out_json), "--labels", "style"])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(out_json.read_text())
    assert printed["files"]["encoded"] == 10 and printed["outputs"]["map"] == str(out_png)
    assert printed["metrics"]["model"]["labels"] == {"funk": 5, "rock": 5}
    assert set(printed["timings"]) >= {"encode_s", "total_s"} and out_png.is_file() and out_csv.is_file()

    assert main(["style", str(root), "--model", "drums", "--metrics"]) == 0
    text = capsys.readouterr().out
    assert "| drums activity |" in text and "| per-class hit density |" in text and "LOO 1-NN" in text

    assert main(["style", str(root), "--model", "drums"]) == 2
    assert "nothing to do" in capsys.readouterr().err
    assert main(["style", str(tmp_path / "absent"), "--model", "drums", "--metrics"]) == 2
    assert "absent" in capsys.readouterr().err


# ------------------------------------------------------------------------------------- real data
@pytest.mark.data
def test_real_datasets_small(groove_dir: Path, piano_dir: Path, drums: Engine, piano: Engine, tmp_path: Path) -> None:
    res = style.run(groove_dir, model=drums, split="validation", max_files=16, metrics=True,
                    features_csv=tmp_path / "d.csv")
    files = res.report["files"]
    assert files["encoded"] + files["skipped"] == 16 and files["encoded"] >= 14
    assert res.features.shape == (files["encoded"], drums.info.atoms)
    assert all("/" not in lab for lab in res.labels)  # main styles
    res = style.run(piano_dir, model=piano, split="validation", max_files=4, out=tmp_path / "p.png")
    assert res.report["label"] == "composer" and res.features.shape == (4, piano.info.atoms)
    assert _png_stats(tmp_path / "p.png")[2] > 1e-3
