"""What every picture of ``bridge.analysis`` shares: a headless matplotlib, axis names, saving.

matplotlib (the ``[plot]`` extra) is imported on first use only, never when a module is imported,
so the live bridge and ``sidl --help`` stay light; where it is missing the CLI names the extra.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sidl.bridge.codecs import DRUM_CLASS_NAMES

log = logging.getLogger("sidl.analysis.plot")

NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
PIANO_LOWEST = 21  # A0, row 0 of the piano codec


def pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend (files only: no display is needed or opened)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def note_name(pitch: int) -> str:
    """MIDI pitch -> scientific name: 60 -> "C4", 21 -> "A0"."""
    return f"{NOTE_NAMES[pitch % 12]}{pitch // 12 - 1}"


def drum_names() -> tuple[str, ...]:
    """The drum codec's class names in row order (kick first)."""
    return tuple(DRUM_CLASS_NAMES)


def save_figure(fig: Any, path: str | Path, *, dpi: int = 120) -> Path:
    """Write ``fig`` as PNG (folders made as needed) and close it; returns the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=dpi, bbox_inches="tight", facecolor="white")
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
                   shade: Any = None, names: bool = True, dot_scale: float = 1.0) -> None:
    """A drum grid (27, T) on ``ax``: one row per drum class (kick at the bottom), x in units of
    ``steps_per_unit`` steps from ``start`` (bars for 16). Dots = hits that play (hit > threshold),
    area and darkness by velocity, shifted sideways by their micro-timing offset. ``shade``: an
    optional (27, T) signed part (an atom's contribution) whose hit rows are shaded, red where it adds
    and blue where it takes away; without it, hit cells are lightly shaded."""
    import numpy as np

    g = np.asarray(grid, dtype=np.float64)
    n = len(drum_names())
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
    ax.set_yticklabels(drum_names() if names else [])


def piano_key_range(grid: Any, *, min_keys: int = 12, max_keys: int = 88, relative: float = 0.3) -> tuple[int, int]:
    """The pitches (lowest, highest) worth showing of a piano grid (264, T): keys whose onset or hold
    reaches ``relative`` × the grid's peak, widened to ``min_keys`` and, around the strongest key,
    cut to ``max_keys``."""
    import numpy as np

    g = np.asarray(grid, dtype=np.float64)
    strength = np.maximum(g[:88], g[176:264]).max(axis=1) if g.shape[1] else np.zeros(88)
    peak = float(strength.max())
    keys = np.flatnonzero(strength >= relative * peak) if peak > 0 else np.array([39])  # C4
    lo, hi = int(keys.min()), int(keys.max())
    if hi - lo + 1 > max_keys:
        centre = int(np.argmax(strength))
        lo = max(0, min(centre - max_keys // 2, 88 - max_keys))
        hi = lo + max_keys - 1
    while hi - lo + 1 < min(min_keys, 88):
        lo, hi = max(0, lo - 1), min(87, hi + 1)
    return PIANO_LOWEST + lo, PIANO_LOWEST + hi


def draw_piano_roll(ax: Any, grid: Any, pitches: tuple[int, int], *, start: float = 0.0, steps_per_unit: int = 32,
                    threshold: float = 0.5, names: bool = True, label_every: int | None = None,
                    dot_scale: float = 1.0) -> None:
    """A piano grid (264, T) on ``ax`` for the keys ``pitches`` = (lowest, highest): blue shading =
    hold (the key sounds), dots = onsets that play (onset > threshold; darker = louder), rings =
    weaker onsets (above half the threshold), x in units of ``steps_per_unit`` steps from ``start``.
    The y axis names notes (every key when few are shown, else every C, E and G#)."""
    import numpy as np

    g = np.asarray(grid, dtype=np.float64)
    lo, hi = pitches[0] - PIANO_LOWEST, pitches[1] - PIANO_LOWEST
    steps = g.shape[1]
    u = float(steps_per_unit)
    extent = (start, start + steps / u, pitches[0] - 0.5, pitches[1] + 0.5)
    ax.imshow(np.clip(g[176 + lo : 176 + hi + 1], 0.0, 1.0), origin="lower", aspect="auto", cmap="Blues",
              vmin=0.0, vmax=1.3, extent=extent, interpolation="nearest")
    onset = g[lo : hi + 1]
    rows, cols = np.nonzero(onset > threshold)
    if len(rows):
        vel = np.clip(g[88 + lo + rows, cols], 0.0, 1.0)
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
