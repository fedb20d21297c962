"""`sidl index` + `sidl similar --index`: the same answers as the folder search, incremental updates,
the query's own section never a result, clear one-line errors, and the ANN wrapper's recall."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from sidl.bridge.analysis import similar
from sidl.bridge.codecs import save_score
from sidl.bridge.engine import Engine
from sidl.bridge.errors import DatasetError, ModelError, ParameterError
from sidl.bridge.grooves import generate_groove
from sidl.bridge.library.backend import build_ann, default_params
from sidl.bridge.library.build import build_library, project, random_projection
from sidl.bridge.library.search import search_library
from sidl.bridge.library.store import open_library
from sidl.cli import main
from tests.analysis.test_similar import piano_piece

pytest.importorskip("faiss")


def _rows(result: similar.SimilarResult) -> list[tuple[str, int, float, int, bool]]:
    return [(m.file, m.start_bar, m.similarity, m.shift_columns, m.query_file) for m in result.matches]


def grooves(folder: Path, n: int = 12, bars: int = 8) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        sub = folder / ("a" if i % 2 else "b")
        sub.mkdir(exist_ok=True)
        save_score(generate_groove(bars=bars, seed=i, bpm=90.0 + i), sub / f"g{i:02d}.mid")
    return folder


@pytest.fixture(scope="module")
def drum_library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("drumlib")
    folder = grooves(root / "grooves")
    build_library(folder, root / "lib", model="drums", provider="cpu", bars=2, workers=1)
    return folder, root / "lib"


@pytest.mark.parametrize("shift,per_file,start", [(0, 1, 1), (1, 0, 3), (2, 2, 5)])
def test_indexed_search_gives_the_folder_search_answers(drum_library: tuple[Path, Path], drums: Engine,
                                                        shift: int, per_file: int, start: int) -> None:
    folder, lib = drum_library
    library = open_library(lib)
    query = folder / "a" / "g03.mid"  # inside the folder: its own overlapping sections are left out
    exact = similar.find_similar(drums, query, folder, top=10, bars=2, start_bar=start, shift=shift, per_file=per_file)
    indexed = search_library(drums, library, query, top=10, start_bar=start, shift=shift, per_file=per_file)
    reference = search_library(drums, library, query, top=10, start_bar=start, shift=shift, per_file=per_file,
                               exact=True)
    assert _rows(indexed) == _rows(exact) == _rows(reference)
    assert indexed.files_searched == exact.files_searched == 12
    own = [m for m in indexed.matches if m.query_file]
    assert all(m.end_bar < start or m.start_bar > start + 1 for m in own), "a section overlapping the query"
    outside = save_score(generate_groove(bars=4, seed=3, bpm=120.0), lib.parent / "outside.mid")
    a = similar.find_similar(drums, outside, folder, top=5, bars=2, start_bar=2)
    b = search_library(drums, library, outside, top=5, start_bar=2)
    assert _rows(a) == _rows(b) and b.matches[0].similarity > 0.999  # the same groove's bars are in the folder


def test_dictionary_metric_and_half_beat_shift_on_piano(tmp_path: Path, piano: Engine) -> None:
    folder = tmp_path / "piano"
    folder.mkdir()
    for seed in range(5):
        save_score(piano_piece(6, seed), folder / f"p{seed}.mid")
    query = save_score(piano_piece(3, 2), tmp_path / "q.mid")
    build_library(folder, tmp_path / "lib", model="piano", provider="cpu", metric="dictionary", bars=2, workers=1)
    library = open_library(tmp_path / "lib")
    for shift in (0, 1):
        exact = similar.find_similar(piano, query, folder, top=6, bars=2, shift=shift, per_file=0, metric="dictionary")
        assert _rows(search_library(piano, library, query, top=6, shift=shift, per_file=0)) == _rows(exact)
    with pytest.raises(ParameterError, match="compares by 'dictionary'"):
        search_library(piano, library, query, metric="code")
    with pytest.raises(ParameterError, match="sections of 2 bars"):
        search_library(piano, library, query, bars=3)


def test_incremental_update_encodes_only_what_changed(tmp_path: Path, drums: Engine) -> None:
    folder = grooves(tmp_path / "grooves", n=6)
    lib = tmp_path / "lib"
    first = build_library(folder, lib, model="drums", provider="cpu", bars=2, workers=1)
    assert (first.encoded, first.files) == (6, 6)
    again = build_library(folder, lib, model="drums", provider="cpu", bars=2, workers=1)
    assert again.up_to_date and again.encoded == 0
    os.utime(folder / "a" / "g01.mid", ns=(1, 1))  # touched, same bytes: not re-encoded
    query = save_score(generate_groove(bars=6, seed=77, bpm=100.0), tmp_path / "q.mid")
    shutil.copy(query, folder / "new.mid")  # holds the query's bars
    save_score(generate_groove(bars=8, seed=50), folder / "b" / "g02.mid")  # changed
    (folder / "a" / "g03.mid").unlink()  # removed
    update = build_library(folder, lib, model="drums", provider="cpu", bars=2, workers=2)
    assert (update.encoded, update.removed, update.unchanged, update.files) == (2, 1, 4, 6)
    library = open_library(lib)
    assert sorted(f.path for f in library.files) == sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*.mid"))
    assert [p.name for p in lib.iterdir() if p.name.startswith("windows-")] == ["windows-1.npy"]  # old generation gone
    result = search_library(drums, library, query, top=3)
    assert result.matches[0].file == "new.mid" and result.matches[0].similarity > 0.999
    assert _rows(result) == _rows(similar.find_similar(drums, query, folder, top=3, bars=2))
    with pytest.raises(ParameterError, match="--rebuild"):
        build_library(folder, lib, model="drums", provider="cpu", bars=4, workers=1)


def test_cli_index_and_similar_index(drum_library: tuple[Path, Path], tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    folder, _ = drum_library
    lib = tmp_path / "cli-lib"
    assert main(["index", str(folder), "--out", str(lib), "--bars", "2", "--workers", "1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["files"] == 12 and report["encoded"] == 12 and report["windows"] > 0
    query = str(folder / "b" / "g04.mid")
    assert main(["similar", query, "--index", str(lib), "--top", "4", "--json"]) == 0
    indexed = json.loads(capsys.readouterr().out)
    assert main(["similar", query, str(folder), "--bars", "2", "--top", "4", "--json"]) == 0
    exact = json.loads(capsys.readouterr().out)
    assert indexed["matches"] == exact["matches"]
    assert main(["similar", query, "--index", str(lib), "--top", "2"]) == 0
    assert "rank" in capsys.readouterr().out
    assert main(["index", str(folder), "--out", str(lib), "--bars", "2", "--quiet"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_bad_library_and_another_model_are_one_line(drum_library: tuple[Path, Path], tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    folder, lib = drum_library
    query = str(folder / "a" / "g01.mid")
    assert main(["similar", query, "--index", str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err.strip() == (f"sidl similar: error: {tmp_path / 'nowhere'}: no such library folder; "
                                               f"build one with `sidl index DIR --out {tmp_path / 'nowhere'}`")
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "library.json").write_text('{"format": "something else"}')
    assert main(["similar", query, "--index", str(tmp_path / "junk")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a sidl library" in err
    assert main(["similar", query, "--index", str(lib), "--model", "seed-drums"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "was built with model 'drums'" in err and "seed-drums" in err
    assert main(["similar", query, str(folder), "--index", str(lib)]) == 2
    assert "not both" in capsys.readouterr().err
    with pytest.raises(DatasetError, match="damaged"):
        broken = tmp_path / "broken"
        shutil.copytree(lib, broken)
        next(broken.glob("ann-*")).unlink()
        open_library(broken)
    with pytest.raises(ModelError):
        open_library(lib).check_model("other", "0" * 64)


def test_index_without_the_search_extra_is_one_line(tmp_path: Path) -> None:
    grooves(tmp_path / "g", n=1, bars=4)
    script = textwrap.dedent(f"""
        import sys
        sys.modules["faiss"] = None
        from sidl.cli import main
        sys.exit(main(["index", "g", "--out", "lib"]))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 2
    assert done.stderr == "sidl index needs the [search] extra: pip install 'sidl[search]'\n"
    assert not (tmp_path / "lib" / "library.json").exists()


def test_ann_recall_against_exact_search_on_random_vectors() -> None:
    rng = np.random.default_rng(0)
    data = rng.standard_normal((4000, 64)).astype(np.float32)  # no structure: the hard case for a graph
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    queries = data[rng.choice(len(data), 100, replace=False)] + 0.3 * rng.standard_normal((100, 64)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    index = build_ann(data, default_params(), threads=2)
    assert index.count == len(data) and index.dims == 64
    exact = np.argsort(-(queries @ data.T), axis=1)[:, :10]
    found = [index.search(q, 10) for q in queries]
    assert all(len(f) == 10 for f in found)
    recall = np.mean([len(set(f) & set(e)) / 10 for f, e in zip(found, exact)])
    assert recall >= 0.95
    # what a library does with it: normalised random projections, searched the same way
    projected = project(np.abs(data), random_projection(64, 32))
    assert np.allclose(np.linalg.norm(projected, axis=1), 1.0, atol=1e-5)


def test_bench_library_reports_latency_and_full_recall_on_a_small_library(
        drum_library: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sidl.bridge.library.bench import augment_library

    _, lib = drum_library
    big = tmp_path / "big"
    figures = augment_library(lib, big, files=30, quiet=True)
    assert figures["files"] == 30 and len(open_library(big).files) == 30
    out = tmp_path / "bench.json"
    assert main(["bench", "library", "--index", str(big), "--queries", "4", "--shifts", "0,1", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert json.loads(capsys.readouterr().out) == report
    assert report["files"] == 30 and [r["shift"] for r in report["results"]] == [0, 1]
    for r in report["results"]:
        assert r["queries"] == 4 and r["recall_at_10"] == 1.0 and r["search"]["p50_ms"] > 0
