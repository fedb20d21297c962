"""Filter mode's gate: the belief of a live note from the bars before and the beat before."""

from __future__ import annotations

import numpy as np
import pytest

from sidl.bridge.denoise import DICTIONARY_WEIGHT, keep_below
from sidl.bridge.live.filter_gate import ROW_WEIGHT, FilterGate

SPB, ROWS, TOM, HAT = 16, 9, 5, 2


def _gate() -> FilterGate:
    window = np.zeros((ROWS, 4 * SPB), bool)
    window[HAT, ::2] = True  # eighth hats in every bar before; the tom never played
    dictionary = np.zeros((ROWS, SPB), np.float32)
    dictionary[HAT, ::2] = 0.9
    return FilterGate(4, SPB, dictionary, window)


def test_the_groove_passes_and_a_stray_is_held_back() -> None:
    gate = _gate()
    hat = gate.belief(HAT, 4 * SPB + 2)
    tom = gate.belief(TOM, 4 * SPB + 3)
    assert hat is not None and tom is not None
    assert FilterGate.passes(hat, 0.9) and not FilterGate.passes(tom, 0.9)
    assert FilterGate.passes(tom, 0.0)  # strength 0 passes everything
    prior = DICTIONARY_WEIGHT * 0.9 + (1 - DICTIONARY_WEIGHT) * 1.0
    assert hat == pytest.approx((1 - ROW_WEIGHT) * prior + ROW_WEIGHT * 1.0)  # hats in every bar before


def test_an_off_pattern_hit_on_a_row_the_player_keeps_using_is_theirs() -> None:
    """A ghost note between the hats on the hat row (played in every bar before) is believed more
    than the same note on the tom, never played: a stray lands as often on a piece nobody touches."""
    window = np.zeros((ROWS, 4 * SPB), bool)
    window[HAT, ::4] = True
    window[HAT, 4 * SPB - 16 + 6] = True  # one ghost hat in the last bar
    window[TOM, 4 * SPB - 16 + 10] = True  # and one tom, once
    gate = FilterGate(4, SPB, np.zeros((ROWS, SPB), np.float32), window)
    on_hat, on_tom = gate.belief(HAT, 4 * SPB + 7), gate.belief(TOM, 4 * SPB + 7)
    assert on_hat is not None and on_tom is not None
    assert gate.row_activity[HAT] == 1.0 and gate.row_activity[TOM] == 0.25
    assert on_hat - on_tom == pytest.approx(ROW_WEIGHT * 0.75)
    assert FilterGate.passes(on_hat, 0.9) and not FilterGate.passes(on_tom, 0.9)


def test_a_row_being_worked_vouches_for_a_beat_only() -> None:
    gate = _gate()
    gate.struck(TOM, 4 * SPB + 3)  # a fill starts (its first hit held back or not)
    soon, later = gate.belief(TOM, 4 * SPB + 6), gate.belief(TOM, 4 * SPB + 12)
    assert soon is not None and later is not None
    assert soon > keep_below(1.0) >= later  # within the beat: the player's; 9 steps on: a stray again
    gate.struck(TOM, 4 * SPB + 6)
    assert gate.belief(TOM, 4 * SPB + 9) == soon  # a roll keeps vouching for itself


def test_no_played_bar_before_means_no_prior() -> None:
    gate = FilterGate(0, SPB, np.zeros((ROWS, SPB), np.float32), np.zeros((ROWS, 4 * SPB), bool))
    assert gate.belief(TOM, 3) is None and FilterGate.passes(None, 1.0)
