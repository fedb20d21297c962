"""The OSC address table validates, clamps, refuses clearly, and is what docs/osc.md says."""

from __future__ import annotations

from pathlib import Path

import pytest

from sidl.bridge.errors import ParameterError
from sidl.bridge.live.osc_table import BY_PATH, TABLE, markdown, validate

DOC = Path(__file__).resolve().parents[2] / "docs" / "osc.md"


def test_values_are_clamped_with_a_note() -> None:
    assert validate("/sidl/denoise", [0.25]) == ([0.25], [])
    values, notes = validate("/sidl/denoise", [1.7])
    assert values == [1.0] and "clamped to 1.0" in notes[0]
    assert validate("/sidl/atom/mute", [12.0, 1]) == ([12, 1], [])
    assert validate("/sidl/mode", ["filter"]) == (["filter"], [])


@pytest.mark.parametrize(("path", "args", "message"), [
    ("/sidl/nope", [], "unknown address '/sidl/nope'"),
    ("/sidl/state", ["{}"], "unknown address"),  # feedback addresses are not accepted as input
    ("/sidl/denoise", [], "takes amount \\(float 0..1\\); got 0 argument"),
    ("/sidl/denoise", ["loud"], "amount must be a number, got 'loud'"),
    ("/sidl/denoise", [float("nan")], "amount must be a number"),
    ("/sidl/mode", ["jam"], "mode must be one of loop, filter, generate, got 'jam'"),
    ("/sidl/panic", [1], "takes no arguments"),
])
def test_bad_messages_are_refused_with_the_reason(path: str, args: list[object], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        validate(path, args)


def test_table_is_consistent_and_documented() -> None:
    assert len(BY_PATH) == len(TABLE)  # no address twice
    assert all(a.path.startswith("/sidl/") for a in TABLE)
    assert DOC.read_text() == markdown(), "docs/osc.md is stale: python -m sidl.bridge.live.osc_table > docs/osc.md"
