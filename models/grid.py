"""The torch side of a codec's grid description (:class:`~sidl.bridge.codecs.GridLayout`).

Training, refinement, corruption and export never ask which instrument a grid is: they ask the
codec's layout what each channel group is (its role and activation kind) and apply the behaviour
implemented here, once per role and per activation kind. A new codec that reuses these roles and
activations trains, refines and exports with no change in ``models/``.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from sidl.bridge.codecs import CODECS, GROUPS, GridLayout, get_codec
from sidl.bridge.errors import ParameterError

#: Activation kinds -> torch functions (the numpy twins are ``sidl.bridge.codecs.base.ACTIVATIONS``).
ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {
    "sigmoid": torch.sigmoid,
    "half_tanh": lambda x: 0.5 * torch.tanh(x),
}

#: ``diff · d(activation)/d(logit)`` from (diff, activated value), for the refinement gradient of a
#: masked MSE on the activated value (association kept as first written, so results are bit-exact).
CHAIN_RULES: dict[str, Callable[[Tensor, Tensor], Tensor]] = {
    "sigmoid": lambda diff, act: diff * act * (1 - act),
    "half_tanh": lambda diff, act: diff * 0.5 * (1 - (2 * act) * (2 * act)),  # 2·act is tanh exactly
}

#: Roles whose targets are binary (trained with BCE on logits); the others are continuous values
#: that only mean something where the event group has a note (masked MSE of the activated value).
BINARY_ROLES = frozenset({"event", "hold"})


def grid_layout(layout: str | GridLayout) -> GridLayout:
    """The grid layout named by a config's ``layout`` (a codec name), or the layout itself."""
    if isinstance(layout, GridLayout):
        return layout
    if layout not in CODECS:
        raise ParameterError(f"layout must be one of {', '.join(map(repr, sorted(CODECS)))}, got {layout!r}")
    return get_codec(layout).grid_layout


def group_slices(channels: int) -> tuple[slice, slice, slice]:
    """The rows of the three channel groups of a (N, C, T) tensor with ``C = channels``."""
    if channels % GROUPS:
        raise ParameterError(f"logits must have {GROUPS} channel groups, got {channels} channels")
    n = channels // GROUPS
    return slice(0, n), slice(n, 2 * n), slice(2 * n, 3 * n)


def activate(logits: Tensor, layout: str | GridLayout) -> Tensor:
    """Decoder logits (N, 3G, T) -> codec units, each channel group through its activation."""
    lay = grid_layout(layout)
    rows = group_slices(logits.shape[1])
    return torch.cat([ACTIVATIONS[g.activation](logits[:, r]) for g, r in zip(lay.groups, rows)], dim=1)
