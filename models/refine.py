"""Iterative hard-thresholding refinement of a sparse code against the model's own dictionary.

The amortised encoder proposes a code in one pass; a few steps of projected gradient descent then
fit it to the input: each step moves the code against the gradient of the reconstruction loss
(computed with the adjoint of the decoder, i.e. a convolution with the same atoms) and re-applies
the k-WTA, so the atom budget holds after every step and the support may still change. This is
classical iterative hard thresholding (IHT) started from a learned guess; every operation is a
convolution, an elementwise function or a top-k, so it exports to ONNX as a fixed unrolled graph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F
from torch import Tensor

from sidl.bridge.codecs import HIT_THRESHOLD
from sidl.models.grid import ACTIVATIONS, BINARY_ROLES, CHAIN_RULES, grid_layout
from sidl.models.wta import sparsify

if TYPE_CHECKING:  # the autoencoder imports this module
    from sidl.models.autoencoder import ConvWTAAutoencoder


def logit_gradient(model: ConvWTAAutoencoder, logits: Tensor, x: Tensor) -> Tensor:
    """d(loss)/d(logits) of the model's reconstruction loss for target ``x`` (sum over cells)."""
    cfg = model.config
    if cfg.output == "linear":
        return logits - x  # MSE
    lay = grid_layout(cfg.layout)
    hit_rows = lay.hit.rows
    mask = (x[:, hit_rows] > HIT_THRESHOLD).to(x.dtype)
    grad = torch.empty_like(logits)
    for group in lay.groups:
        rows = group.rows
        act = ACTIVATIONS[group.activation](logits[:, rows])
        if group.role in BINARY_ROLES:
            grad[:, rows] = act - x[:, rows]  # BCE on hits/onsets and holds
        else:  # masked MSE on the activated value (velocity, offset), at hits only
            grad[:, rows] = CHAIN_RULES[group.activation](act - x[:, rows], act) * mask
    return grad


def refine_step(model: ConvWTAAutoencoder, x: Tensor, code: Tensor, *, k: int, axis: str,
                groups: Tensor | None, step_size: Tensor | float) -> Tensor:
    """One IHT step: gradient step on the code, then the k-WTA again (differentiable)."""
    grad_code = _adjoint(model, logit_gradient(model, model.decode_logits(code), x))
    return sparsify(code - step_size * grad_code, axis, k, groups)


def refine(model: ConvWTAAutoencoder, x: Tensor, code: Tensor, *, k: int, axis: str, steps: int, step_size: float) -> Tensor:
    """``steps`` IHT steps from ``code``; keeps at most ``k`` winners per group of ``axis``."""
    groups = model.column_bars(int(x.shape[2])).to(x.device) if axis == "bar" else None
    for _ in range(steps):
        code = refine_step(model, x, code, k=k, axis=axis, groups=groups, step_size=step_size)
    return code


def _adjoint(model: ConvWTAAutoencoder, grad_logits: Tensor) -> Tensor:
    """Adjoint of the decoder's transposed convolution: a plain convolution with the same atoms."""
    cfg = model.config
    return F.conv1d(grad_logits, model.decoder.weight, stride=cfg.stride, padding=model.padding)

