"""What an exported sidl model says about itself: the metadata inside both of its ONNX graphs.

Every key is stored under ``sidl.`` in the ONNX ``metadata_props`` (strings; structured values as
JSON). :meth:`ModelInfo.from_metadata` refuses a file whose metadata is missing, malformed or from an
unknown format version, naming the key and what was expected, so the engine never guesses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from sidl.bridge import limits
from sidl.bridge.errors import ModelError, ParameterError
from sidl.bridge.geometry import atoms_per_bar, winners_for
from sidl.bridge.ops import AtomStats

METADATA_PREFIX = "sidl."
FORMAT = "sidl-onnx/1"
ROLES = ("encoder", "decoder")

_INT_FIELDS = ("in_channels", "atoms", "kernel", "stride", "steps_per_bar", "k", "window_bars", "context_bars", "opset")
_STR_FIELDS = ("name", "version", "weights_sha256", "layout", "wta_axis", "output", "coder", "training_data")
_JSON_FIELDS = ("codec_spec", "extra")


@dataclass(frozen=True)
class ModelInfo:
    """Geometry, codec and provenance of one exported model (shared by its encoder and decoder)."""

    name: str
    version: str
    weights_sha256: str
    codec_spec: dict[str, Any]
    layout: str
    in_channels: int
    atoms: int
    kernel: int
    stride: int
    steps_per_bar: int
    k: int
    wta_axis: str
    output: str
    coder: str
    window_bars: int
    # bars either side of a stretch that can change its code (receptive field of encoder and
    # refinement): long grids are coded in chunks with this much context, giving the same code
    context_bars: int
    training_data: str
    opset: int
    extra: dict[str, Any] = field(default_factory=dict)
    # Parsed once from ``extra`` (see _parse_extra): what the training data says about each atom
    # (None: exported without --stats-data) and the denoise amount tuned at export (0: none).
    atom_stats: AtomStats | None = field(default=None, init=False, repr=False, compare=False)
    denoise_amount: float = field(default=0.0, init=False, compare=False)

    def __post_init__(self) -> None:
        stats, amount = _parse_extra(self.extra, self.atoms)
        object.__setattr__(self, "atom_stats", stats)
        object.__setattr__(self, "denoise_amount", amount)

    @property
    def codec_name(self) -> str:
        return str(self.codec_spec.get("name"))

    @property
    def columns_per_bar(self) -> int:
        return self.steps_per_bar // self.stride

    @property
    def atoms_per_bar(self) -> int:
        """The trained atom budget per bar (the user-facing ``--atoms`` default)."""
        return atoms_per_bar(self.k, wta_axis=self.wta_axis, columns_per_bar=self.columns_per_bar)

    @property
    def max_atoms_per_bar(self) -> int:
        """The most atoms per bar this model may be asked for (:data:`sidl.bridge.limits.MAX_ATOMS_PER_BAR`)."""
        return limits.max_atoms_per_bar(self.atoms_per_bar)

    def encoder_k(self, budget: int) -> int:
        """The encoder's ``k`` input for ``budget`` atoms per bar: the one place the user's number
        becomes the WTA's (per column for a per-column WTA such as the seed model's). Refused above
        :attr:`max_atoms_per_bar`, before any coding (coding time grows faster than the budget)."""
        cap = self.max_atoms_per_bar
        if isinstance(budget, bool) or not isinstance(budget, int) or not 1 <= budget <= cap:
            raise ParameterError(f"atoms per bar must be an integer within 1..{cap} for model {self.name!r} "
                                 f"(at most {limits.MAX_ATOMS_PER_BAR}, or twice its trained {self.atoms_per_bar}), "
                                 f"got {budget!r}")
        k = winners_for(budget, wta_axis=self.wta_axis, columns_per_bar=self.columns_per_bar)
        if k is None:
            raise ParameterError(f"model {self.name!r} places atoms per column ({self.columns_per_bar} columns per "
                                 f"bar): atoms per bar must be a multiple of {self.columns_per_bar}, got {budget}")
        return k

    def to_metadata(self, role: str) -> dict[str, str]:
        """``metadata_props`` entries for the graph playing ``role`` (encoder or decoder)."""
        if role not in ROLES:
            raise ModelError(f"role must be one of {ROLES}, got {role!r}")
        out = {f"{METADATA_PREFIX}format": FORMAT, f"{METADATA_PREFIX}role": role}
        for f in fields(self):
            if not f.init:
                continue  # derived from the stored fields
            key, value = f.name, getattr(self, f.name)
            out[METADATA_PREFIX + key] = json.dumps(value, sort_keys=True) if key in _JSON_FIELDS else str(value)
        return out

    @classmethod
    def from_metadata(cls, meta: Mapping[str, str], *, source: str, role: str) -> ModelInfo:
        """Parse and validate; ``source`` names the file in errors, ``role`` is what it must be."""
        def get(key: str) -> str:
            full = METADATA_PREFIX + key
            if full not in meta:
                raise ModelError(f"{source}: metadata key {full!r} is missing; not a model exported by `sidl export`")
            return meta[full]

        if get("format") != FORMAT:
            raise ModelError(f"{source}: metadata format {get('format')!r} is not {FORMAT!r}; re-export with this sidl")
        if get("role") != role:
            raise ModelError(f"{source}: this graph is the model's {get('role')!r}, expected the {role!r}")
        values: dict[str, Any] = {}
        for key in _STR_FIELDS:
            values[key] = get(key)
        for key in _INT_FIELDS:
            raw = get(key)
            try:
                values[key] = int(raw)
            except ValueError:
                raise ModelError(f"{source}: metadata {METADATA_PREFIX}{key} must be an integer, got {raw!r}") from None
            limits.check_model_int(key, values[key], source)  # before anything sizes memory by it
        for key in _JSON_FIELDS:
            raw = get(key)
            try:
                parsed = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise ModelError(f"{source}: metadata {METADATA_PREFIX}{key} is not valid JSON ({exc})") from None
            if not isinstance(parsed, dict):
                raise ModelError(f"{source}: metadata {METADATA_PREFIX}{key} must be a JSON object, got {raw[:40]!r}")
            values[key] = parsed
        try:
            info = cls(**values)
        except ModelError as exc:
            raise ModelError(f"{source}: {exc}") from None
        info.check(source)
        return info

    def check(self, source: str) -> None:
        """Internal consistency: the geometry the engine relies on, and the metadata's ranges
        (:data:`sidl.bridge.limits.MODEL_INT_RANGES`): a value far outside them would make the engine
        allocate without bound or hang, so it is refused here, at load, naming the key."""
        for key in limits.MODEL_INT_RANGES:
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ModelError(f"{source}: metadata {METADATA_PREFIX}{key} must be an integer, got {value!r}")
            limits.check_model_int(key, value, source)
        if self.kernel % self.stride or self.steps_per_bar % self.stride:
            raise ModelError(f"{source}: kernel {self.kernel} and steps_per_bar {self.steps_per_bar} must be "
                             f"multiples of stride {self.stride}")
        if self.wta_axis not in ("atoms", "time", "bar"):
            raise ModelError(f"{source}: wta_axis must be atoms, time or bar, got {self.wta_axis!r}")
        if self.coder not in ("network", "pursuit"):
            raise ModelError(f"{source}: coder must be network or pursuit, got {self.coder!r}")
        if self.coder == "pursuit" and not self.kernel == self.stride == self.steps_per_bar:
            raise ModelError(f"{source}: coder 'pursuit' needs kernel == stride == steps_per_bar")
        if self.output not in ("linear", "activated"):
            raise ModelError(f"{source}: output must be linear or activated, got {self.output!r}")
        if self.in_channels != self.codec_spec.get("channels"):
            raise ModelError(f"{source}: model has {self.in_channels} input channels but its codec spec says "
                             f"{self.codec_spec.get('channels')}")
        limits.check_model_int("kernel", self.kernel, source, high=limits.MAX_KERNEL_BARS * self.steps_per_bar,
                               why=f"an atom spans at most {limits.MAX_KERNEL_BARS} bars of {self.steps_per_bar} steps")
        places = self.atoms * self.steps_per_bar // self.stride
        trained = atoms_per_bar(self.k, wta_axis=self.wta_axis, columns_per_bar=self.columns_per_bar)
        if not trained <= min(limits.MAX_ATOMS_PER_BAR, places):
            raise ModelError(f"{source}: metadata {METADATA_PREFIX}k = {self.k} means {trained} atoms per bar; "
                             f"the accepted range is 1..{min(limits.MAX_ATOMS_PER_BAR, places)} (at most "
                             f"{limits.MAX_ATOMS_PER_BAR}, and at most atoms x code columns per bar = {places})")
        steps_per_beat = self.codec_spec.get("steps_per_beat")
        if steps_per_beat is not None and (isinstance(steps_per_beat, bool) or not isinstance(steps_per_beat, int)
                                           or not 1 <= steps_per_beat <= limits.MAX_STEPS_PER_BEAT):
            raise ModelError(f"{source}: metadata {METADATA_PREFIX}codec_spec steps_per_beat = {steps_per_beat!r} "
                             f"is outside the accepted range 1..{limits.MAX_STEPS_PER_BEAT}")


def _parse_extra(extra: Mapping[str, Any], atoms: int) -> tuple[AtomStats | None, float]:
    """``extra``'s atom statistics and tuned denoise amount, or one ModelError naming what is wrong."""
    key = METADATA_PREFIX + "extra"
    stats = None
    raw = extra.get("atom_stats")
    if raw:
        if not isinstance(raw, Mapping):
            raise ModelError(f"metadata {key} atom_stats must be an object, got {type(raw).__name__}")
        try:
            stats = AtomStats.from_dict(raw)
        except ParameterError as exc:
            raise ModelError(f"metadata {key} atom_stats is malformed ({exc})") from None
        if stats.atoms != atoms:
            raise ModelError(f"metadata {key} atom_stats describe {stats.atoms} atoms, the model has {atoms}")
    denoise = extra.get("denoise") or {}
    if not isinstance(denoise, Mapping):
        raise ModelError(f"metadata {key} denoise must be an object, got {type(denoise).__name__}")
    amount = denoise.get("amount", 0.0)
    # compared, never converted first: float(10**400) would raise OverflowError; NaN fails the comparison
    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or not 0.0 <= amount <= 1.0:
        shown = repr(amount) if len(repr(amount)) <= 40 else repr(amount)[:40] + "..."
        raise ModelError(f"metadata {key} denoise amount must be a number within 0..1, got {shown}")
    return stats, float(amount)
