"""``sidl similar``: the sections of a folder of MIDI files whose sparse codes are closest to a query's.

Every file of the folder (searched recursively) is read for the model and encoded **once**, whole
(so the piano model's codes see their context); sections are then slices of that code, one every
``hop`` bars, as long as the query section. Similarity is the cosine of the flattened
(atoms × columns) codes — the atoms say *what* is played, the columns *when* — computed for every
column offset at once with one matrix product per file. The drum model's atoms are one bar long and
placed once per bar, so bar-aligned sections compare like with like; ``shift`` columns of tolerance
(half beats for the piano model) take the best cosine within that many columns of each section's
start, for material that is not aligned to the bar line.

The query's own section is never a result: when the query lies in the folder, the sections of its
own file that overlap it are left out (they share bars with it), and other sections of that file are
marked. Files that cannot be read, are in a meter the codec does not handle or are made for the other
model are skipped and counted by reason.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sidl.bridge.analysis.corpus import EncodedFile, SkipCount, describe_skipped, iter_encoded, midi_files
from sidl.bridge.codecs import Score, save_score
from sidl.bridge.safe_io import check_folder
from sidl.bridge.engine import Engine
from sidl.bridge.errors import MidiFileError, ParameterError
from sidl.bridge.geometry import CodeGeometry
from sidl.bridge.tools import grid_score, load_for

log = logging.getLogger(__name__)

DEFAULT_MAX_QUERY_BARS = 4


# ------------------------------------------------------------------------------------------ sections
def section_columns(geometry: CodeGeometry, start_bar: int, bars: int) -> tuple[int, int]:
    """Code columns [first, last) of the ``bars`` bars from ``start_bar`` (0-based): the columns whose
    atoms are centred in those bars (one per bar for the drum model, eight for the piano model)."""
    half = geometry.kernel // 2
    first = max(0, -(-(start_bar * geometry.steps_per_bar + geometry.padding - half) // geometry.stride))
    return first, first + bars * geometry.columns_per_bar


METRICS = ("code", "dictionary")


def features(engine: Engine, code: np.ndarray, metric: str) -> np.ndarray:
    """What is compared: the code itself (``code``), or what it plays through the dictionary
    (``dictionary``: the decoder's linear sum without its bias, (channels, steps)), under which two
    different atoms that play alike count as alike."""
    if metric == "code":
        return code
    if metric == "dictionary":
        bias = engine.decode_logits(np.zeros((engine.info.atoms, engine.info.kernel // engine.info.stride), np.float32))
        logits = engine.decode_logits(code)
        return logits - np.tile(bias[:, : engine.info.stride], (1, logits.shape[1] // engine.info.stride))
    raise ParameterError(f"metric must be one of {', '.join(METRICS)}, got {metric!r}")


def section_span(engine: Engine, metric: str, start_bar: int, bars: int) -> tuple[int, int]:
    """[first, last) of the section in the ``features`` array: code columns or grid steps."""
    if metric == "code":
        return section_columns(engine.geometry, start_bar, bars)
    spb = engine.info.steps_per_bar
    return start_bar * spb, (start_bar + bars) * spb


def sliding_cosine(query: np.ndarray, code: np.ndarray) -> np.ndarray:
    """Cosine similarity of ``query`` (atoms, L) with every L-column window of ``code`` (atoms, N):
    (N − L + 1,) values, 0 where a window is silent."""
    q = np.asarray(query, dtype=np.float64)
    c = np.asarray(code, dtype=np.float64)
    length, n = q.shape[1], c.shape[1]
    if n < length:
        return np.zeros(0)
    products = q.T @ c  # (L, N): query column j against code column i
    offsets = n - length + 1
    dots = np.zeros(offsets)
    for j in range(length):
        dots += products[j, j : j + offsets]
    cum = np.concatenate([[0.0], np.cumsum((c * c).sum(axis=0))])
    window = np.sqrt(np.maximum(cum[length:] - cum[:-length], 0.0))
    qnorm = float(np.sqrt((q * q).sum()))
    with np.errstate(divide="ignore", invalid="ignore"):
        cos = np.where(window > 0, dots / (qnorm * window), 0.0)
    return cos if qnorm > 0 else np.zeros(offsets)


def feature_unit(engine: Engine, metric: str) -> int:
    """Feature columns per code column: the step between two section starts ``shift`` tells apart."""
    return 1 if metric == "code" else engine.geometry.stride


def query_section(engine: Engine, query: Path, *, start_bar: int, bars: int | None, metric: str,
                  k: int | None = None) -> tuple[int, np.ndarray]:
    """The query's section length in bars (default: the whole query up to 4 bars) and its
    ``features`` from ``start_bar`` (1-based): what every section is compared with."""
    q = next(iter_encoded(engine, [query], k=k, strict=True))
    if start_bar > q.bars:
        raise ParameterError(f"{query}: the query has {q.bars} bars; --start {start_bar} is past its end")
    if bars is None:
        bars = min(q.bars - (start_bar - 1), DEFAULT_MAX_QUERY_BARS)
    if isinstance(bars, bool) or not isinstance(bars, (int, np.integer)) or bars < 1:
        raise ParameterError(f"bars must be an integer >= 1, got {bars!r}")
    if start_bar - 1 + bars > q.bars:
        raise ParameterError(f"{query}: the query has {q.bars} bars; bars {start_bar}-{start_bar + bars - 1} "
                             "do not fit in it (choose a smaller --bars or --start)")
    q0, q1 = section_columns(engine.geometry, start_bar - 1, bars)
    if not np.any(q.code[:, q0:q1]):
        raise ParameterError(f"{query}: bars {start_bar}-{start_bar + bars - 1} have an empty code (silence?)")
    f0, f1 = section_span(engine, metric, start_bar - 1, bars)
    return int(bars), features(engine, q.code, metric)[:, f0:f1]


@dataclass
class Match:
    """One section found: ``start_bar``..``end_bar`` are 1-based and inclusive, as bars are counted."""

    rank: int
    path: str
    file: str  # relative to the searched folder
    start_bar: int
    end_bar: int
    similarity: float
    shift_columns: int = 0
    query_file: bool = False  # a section of the query's own file (never one overlapping the query)


@dataclass
class SimilarResult:
    """What ``sidl similar`` found, with how much it searched."""

    model: str
    query: str
    query_start_bar: int
    query_end_bar: int
    bars: int
    hop: int
    shift: int
    metric: str
    files_searched: int
    sections_compared: int
    skipped: dict[str, int]
    seconds: float
    matches: list[Match]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def find_similar(engine: Engine, query: str | Path, folder: str | Path, *, top: int = 10, bars: int | None = None,
                 start_bar: int = 1, hop: int = 1, shift: int = 0, per_file: int = 1,
                 k: int | None = None, split: str | None = None, metric: str = "code") -> SimilarResult:
    """The ``top`` sections of ``folder`` closest to the query section (``bars`` bars of ``query``
    from ``start_bar``, 1-based; default: the whole query up to 4 bars), one section every ``hop``
    bars, at most ``per_file`` from one file (0: no limit)."""
    for name, value, least in (("top", top, 1), ("start bar", start_bar, 1), ("hop", hop, 1), ("shift", shift, 0),
                               ("per-file", per_file, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
            raise ParameterError(f"{name} must be an integer >= {least}, got {value!r}")
    t0 = time.perf_counter()
    files = midi_files(folder, split)
    query_path = Path(query)
    bars, query_features = query_section(engine, query_path, start_bar=start_bar, bars=bars, metric=metric, k=k)
    unit = feature_unit(engine, metric)

    skipped = SkipCount()
    candidates: list[tuple[float, int, str, int, int, bool]] = []  # (sim, shift, path, start0, file index, own)
    searched = compared = 0
    root = Path(folder) if Path(folder).is_dir() else Path(folder).parent
    rel_of: dict[str, str] = {}
    for index, item in enumerate(iter_encoded(engine, files, k=k, skipped=skipped)):
        searched += 1
        own = _same_file(item.path, query_path)
        rel_of[str(item.path)] = str(item.path.relative_to(root)) if item.path.is_relative_to(root) else str(item.path)
        if item.bars < bars:
            continue
        cos = sliding_cosine(query_features, features(engine, item.code, metric))
        per: list[tuple[float, int, str, int, int, bool]] = []
        for s in range(0, item.bars - bars + 1, hop):
            if own and s < start_bar - 1 + bars and start_bar - 1 < s + bars:
                continue  # overlaps the query section itself
            c0, _ = section_span(engine, metric, s, bars)
            shifts = [d for d in range(-shift, shift + 1) if 0 <= c0 + d * unit < len(cos)]
            if not shifts:
                continue
            values = [cos[c0 + d * unit] for d in shifts]
            best = int(np.argmax(values))
            per.append((float(values[best]), shifts[best], str(item.path), s, index, own))
            compared += 1
        per.sort(key=lambda c: (-c[0], c[3]))
        candidates.extend(per if per_file == 0 else per[:per_file])
    if not searched:
        raise MidiFileError(f"{folder}: none of its {len(files)} MIDI files can be used with model "
                            f"{engine.info.name!r} ({skipped.describe()})")
    candidates.sort(key=lambda c: (-c[0], c[4], c[3]))
    matches = [Match(rank, path, rel_of[path], s + 1, s + bars, round(sim, 6), sh, own)
               for rank, (sim, sh, path, s, _, own) in enumerate(candidates[:top], start=1)]
    seconds = time.perf_counter() - t0
    log.info("compared %d sections of %d files in %.2f s", compared, searched, seconds)
    return SimilarResult(engine.info.name, str(query_path), start_bar, start_bar + bars - 1, bars, hop, shift, metric,
                         searched, compared, dict(skipped.counts), round(seconds, 3), matches)


# ------------------------------------------------------------------------------------------ audition
def section_score(engine: Engine, item: EncodedFile | Any, start_bar: int, bars: int) -> Score:
    """Bars ``start_bar``..``start_bar + bars − 1`` (1-based) of a file as a score of their own: the
    codec's grid of those bars, at the tempo where they start."""
    spb = engine.info.steps_per_bar
    steps_per_beat = int(engine.info.codec_spec.get("steps_per_beat", 4))
    lo = (start_bar - 1) * spb
    grid = item.grid[:, lo : lo + bars * spb]
    if grid.shape[1] < bars * spb:
        grid = np.pad(grid, ((0, 0), (0, bars * spb - grid.shape[1])))
    return grid_score(engine, grid, None, bpm=item.score.tempo_map.bpm_at(lo / steps_per_beat))


def write_sections(engine: Engine, result: SimilarResult, out_dir: str | Path) -> list[Path]:
    """The query section and every match as MIDI files in ``out_dir``: ``query-bars-A-B.mid`` and
    ``NN-STEM-bars-A-B.mid`` (NN = rank)."""

    out = check_folder(out_dir, "--out-midi folder")
    written = []
    items = [(Path(result.query), result.query_start_bar, "query")]
    items += [(Path(m.path), m.start_bar, f"{m.rank:02d}-{Path(m.path).stem}") for m in result.matches]
    sources = tuple(path for path, _, _ in items)  # never written over, whatever the names
    for path, start, name in items:
        src = load_for(engine, path)
        target = out / f"{name}-bars-{start}-{start + result.bars - 1}.mid"
        written.append(save_score(section_score(engine, src, start, result.bars), target,
                                  track_name=f"sidl {engine.info.name} section", inputs=sources))
    return written


# ------------------------------------------------------------------------------------------ command
def _search(engine: Engine, args: argparse.Namespace) -> SimilarResult:
    """The folder search, or with ``--index LIB`` the library search (sidl.bridge.library)."""
    index = getattr(args, "index", None)
    if (args.folder is None) == (index is None):
        raise ParameterError("give either a FOLDER to search or --index LIB (a library built by `sidl index`), "
                             "not " + ("both" if index else "neither"))
    if index is None:
        return find_similar(engine, args.query, args.folder, top=args.top, bars=args.bars, start_bar=args.start,
                            hop=args.hop, shift=args.shift, per_file=args.per_file,
                            split=args.split, metric=args.metric or "code")
    if args.split:
        raise ParameterError("--split does not apply to --index: the library holds the split it was built with")
    from sidl.bridge.library.search import search_library
    from sidl.bridge.library.store import open_library

    return search_library(engine, open_library(index), args.query, top=args.top, bars=args.bars,
                          start_bar=args.start, hop=args.hop, shift=args.shift, per_file=args.per_file,
                          metric=args.metric, candidates=args.candidates)


def run_similar(args: argparse.Namespace) -> int:
    if args.out_midi:
        check_folder(args.out_midi, "--out-midi folder")  # before the search, not after it
    engine = Engine.load(args.model, provider=args.provider)
    result = _search(engine, args)
    written = write_sections(engine, result, args.out_midi) if args.out_midi else []
    if args.json:
        report = result.to_dict()
        report["written"] = [str(p) for p in written]
        print(json.dumps(report, indent=2))
        return 0
    skipped = sum(result.skipped.values())
    print(f"query: {result.query}, bars {result.query_start_bar}-{result.query_end_bar} (model {result.model})")
    print(f"searched {result.files_searched} files ({skipped} skipped"
          + (f": {describe_skipped(result.skipped)}" if skipped else "")
          + f"), {result.sections_compared} sections of {result.bars} bars every {result.hop} bar(s) "
          f"by {result.metric} cosine, "
          f"in {result.seconds:.1f} s")
    if not result.matches:
        print("no section long enough was found")
        return 0
    width = max(len(m.file) for m in result.matches)
    print(f"{'rank':>4}  {'cosine':>6}  {'bars':>9}  file")
    for m in result.matches:
        note = "  (the query's file)" if m.query_file else ""
        shifted = f"  (shifted {m.shift_columns:+d} columns)" if m.shift_columns else ""
        print(f"{m.rank:>4}  {m.similarity:6.3f}  {m.start_bar:>4}-{m.end_bar:<4}  {m.file:<{width}}{note}{shifted}")
    best = result.matches[0]
    if written:
        a, b = written[0], written[1]
        print(f"wrote {len(written)} sections to {args.out_midi}")
        print(f"morph the query into the best match:\n  sidl interpolate {a} {b} morph.mid --model {args.model} --steps 5")
    else:
        print("morph the query into the best match (whole files; --out-midi DIR cuts the sections):\n"
              f"  sidl interpolate {result.query} {best.path} morph.mid --model {args.model} --steps 5")
    return 0
