"""The two exported graphs, as torch modules that mirror a trained model in export-friendly form.

:class:`EncoderGraph` takes ``(grid, k)`` and returns the sparse code exactly as
``ConvWTAAutoencoder.encode(grid, k, coder="network")`` does in eval mode: encoder, k-WTA, the trained
and inference-time refinement steps. ``k`` is a graph input (an int64 scalar), so the bridge can ask for
any atom budget without re-exporting. :class:`DecoderGraph` takes a code and returns both the linear
``logits`` (atom contributions add up exactly: what decompose uses) and the ``grid`` in codec units.

The k-WTA here keeps every entry at or above the k-th largest value of its competition set (and > 0),
computed with a full sort and a gather at index k − 1, because ONNX TopK needs its k fixed per call
while a sort's length follows the input. It equals ``models.wta`` except on exact ties between
positive activations, where both tied entries survive; that never happens on real data (tested).
"""

from __future__ import annotations

from typing import cast

import torch
from torch import Tensor, nn

from sidl.bridge.errors import ParameterError
from sidl.models.autoencoder import ConvWTAAutoencoder
from sidl.models.refine import _adjoint, logit_gradient


def _kth_largest(values: Tensor, k: Tensor, dim: int) -> Tensor:
    """The k-th largest entry along ``dim`` (keepdim), k clamped to 1..size."""
    ordered = torch.sort(values, dim=dim, descending=True).values
    size = values.shape[dim]
    index = (k.clamp(min=1) - 1).clamp(max=size - 1)
    shape = [1] * values.dim()
    gather_shape = list(values.shape)
    gather_shape[dim] = 1
    return ordered.gather(dim, index.reshape(shape).expand(gather_shape))


def column_bars(n_columns: int, t: int, model: ConvWTAAutoencoder) -> tuple[Tensor, int]:
    """Export-friendly twin of ``ConvWTAAutoencoder.column_bars``: (bar of each column, number of
    bars), both from the (symbolic) sizes only, so the graph never bakes in the example's length."""
    cfg = model.config
    j = torch.arange(n_columns)
    twice_centre = 2 * (j * cfg.stride - model.padding) + cfg.kernel
    bars = torch.div(twice_centre, 2 * cfg.steps_per_bar, rounding_mode="floor")
    n_bars = (t + cfg.steps_per_bar - 1) // cfg.steps_per_bar
    return bars.clamp(min=0).clamp(max=n_bars - 1), n_bars


def threshold_wta(a: Tensor, k: Tensor, axis: str, bars: tuple[Tensor, int] | None) -> Tensor:
    """k-WTA of ``models.wta`` as a threshold (see module docstring for ties)."""
    if axis == "atoms":
        kth = _kth_largest(a, k, 1)
    elif axis == "time":
        kth = _kth_largest(a, k, 2)
    elif axis == "bar":
        assert bars is not None
        bar_of, n_bars = bars
        n, atoms, cols = a.shape
        member = bar_of.unsqueeze(1) == torch.arange(n_bars).unsqueeze(0)  # (cols, bars)
        spread = torch.where(member.unsqueeze(0).unsqueeze(0), a.unsqueeze(-1), torch.full((), float("-inf")))
        per_bar = spread.permute(0, 3, 1, 2).reshape(n, -1, atoms * cols)  # (N, bars, atoms·cols)
        kth_bar = _kth_largest(per_bar, k, 2).squeeze(2)  # (N, bars)
        kth = kth_bar.gather(1, bar_of.unsqueeze(0).expand(n, cols)).unsqueeze(1)  # (N, 1, cols)
    else:
        raise ParameterError(f"wta axis must be 'atoms', 'time' or 'bar', got {axis!r}")
    keep = (a >= kth) & (a > 0)
    return torch.where(keep, a, torch.zeros((), dtype=a.dtype))


def _strided_conv(conv: nn.Conv1d, x: Tensor, kernel: int) -> Tensor:
    """A Conv1d with stride = kernel and no padding, as one matmul (several times faster than the
    runtimes' strided convolution on small inputs)."""
    n, f, t = x.shape
    cols = t // kernel
    patches = x.reshape(n, f, cols, kernel).permute(0, 2, 1, 3).reshape(n, cols, f * kernel)
    out = torch.matmul(patches, conv.weight.reshape(conv.out_channels, -1).t())
    if conv.bias is not None:
        out = out + conv.bias
    return out.transpose(1, 2)


class _Graph(nn.Module):
    """Shared pieces: the model's dictionary operations, as matmuls where atoms do not overlap."""

    def __init__(self, model: ConvWTAAutoencoder) -> None:
        super().__init__()
        self.model = model
        cfg = model.config
        self.flat = cfg.kernel == cfg.stride  # atoms side by side, never overlapping

    def decode_logits(self, code: Tensor) -> Tensor:
        model, cfg = self.model, self.model.config
        if not self.flat:
            return model.decode_logits(code)
        n, atoms, cols = code.shape
        out = torch.matmul(code.transpose(1, 2), model.decoder.weight.reshape(atoms, -1))  # (N, cols, C·K)
        out = out.reshape(n, cols, cfg.in_channels, cfg.kernel).permute(0, 2, 1, 3)
        out = out.reshape(n, cfg.in_channels, cols * cfg.kernel)
        if model.decoder.bias is not None:
            out = out + model.decoder.bias.reshape(1, -1, 1)
        return out

    def adjoint(self, grad_logits: Tensor) -> Tensor:
        model, cfg = self.model, self.model.config
        if not self.flat:
            return _adjoint(model, grad_logits)
        n, c, t = grad_logits.shape
        cols = t // cfg.kernel
        patches = grad_logits.reshape(n, c, cols, cfg.kernel).permute(0, 2, 1, 3).reshape(n, cols, c * cfg.kernel)
        return torch.matmul(patches, model.decoder.weight.reshape(cfg.atoms, -1).t()).transpose(1, 2)


class EncoderGraph(_Graph):
    """(grid (N, C, T) float32, k int64 scalar) → code (N, atoms, T')."""

    def __init__(self, model: ConvWTAAutoencoder) -> None:
        super().__init__(model)
        cfg = model.config
        if cfg.pursuit_steps != 1:
            raise ParameterError(f"export supports pursuit_steps=1 only, got {cfg.pursuit_steps}")
        trained = [] if model.refine_sizes is None else [float(s) for s in model.refine_sizes.detach().exp()]
        self.step_sizes = trained + [cfg.inference_refine_step_size] * cfg.inference_refine_steps
        self.axis = cfg.wta_axis
        if self.axis == "bar" and cfg.kernel == cfg.stride == cfg.steps_per_bar:
            self.axis = "atoms"  # one column per bar: the bar's competition is the column's

    def encode_dense(self, x: Tensor) -> Tensor:
        model, cfg = self.model, self.model.config
        if not self.flat:
            return model.encode_dense(x)
        feats = x if model.tcn is None else torch.cat([x, model.tcn(x)], dim=1)
        if model.hidden is not None:
            feats = model.hidden(feats)
        if model.head is not None:
            dense = model.encoder(model.head[1](_strided_conv(cast(nn.Conv1d, model.head[0]), feats, cfg.kernel)))
        else:
            dense = _strided_conv(model.encoder, feats, cfg.kernel)
        return dense * cfg.code_scale if cfg.code_scale != 1.0 else dense

    def forward(self, grid: Tensor, k: Tensor) -> Tensor:
        model = self.model
        code = self.encode_dense(grid)
        bars = column_bars(code.shape[2], grid.shape[2], model) if self.axis == "bar" else None
        code = threshold_wta(code, k, self.axis, bars)
        for size in self.step_sizes:
            grad = self.adjoint(logit_gradient(model, self.decode_logits(code), grid))
            code = threshold_wta(code - size * grad, k, self.axis, bars)
        return code


class DecoderGraph(_Graph):
    """code (N, atoms, T') → (logits (N, C, T), grid (N, C, T) in codec units)."""

    def forward(self, code: Tensor) -> tuple[Tensor, Tensor]:
        logits = self.decode_logits(code)
        return logits, self.model.activate(logits)
