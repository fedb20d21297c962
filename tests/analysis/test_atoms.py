"""`sidl atoms`: pictures of the most used atoms in usage order (the training statistics), each atom
as a MIDI file that decodes back to its grid, usage measured on a folder when a model has none."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from sidl.bridge.analysis import atoms as atoms_mod
from sidl.cli import main
from sidl.bridge.codecs import load_score, save_score
from sidl.bridge.engine import Engine
from sidl.bridge.errors import ModelError, ParameterError
from sidl.bridge.grooves import generate_groove
from sidl.bridge.ops import AtomStats


def assert_picture(path: Path, *, min_px: tuple[int, int], max_px: tuple[int, int]) -> np.ndarray:
    """A PNG that exists, is within the size range (height, width) and is not blank."""
    import matplotlib.image as mpimg

    assert path.is_file() and path.stat().st_size > 5_000
    assert path.stat().st_size < 600_000
    img = mpimg.imread(path)
    h, w = img.shape[:2]
    assert min_px[0] <= h <= max_px[0] and min_px[1] <= w <= max_px[1], (h, w)
    rgb = img[..., :3]
    assert rgb.std() > 0.03, "picture is blank"
    assert (rgb.min(axis=2) < 0.9).mean() > 0.02, "picture is almost all white"
    return img


def stats_order(engine: Engine) -> tuple[np.ndarray, AtomStats]:
    stats = AtomStats.from_dict(engine.info.extra["atom_stats"])
    order = sorted(range(stats.atoms), key=lambda a: (-stats.frequency[a], a))
    return np.array(order), stats


@pytest.mark.parametrize("model", ["drums", "piano"])
def test_cli_picture_index_and_midi_in_usage_order(model: str, tmp_path: Path, request: pytest.FixtureRequest,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    engine: Engine = request.getfixturevalue(model)
    png, midi = tmp_path / "atoms.png", tmp_path / "midi"
    assert main(["atoms", "--model", model, "--top", "16", "--out", str(png), "--midi", str(midi)]) == 0
    text = capsys.readouterr().out
    assert "training split" in text and "wrote picture" in text
    assert_picture(png, min_px=(250, 700), max_px=(1400, 2400))

    order, stats = stats_order(engine)
    index = json.loads((midi / "index.json").read_text())
    assert index["model"] == model and "training split" in index["usage"]
    listed = index["atoms"]
    assert [e["rank"] for e in listed] == list(range(1, 17))
    assert [e["atom"] for e in listed] == order[:16].tolist()
    freqs = [e["frequency"] for e in listed]
    assert freqs == sorted(freqs, reverse=True)
    np.testing.assert_allclose(freqs, stats.frequency[order[:16]], atol=1e-6)
    for e in listed:
        assert e["strength"] == pytest.approx(float(np.exp(stats.log_mean[e["atom"]])), rel=1e-4)
        if e["file"] is not None:
            assert e["file"] == f"rank-{e['rank']:03d}-atom-{e['atom']:04d}.mid"
            assert (midi / e["file"]).is_file()
    written = sorted(p.name for p in midi.glob("*.mid"))
    assert written == sorted(e["file"] for e in listed if e["file"])
    assert len(written) >= 8, "most of the top atoms play something alone"


@pytest.mark.parametrize("model", ["drums", "piano"])
def test_atom_midi_decodes_back_to_the_atom(model: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    engine: Engine = request.getfixturevalue(model)
    usage = atoms_mod.atom_usage(engine)
    ranked = atoms_mod.ranked_atoms(engine, usage, 24)
    index = json.loads(atoms_mod.write_atom_midi(engine, ranked, tmp_path, usage_source=usage.source).read_text())
    kernel, third = engine.info.kernel, engine.info.in_channels // 3
    checked = 0
    for entry in index["atoms"]:
        if entry["file"] is None:
            continue
        score = load_score(tmp_path / entry["file"])
        if model == "drums":
            assert {n.channel for n in score.notes} == {9}, "drum atoms are written on channel 10"
        else:
            assert {n.channel for n in score.notes} == {0}
        back = engine.codec.encode(score, n_steps=kernel).array
        # the atom alone at the strength the file was written with
        grid = atoms_mod.atom_grids(engine, np.array([entry["atom"]]), np.array([entry["strength_written"]]))[0]
        played = grid[:third] > 0.5
        np.testing.assert_array_equal(back[:third] > 0.5, played)
        np.testing.assert_allclose(back[third : 2 * third][played], np.clip(grid[third : 2 * third][played], 1 / 127, 1),
                                   atol=0.5 / 127 + 1e-4)
        if model == "drums":
            offsets = np.clip(grid[2 * third :][played], -0.5, 0.5)
            offsets[np.nonzero(played)[1] == 0] = np.maximum(offsets[np.nonzero(played)[1] == 0], 0.0)  # t < 0 -> 0
            np.testing.assert_allclose(back[2 * third :][played], offsets, atol=0.01)
        checked += 1
    assert checked >= 10


def test_pictures_of_both_models_fit_the_readme(tmp_path: Path, drums: Engine, piano: Engine) -> None:
    for engine, px in ((drums, (500, 1500)), (piano, (600, 1300))):
        usage = atoms_mod.atom_usage(engine)
        path = atoms_mod.plot_atoms(engine, atoms_mod.ranked_atoms(engine, usage, 32), tmp_path / f"{engine.info.name}.png",
                                    usage_source=usage.source)
        assert path.stat().st_size < 300_000
        assert_picture(path, min_px=(px[0], px[1]), max_px=(px[0] + 600, 2200))


def test_model_without_statistics_says_so_and_measures_on_a_folder(tmp_path: Path, drums: Engine) -> None:
    bare = copy.copy(drums)
    bare.info = dataclasses.replace(drums.info, extra={})
    with pytest.raises(ModelError, match="no atom statistics.*--data"):
        atoms_mod.atom_usage(bare)
    folder = tmp_path / "grooves"
    for seed in range(3):
        save_score(generate_groove(bars=4, seed=seed), folder / f"g{seed}.mid")
    usage = atoms_mod.atom_usage(bare, data=folder)
    assert "3 files of" in usage.source
    used = set()
    for seed in range(3):
        grid = drums.codec.encode(generate_groove(bars=4, seed=seed)).array
        used |= set(np.flatnonzero(np.abs(drums.encode(grid)).sum(axis=1)).tolist())
    assert set(np.flatnonzero(usage.frequency).tolist()) == used
    assert usage.frequency.max() <= 1.0
    ranked = atoms_mod.ranked_atoms(bare, usage, 5)
    assert ranked[0].frequency == usage.frequency.max()


def test_clear_errors(tmp_path: Path, drums: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    for bad in ("0", "-3", "many"):
        with pytest.raises(ParameterError, match="--top"):
            atoms_mod.parse_top(bad, 1024)
    assert atoms_mod.parse_top("all", 1024) == 1024 and atoms_mod.parse_top("5000", 1024) == 1024
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["atoms", "--model", "drums", "--data", str(empty)]) == 2
    assert "no .mid or .midi files" in capsys.readouterr().err
    assert main(["atoms", "--model", str(tmp_path / "nowhere")]) == 2
    assert "nowhere" in capsys.readouterr().err
    assert main(["atoms", "--model", "drums", "--split", "train"]) == 2
    assert "--split needs --data" in capsys.readouterr().err
