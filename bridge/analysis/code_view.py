"""``sidl code``: the "music decomposition" view of a piece — its sparse code over time (atoms ×
bars) above its input and its reconstruction.

The whole file is encoded (so every bar's code is the one the tools use: the piano model's codes
depend on their context) and decoded; the view then shows a range of bars. The code panel has one
row per atom active somewhere in that range, labelled by atom id, in order of first appearance; each
code column is drawn where its atom is centred (a whole bar for the drum model, half a beat for the
piano model). Below it the input and the reconstruction, as drum grids (drum names) or piano rolls
(note names over the keys the piece uses), on the same time axis in bars.
"""

from __future__ import annotations

import argparse
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sidl.bridge.engine import Engine
from sidl.bridge.errors import ParameterError

log = logging.getLogger(__name__)

DEFAULT_MAX_BARS = 16


def parse_bars(text: str | None, n_bars: int, *, default_max: int = DEFAULT_MAX_BARS) -> tuple[int, int]:
    """``--bars``: '5-12' (1-based, inclusive), '9' (one bar), 'all', or None (the first
    ``default_max``) -> 0-based [first, end) within the piece's ``n_bars`` bars."""
    if text is None:
        return 0, min(n_bars, default_max)
    value = str(text).strip().lower()
    if value == "all":
        return 0, n_bars
    try:
        if "-" in value:
            a, b = (int(v) for v in value.split("-", 1))
        else:
            a = b = int(value)
    except ValueError:
        raise ParameterError(f"--bars must be like '5-12', '9' or 'all', got {text!r}") from None
    if a < 1 or b < a:
        raise ParameterError(f"--bars must name bars from 1 up, first <= last, got {text!r}")
    if a > n_bars:
        raise ParameterError(f"--bars {text}: the piece has only {n_bars} bars")
    return a - 1, min(b, n_bars)


@dataclass
class CodeView:
    """A range of bars of one piece: its code, the atoms shown, and the input and reconstruction."""

    path: Path
    model: str
    first_bar: int  # 0-based
    end_bar: int  # 0-based, exclusive
    bars_total: int
    k: int
    code: np.ndarray  # (atoms, columns) of the shown bars
    columns: tuple[int, int]  # [first, last) column indices in the whole code
    column_centres: np.ndarray  # in bars (0-based, fractional), one per shown column
    column_width: float  # in bars
    atoms: list[int]  # shown, in order of first appearance
    active: list[int]  # every atom active in the shown bars (sorted)
    input_grid: np.ndarray  # (channels, steps) of the shown bars
    reconstruction: np.ndarray  # the same for the reconstruction
    steps_per_bar: int
    hit_f1: float  # reconstruction vs input on hit / onset cells of the shown bars

    def per_bar(self) -> list[dict[str, Any]]:
        """For every shown bar, its atoms (strongest first) with their activations."""
        out = []
        bar_of = np.floor(self.column_centres).astype(int)
        for bar in range(self.first_bar, self.end_bar):
            cols = np.flatnonzero(bar_of == bar)
            sub = self.code[:, cols]
            atoms = np.flatnonzero(np.abs(sub).sum(axis=1))
            strength = np.abs(sub[atoms]).max(axis=1) if len(atoms) else np.zeros(0)
            order = np.argsort(-strength, kind="stable")
            out.append({"bar": bar + 1, "atoms": [{"atom": int(atoms[i]), "activation": round(float(strength[i]), 4)}
                                                  for i in order]})
        return out


def _f1(truth: np.ndarray, guess: np.ndarray) -> float:
    tp = float(np.logical_and(truth, guess).sum())
    total = float(truth.sum() + guess.sum())
    return 1.0 if total == 0 else 2 * tp / total


def code_view(engine: Engine, path: str | Path, *, bars: str | None = None, k: int | None = None,
              top: int | None = None) -> CodeView:
    """The code of ``path`` over the bars ``bars`` (see :func:`parse_bars`) at ``k`` atoms per bar
    (default: the model's), showing every active atom or the ``top`` with the most activation."""
    from sidl.bridge.analysis.similar import section_columns
    from sidl.bridge.tools import load_for

    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ParameterError(f"--top must be an integer >= 1, got {top!r}")
    src = load_for(engine, path)
    spb = engine.info.steps_per_bar
    n_bars = -(-src.steps // spb)
    first, end = parse_bars(bars, n_bars)
    k = engine.info.atoms_per_bar if k is None else k
    code = engine.encode(src.grid, k)
    recon = engine.decode(code)
    geometry = engine.geometry
    c0, c1 = section_columns(geometry, first, end - first)
    c1 = min(c1, code.shape[1])
    shown = code[:, c0:c1]
    centres = (np.arange(c0, c1) * geometry.stride - geometry.padding + geometry.kernel / 2) / spb
    active = np.flatnonzero(np.abs(shown).sum(axis=1))
    total = np.abs(shown[active]).sum(axis=1)
    chosen = active if top is None or top >= len(active) else active[np.sort(np.argsort(-total, kind="stable")[:top])]
    first_col = np.array([int(np.flatnonzero(shown[a])[0]) for a in chosen], dtype=int)
    order = np.lexsort((chosen, first_col))
    lo, hi = first * spb, end * spb
    grid_in = np.asarray(src.grid)[:, lo:hi]
    grid_out = recon[:, lo:hi]
    if grid_in.shape[1] < hi - lo:  # the piece's last bar padded with silence, as the model sees it
        grid_in = np.pad(grid_in, ((0, 0), (0, hi - lo - grid_in.shape[1])))
    f1 = _f1(engine.codec.hits(grid_in), engine.codec.hits(grid_out))
    log.info("%s: bars %d-%d of %d, %d atoms active", path, first + 1, end, n_bars, len(active))
    return CodeView(Path(path), engine.info.name, first, end, n_bars, int(k), shown, (c0, c1), centres,
                    geometry.stride / spb, [int(chosen[i]) for i in order], [int(a) for a in active],
                    grid_in, grid_out, spb, round(f1, 4))


def _bar_ticks(ax: Any, first: int, end: int) -> None:
    n = end - first
    every = 1 if n <= 24 else 2 if n <= 48 else 4 if n <= 96 else 8
    ticks = [b for b in range(first, end + 1) if (b - first) % every == 0]
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(b + 1) for b in ticks])
    for b in range(first, end + 1):
        ax.axvline(b, color="0.6", linewidth=0.5, zorder=4)


def plot_code_view(engine: Engine, view: CodeView, out: str | Path) -> Path:
    """The view as a PNG (see :func:`draw_code_view`)."""
    from sidl.bridge.analysis import plotting

    return plotting.save_figure(draw_code_view(engine, view), out, dpi=100)


def draw_code_view(engine: Engine, view: CodeView) -> Any:
    """A matplotlib figure of three panels sharing the time axis: the code (one row per shown atom,
    labelled by id), the input and the reconstruction."""
    from sidl.bridge.analysis import plotting

    plt = plotting.pyplot()
    roll = plotting.roll_for(engine.codec)
    n_atoms = max(1, len(view.atoms))
    n_bars = view.end_bar - view.first_bar
    width = min(18.0, max(7.0, 0.9 * n_bars + 2.5))
    code_h = min(9.0, max(1.2, 0.13 * n_atoms + 0.4))
    rows_shown, roll_h = roll.view_rows(engine.codec, np.concatenate([view.input_grid, view.reconstruction], axis=1))
    fig, axes = plt.subplots(3, 1, figsize=(width, code_h + 2 * roll_h + 1.2), sharex=True,
                             gridspec_kw={"height_ratios": [code_h, roll_h, roll_h]}, layout="constrained")
    ax_code, ax_in, ax_out = axes
    if view.atoms:
        rows = view.code[view.atoms]
        values = np.ma.masked_equal(np.abs(rows), 0.0)
        left = view.column_centres[0] - view.column_width / 2
        right = view.column_centres[-1] + view.column_width / 2
        img = ax_code.imshow(values, aspect="auto", cmap="viridis", interpolation="nearest",
                             extent=(left, right, len(view.atoms) - 0.5, -0.5))
        ax_code.set_facecolor("white")
        bar = fig.colorbar(img, ax=ax_code, pad=0.005, fraction=0.025, aspect=max(5, 2 * code_h))
        bar.set_label("activation", fontsize=7)
        bar.ax.tick_params(labelsize=6)
        every = 1 if n_atoms <= 80 else 2
        ax_code.set_yticks(range(0, len(view.atoms), every))
        ax_code.set_yticklabels([str(a) for a in view.atoms[::every]], fontsize=6 if n_atoms > 30 else 7)
    else:
        ax_code.text(0.5, 0.5, "no active atom", transform=ax_code.transAxes, ha="center", va="center")
        ax_code.set_yticks([])
    hidden = len(view.active) - len(view.atoms)
    ax_code.set_ylabel("atom" + (f"\n(top {len(view.atoms)}; {hidden} more)" if hidden else ""), fontsize=8)
    ax_code.set_title(f"{view.path.name} — {view.model} model, {view.k} atoms per bar, bars {view.first_bar + 1}–"
                      f"{view.end_bar} of {view.bars_total}: {len(view.active)} atoms active", fontsize=9)
    for ax, grid, name in ((ax_in, view.input_grid, "input"),
                           (ax_out, view.reconstruction,
                            f"reconstruction ({engine.codec.hit_word} F1 {view.hit_f1:.2f})")):
        roll.draw_view(ax, engine.codec, grid, rows_shown, start=view.first_bar, steps_per_unit=view.steps_per_bar,
                       n_bars=n_bars)
        ax.tick_params(labelsize=7)
        ax.set_ylabel(name, fontsize=8)
    for ax in axes:
        _bar_ticks(ax, view.first_bar, view.end_bar)
    ax_out.set_xlim(view.first_bar, view.end_bar)
    ax_out.set_xlabel(roll.bar_label, fontsize=8)
    return fig


def run_code(args: argparse.Namespace) -> int:
    engine = Engine.load(args.model, provider=args.provider)
    view = code_view(engine, args.input, bars=args.bars, k=args.atoms, top=args.top)
    written = str(plot_code_view(engine, view, args.out)) if args.out else None
    bars = view.per_bar()
    if args.json:
        print(json.dumps({"input": str(view.path), "model": view.model, "atoms_per_bar": view.k,
                          "bars": [view.first_bar + 1, view.end_bar], "bars_total": view.bars_total,
                          "active_atoms": view.active, "shown_atoms": view.atoms, "hit_f1": view.hit_f1,
                          "per_bar": bars, "picture": written}, indent=2))
        return 0
    quality = engine.codec.hit_word
    print(f"{view.path}: bars {view.first_bar + 1}-{view.end_bar} of {view.bars_total}, {view.k} atoms per bar "
          f"({view.model}); {len(view.active)} atoms active; reconstruction {quality} F1 {view.hit_f1:.3f}")
    print(f"{'bar':>4}  atoms (activation), strongest first")
    for entry in bars:
        items = entry["atoms"]
        text = "  ".join(f"{a['atom']} ({a['activation']:.2f})" for a in items[:6])
        more = f"  … +{len(items) - 6}" if len(items) > 6 else ""
        print(f"{entry['bar']:>4}  {text or '—'}{more}")
    if written:
        print(f"wrote {written}")
    return 0
