"""The offline MIDI tools (the paper's applications), on an :class:`~bridge.engine.Engine`.

Each tool reads MIDI files, works on sparse codes, and writes MIDI that keeps the input's tempo map
and meter (the first input's, for tools with two), on the codec's output channel (10 for drums, 1 for
piano). Inputs are checked before any work: unreadable or empty files, meters
the codec cannot handle and files made for the other model (a piano file given to the drum model)
fail with a message that says so, and nothing is written. Outputs are checked first too (one that
is an input, a wrong suffix, a folder in the way, a read-only place: :func:`sidl.bridge.safe_io.check_output`),
then written through a temporary file and a rename, so a failed write leaves no partial file and
keeps an earlier one. Sizes asked for (atoms per bar, bars, morph steps, the input files themselves)
are capped by :mod:`sidl.bridge.limits` before any coding.

Two inputs of different lengths (interpolate, swap): the second is looped or cut to the first's
length, as a groove would be looped in a DAW.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sidl.bridge import limits, ops
from sidl.bridge.codecs import DrumMap, Score, TempoMap, TimeSignature, get_drum_map, load_score, save_score
from sidl.bridge.denoise import clean
from sidl.bridge.engine import Engine
from sidl.bridge.morph import morph
from sidl.bridge.errors import MidiFileError, ModelError, ParameterError
from sidl.bridge.live.limits import check_bpm
from sidl.bridge.safe_io import check_folder, check_not_input, check_output, write_text

log = logging.getLogger(__name__)



@dataclass
class Loaded:
    """A MIDI file read for a model: its score, its grid, and its length in steps."""

    path: Path
    score: Score
    grid: np.ndarray
    steps: int


@dataclass
class ToolReport:
    """What a tool wrote and measured (printed as JSON by the CLI)."""

    outputs: list[Path] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"outputs": [str(p) for p in self.outputs], **self.details}


def load_for(engine: Engine, path: str | Path) -> Loaded:
    """Read ``path`` and encode it with the model's codec, refusing files made for the other codec."""
    p = Path(path)
    if not p.is_file():
        raise MidiFileError(f"{p}: no such file")
    score = load_score(p)
    if not score.notes:
        raise MidiFileError(f"{p}: the file has no notes")
    engine.codec.check_file(score, source=str(p), model=engine.info.name)
    grid = np.asarray(engine.codec.encode(score).array, dtype=np.float32)
    if not engine.codec.has_notes(grid):
        raise MidiFileError(f"{p}: none of its notes is one the {engine.info.codec_name} codec can use")
    return Loaded(p, score, grid, grid.shape[1])


def grid_score(engine: Engine, grid: np.ndarray, like: Score | None, *, drum_map: DrumMap | None = None,
               bpm: float = 120.0) -> Score:
    """A grid as a score: with ``like``'s tempo map and meter, or at ``bpm`` in 4/4."""
    tempo = like.tempo_map if like is not None else TempoMap.constant(bpm)
    signatures = list(like.time_signatures) if like is not None else [TimeSignature(0.0, 4, 4)]
    return engine.codec.to_score(grid, tempo_map=tempo, time_signatures=signatures, output_map=drum_map)


def _write(engine: Engine, grid: np.ndarray, out: str | Path, like: Score | None, *,
           drum_map: DrumMap | None = None, bpm: float = 120.0, inputs: tuple[str | Path, ...] = ()) -> Path:
    out = check_output(out, inputs=inputs)
    score = grid_score(engine, grid, like, drum_map=drum_map, bpm=bpm)
    return save_score(score, out, track_name=f"sidl {engine.info.name}", inputs=inputs)


def check_atoms(engine: Engine, atoms: int | None) -> int:
    """Atoms per bar asked of ``engine`` (None: the trained budget), refused before any coding above
    the model's cap (:attr:`ModelInfo.max_atoms_per_bar`) or when the model cannot place them."""
    if atoms is None:
        return engine.info.atoms_per_bar
    engine.info.encoder_k(atoms)
    return atoms


def code_bars(engine: Engine, steps: int) -> np.ndarray:
    """The bar of each code column of a grid ``steps`` long (padded to whole bars)."""
    spb = engine.info.steps_per_bar
    return engine.geometry.column_bars(-(-steps // spb) * spb)


def _fit_length(grid: np.ndarray, steps: int) -> np.ndarray:
    """Loop or cut ``grid`` to ``steps`` steps (the second input of a two-input tool)."""
    if grid.shape[1] >= steps:
        return grid[:, :steps]
    reps = -(-steps // grid.shape[1])
    return np.tile(grid, (1, reps))[:, :steps]


def resolve_drum_map(name_or_path: str | None) -> DrumMap | None:
    return None if name_or_path is None else get_drum_map(name_or_path)


# ------------------------------------------------------------------------------------------ tools
def reconstruct(engine: Engine, inp: str | Path, out: str | Path, *, atoms: int | None = None,
                drum_map: DrumMap | None = None) -> ToolReport:
    """Code the file with ``atoms`` atoms per bar (default: the model's trained budget) and play the
    code back."""
    check_output(out, inputs=(inp,))
    k = check_atoms(engine, atoms)
    src = load_for(engine, inp)
    code = engine.encode(src.grid, k)
    grid = engine.decode(code)[:, : src.steps]
    path = _write(engine, grid, out, src.score, drum_map=drum_map, inputs=(inp,))
    return ToolReport([path], {"atoms_per_bar": k, "active_entries": int(np.count_nonzero(code)),
                               "bars": int(-(-src.steps // engine.info.steps_per_bar))})


def default_denoise_amount(engine: Engine) -> float:
    """The amount tuned on the validation split at export time (0 if the model has none)."""
    return engine.info.denoise_amount


def denoise(engine: Engine, inp: str | Path, out: str | Path, *, amount: float | None = None,
            drum_map: DrumMap | None = None) -> ToolReport:
    """Clean up a played file: hits neither the dictionary nor the groove around them can explain go,
    hits they confidently expect come back, and every kept hit keeps the velocity and timing it was
    played with (:mod:`sidl.bridge.denoise`). ``amount`` 0 leaves the file as played."""
    check_output(out, inputs=(inp,))
    src = load_for(engine, inp)
    amount = default_denoise_amount(engine) if amount is None else amount
    cleaned = clean(engine, src.grid, amount)
    path = _write(engine, cleaned.grid, out, src.score, drum_map=drum_map, inputs=(inp,))
    return ToolReport([path], {"amount": amount, "kept": cleaned.kept, "removed": cleaned.removed,
                               "added": cleaned.added})


def interpolate(engine: Engine, a: str | Path, b: str | Path, out: str | Path, *, t: float = 0.5,
                steps: int | None = None, drum_map: DrumMap | None = None) -> ToolReport:
    """Morph from groove A (t = 0: A as played) to groove B (t = 1: B as played), every hit with the
    feel of the groove it came from (:mod:`sidl.bridge.morph`); with ``steps`` = N, write N files at
    t = 0, 1/(N−1), …, 1 named OUT-00.mid, OUT-01.mid, …"""
    inputs = (a, b)
    if steps is None:
        ts = [t]
        paths = [check_output(out, inputs=inputs)]
    else:
        limits.check_count(steps, "--steps", 2, limits.MAX_INTERPOLATE_STEPS)
        ts = [i / (steps - 1) for i in range(steps)]
        base = check_output(out, inputs=inputs)
        paths = [check_output(base.with_name(f"{base.stem}-{i:02d}{base.suffix}"), inputs=inputs)
                 for i in range(steps)]
    src_a, src_b = load_for(engine, a), load_for(engine, b)
    grid_b = _fit_length(src_b.grid, src_a.steps)
    written = []
    for value, path in zip(ts, paths):
        written.append(_write(engine, morph(engine, src_a.grid, grid_b, value), path, src_a.score, drum_map=drum_map,
                              inputs=inputs))
    return ToolReport(written, {"t": ts})


def swap(engine: Engine, a: str | Path, b: str | Path, out: str | Path, *, atoms: int = 1,
         drum_map: DrumMap | None = None) -> ToolReport:
    """Groove A with its ``atoms`` strongest atoms per bar replaced by B's strongest."""
    check_output(out, inputs=(a, b))
    limits.check_count(atoms, "atoms swapped per bar", 1, engine.info.max_atoms_per_bar)
    src_a, src_b = load_for(engine, a), load_for(engine, b)
    grid_b = _fit_length(src_b.grid, src_a.steps)
    bars = code_bars(engine, src_a.steps)
    code = ops.swap(engine.encode(src_a.grid), engine.encode(grid_b), atoms, column_bars=bars)
    path = _write(engine, engine.decode(code)[:, : src_a.steps], out, src_a.score, drum_map=drum_map, inputs=(a, b))
    return ToolReport([path], {"swapped_per_bar": atoms})


def decompose(engine: Engine, inp: str | Path, out_dir: str | Path, *, drum_map: DrumMap | None = None) -> ToolReport:
    """One MIDI file per active atom (what that atom alone plays) plus ``sum.mid`` (the
    reconstruction: the parts' grids add up to it exactly) and ``atoms.json`` (where each atom sits)."""
    out = check_decompose_folder(inp, out_dir)
    src = load_for(engine, inp)
    code = engine.encode(src.grid)
    parts = engine.decompose(code)
    bars = code_bars(engine, src.steps)
    written = []
    listing = []
    for atom, contribution in sorted(parts.parts.items()):
        grid = engine.activate(contribution + parts.constant)[:, : src.steps]
        written.append(_write(engine, grid, out / f"atom-{atom:04d}.mid", src.score, drum_map=drum_map,
                              inputs=(inp,)))
        columns = np.flatnonzero(code[atom])
        listing.append({"atom": atom, "file": written[-1].name,
                        "bars": sorted({int(bars[c]) for c in columns}),
                        "activations": [round(float(code[atom, c]), 4) for c in columns]})
    total = engine.activate(sum(parts.parts.values(), parts.constant))[:, : src.steps]
    written.append(_write(engine, total, out / "sum.mid", src.score, drum_map=drum_map, inputs=(inp,)))
    write_text(out / "atoms.json", json.dumps({"model": engine.info.name, "atoms": listing}, indent=2) + "\n",
               inputs=(inp,))
    return ToolReport(written, {"active_atoms": len(parts.parts), "listing": str(out / "atoms.json")})


#: What decompose writes into its folder (atom-NNNN.mid, sum.mid, atoms.json).
DECOMPOSE_NAMES = re.compile(r"atom-\d{4}\.mid|sum\.mid|atoms\.json")


def check_decompose_folder(inp: str | Path, out_dir: str | Path) -> Path:
    """Decompose's output folder, refused before any work if it is a file (or under one), is not
    writable, or holds the input under a name decompose writes (``sum.mid``, ``atom-0012.mid``)."""
    out = check_folder(out_dir)
    if DECOMPOSE_NAMES.fullmatch(Path(inp).name):
        check_not_input(out / Path(inp).name, (inp,))
    return out


def generate(engine: Engine, out: str | Path, *, bars: int = 8, seed: int | None = None, temperature: float = 1.0,
             bpm: float = 120.0, drum_map: DrumMap | None = None) -> ToolReport:
    """A new pattern sampled from how often and how strongly each atom fires in the training data."""
    check_output(out)
    limits.check_bars(bars)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ParameterError(f"seed must be an integer >= 0, got {seed!r}")
    check_bpm(bpm, "bpm")
    stats = engine.info.atom_stats
    if stats is None:
        raise ModelError(f"model {engine.info.name!r} carries no atom statistics; re-export it with "
                         "`sidl export ... --stats-data DIR`")
    steps = bars * engine.info.steps_per_bar
    n_columns = engine.geometry.code_length(steps)
    code = ops.generate(stats, n_columns, k=engine.info.atoms_per_bar, column_bars=engine.geometry.column_bars(steps),
                        temperature=temperature, seed=seed)
    grid = engine.decode(code)[:, :steps]
    path = _write(engine, grid, out, None, drum_map=drum_map, bpm=bpm)
    return ToolReport([path], {"bars": bars, "seed": seed, "temperature": temperature,
                               "active_entries": int(np.count_nonzero(code))})
