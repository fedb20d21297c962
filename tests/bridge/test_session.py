"""TOML session files: round trip, flags win, scenes bound to their model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sidl.bridge.errors import ParameterError
from sidl.bridge.live.session import load_session, save_session, scene_bars_from, scenes_from


def test_round_trip_keeps_settings_and_sparse_scenes(tmp_path: Path) -> None:
    code = np.zeros((16, 2), np.float32)
    code[3, 0], code[9, 1] = 1.25, 0.5
    path = save_session(tmp_path / "s.toml", {"model": "drums", "bpm": 96.0, "mode": "filter", "out": "Drum Rack",
                                              "channel": None}, {2: code}, "abc")
    session = load_session(path)
    assert session["settings"] == {"model": "drums", "bpm": 96.0, "mode": "filter", "out": "Drum Rack"}
    np.testing.assert_array_equal(scenes_from(session, 16, 2, "abc")[2], code)
    with pytest.raises(ParameterError, match="another model's weights"):
        scenes_from(session, 16, 2, "other")
    with pytest.raises(ParameterError, match="outside the model's code"):
        scenes_from(session, 4, 2, "abc")


def test_scenes_keep_the_bar_they_were_played_as(tmp_path: Path) -> None:
    """A scene stored from play comes back from the session with its bar (so it plays with the feel
    it was played with); a scene saved without one, or of another grid, is told apart."""
    code = np.zeros((16, 1), np.float32)
    code[3, 0] = 1.0
    bar = np.zeros((27, 16), np.float32)
    bar[0, 0], bar[9, 0], bar[18, 0] = 1.0, 0.81, -0.12  # a kick, its velocity, a little early
    bar[2, 6], bar[11, 6], bar[20, 6] = 1.0, 0.33, 0.2
    path = save_session(tmp_path / "s.toml", {"mode": "loop"}, {1: code, 2: code}, "abc", bars={1: bar})
    session = load_session(path)
    bars = scene_bars_from(session, 27, 16)
    assert set(bars) == {1}  # scene 2 was stored as a code only
    np.testing.assert_allclose(bars[1], bar, atol=1e-6)
    with pytest.raises(ParameterError, match="reads bars of"):
        scene_bars_from(session, 264, 32)


def test_feel_round_trips(tmp_path: Path) -> None:
    save_session(tmp_path / "s.toml", {"mode": "loop", "feel": 0.25}, {}, "sha")
    assert load_session(tmp_path / "s.toml")["settings"] == {"mode": "loop", "feel": 0.25}


def test_bad_files_are_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("[settings]\nvolume = 11\n")
    with pytest.raises(ParameterError, match="unknown setting\\(s\\) \\['volume'\\]"):
        load_session(tmp_path / "bad.toml")
    (tmp_path / "broken.toml").write_text("[settings\n")
    with pytest.raises(ParameterError, match="not valid TOML"):
        load_session(tmp_path / "broken.toml")
    with pytest.raises(ParameterError, match="does not exist"):
        load_session(tmp_path / "missing.toml")


def test_sidl_run_restores_and_saves_a_session(jack_server: object, tmp_path: Path) -> None:
    from sidl.bridge.engine import Engine

    sha = Engine.load("drums", provider="cpu").info.weights_sha256
    scene = np.zeros((1024, 1), np.float32)
    scene[7, 0] = 2.0
    save_session(tmp_path / "in.toml", {"mode": "filter", "bpm": 90.0, "denoise": 0.4, "feel": 0.3, "osc_port": 0},
                 {3: scene}, sha)
    done = subprocess.run([sys.executable, "-m", "sidl", "run", "--backend", "jack", "--json", "--bpm", "100",
                           "--channel", "10",
                           "--session", str(tmp_path / "in.toml"), "--save-session", str(tmp_path / "out.toml"),
                           "--seconds", "0.5"], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert done.returncode == 0, done.stderr[-1500:]
    ready = json.loads(done.stdout.split("sidl: ready ", 1)[1].splitlines()[0])
    assert ready["bpm"] == 100.0  # the flag wins over the file
    assert ready["session"]["scenes"] == [3]
    saved = load_session(tmp_path / "out.toml")
    assert saved["settings"]["mode"] == "filter" and saved["settings"]["denoise"] == 0.4
    assert saved["settings"]["feel"] == 0.3  # no --feel flag: the file's feel ran, and is saved
    assert saved["settings"]["channel"] == 10  # counted 1..16 in the file, as on the command line
    np.testing.assert_array_equal(scenes_from(saved, 1024, 1, sha)[3], scene)
