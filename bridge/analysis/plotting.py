"""What every picture of ``bridge.analysis`` shares: a headless matplotlib, axis names, saving.

matplotlib (the ``[plot]`` extra) is imported on first use only, never when a module is imported,
so the live bridge and ``sidl --help`` stay light; where it is missing the CLI names the extra.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sidl.bridge.codecs import DRUM_CLASS_NAMES, Codec, group_size
from sidl.bridge.codecs.piano import NOTE_NAMES, note_name
from sidl.bridge.errors import ParameterError
from sidl.bridge.safe_io import write_atomic

__all__ = ["NOTE_NAMES", "ROLLS", "HitRoll", "KeyRoll", "draw_drum_roll", "draw_piano_roll", "drum_names", "note_name",
           "piano_key_range", "pyplot", "roll_for", "save_figure"]

log = logging.getLogger(__name__)

PIANO_LOWEST = 21  # A0, row 0 of the piano codec (the default of the key rolls)


def pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend (files only: no display is needed or opened)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def drum_names() -> tuple[str, ...]:
    """The drum codec's class names in row order (kick first)."""
    return tuple(DRUM_CLASS_NAMES)


def save_figure(fig: Any, path: str | Path, *, dpi: int = 120) -> Path:
    """Write ``fig`` as PNG (folders made as needed; written whole or not at all) and close it;
    returns the path."""
    out = Path(path)
    try:
        write_atomic(out, lambda fh: fig.savefig(fh, format="png", dpi=dpi, bbox_inches="tight", facecolor="white"))
    finally:
        pyplot().close(fig)
    log.info("wrote %s", out)
    return out


# ------------------------------------------------------------------------------ rolls (atoms, code views)
VELOCITY_CMAP = "Greys"  # dots of played hits and onsets: pale = soft, black = loud
CONTRIBUTION_CMAP = "RdBu_r"  # an atom's own part: red adds, blue takes away


def _velocity_colours(vel: Any) -> Any:
    """Velocities 0..1 -> RGBA, never paler than a mid grey (a soft hit stays visible)."""
    import matplotlib

    return matplotlib.colormaps[VELOCITY_CMAP](0.35 + 0.65 * vel)


def draw_drum_roll(ax: Any, grid: Any, *, start: float = 0.0, steps_per_unit: int = 16, threshold: float = 0.5,
                   shade: Any = None, names: bool = True, dot_scale: float = 1.0,
                   labels: Sequence[str] | None = None) -> None:
    """A drum grid (27, T) on ``ax``: one row per drum class (kick at the bottom), x in units of
    ``steps_per_unit`` steps from ``start`` (bars for 16). Dots = hits that play (hit > threshold),
    area and darkness by velocity, shifted sideways by their micro-timing offset. ``shade``: an
    optional (27, T) signed part (an atom's contribution) whose hit rows are shaded, red where it adds
    and blue where it takes away; without it, hit cells are lightly shaded. ``labels``: the row
    names (default the drum classes), one per hit row."""
    import numpy as np

    labels = drum_names() if labels is None else tuple(labels)
    g = np.asarray(grid, dtype=np.float64)
    n = len(labels)
    steps = g.shape[1]
    u = float(steps_per_unit)
    extent = (start, start + steps / u, -0.5, n - 0.5)
    if shade is not None:
        ax.imshow(np.clip(np.asarray(shade, dtype=np.float64)[:n], -1.0, 1.0), origin="lower", aspect="auto",
                  cmap=CONTRIBUTION_CMAP, vmin=-1.0, vmax=1.0, extent=extent, interpolation="nearest")
    else:
        ax.imshow(np.clip(g[:n], 0.0, 1.0), origin="lower", aspect="auto", cmap="Greys", vmin=0.0, vmax=4.0,
                  extent=extent, interpolation="nearest")
    rows, cols = np.nonzero(g[:n] > threshold)
    if len(rows):
        vel = np.clip(g[n + rows, cols], 0.0, 1.0)
        off = np.clip(g[2 * n + rows, cols], -0.5, 0.5)
        x = start + (cols + 0.5 + off) / u
        ax.scatter(x, rows, s=dot_scale * (8 + 40 * vel), c=_velocity_colours(vel), edgecolors="black",
                   linewidths=0.4, zorder=3)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(-0.5, n - 0.5)
    ax.set_yticks(range(n))
    ax.set_yticklabels(labels if names else [])


def piano_key_range(grid: Any, *, min_keys: int = 12, max_keys: int = 88, relative: float = 0.3,
                    lowest: int = PIANO_LOWEST) -> tuple[int, int]:
    """The pitches (lowest, highest) worth showing of a keyed grid ``[onset | velocity | hold]``
    (264 rows for piano; row 0 is pitch ``lowest``): keys whose onset or hold reaches ``relative`` ×
    the grid's peak, widened to ``min_keys`` and, around the strongest key, cut to ``max_keys``."""
    import numpy as np

    g = np.asarray(grid, dtype=np.float64)
    n = group_size(g.shape[0])
    strength = np.maximum(g[:n], g[2 * n : 3 * n]).max(axis=1) if g.shape[1] else np.zeros(n)
    peak = float(strength.max())
    middle_c = min(max(60 - lowest, 0), n - 1)  # C4 (key 39 of the piano)
    keys = np.flatnonzero(strength >= relative * peak) if peak > 0 else np.array([middle_c])
    lo, hi = int(keys.min()), int(keys.max())
    if hi - lo + 1 > max_keys:
        centre = int(np.argmax(strength))
        lo = max(0, min(centre - max_keys // 2, n - max_keys))
        hi = lo + max_keys - 1
    while hi - lo + 1 < min(min_keys, n):
        lo, hi = max(0, lo - 1), min(n - 1, hi + 1)
    return lowest + lo, lowest + hi


def draw_piano_roll(ax: Any, grid: Any, pitches: tuple[int, int], *, start: float = 0.0, steps_per_unit: int = 32,
                    threshold: float = 0.5, names: bool = True, label_every: int | None = None,
                    dot_scale: float = 1.0, lowest: int = PIANO_LOWEST) -> None:
    """A piano grid (264, T) on ``ax`` for the keys ``pitches`` = (lowest, highest): blue shading =
    hold (the key sounds), dots = onsets that play (onset > threshold; darker = louder), rings =
    weaker onsets (above half the threshold), x in units of ``steps_per_unit`` steps from ``start``.
    The y axis names notes (every key when few are shown, else every C, E and G#). Row 0 of the
    grid is pitch ``lowest``."""
    import numpy as np

    g = np.asarray(grid, dtype=np.float64)
    n = group_size(g.shape[0])
    lo, hi = pitches[0] - lowest, pitches[1] - lowest
    steps = g.shape[1]
    u = float(steps_per_unit)
    extent = (start, start + steps / u, pitches[0] - 0.5, pitches[1] + 0.5)
    ax.imshow(np.clip(g[2 * n + lo : 2 * n + hi + 1], 0.0, 1.0), origin="lower", aspect="auto", cmap="Blues",
              vmin=0.0, vmax=1.3, extent=extent, interpolation="nearest")
    onset = g[lo : hi + 1]
    rows, cols = np.nonzero(onset > threshold)
    if len(rows):
        vel = np.clip(g[n + lo + rows, cols], 0.0, 1.0)
        ax.scatter(start + (cols + 0.5) / u, pitches[0] + rows, s=dot_scale * (10 + 30 * vel),
                   c=_velocity_colours(vel), edgecolors="black", linewidths=0.4, zorder=3)
    weak_rows, weak_cols = np.nonzero((onset > 0.5 * threshold) & (onset <= threshold))
    if len(weak_rows):
        ax.scatter(start + (weak_cols + 0.5) / u, pitches[0] + weak_rows, s=dot_scale * 12, facecolors="none",
                   edgecolors="black", linewidths=0.5, zorder=3)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    span = pitches[1] - pitches[0] + 1
    every = label_every if label_every is not None else (1 if span <= 14 else 0)
    if every:
        ticks = list(range(pitches[0], pitches[1] + 1, every))
    else:
        ticks = [p for p in range(pitches[0], pitches[1] + 1) if p % 12 in (0, 4, 8)] or [pitches[0]]
    ax.set_yticks(ticks)
    ax.set_yticklabels([note_name(p) for p in ticks] if names else [])


# ------------------------------------------------------------------------------ rolls by grid meaning
@dataclass(frozen=True)
class HitRoll:
    """Pictures of grids whose third group is micro-timing: one labelled row per hit row (drums)."""

    atom_panel: tuple[float, float] = (2.1, 1.55)
    bar_label: str = "bar"
    atom_legend: str = ("shading = the atom's part of the hit rows (red adds, blue takes away); dots = hits that "
                        "play alone (darker/larger = louder, shifted by micro-timing)")

    def atom_caption(self, codec: Codec, kernel: int) -> str:
        return (f"{codec.name.removesuffix('s')} atoms (one bar: {len(codec.row_labels())} {codec.name} × "
                f"{kernel} steps; x = beats)")

    def view_rows(self, codec: Codec, grids: Any) -> tuple[tuple[int, int] | None, float]:
        return None, 1.9

    def draw_view(self, ax: Any, codec: Codec, grid: Any, rows: tuple[int, int] | None, *, start: float,
                  steps_per_unit: int, n_bars: int) -> None:
        draw_drum_roll(ax, grid, start=start, steps_per_unit=steps_per_unit,
                       dot_scale=max(0.35, min(1.0, 12 / n_bars)), labels=codec.row_labels())

    def draw_atom(self, ax: Any, codec: Codec, grid: Any, *, first_col: bool, shade: Any, kernel: int,
                  steps_per_beat: int) -> None:
        draw_drum_roll(ax, grid, steps_per_unit=1, names=first_col, shade=shade, labels=codec.row_labels())
        ax.set_xticks([b * steps_per_beat for b in range(kernel // steps_per_beat)])
        ax.set_xticklabels([str(b + 1) for b in range(kernel // steps_per_beat)])


@dataclass(frozen=True)
class KeyRoll:
    """Pictures of grids whose third group is hold: a piano roll over the keys in use."""

    atom_panel: tuple[float, float] = (1.55, 1.9)
    bar_label: str = "bar (4 beats)"
    atom_legend: str = "blue = hold, dots = onsets that play alone (darker/larger = louder), rings = weaker onsets"

    def atom_caption(self, codec: Codec, kernel: int) -> str:
        return f"{codec.name} atoms (one beat, {kernel} steps; y = the keys each atom uses)"

    def view_rows(self, codec: Codec, grids: Any) -> tuple[tuple[int, int] | None, float]:
        pitches = piano_key_range(grids, min_keys=24, relative=0.5, lowest=codec.row_pitches()[0])
        return pitches, min(4.5, max(2.2, 0.06 * (pitches[1] - pitches[0] + 1)))

    def draw_view(self, ax: Any, codec: Codec, grid: Any, rows: tuple[int, int] | None, *, start: float,
                  steps_per_unit: int, n_bars: int) -> None:
        assert rows is not None
        draw_piano_roll(ax, grid, rows, start=start, steps_per_unit=steps_per_unit,
                        dot_scale=max(0.3, min(1.0, 8 / n_bars)), lowest=codec.row_pitches()[0])

    def draw_atom(self, ax: Any, codec: Codec, grid: Any, *, first_col: bool, shade: Any, kernel: int,
                  steps_per_beat: int) -> None:
        lowest = codec.row_pitches()[0]
        pitches = piano_key_range(grid, min_keys=7, max_keys=24, lowest=lowest)
        draw_piano_roll(ax, grid, pitches, steps_per_unit=1, dot_scale=1.6, lowest=lowest)
        ax.set_xticks([0, kernel / 2])
        ax.set_xticklabels(["beat", "+½"])


#: How a codec's grid is drawn, by what its third channel group means.
ROLLS: dict[str, HitRoll | KeyRoll] = {"timing": HitRoll(), "hold": KeyRoll()}


def roll_for(codec: Codec) -> HitRoll | KeyRoll:
    """The picture style of ``codec``'s grids."""
    role = codec.grid_layout.third.role
    try:
        return ROLLS[role]
    except KeyError:
        raise ParameterError(f"no picture style for grids whose third group is {role!r}") from None
