"""The tempo range, the modes and the clock sources have one owner (bridge.live.limits) that every
user reads; a performer's tempo is clamped (as the OSC table documents), a setting's is refused."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from sidl.bridge.errors import ParameterError
from sidl.bridge.live.clock import CLOCK, START, MidiClock
from sidl.bridge.live.limits import CLOCKS, DEFAULT_BPM, MAX_BPM, MIN_BPM, MODES, check_bpm
from sidl.bridge.live.osc_table import BY_PATH, validate
from sidl.bridge.live.run_args import add_arguments
from sidl.bridge.live.session import load_session


def _flags() -> dict[str, argparse.Action]:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return {a.dest: a for a in parser._actions}


def test_every_user_reads_the_one_owner() -> None:
    tempo_args = [arg for a in BY_PATH.values() for arg in a.args if arg.name == "bpm"]
    assert len(tempo_args) == 3 and all((arg.low, arg.high) == (MIN_BPM, MAX_BPM) for arg in tempo_args)
    assert BY_PATH["/sidl/mode"].args[0].choices == MODES
    assert BY_PATH["/sidl/clock"].args[0].choices == CLOCKS
    flags = _flags()
    assert tuple(flags["mode"].choices) == MODES and tuple(flags["clock"].choices) == CLOCKS
    assert flags["bpm"].default == DEFAULT_BPM


def test_a_performers_tempo_is_clamped_and_a_settings_refused(tmp_path: Path) -> None:
    values, notes = validate("/sidl/tempo", [1000.0])
    assert values == [MAX_BPM] and "clamped to 400.0" in notes[0]
    with pytest.raises(ParameterError, match="tempo must be a number of BPM within 20..400, got 1000"):
        check_bpm(1000)
    (tmp_path / "fast.toml").write_text("[settings]\nbpm = 1000.0\n")
    with pytest.raises(ParameterError, match=r"fast.toml: bpm must be a number of BPM within 20..400, got 1000.0"):
        load_session(tmp_path / "fast.toml")
    (tmp_path / "jam.toml").write_text('[settings]\nmode = "jam"\n')
    with pytest.raises(ParameterError, match=r"jam.toml: mode must be one of loop, filter, generate, got 'jam'"):
        load_session(tmp_path / "jam.toml")


def test_sidl_run_refuses_a_tempo_out_of_range_before_starting_anything(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from sidl.cli import main

    # a MIDI clock does not use --bpm, but a tempo nobody can play is still a mistake worth naming
    assert main(["run", "--clock", "midi", "--bpm", "1000", "--model", str(tmp_path / "absent")]) == 2
    assert "--bpm must be a number of BPM within 20..400, got 1000.0" in capsys.readouterr().err


def test_a_measured_midi_tempo_is_clamped_into_the_range() -> None:
    clock = MidiClock(now=lambda: 0.0)
    clock.feed(START, 0.0)
    clock.feed(CLOCK, 0.0001)  # a first tick 0.1 ms after Start is not 25 000 BPM
    assert clock.bpm == pytest.approx(MAX_BPM)
    clock.feed(CLOCK, 0.0002)  # nor are three (the fitted line was clamped already)
    assert clock.bpm == pytest.approx(MAX_BPM)
