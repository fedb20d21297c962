"""Loop mode's *feel*: the bar as played, with only what the controls change changed.

Decoding a code gives the dictionary's hits, velocities and timing — the groove as the dictionary
hears it. Loop mode instead keeps the part of the played bar its code does not explain (the
*residual*, played − decode(code)) and applies the edits (mute, solo, gain, morph) to the code's
part, as :mod:`bridge.morph` does for two grooves. ``feel`` is how much of the residual is kept:

    belief = feel·(played − decode(code)) + decode(edited code)

on the hit rows; a cell is a hit where the belief is above the codec's threshold. With no edits and
feel 1 the belief is the played bar exactly; an edit moves only the cells the edited atoms reach.
Hits the player played keep the player's velocity and micro-timing (at feel < 1 blended toward the
dictionary's by 1 − feel); hits only the edited code has take the dictionary's. A ``hold`` group
(notes sounding per step, not per hit) keeps its residual the way the hit rows do. Feel 0 is the
dictionary alone.
"""

from __future__ import annotations

import numpy as np

from sidl.bridge.codecs.base import Codec
from sidl.bridge.errors import ParameterError
from sidl.bridge.ops import check_unit


def keep_feel(codec: Codec, played: np.ndarray, decoded: np.ndarray, edited: np.ndarray, feel: float) -> np.ndarray:
    """The bar to play: ``played`` (the bar's grid as coded), ``decoded`` (decode of its code),
    ``edited`` (decode of the edited code), all (channels, steps) of one bar; ``feel`` in 0..1."""
    feel = check_unit("feel", feel)
    if feel == 0.0:
        return edited  # the dictionary alone, as decoded
    x, d, e = (np.asarray(a, np.float32) for a in (played, decoded, edited))
    if not x.shape == d.shape == e.shape:
        raise ParameterError(f"feel needs grids of one shape, got {x.shape}, {d.shape} and {e.shape}")
    layout, threshold = codec.grid_layout, codec.hit_threshold
    rows = layout.hit.rows
    hits = feel * (x[rows] - d[rows]) + e[rows] > threshold
    by_player = hits & (x[rows] > threshold)
    out = np.zeros_like(e)
    for group in layout.groups:
        g = group.rows
        if group.role == "hold":
            out[g] = feel * (x[g] - d[g]) + e[g]
        elif group.role != "event":  # velocity, timing: the player's where the player played
            out[g] = np.where(by_player, feel * x[g] + (1.0 - feel) * e[g], np.where(hits, e[g], 0.0))  # exact at 1
    out[rows] = hits.astype(np.float32)
    return out
