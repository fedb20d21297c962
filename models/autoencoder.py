"""Temporal CONV-WTA autoencoder: a strided conv encoder, k-WTA, and a linear conv dictionary.

Geometry (T in grid steps, T must be a multiple of ``stride``)::

    x (N, C, T) ─[TCN]─[hidden]─ Conv1d(kernel, stride, padding P) ─> dense (N, atoms, T')
    dense ─ WTA ─> code ─ ConvTranspose1d(kernel, stride, padding P) ─> logits (N, C, T) ─ activate ─> outputs

with P = kernel − stride and T' = (T + 2P − kernel) / stride + 1 = T/stride + kernel/stride − 1.
The padding lets atoms straddle the window edges, so every step is covered by kernel/stride atom
placements; cropping P steps per side is done by the transposed conv's own ``padding``. With
kernel == stride (P = 0) this is exactly the seed model. The decoder weight (atoms, C, kernel) *is*
the dictionary, and :meth:`ConvWTAAutoencoder.decode_logits` is linear in the code (plus a bias), so
per-atom contributions add up exactly.

Encoder input: the grid itself; with ``tcn_channels`` set, the grid concatenated with the causal
TCN features of it (so the encoder can always fall back on the raw grid, and the TCN only adds
context). With ``encoder_bias=False`` (default) and no TCN the whole encoder is bias-free, so a
silent window encodes to an all-zero code column.

Callers must call ``model.eval()`` before encoding for analysis or export: TCN dropout is the only
stochastic part and is off in eval mode (the seed never did this, spec §5.9).
"""

from __future__ import annotations

import logging
import math

import numpy as np
import torch
from torch import Tensor, nn

from sidl.bridge.errors import CodecMismatchError, ParameterError
from sidl.bridge.pursuit import Pursuer, pursuit_patches
from sidl.models.config import ModelConfig
from sidl.models.grid import activate
from sidl.models.refine import refine_step
from sidl.models.tcn import TemporalConvNet
from sidl.models.wta import sparsify

log = logging.getLogger(__name__)

HIDDEN_KERNEL = 3  # odd, "same" padding: the hidden stack adds local context, never shifts time


def activate_logits(logits: Tensor, layout: str) -> Tensor:
    """Map decoder logits (N, 3G, T) to codec units for ``output="activated"`` models: each channel
    group through the activation the codec's grid layout names (:func:`models.grid.activate`); e.g.
    drums: sigmoid(hits), sigmoid(velocity), 0.5·tanh(offset); piano: sigmoid on all three groups.
    """
    return activate(logits, layout)


class ConvWTAAutoencoder(nn.Module):
    """Shift-invariant sparse dictionary model (see module docstring for the geometry).

    Seeding is the caller's job. Atoms are renormalised at construction; call
    :meth:`renormalize_atoms` after every optimiser step to keep the ``atom_norm`` constraint.
    """

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        if not isinstance(config, ModelConfig):
            raise ParameterError(f"config must be a ModelConfig, got {type(config).__name__}")
        self.config = config
        c = config.in_channels
        self.padding = config.padding

        self.tcn: TemporalConvNet | None = None
        feat = c if config.pursuit_steps == 1 else 2 * c  # pursuit: input and residual side by side
        if config.tcn_channels:
            self.tcn = TemporalConvNet(c, config.tcn_channels, config.tcn_kernel, config.tcn_dropout)
            feat = c + self.tcn.out_channels

        self.hidden: nn.Sequential | None = None
        if config.encoder_hidden > 0:
            h = config.encoder_hidden
            pad = HIDDEN_KERNEL // 2
            self.hidden = nn.Sequential(
                nn.Conv1d(feat, h, HIDDEN_KERNEL, padding=pad, bias=config.encoder_bias),
                nn.ReLU(),
                nn.Conv1d(h, h, HIDDEN_KERNEL, padding=pad, bias=config.encoder_bias),
                nn.ReLU(),
            )
            feat = h

        self.head: nn.Sequential | None = None
        if config.encoder_head > 0:
            self.head = nn.Sequential(
                nn.Conv1d(feat, config.encoder_head, config.kernel, config.stride, padding=self.padding,
                          bias=config.encoder_bias),
                nn.ReLU(),
            )
            self.encoder = nn.Conv1d(config.encoder_head, config.atoms, 1, bias=config.encoder_bias)
        else:
            self.encoder = nn.Conv1d(
                feat, config.atoms, config.kernel, config.stride, padding=self.padding, bias=config.encoder_bias
            )
        self.decoder = nn.ConvTranspose1d(
            config.atoms, c, config.kernel, config.stride, padding=self.padding, bias=config.decoder_bias
        )
        if self.decoder.bias is not None:
            nn.init.zeros_(self.decoder.bias)
        self.refine_sizes: nn.Parameter | None = None
        if config.refine_steps > 0:  # log step sizes: positive whatever the optimiser does
            self.refine_sizes = nn.Parameter(torch.full((config.refine_steps,), math.log(config.refine_step_size)))
        self.renormalize_atoms()
        log.debug("built ConvWTAAutoencoder %s with %d parameters", config.to_dict(), self.num_parameters())

    # ----------------------------------------------------------------------------- geometry
    def _check_length(self, t: int) -> None:
        s = self.config.stride
        if isinstance(t, bool) or not isinstance(t, int) or t < s or t % s:
            raise ParameterError(f"time length must be a positive multiple of stride {s}, got {t}")

    def code_length(self, t: int) -> int:
        """Number of code columns T' for a grid of ``t`` steps."""
        self._check_length(t)
        return (t + 2 * self.padding - self.config.kernel) // self.config.stride + 1

    def column_bars(self, t: int) -> Tensor:
        """Bar index (LongTensor (T',)) of each code column: the bar holding the atom's centre,
        clamped to the window's bars, so edge columns count toward the first/last bar."""
        n_cols = self.code_length(t)
        cfg = self.config
        n_bars = -(-t // cfg.steps_per_bar)
        j = torch.arange(n_cols, dtype=torch.long)
        # floor((j*stride − P + kernel/2) / spb), in integers so odd kernels stay exact.
        twice_centre = 2 * (j * cfg.stride - self.padding) + cfg.kernel
        bars = torch.div(twice_centre, 2 * cfg.steps_per_bar, rounding_mode="floor")
        return bars.clamp(0, n_bars - 1)

    def _check_input(self, x: Tensor) -> None:
        if x.dim() != 3:
            raise ParameterError(f"input must be (N, C, T), got shape {tuple(x.shape)}")
        if x.shape[1] != self.config.in_channels:
            raise CodecMismatchError(
                f"input has {x.shape[1]} channels but the model expects {self.config.in_channels} "
                f"({self.config.layout} layout)"
            )
        self._check_length(int(x.shape[2]))

    # ----------------------------------------------------------------------------- encoder
    def encode_dense(self, x: Tensor, residual: Tensor | None = None) -> Tensor:
        """Pre-WTA activations (N, atoms, T'); may be negative. Pursuit models also take the residual
        (what the code so far leaves unexplained; the input itself before the first step)."""
        self._check_input(x)
        if self.config.pursuit_steps > 1:
            x = torch.cat([x, x if residual is None else residual], dim=1)
        feats = x if self.tcn is None else torch.cat([x, self.tcn(x)], dim=1)
        if self.hidden is not None:
            feats = self.hidden(feats)
        if self.head is not None:
            feats = self.head(feats)
        dense: Tensor = self.encoder(feats)
        if self.config.code_scale != 1.0:
            dense = dense * self.config.code_scale
        return dense

    def encode(self, x: Tensor, k: int | None = None, axis: str | None = None, coder: str | None = None) -> Tensor:
        """Sparse code (N, atoms, T'); ``k``/``axis``/``coder`` default to the config's (the coder
        applies in eval mode only). Call ``eval()`` first when the code must be deterministic."""
        axis = self.config.wta_axis if axis is None else axis
        k = self.config.k if k is None else k
        coder = self.config.inference_coder if coder is None else coder
        if not self.training and coder == "pursuit" and axis in ("bar", "atoms"):
            return self.pursue(x, k)  # one column per bar: both axes mean "k atoms per bar"
        groups = self.column_bars(int(x.shape[2])).to(x.device) if axis == "bar" else None
        code = self._encode_initial(x, k, axis, groups)
        extra = 0 if self.training else self.config.inference_refine_steps
        if self.refine_sizes is None and extra == 0:
            return code
        sizes = [] if self.refine_sizes is None else list(self.refine_sizes.exp())
        sizes += [self.config.inference_refine_step_size] * extra
        for size in sizes:
            code = refine_step(self, x, code, k=k, axis=axis, groups=groups, step_size=size)
        return code

    def _encode_initial(self, x: Tensor, k: int, axis: str, groups: Tensor | None) -> Tensor:
        steps = self.config.pursuit_steps
        if steps == 1:
            return sparsify(self.encode_dense(x), axis, k, groups)
        # Learned matching pursuit: k winners are shared out over the steps (earlier steps get the
        # remainder); each step codes the residual of the code so far, like OMP but amortised.
        code: Tensor | None = None
        for step in range(steps):
            share = k // steps + (1 if step < k % steps else 0)
            if share == 0:
                continue
            residual = None if code is None else x - self.decode(code)
            new = sparsify(self.encode_dense(x, residual), axis, share, groups)
            code = new if code is None else code + new
        assert code is not None  # k >= 1 guarantees at least one step
        return code

    @torch.no_grad()
    def pursue(self, x: Tensor, k: int) -> Tensor:
        """Code by non-negative OMP over the atoms (bridge/pursuit.py), k atoms per bar; needs
        kernel == stride (one column per patch). Not differentiable: inference only."""
        self._check_input(x)
        cfg = self.config
        if cfg.kernel != cfg.stride:
            raise ParameterError(f"pursuit needs kernel == stride, got kernel={cfg.kernel}, stride={cfg.stride}")
        patches = pursuit_patches(x.detach().cpu().numpy(), cfg.kernel)
        code = self._pursuer().code(patches, k)  # (N, T', A)
        return torch.from_numpy(code.transpose(0, 2, 1).copy()).to(x.device)

    def _pursuer(self) -> Pursuer:
        """A Pursuer for the current atoms, rebuilt only when the weights have changed."""
        weight, bias = self.decoder.weight, self.decoder.bias
        key = (weight.data_ptr(), weight._version, None if bias is None else bias._version)
        cached = getattr(self, "_pursuer_cache", None)
        if cached is None or cached[0] != key:
            atoms = weight.detach().cpu().numpy().reshape(self.config.atoms, -1)
            patch_bias = None if bias is None else np.repeat(bias.detach().cpu().numpy(), self.config.kernel)
            cached = (key, Pursuer(atoms, patch_bias))
            self._pursuer_cache = cached
        return cached[1]

    # ----------------------------------------------------------------------------- decoder
    def decode_logits(self, code: Tensor) -> Tensor:
        """Linear dictionary sum (+ decoder bias), (N, C, T): atom contributions add exactly."""
        cfg = self.config
        if code.dim() != 3 or code.shape[1] != cfg.atoms:
            raise ParameterError(f"code must be (N, {cfg.atoms}, T'), got shape {tuple(code.shape)}")
        min_cols = cfg.kernel // cfg.stride
        if code.shape[2] < min_cols:
            raise ParameterError(f"code needs at least {min_cols} columns (one stride of output), got {code.shape[2]}")
        logits: Tensor = self.decoder(code)
        return logits

    def activate(self, logits: Tensor) -> Tensor:
        """Logits → codec units: identity for ``output="linear"`` (seed), else :func:`activate_logits`."""
        if self.config.output == "linear":
            return logits
        return activate_logits(logits, self.config.layout)

    def decode(self, code: Tensor) -> Tensor:
        """Code → outputs in codec units."""
        return self.activate(self.decode_logits(code))

    def forward(self, x: Tensor, k: int | None = None) -> tuple[Tensor, Tensor]:
        """(code, logits) with the config's WTA axis; losses take logits (see models.losses)."""
        code = self.encode(x, k)
        return code, self.decode_logits(code)

    # ----------------------------------------------------------------------------- dictionary
    @property
    def dictionary(self) -> Tensor:
        """The atoms (atoms, C, kernel), detached copy."""
        return self.decoder.weight.detach().clone()

    @torch.no_grad()
    def renormalize_atoms(self) -> None:
        """Project atoms back onto the ``atom_norm`` constraint (‖d‖₂ = 1 or ≤ 1).

        The constraint removes the code/atom scale ambiguity, so code magnitudes are comparable
        across atoms; the seed left it unenforced (spec §5.6).
        """
        mode = self.config.atom_norm
        if mode == "none":
            return
        w = self.decoder.weight
        norms = w.flatten(1).norm(dim=1).clamp_min(1e-12)
        if mode == "max1":
            norms = norms.clamp_min(1.0)
        w.div_(norms.view(-1, 1, 1))

    def num_parameters(self, trainable_only: bool = True) -> int:
        """Parameter count (trainable only by default)."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad or not trainable_only)
