"""What every picture of ``bridge.analysis`` shares: a headless matplotlib, axis names, saving.

matplotlib (the ``[plot]`` extra) is imported on first use only, never when a module is imported,
so the live bridge and ``sidl --help`` stay light; where it is missing the CLI names the extra.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from bridge.codecs import DRUM_CLASS_NAMES

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
