"""`sidl code`: the code panel lists exactly the atoms active in the shown bars, over the input and
reconstruction rolls on one time axis in bars, for both shipped models; clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sidl.bridge.analysis import code_view as cv
from sidl.bridge.analysis import plotting
from sidl.cli import main
from sidl.bridge.codecs import Note, Score, TempoMap, TimeSignature, save_score
from sidl.bridge.engine import Engine
from sidl.bridge.errors import MidiFileError, ParameterError
from sidl.bridge.grooves import generate_groove


@pytest.fixture
def groove_file(tmp_path: Path) -> Path:
    return save_score(generate_groove(bars=6, seed=3), tmp_path / "groove.mid")


@pytest.fixture
def piano_file(tmp_path: Path) -> Path:
    rng = np.random.default_rng(1)
    notes = [Note(i * 0.5, int(rng.integers(55, 80)), 80, i * 0.5 + 0.4, 0) for i in range(40)]
    notes += [Note(b * 4.0, 43, 70, b * 4.0 + 3.5, 0) for b in range(5)]
    return save_score(Score(sorted(notes), TempoMap.constant(90.0), [TimeSignature(0.0, 4, 4)], 480, None),
                      tmp_path / "piano.mid")


def _labels(ticks: list) -> list[str]:
    return [t.get_text() for t in ticks]


def test_code_panel_lists_exactly_the_active_atoms(drums: Engine, groove_file: Path) -> None:
    view = cv.code_view(drums, groove_file, bars="2-5")
    grid = drums.codec.encode(generate_groove(bars=6, seed=3)).array
    code = drums.encode(grid)
    expected = np.flatnonzero(np.abs(code[:, 1:5]).sum(axis=1)).tolist()  # one column per bar
    assert view.active == expected and sorted(view.atoms) == expected
    assert (view.first_bar, view.end_bar, view.bars_total) == (1, 5, 6)
    assert view.input_grid.shape == view.reconstruction.shape == (27, 64)
    np.testing.assert_allclose(view.code, code[:, 1:5], atol=2e-3)  # the MIDI file rounds offsets to ticks
    np.testing.assert_allclose(view.column_centres, [1.5, 2.5, 3.5, 4.5])
    fig = cv.draw_code_view(drums, view)
    try:
        ax_code, ax_in, ax_out = fig.axes[:3]
        assert _labels(ax_code.get_yticklabels()) == [str(a) for a in view.atoms]
        assert _labels(ax_in.get_yticklabels()) == list(plotting.drum_names())
        assert _labels(ax_out.get_yticklabels()) == list(plotting.drum_names())
        assert ax_out.get_xlim() == (1.0, 5.0)
        assert _labels(ax_out.get_xticklabels()) == ["2", "3", "4", "5", "6"]  # bar numbers, 1-based
    finally:
        plotting.pyplot().close(fig)
    # order of first appearance: each row's first active column never decreases
    firsts = [int(np.flatnonzero(view.code[a])[0]) for a in view.atoms]
    assert firsts == sorted(firsts)
    per_bar = view.per_bar()
    assert [b["bar"] for b in per_bar] == [2, 3, 4, 5]
    assert all(len(b["atoms"]) <= drums.info.k for b in per_bar)


def test_top_and_budget(drums: Engine, groove_file: Path) -> None:
    full = cv.code_view(drums, groove_file, bars="all", k=2)
    assert all(len(b["atoms"]) <= 2 for b in full.per_bar()) and full.k == 2
    top = cv.code_view(drums, groove_file, bars="all", k=2, top=3)
    assert len(top.atoms) == 3 and top.active == full.active
    totals = {a: float(np.abs(full.code[a]).sum()) for a in full.active}
    assert min(totals[a] for a in top.atoms) >= sorted(totals.values(), reverse=True)[2] - 1e-6


def test_cli_pictures_for_both_models(tmp_path: Path, groove_file: Path, piano_file: Path, piano: Engine,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    import matplotlib.image as mpimg

    for model, path in (("drums", groove_file), ("piano", piano_file)):
        png = tmp_path / f"code-{model}.png"
        assert main(["code", str(path), "--model", model, "--out", str(png)]) == 0
        out = capsys.readouterr().out
        assert "atoms active" in out and f"wrote {png}" in out
        assert png.is_file() and 10_000 < png.stat().st_size < 300_000
        img = mpimg.imread(png)
        assert 500 <= img.shape[0] <= 2200 and 600 <= img.shape[1] <= 1900, img.shape
        assert img[..., :3].std() > 0.05
    view = cv.code_view(piano, piano_file, bars="1-3")
    assert view.columns == (0, 24) and view.input_grid.shape == (264, 96)  # 8 columns per 4-beat bar
    fig = cv.draw_code_view(piano, view)
    try:
        names = _labels(fig.axes[1].get_yticklabels())
        assert names and all(n[0] in "CDEFGAB" for n in names)
        assert "G2" in _labels(fig.axes[1].get_yticklabels()) or int(fig.axes[1].get_ylim()[0] + 0.5) <= 43
    finally:
        plotting.pyplot().close(fig)
    assert main(["code", str(piano_file), "--model", "piano", "--bars", "2", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["bars"] == [2, 2] and report["atoms_per_bar"] == piano.info.k
    assert sorted(report["shown_atoms"]) == report["active_atoms"]


def test_parse_bars() -> None:
    assert cv.parse_bars(None, 40) == (0, 16)
    assert cv.parse_bars(None, 5) == (0, 5)
    assert cv.parse_bars("all", 40) == (0, 40)
    assert cv.parse_bars("5-12", 40) == (4, 12)
    assert cv.parse_bars("9", 40) == (8, 9)
    assert cv.parse_bars("30-99", 40) == (29, 40)
    for bad in ("0-3", "5-2", "x", "1-y"):
        with pytest.raises(ParameterError, match="--bars"):
            cv.parse_bars(bad, 40)
    with pytest.raises(ParameterError, match="only 40 bars"):
        cv.parse_bars("41-42", 40)


def test_clear_errors(tmp_path: Path, drums: Engine, groove_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake = tmp_path / "fake.mid"
    fake.write_text("not midi")
    with pytest.raises(MidiFileError, match="fake.mid"):
        cv.code_view(drums, fake)
    assert main(["code", str(fake), "--out", str(tmp_path / "x.png")]) == 2
    assert "fake.mid" in capsys.readouterr().err and not (tmp_path / "x.png").exists()
    assert main(["code", str(tmp_path / "missing.mid")]) == 2
    assert "no such file" in capsys.readouterr().err
    with pytest.raises(ParameterError, match="--top"):
        cv.code_view(drums, groove_file, top=0)
