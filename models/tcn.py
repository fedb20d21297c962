"""Causal temporal convolutional network (locuslab TCN layout) used as an optional encoder front.

Causal so that features at step t only see steps <= t, which keeps the door open for live,
step-by-step use. Differences from the seed copy (seed spec §2.2, §5.10): no weight_norm, so the
initialisation actually takes effect (the seed's N(0, 1) init was overwritten by weight_norm on
every forward); causal padding is applied on the left instead of pad-both-sides-then-chomp.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import torch.nn.functional as F
from torch import Tensor, nn

from sidl.bridge.errors import ParameterError

log = logging.getLogger(__name__)


class CausalConv1d(nn.Conv1d):
    """Conv1d whose output at t depends on inputs at t, t-d, ..., t-(kernel-1)d only; same length."""

    def __init__(self, in_channels: int, out_channels: int, kernel: int, dilation: int = 1) -> None:
        super().__init__(in_channels, out_channels, kernel, dilation=dilation)
        self.left_pad = (kernel - 1) * dilation

    def forward(self, x: Tensor) -> Tensor:
        return super().forward(F.pad(x, (self.left_pad, 0)))


class TemporalBlock(nn.Module):
    """Two causal dilated convs (each → ReLU → Dropout) plus a residual; output ReLU(net(x) + res)."""

    def __init__(self, in_channels: int, out_channels: int, kernel: int, dilation: int, dropout: float) -> None:
        super().__init__()
        self.net = nn.Sequential(
            CausalConv1d(in_channels, out_channels, kernel, dilation),
            nn.ReLU(),
            nn.Dropout(dropout),
            CausalConv1d(out_channels, out_channels, kernel, dilation),
            nn.ReLU(),
            nn.Dropout(dropout),
        )
        self.downsample = nn.Conv1d(in_channels, out_channels, 1) if in_channels != out_channels else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """He init for the ReLU convs, scaled down on the second so each block starts near its residual."""
        for i, conv in enumerate(m for m in self.net if isinstance(m, nn.Conv1d)):
            nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
            if i == 1:
                conv.weight.data.mul_(0.5)
            if conv.bias is not None:
                nn.init.zeros_(conv.bias)
        if self.downsample is not None:
            nn.init.xavier_uniform_(self.downsample.weight)
            if self.downsample.bias is not None:
                nn.init.zeros_(self.downsample.bias)

    def forward(self, x: Tensor) -> Tensor:
        res = x if self.downsample is None else self.downsample(x)
        return F.relu(self.net(x) + res)


class TemporalConvNet(nn.Module):
    """Stack of :class:`TemporalBlock` with dilation 2**i: (N, in_channels, T) → (N, channels[-1], T).

    Dropout is active in train mode only; call ``model.eval()`` for deterministic features.
    """

    def __init__(self, in_channels: int, channels: Sequence[int], kernel: int = 3, dropout: float = 0.0) -> None:
        super().__init__()
        if not channels:
            raise ParameterError("TemporalConvNet needs at least one block (channels is empty)")
        if kernel < 1:
            raise ParameterError(f"TCN kernel must be >= 1, got {kernel}")
        blocks = []
        prev = in_channels
        for i, ch in enumerate(channels):
            blocks.append(TemporalBlock(prev, ch, kernel, 2**i, dropout))
            prev = ch
        self.blocks = nn.Sequential(*blocks)
        self.kernel = kernel
        self.out_channels = prev

    @property
    def receptive_field(self) -> int:
        """Steps of history each output sees (including the current one)."""
        return 1 + 2 * (self.kernel - 1) * sum(2**i for i in range(len(self.blocks)))

    def forward(self, x: Tensor) -> Tensor:
        out: Tensor = self.blocks(x)
        return out
