"""Filter mode's gate: the belief that a live note belongs, on the scale of :mod:`bridge.denoise`.

At each bar boundary the gate is given what the bridge knows before the bar: the window of the bars
before it and the dictionary's reconstruction of that window. For a note at (row, step) of the bar:

    belief = DICTIONARY_WEIGHT · dictionary + (1 − DICTIONARY_WEIGHT) · groove

where *dictionary* is the reconstruction's hit value at that step of the bar before (at twice the
model's atoms per bar, as :func:`bridge.denoise.clean` reads it), and *groove* is the causal
repetition of :func:`bridge.denoise.groove_belief` (the share of the played bars before with a hit
there), raised to 1 when the same row was already struck earlier in this bar: live play cannot see
the bar's own hits the way the offline reading does, and a row the player is working in this bar
(a fill, a busier hat) is the player's, not a stray; only hits that passed count. The note passes iff belief > ``keep_below
(strength)``, with its own velocity and timing; strength 0 passes everything.

Without any played bar before (the first bar, or after silence) there is no prior: notes pass.
"""

from __future__ import annotations

import numpy as np

from sidl.bridge.denoise import CONTEXT_BARS, DICTIONARY_WEIGHT, groove_belief, keep_below


class FilterGate:
    """The prior of one bar (see module doc) and the rows struck so far in it."""

    def __init__(self, bar: int, steps_per_bar: int, dictionary: np.ndarray, window_hits: np.ndarray) -> None:
        """``dictionary``: (rows, steps_per_bar) hit values predicted for the bar; ``window_hits``:
        (rows, bars · steps_per_bar) bool, the bars before ``bar`` (leading empty bars are not
        context: the player had not started)."""
        self.bar = bar
        self.steps_per_bar = steps_per_bar
        per_bar = window_hits.reshape(window_hits.shape[0], -1, steps_per_bar)
        played = np.flatnonzero(per_bar.any(axis=(0, 2)))
        self.has_prior = played.size > 0
        groove = np.zeros_like(dictionary, dtype=np.float32)
        if self.has_prior:
            context = per_bar[:, played[0]:][:, -CONTEXT_BARS:]
            with_bar = np.concatenate([context, np.zeros_like(context[:, :1])], axis=1)
            belief, _ = groove_belief(with_bar.reshape(with_bar.shape[0], -1), steps_per_bar, CONTEXT_BARS, causal=True)
            groove = belief[:, -steps_per_bar:]
        self.dictionary = np.clip(np.asarray(dictionary, np.float32), 0.0, 1.0)
        self.groove = groove
        self._struck: dict[tuple[int, int], int] = {}  # (bar, row) → earliest step struck

    def belief(self, row: int, step: int) -> float | None:
        """Belief for a hit on ``row`` at ``step`` of this bar (may lie in the bar before or after:
        grooves repeat, so the same pattern judges it); None: no prior, pass it."""
        bar, at = divmod(step, self.steps_per_bar)
        earlier = self._struck.get((bar, row))
        if not self.has_prior:
            return None
        groove = 1.0 if earlier is not None and earlier < at else float(self.groove[row, at])
        return DICTIONARY_WEIGHT * float(self.dictionary[row, at]) + (1 - DICTIONARY_WEIGHT) * groove

    def struck(self, row: int, step: int) -> None:
        """Record a note that passed: only the player's accepted hits vouch for later ones on the row
        (a stray let in would otherwise let the next stray on its row in too)."""
        bar, at = divmod(step, self.steps_per_bar)
        earlier = self._struck.get((bar, row))
        self._struck[(bar, row)] = at if earlier is None else min(earlier, at)

    @staticmethod
    def passes(belief: float | None, strength: float) -> bool:
        """Whether a note of ``belief`` passes at ``strength`` (0: always)."""
        return strength == 0.0 or belief is None or belief > keep_below(strength)
