"""Model and sparsity-schedule settings, JSON round-trippable.

A checkpoint stores its :class:`ModelConfig` as a plain dict next to the weights, so the exact model
can be rebuilt without guessing; :meth:`ModelConfig.from_dict` refuses unknown keys so a typo or a
config from a newer version fails loudly instead of silently falling back to a default.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from sidl.bridge.codecs import CODECS, group_size
from sidl.bridge.errors import ParameterError

log = logging.getLogger(__name__)

LAYOUTS = tuple(CODECS)  # a model's layout names the codec whose grid it reads (checked when built)
WTA_AXES = ("atoms", "time", "bar")
OUTPUTS = ("linear", "activated")
CODERS = ("network", "pursuit")
ATOM_NORMS = ("unit", "max1", "none")


def _check_int(name: str, value: object, minimum: int) -> None:
    # bool is an int subclass; a JSON ``true`` where a count belongs is a mistake, not 1.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ParameterError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ParameterError(f"{name} must be >= {minimum}, got {value}")


def _check_positive(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ParameterError(f"{name} must be a positive number, got {value!r}")
    return float(value)


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ParameterError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")


def _check_bool(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise ParameterError(f"{name} must be true or false, got {value!r}")


def _from_dict(cls: type, data: dict[str, Any]) -> Any:
    if not isinstance(data, dict):
        raise ParameterError(f"{cls.__name__} expects a dict, got {type(data).__name__}")
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ParameterError(
            f"unknown {cls.__name__} key(s) {', '.join(map(repr, unknown))}; "
            f"expected a subset of {', '.join(sorted(known))}"
        )
    try:
        return cls(**data)
    except TypeError as exc:  # a required key is missing
        raise ParameterError(f"incomplete {cls.__name__}: {exc}") from exc


@dataclass
class ModelConfig:
    """Everything needed to rebuild a :class:`~models.autoencoder.ConvWTAAutoencoder`.

    Defaults are the improved model, not the seed: the seed is ``kernel=stride=4``, ``atoms=100``,
    ``atom_norm="none"``, ``decoder_bias=False``, ``output="linear"``, ``wta_axis="atoms"``.
    ``layout`` names the codec whose grid the model reads; its channels are the codec's three groups
    [binary | velocity | third], and what the third group means (micro-timing offset for drums, hold
    for piano) comes from the codec's grid layout.
    """

    layout: str
    in_channels: int
    atoms: int = 128
    kernel: int = 16
    stride: int = 4
    wta_axis: str = "atoms"
    k: int = 1
    steps_per_bar: int = 16
    tcn_channels: list[int] = field(default_factory=list)
    tcn_kernel: int = 3
    tcn_dropout: float = 0.0
    encoder_hidden: int = 0
    output: str = "linear"
    atom_norm: str = "unit"
    encoder_bias: bool = False
    decoder_bias: bool = True
    code_scale: float = 1.0  # fixed gain on encoder activations: unit-norm atoms need large codes
    # >1: learned matching pursuit — the encoder runs this many times, each time seeing the input and
    # what the code so far fails to explain, and adds its share of the k winners (see autoencoder.py)
    pursuit_steps: int = 1
    # >0: a ReLU layer of this width between the strided (kernel-wide) convolution and the atom
    # activations, so that choosing atoms is a non-linear function of the whole kernel span
    encoder_head: int = 0
    # >0: iterative hard-thresholding steps after the encoder (models/refine.py), unrolled in training
    # with a learned step size each, so the encoder learns a starting point that the steps then fit
    refine_steps: int = 0
    refine_step_size: float = 5.0
    # extra IHT steps run only at inference (eval mode), after the trained ones: more fitting for free
    inference_refine_steps: int = 0
    inference_refine_step_size: float = 0.3
    # how codes are found in eval mode: "network" (the amortised encoder, plus refinement steps) or
    # "pursuit" (non-negative OMP over the learned atoms, bridge/pursuit.py; needs bar-long atoms
    # placed once per bar and a linear output). Training always uses the network encoder.
    inference_coder: str = "network"

    def __post_init__(self) -> None:
        _check_choice("layout", self.layout, tuple(CODECS))  # read now: codecs registered later count
        _check_int("in_channels", self.in_channels, 3)
        if self.in_channels % 3:
            raise ParameterError(
                f"in_channels must be a multiple of 3 (three channel groups), got {self.in_channels}"
            )
        _check_int("atoms", self.atoms, 1)
        _check_int("kernel", self.kernel, 1)
        _check_int("stride", self.stride, 1)
        if self.kernel % self.stride:
            raise ParameterError(
                f"kernel must be a multiple of stride so every step is covered equally often, "
                f"got kernel={self.kernel}, stride={self.stride}"
            )
        _check_choice("wta_axis", self.wta_axis, WTA_AXES)
        _check_int("k", self.k, 1)
        if self.wta_axis == "atoms" and self.k > self.atoms:
            raise ParameterError(f"k must be <= atoms ({self.atoms}) for wta_axis='atoms', got {self.k}")
        _check_int("steps_per_bar", self.steps_per_bar, 1)
        if isinstance(self.tcn_channels, tuple):
            self.tcn_channels = list(self.tcn_channels)
        if not isinstance(self.tcn_channels, list):
            raise ParameterError(f"tcn_channels must be a list of positive integers, got {self.tcn_channels!r}")
        for i, ch in enumerate(self.tcn_channels):
            _check_int(f"tcn_channels[{i}]", ch, 1)
        _check_int("tcn_kernel", self.tcn_kernel, 1)
        if isinstance(self.tcn_dropout, bool) or not isinstance(self.tcn_dropout, (int, float)):
            raise ParameterError(f"tcn_dropout must be a number in [0, 1), got {self.tcn_dropout!r}")
        if not 0.0 <= self.tcn_dropout < 1.0:
            raise ParameterError(f"tcn_dropout must be in [0, 1), got {self.tcn_dropout}")
        self.tcn_dropout = float(self.tcn_dropout)
        _check_int("encoder_hidden", self.encoder_hidden, 0)
        _check_choice("output", self.output, OUTPUTS)
        _check_choice("atom_norm", self.atom_norm, ATOM_NORMS)
        _check_bool("encoder_bias", self.encoder_bias)
        _check_bool("decoder_bias", self.decoder_bias)
        _check_int("pursuit_steps", self.pursuit_steps, 1)
        _check_int("encoder_head", self.encoder_head, 0)
        _check_int("refine_steps", self.refine_steps, 0)
        _check_int("inference_refine_steps", self.inference_refine_steps, 0)
        self.inference_refine_step_size = _check_positive("inference_refine_step_size", self.inference_refine_step_size)
        self.refine_step_size = _check_positive("refine_step_size", self.refine_step_size)
        self.code_scale = _check_positive("code_scale", self.code_scale)
        _check_choice("inference_coder", self.inference_coder, CODERS)
        if self.inference_coder == "pursuit" and not (
            self.kernel == self.stride == self.steps_per_bar and self.output == "linear"
        ):
            raise ParameterError(
                "inference_coder='pursuit' needs kernel == stride == steps_per_bar and output='linear', got "
                f"kernel={self.kernel}, stride={self.stride}, steps_per_bar={self.steps_per_bar}, output={self.output!r}"
            )

    @property
    def group_size(self) -> int:
        """Channels per group (G): 9 for the drum grid, 88 for piano."""
        return group_size(self.in_channels)

    @property
    def padding(self) -> int:
        """Time padding P = kernel - stride on each side, so atoms may straddle the window edges."""
        return self.kernel - self.stride

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe dict (lists copied, so editing it never changes the config)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelConfig:
        """Rebuild from :meth:`to_dict` output; unknown or missing keys raise ParameterError."""
        cfg: ModelConfig = _from_dict(cls, data)
        return cfg


@dataclass
class KSchedule:
    """Winners-per-group decay during training: ``start`` at epoch 0, then every ``every`` epochs
    minus 1 (``mode="linear"``, the seed's) or halved (``mode="halve"``), never below ``end``.

    Starting wide gives every atom gradient early on; without it most atoms of a large dictionary
    never win and stay dead.

    The seed (4 → 1 every 30 epochs) decremented *after* the forward pass of epochs 30, 60, 90, so
    its k changed one epoch later than here (k=4 for epochs 0–30 there, 0–29 here).
    """

    start: int
    end: int
    every: int
    mode: str = "linear"

    def __post_init__(self) -> None:
        _check_choice("mode", self.mode, ("linear", "halve"))
        _check_int("start", self.start, 1)
        _check_int("end", self.end, 1)
        _check_int("every", self.every, 1)
        if self.end > self.start:
            raise ParameterError(f"end must be <= start (k only decays), got start={self.start}, end={self.end}")

    def k_at(self, epoch: int) -> int:
        """k to use during ``epoch`` (0-based)."""
        _check_int("epoch", epoch, 0)
        steps = epoch // self.every
        if self.mode == "halve":
            return max(self.end, self.start >> min(steps, 62))
        return max(self.end, self.start - steps)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KSchedule:
        """Rebuild from :meth:`to_dict` output; unknown or missing keys raise ParameterError."""
        sched: KSchedule = _from_dict(cls, data)
        return sched
