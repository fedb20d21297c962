"""Reconstruction losses for (N, 3G, T) grids: the seed's plain MSE and a per-group "groove" loss.

Why a second loss (seed spec §5.21): plain MSE weights binary hits, velocities and offsets equally
and, because most cells are silent, mostly teaches the model to output near-zero everywhere; it
also scores velocity/offset values at cells with no note, which the codec ignores. The groove loss
treats each group as what it is: a Bernoulli target (BCE), and continuous values that only matter
where a note exists (masked MSE).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor

from sidl.bridge.errors import ParameterError
from sidl.bridge.codecs import HIT_THRESHOLD
from sidl.models.autoencoder import activate_logits
from sidl.models.grid import BINARY_ROLES, grid_layout, group_slices

log = logging.getLogger(__name__)


def mse_loss(outputs: Tensor, target: Tensor) -> Tensor:
    """The seed's loss: mean squared error over every channel and step."""
    _check_pair(outputs, target)
    return F.mse_loss(outputs, target)


def _check_pair(pred: Tensor, target: Tensor) -> None:
    if pred.shape != target.shape:
        raise ParameterError(f"prediction shape {tuple(pred.shape)} != target shape {tuple(target.shape)}")
    if pred.dim() != 3 or pred.shape[1] % 3:
        raise ParameterError(f"expected (N, 3G, T) grids, got shape {tuple(pred.shape)}")


def _masked_mse(pred: Tensor, target: Tensor, mask: Tensor) -> Tensor:
    # Mean over masked cells; 0 (with a zero gradient) when the batch has no notes at all.
    m = mask.to(pred.dtype)
    return ((pred - target) ** 2 * m).sum() / m.sum().clamp_min(1.0)


def groove_loss(
    logits: Tensor,
    target: Tensor,
    layout: str,
    *,
    hit_weight: float = 1.0,
    velocity_weight: float = 1.0,
    offset_weight: float = 1.0,
    pos_weight: float | Tensor | None = None,
) -> tuple[Tensor, dict[str, float]]:
    """Per-group loss on decoder *logits*, for ``output="activated"`` models.

    - hits (drums) / onsets (piano): BCE-with-logits, weighted by ``hit_weight``; ``pos_weight``
      (a float or a (G,) tensor) up-weights the rare positive cells;
    - velocity: MSE of sigmoid(logit) against the target, only at target hit/onset cells (mean over
      those cells), weighted by ``velocity_weight``;
    - third group, weighted by ``offset_weight``, by its role in the codec's grid layout: a value
      (drums' offset) — MSE of its activation (0.5·tanh) at target hits only; binary (piano's hold)
      — BCE-with-logits.

    It takes logits, not outputs, because BCE-with-logits is numerically stable and keeps a
    useful gradient where a sigmoid has saturated on the wrong answer; the continuous groups go
    through the same activations the model's ``activate`` uses, so what is trained is what a
    decoded "activated" model outputs. Returns ``(total, parts)`` with parts as Python floats
    (keys: hit/onset, velocity, offset/hold, total).
    """
    _check_pair(logits, target)
    lay = grid_layout(layout)
    act = activate_logits(logits, layout)  # also validates layout
    hit_rows, vel_rows, third_rows = group_slices(logits.shape[1])
    g = hit_rows.stop
    bin_logit, bin_target = logits[:, hit_rows], target[:, hit_rows]
    pw: Tensor | None = None
    if pos_weight is not None:
        pw = torch.as_tensor(pos_weight, dtype=logits.dtype, device=logits.device)
        if pw.dim() == 1:
            if pw.shape[0] != g:
                raise ParameterError(f"pos_weight must be a float or have shape ({g},), got {tuple(pw.shape)}")
            pw = pw.view(g, 1)
        elif pw.dim() != 0:
            raise ParameterError(f"pos_weight must be a float or have shape ({g},), got {tuple(pw.shape)}")
    hit = F.binary_cross_entropy_with_logits(bin_logit, bin_target, pos_weight=pw)
    mask = bin_target > HIT_THRESHOLD
    velocity, third = (_group_loss(role, logits[:, rows], act[:, rows], target[:, rows], mask)
                       for role, rows in ((lay.velocity.role, vel_rows), (lay.third.role, third_rows)))
    names = lay.names
    total = hit_weight * hit + velocity_weight * velocity + offset_weight * third
    parts = {
        names[0]: float(hit.detach()),
        names[1]: float(velocity.detach()),
        names[2]: float(third.detach()),
        "total": float(total.detach()),
    }
    return total, parts


def _group_loss(role: str, logits: Tensor, act: Tensor, target: Tensor, mask: Tensor) -> Tensor:
    """BCE-with-logits for a binary group (hold); masked MSE of the activated value for a value
    that only means something at a note (velocity, micro-timing offset)."""
    if role in BINARY_ROLES:
        return F.binary_cross_entropy_with_logits(logits, target)
    return _masked_mse(act, target, mask)


_LOSSES: dict[str, Callable[..., Any]] = {"mse": mse_loss, "groove": groove_loss}


def get_loss(name: str) -> Callable[..., Any]:
    """The loss function by name: "mse" → :func:`mse_loss` (call it on ``model.activate(logits)``),
    "groove" → :func:`groove_loss` (call it on logits, with ``output="activated"`` models)."""
    try:
        return _LOSSES[name]
    except KeyError:
        raise ParameterError(f"loss must be one of {', '.join(map(repr, _LOSSES))}, got {name!r}") from None
