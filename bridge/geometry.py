"""Where each code column sits in time: the geometry of a convolutional dictionary (numpy only).

Mirrors :class:`models.autoencoder.ConvWTAAutoencoder` exactly (a test compares them): atoms are
``kernel`` steps long, placed every ``stride`` steps, with ``padding = kernel − stride`` on each side
so atoms may straddle a window's edges; a grid of T steps has ``T/stride + kernel/stride − 1``
columns, and each column belongs to the bar holding its atom's centre (edge columns to the first or
last bar).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sidl.bridge.errors import ParameterError


def atoms_per_bar(k: int, *, wta_axis: str, columns_per_bar: int) -> int:
    """The atom budget per bar of a WTA keeping ``k`` winners per competition set: ``k`` per column
    for ``atoms`` (so ``k`` × columns per bar), ``k`` per bar for ``bar``; a ``time`` WTA competes
    over whole windows, where ``k`` is taken as it is."""
    return k * columns_per_bar if wta_axis == "atoms" else k


def winners_for(budget: int, *, wta_axis: str, columns_per_bar: int) -> int | None:
    """The inverse of :func:`atoms_per_bar`: the WTA's ``k`` for ``budget`` atoms per bar, or None
    where the budget is not a whole number of winners per column (``atoms`` axis)."""
    if wta_axis != "atoms":
        return budget
    return budget // columns_per_bar if budget % columns_per_bar == 0 else None


def _positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ParameterError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class CodeGeometry:
    """Atom count, atom length (kernel), placement step (stride) and bar length, in grid steps."""

    atoms: int
    kernel: int
    stride: int
    steps_per_bar: int

    def __post_init__(self) -> None:
        for name in ("atoms", "kernel", "stride", "steps_per_bar"):
            object.__setattr__(self, name, _positive_int(name, getattr(self, name)))
        if self.kernel % self.stride:
            raise ParameterError(f"kernel ({self.kernel}) must be a multiple of stride ({self.stride})")
        if self.steps_per_bar % self.stride:
            raise ParameterError(f"steps_per_bar ({self.steps_per_bar}) must be a multiple of stride ({self.stride})")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> CodeGeometry:
        """From a model config or model metadata holding atoms, kernel, stride, steps_per_bar."""
        try:
            return cls(config["atoms"], config["kernel"], config["stride"], config["steps_per_bar"])
        except KeyError as exc:
            raise ParameterError(f"model config lacks {exc.args[0]!r}") from None

    @property
    def padding(self) -> int:
        return self.kernel - self.stride

    @property
    def columns_per_bar(self) -> int:
        """Columns whose atoms start in one bar (away from the window's edges)."""
        return self.steps_per_bar // self.stride

    def _check_steps(self, n_steps: int) -> int:
        n = _positive_int("n_steps", n_steps)
        if n % self.stride:
            raise ParameterError(f"n_steps must be a multiple of stride {self.stride}, got {n}")
        return n

    def code_length(self, n_steps: int) -> int:
        """Columns of the code of a grid of ``n_steps`` steps."""
        n = self._check_steps(n_steps)
        return (n + 2 * self.padding - self.kernel) // self.stride + 1

    def n_bars(self, n_steps: int) -> int:
        return -(-self._check_steps(n_steps) // self.steps_per_bar)

    def column_bars(self, n_steps: int) -> np.ndarray:
        """Bar index (int64) of every column for a grid of ``n_steps`` steps."""
        cols = np.arange(self.code_length(n_steps), dtype=np.int64)
        twice_centre = 2 * (cols * self.stride - self.padding) + self.kernel
        return np.clip(twice_centre // (2 * self.steps_per_bar), 0, self.n_bars(n_steps) - 1)
