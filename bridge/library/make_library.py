"""A large test library for ``sidl bench library``: generated grooves plus transformed dataset files.

``python -m sidl.bridge.library.make_library OUT --files 100000 --source ../shared/data/groove``
writes ``OUT/generated/`` (patterns sampled by the model's own generate path, ``sidl generate``) and
``OUT/variants/`` (each a transformation of a source file, chosen at random from a seed): a crop of
4-32 bars, a rotation by whole bars, a tempo change, a velocity scaling and, in a third of them, two
of the file's pitches swapped (a kit-piece swap on drum files). Every operation is on notes and beats
(4 beats to the bar), so nothing here depends on the instrument. The output is for measurements:
never commit it.
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from sidl.bridge.codecs import Note, Score, TempoMap, TimeSignature, load_score, save_score
from sidl.bridge.errors import SidlError
from sidl.bridge.library.build import _engine
from sidl.bridge.progress import progress_bar
from sidl.bridge.shards.pool import parallel_map

log = logging.getLogger(__name__)

BEATS_PER_BAR = 4


@dataclass(frozen=True)
class Job:
    kind: str  # "generated" | "variant"
    number: int
    out: str
    model: str
    source: str = ""  # variant: the file transformed
    seed: int = 0


def transform(score: Score, rng: np.random.Generator) -> Score:
    """A crop, a bar rotation, a new tempo, scaled velocities and maybe a swap of two pitches."""
    bars = max(1, int(np.ceil(score.end_beat / BEATS_PER_BAR - 1e-9)))
    length = min(bars, int(rng.integers(4, 33)))
    first = int(rng.integers(0, bars - length + 1))
    lo, hi = first * BEATS_PER_BAR, (first + length) * BEATS_PER_BAR
    rotate = int(rng.integers(0, length)) * BEATS_PER_BAR
    span = length * BEATS_PER_BAR
    scale = float(rng.uniform(0.6, 1.3))
    pitches = sorted({n.pitch for n in score.notes})
    swap: dict[int, int] = {}
    if len(pitches) > 1 and rng.random() < 1 / 3:
        a, b = (int(p) for p in rng.choice(pitches, 2, replace=False))
        swap = {a: b, b: a}
    notes = []
    for n in score.notes:
        if not lo <= n.start < hi:
            continue
        start = (n.start - lo + rotate) % span
        notes.append(Note(start, swap.get(n.pitch, n.pitch), int(np.clip(round(n.velocity * scale), 1, 127)),
                          start + max(n.end - n.start, 1e-3), n.channel))
    bpm = float(rng.uniform(70.0, 160.0))
    return replace(score, notes=sorted(notes, key=lambda n: (n.start, n.pitch)), tempo_map=TempoMap.constant(bpm),
                   time_signatures=[TimeSignature(0.0, 4, 4)], pedal=[])


def make_one(job: Job) -> str:
    """Write one file of the library; its path."""
    out = Path(job.out)
    rng = np.random.default_rng(job.seed)
    if job.kind == "generated":
        from sidl.bridge import tools

        engine = _engine(job.model, "cpu")
        tools.generate(engine, out, bars=int(rng.integers(4, 17)), seed=job.seed, bpm=float(rng.uniform(70, 160)))
        return str(out)
    score = transform(load_score(job.source), rng)
    if not score.notes:
        raise SidlError(f"{job.source}: the crop has no notes")
    save_score(score, out)
    return str(out)


def source_files(source: Path) -> list[Path]:
    from sidl.bridge.analysis.corpus import midi_files

    return midi_files(source)


def plan_jobs(out: Path, files: int, sources: list[Path], *, generated_share: float, model: str, seed: int) -> list[Job]:
    n_generated = int(round(files * generated_share)) if sources else files
    jobs = [Job("generated", i, str(out / "generated" / f"{i // 1000:03d}" / f"gen-{i:06d}.mid"), model,
                seed=seed * 1_000_003 + i) for i in range(n_generated)]
    for i in range(files - n_generated):
        src = sources[i % len(sources)]
        jobs.append(Job("variant", i, str(out / "variants" / f"{i // 1000:03d}" / f"{src.stem}-v{i:06d}.mid"), model,
                        str(src), seed=seed * 2_000_003 + i))
    return sorted(jobs, key=lambda j: j.number / max(1, n_generated if j.kind == "generated" else files - n_generated))


def make_library(out: str | Path, *, files: int, source: str | Path | None, model: str = "drums",
                 generated_share: float = 0.2, seed: int = 1, workers: int = 2, quiet: bool = False) -> dict[str, int]:
    """Write ``files`` MIDI files under ``out`` (existing ones are kept: the run can be resumed)."""
    root = Path(out)
    sources = source_files(Path(source)) if source else []
    jobs = [j for j in plan_jobs(root, files, sources, generated_share=generated_share, model=model, seed=seed)
            if not Path(j.out).exists()]
    for folder in {Path(j.out).parent for j in jobs}:
        folder.mkdir(parents=True, exist_ok=True)
    written = failed = 0
    with progress_bar("make library", len(jobs), quiet=quiet) as bar:
        for outcome in parallel_map(make_one, jobs, workers=workers, progress=bar):
            if outcome.ok:
                written += 1
            else:
                failed += 1
                log.info("%s: %s", outcome.item.out, outcome.error)
    return {"planned": files, "written": written, "failed": failed, "kept": files - len(jobs)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m sidl.bridge.library.make_library", description=__doc__)
    p.add_argument("out", help="folder to write into (e.g. /tmp/library100k)")
    p.add_argument("--files", type=int, default=100_000, help="how many files (default 100000)")
    p.add_argument("--source", help="dataset folder whose files are transformed (e.g. ../shared/data/groove)")
    p.add_argument("--generated-share", type=float, default=0.2, help="share of generated files (default 0.2)")
    p.add_argument("--model", default="drums", help="model whose generate path makes the generated files")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    print(make_library(args.out, files=args.files, source=args.source, model=args.model,
                       generated_share=args.generated_share, seed=args.seed, workers=args.workers, quiet=args.quiet))
    return 0


if __name__ == "__main__":
    sys.exit(main())
