"""``sidl atoms``: the learned dictionary as pictures (and MIDI files), most used atoms first.

Usage is what :class:`bridge.ops.AtomStats` measured on the **training split** at export time and
the bundled models carry in their metadata: an atom's *frequency* is the fraction of training bars
in which it is active, its *typical strength* the geometric mean of its activations there
(``exp(log_mean)``). A model exported without statistics (no ``--stats-data``) has none: then usage
is measured on a folder given with ``data`` (``--data DIR``), and without one the command says so.

Each atom is drawn as it plays alone at its typical strength: the decoder's output for a code that
holds only that atom (plus the decoder's constant bias), in codec units — a 9-row × 16-step drum
grid for the drum model, a beat-long piano roll over the keys the atom uses for the piano model.
"""

from __future__ import annotations

import argparse
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sidl.bridge.codecs import save_score
from sidl.bridge.engine import Engine
from sidl.bridge.errors import MidiFileError, ModelError, ParameterError
from sidl.bridge.live.limits import check_bpm
from sidl.bridge.ops import AtomStats
from sidl.bridge.safe_io import check_folder, write_text
from sidl.bridge.tools import code_bars, grid_score

log = logging.getLogger(__name__)

STRENGTH_BOOSTS = (1.0, 1.25, 1.5, 2.0, 3.0, 4.0)  # for --midi: the first that makes an atom audible


@dataclass
class AtomUsage:
    """Per-atom frequency (fraction of bars where the atom is active) and typical strength."""

    frequency: np.ndarray
    strength: np.ndarray
    source: str  # where the numbers come from, in words

    @classmethod
    def from_stats(cls, stats: AtomStats, source: str) -> AtomUsage:
        strength = np.where(stats.frequency > 0, np.exp(stats.log_mean), 1.0)
        return cls(np.asarray(stats.frequency, np.float64), strength.astype(np.float64), source)


def atom_usage(engine: Engine, *, data: str | Path | None = None, split: str | None = None,
               k: int | None = None) -> AtomUsage:
    """Usage from the model's training statistics, or measured on ``data`` (a folder of MIDI files,
    a dataset folder with ``split``, or a CSV listing files) when given."""
    if data is not None:
        return measure_usage(engine, data, split=split, k=k)
    stats = engine.info.atom_stats  # parsed and checked against the model when it was loaded
    if stats is None:
        raise ModelError(f"model {engine.info.name!r} carries no atom statistics, so how often its atoms are used "
                         "on the training data is unknown; pass --data DIR to measure usage on a folder of MIDI "
                         "files, or re-export the model with `sidl export ... --stats-data DATA`")
    corpus = engine.info.training_data.split(" (")[0].split(". ")[0].strip() or "its training data"
    return AtomUsage.from_stats(stats, f"training split of {corpus}")


def measure_usage(engine: Engine, data: str | Path, *, split: str | None = None, k: int | None = None) -> AtomUsage:
    """Frequency and strength of every atom in the codes of the files of ``data``."""
    from sidl.bridge.analysis.corpus import SkipCount, iter_encoded, midi_files

    files = midi_files(data, split)
    skipped = SkipCount()
    codes, bars = [], []
    for item in iter_encoded(engine, files, k=k, skipped=skipped):
        codes.append(item.code)
        bars.append(code_bars(engine, item.steps))
    if not codes:
        raise MidiFileError(f"{data}: none of its {len(files)} MIDI files can be used with model "
                             f"{engine.info.name!r} ({skipped.describe()})")
    stats = AtomStats.from_codes(codes, bars)
    where = f"{data}" + (f" ({split} split)" if split else "")
    log.info("measured atom usage on %d files of %s (%s)", len(codes), where, skipped.describe())
    return AtomUsage.from_stats(stats, f"{len(codes)} files of {where}" + (f", {skipped.total} skipped" if skipped.total else ""))


@dataclass
class RankedAtom:
    """One atom in usage order: ``grid`` is what it plays alone at ``strength`` (codec units,
    (channels, kernel))."""

    rank: int
    atom: int
    frequency: float
    strength: float
    grid: np.ndarray

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "atom": self.atom, "frequency": round(self.frequency, 6),
                "strength": round(self.strength, 5)}


def parse_top(value: str | int | None, atoms: int) -> int:
    """``--top``: a positive integer or ``all``; more than the model has means all."""
    if value is None or (isinstance(value, str) and value.strip().lower() == "all"):
        return atoms
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise ParameterError(f"--top must be a positive integer or 'all', got {value!r}") from None
    if n < 1:
        raise ParameterError(f"--top must be a positive integer or 'all', got {value!r}")
    return min(n, atoms)


def usage_order(usage: AtomUsage) -> np.ndarray:
    """Atom ids, most frequent first (ties: the lower id first)."""
    return np.lexsort((np.arange(len(usage.frequency)), -usage.frequency))


def atom_grids(engine: Engine, atoms: np.ndarray, strengths: np.ndarray) -> np.ndarray:
    """What each atom plays alone at its strength: decoder output (n, channels, kernel) for codes
    holding just that atom, placed so that the whole atom lies inside the output."""
    geometry = engine.geometry
    columns = geometry.code_length(geometry.kernel)  # a grid one atom long
    first = geometry.padding // geometry.stride  # the column whose atom starts at step 0
    out = []
    for lo in range(0, len(atoms), 256):  # bounded memory for big dictionaries
        chunk = np.asarray(atoms[lo : lo + 256])
        code = np.zeros((len(chunk), engine.info.atoms, columns), np.float32)
        code[np.arange(len(chunk)), chunk, first] = np.asarray(strengths[lo : lo + 256], np.float32)
        out.append(engine.decode(code)[:, :, : geometry.kernel])
    return np.concatenate(out) if out else np.zeros((0, engine.info.in_channels, geometry.kernel), np.float32)


def ranked_atoms(engine: Engine, usage: AtomUsage, top: int) -> list[RankedAtom]:
    """The ``top`` most used atoms with their pictures' grids."""
    order = usage_order(usage)[:top]
    grids = atom_grids(engine, order, usage.strength[order])
    return [RankedAtom(r + 1, int(a), float(usage.frequency[a]), float(usage.strength[a]), grids[r])
            for r, a in enumerate(order)]


def describe_grid(engine: Engine, grid: np.ndarray, threshold: float = 0.5) -> str:
    """What a grid plays, in words: ``kick×2 snare×2 closed_hihat×8`` / ``D4 F#4`` (onsets): each hit
    row that plays, by its label, with its count where the third group is micro-timing (hits are
    counted) and without where it is hold (notes are named)."""
    codec = engine.codec
    labels = codec.row_labels()
    hit = grid[codec.hit_rows]
    played = hit > threshold
    if codec.grid_layout.third.role == "timing":
        parts = [f"{labels[r]}×{int(n)}" for r, n in enumerate(played.sum(axis=1)) if n]
    else:
        parts = [labels[int(r)] for r in np.flatnonzero(played.any(axis=1))]
    if parts:
        return " ".join(parts)
    row = int(np.unravel_index(np.argmax(hit), hit.shape)[0])
    return f"nothing alone (peak {float(hit.max()):.2f} at {labels[row]})"


# ------------------------------------------------------------------------------------------ pictures
def plot_atoms(engine: Engine, atoms: list[RankedAtom], out: str | Path, *, usage_source: str, cols: int = 8) -> Path:
    """A grid of small pictures, most used first, titled with rank, atom id and usage."""
    from sidl.bridge.analysis import plotting

    if not atoms:
        raise ParameterError("no atoms to draw")
    if isinstance(cols, bool) or not isinstance(cols, int) or cols < 1:
        raise ParameterError(f"--cols must be an integer >= 1, got {cols!r}")
    plt = plotting.pyplot()
    roll = plotting.roll_for(engine.codec)
    cols = min(cols, len(atoms))
    rows = -(-len(atoms) // cols)
    panel_w, panel_h = roll.atom_panel
    fig, axes = plt.subplots(rows, cols, figsize=(panel_w * cols + 0.8, panel_h * rows + 1.0), squeeze=False,
                             layout="constrained")
    steps_per_beat = engine.codec.steps_per_beat
    kernel = engine.info.kernel
    bias = atom_grids(engine, np.array([0]), np.array([0.0]))[0]  # what plays with no atom at all
    for i, ax in enumerate(axes.flat):
        if i >= len(atoms):
            ax.axis("off")
            continue
        a = atoms[i]
        roll.draw_atom(ax, engine.codec, a.grid, first_col=i % cols == 0, shade=a.grid - bias, kernel=kernel,
                       steps_per_beat=steps_per_beat)
        ax.tick_params(labelsize=6, length=2, pad=1)
        ax.set_title(f"#{a.rank} · atom {a.atom} · {100 * a.frequency:.1f}%", fontsize=7, pad=2)
    what = roll.atom_caption(engine.codec, kernel)
    fig.suptitle(f"{engine.info.name}: the {len(atoms)} most used of {engine.info.atoms} {what}\n"
                 f"% = share of bars where the atom is active ({usage_source}); each atom alone at its typical strength\n"
                 + roll.atom_legend,
                 fontsize=9)
    return plotting.save_figure(fig, out, dpi=100)


# ------------------------------------------------------------------------------------------ MIDI
def _audible(engine: Engine, grid: np.ndarray) -> bool:
    return engine.codec.has_notes(grid)


def audition_grid(engine: Engine, atom: RankedAtom) -> tuple[np.ndarray, float]:
    """The atom alone at its typical strength or, where that plays nothing (its part lies below the
    codec's threshold when it sounds alone), at the first of 1.25, 1.5, 2, 3, 4 × that which plays."""
    if _audible(engine, atom.grid):
        return atom.grid, atom.strength
    strengths = np.array([atom.strength * b for b in STRENGTH_BOOSTS[1:]])
    grids = atom_grids(engine, np.full(len(strengths), atom.atom), strengths)
    for grid, strength in zip(grids, strengths):
        if _audible(engine, grid):
            return grid, float(strength)
    return atom.grid, atom.strength


def write_atom_midi(engine: Engine, atoms: list[RankedAtom], out_dir: str | Path, *, bpm: float = 120.0,
                    usage_source: str = "") -> Path:
    """Each atom alone as ``rank-NNN-atom-AAAA.mid`` (on the codec's channel: 10 for drums, 1 for piano) and
    ``index.json`` (rank, atom, frequency, strength written, file; ``file`` is null for an atom that
    plays nothing alone even at 4 × its typical strength)."""
    check_bpm(bpm, "--bpm")
    out = check_folder(out_dir, "--midi folder")
    listing = []
    for a in atoms:
        grid, strength = audition_grid(engine, a)
        entry = {**a.to_dict(), "strength_written": round(strength, 5), "plays": describe_grid(engine, grid),
                 "file": None}
        if _audible(engine, grid):
            score = grid_score(engine, grid, None, bpm=bpm)
            name = f"rank-{a.rank:03d}-atom-{a.atom:04d}.mid"
            save_score(score, out / name, track_name=f"sidl {engine.info.name} atom {a.atom}")
            entry["file"] = name
        else:
            log.info("atom %d plays nothing alone; no MIDI file", a.atom)
        listing.append(entry)
    index = out / "index.json"
    write_text(index, json.dumps({"model": engine.info.name, "usage": usage_source, "bpm": bpm,
                                  "atoms": listing}, indent=2) + "\n")
    return index


# ------------------------------------------------------------------------------------------ command
def run_atoms(args: argparse.Namespace) -> int:
    engine = Engine.load(args.model, provider=args.provider)
    if args.split and not args.data:
        raise ParameterError("--split needs --data DIR")
    usage = atom_usage(engine, data=args.data, split=args.split)
    atoms = ranked_atoms(engine, usage, parse_top(args.top, engine.info.atoms))
    written: dict[str, str] = {}
    if args.out:
        written["picture"] = str(plot_atoms(engine, atoms, args.out, usage_source=usage.source, cols=args.cols))
    if args.midi:
        written["index"] = str(write_atom_midi(engine, atoms, args.midi, bpm=args.bpm, usage_source=usage.source))
    used = int((usage.frequency > 0).sum())
    if args.json:
        print(json.dumps({"model": engine.info.name, "usage": usage.source, "atoms_used": used,
                          "atoms": [{**a.to_dict(), "plays": describe_grid(engine, a.grid)} for a in atoms],
                          **written}, indent=2))
        return 0
    print(f"{engine.info.name}: {engine.info.atoms} atoms, {used} used at all; usage on the {usage.source}")
    print(f"{'rank':>4}  {'atom':>5}  {'bars %':>6}  {'strength':>8}  plays alone")
    shown = atoms if len(atoms) <= 20 else atoms[:20]
    for a in shown:
        print(f"{a.rank:>4}  {a.atom:>5}  {100 * a.frequency:6.2f}  {a.strength:8.3f}  {describe_grid(engine, a.grid)}")
    if len(atoms) > len(shown):
        print(f"… {len(atoms) - len(shown)} more (--json lists all {len(atoms)})")
    for what, path in written.items():
        print(f"wrote {what}: {path}")
    return 0
