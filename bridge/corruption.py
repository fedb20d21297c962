"""Controlled damage to a drum performance: hits deleted, spurious hits added, onsets jittered.

The runtime's demo damages a groove it made to show the model repairing it; the held-out evaluation
(``sidl.models.evaluation``) damages dataset files the same way, so both use this one function. It
works on a :class:`Score` in musical time and jitters in *milliseconds* through the file's tempo map,
so the damage is the same perceptually at any tempo. It is deterministic for a given (score, seed),
which makes evaluation sets reproducible across machines and Python processes (it never uses
Python's salted ``hash()``).
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter

import numpy as np

from sidl.bridge.codecs.drum_maps import DRUM_CLASSES
from sidl.bridge.codecs.score import DRUM_CHANNEL, Note, Score, TempoMap, TimeSignature
from sidl.bridge.errors import ParameterError

log = logging.getLogger(__name__)

STEPS_PER_BEAT = 4

# Input pitches of the 9 drum classes, in grid row order (the GrooVAE reduction the drum codec
# reads with); the first pitch of each is the one added hits use.
DRUM_CLASS_PITCHES: tuple[tuple[int, ...], ...] = tuple(c.pitches for c in DRUM_CLASSES)
PITCH_TO_CLASS: dict[int, int] = {
    pitch: cls for cls, pitches in enumerate(DRUM_CLASS_PITCHES) for pitch in pitches
}


#: Seed stride between corruption seeds of an evaluation: seed 0 damages the file at index ``i`` with
#: ``corrupt_drums(seed=i)`` (as every earlier report did), seed ``s`` with ``seed=i + s * STRIDE``.
CORRUPTION_SEED_STRIDE = 1_000_003


def file_seed(index: int, corruption_seed: int) -> int:
    """The ``corrupt_drums`` seed of the file at ``index`` under evaluation seed ``corruption_seed``."""
    return index + corruption_seed * CORRUPTION_SEED_STRIDE


def stable_seed(seed: int, source: str | None) -> np.random.SeedSequence:
    """Seed sequence from ``seed`` and a hash of ``source`` that is the same in every process.

    Mixing in the source gives different files different damage under one evaluation seed.
    """
    if int(seed) != seed or seed < 0:
        raise ParameterError(f"seed must be a non-negative integer, got {seed!r}")
    entropy = [int(seed)]
    if source:
        digest = hashlib.blake2b(source.encode("utf-8"), digest_size=8).digest()
        entropy.append(int.from_bytes(digest, "little"))
    return np.random.SeedSequence(entropy)


def check_fractions(delete_fraction: float, add_fraction: float) -> None:
    for name, value in (("delete_fraction", delete_fraction), ("add_fraction", add_fraction)):
        if not 0.0 <= value <= 1.0:
            raise ParameterError(f"{name} must be in [0, 1], got {value}")


def check_velocity_range(velocity_range: tuple[int, int]) -> tuple[int, int]:
    lo, hi = (int(v) for v in velocity_range)
    if not 1 <= lo <= hi <= 127:
        raise ParameterError(f"velocity_range must satisfy 1 <= low <= high <= 127, got {velocity_range}")
    return lo, hi


def corrupt_drums(
    score: Score,
    seed: int,
    *,
    delete_fraction: float = 0.10,
    add_fraction: float = 0.10,
    velocity_range: tuple[int, int] = (20, 100),
    jitter_ms: float = 15.0,
) -> Score:
    """Return a damaged copy of a drum score: hits deleted, spurious hits added, onsets jittered.

    With ``n`` drum hits (notes whose pitch belongs to a drum class; other notes are passed through
    untouched; counts use Python's ``round``, half to even):

    1. ``round(delete_fraction·n)`` randomly chosen hits are removed;
    2. ``round(add_fraction·n)`` hits are added on distinct (class, 16th step) cells inside
       ``[0, score.end_beat)`` that held no hit of that class in the original, so every added hit
       is genuinely spurious (fewer if not enough empty cells exist). Each uses the class's first
       pitch, a velocity uniform in ``velocity_range`` (inclusive), the median drum-hit duration
       and the most common drum channel, and sits exactly on the grid step;
    3. every remaining and added onset moves by ``N(0, jitter_ms)`` milliseconds through the tempo
       map (clamped at 0), keeping its duration.

    Deterministic for a given (score, seed): the generator is seeded from ``seed`` and a stable
    hash of ``score.source``. The tempo map, meter, ticks per beat and source are kept.
    """
    check_fractions(delete_fraction, add_fraction)
    lo, hi = check_velocity_range(velocity_range)
    if jitter_ms < 0:
        raise ParameterError(f"jitter_ms must be >= 0, got {jitter_ms}")
    rng = np.random.default_rng(stable_seed(seed, score.source))

    hits = [n for n in score.notes if n.pitch in PITCH_TO_CLASS]
    others = [n for n in score.notes if n.pitch not in PITCH_TO_CLASS]
    n = len(hits)
    n_delete = round(delete_fraction * n)
    n_add = round(add_fraction * n)

    keep = np.ones(n, dtype=bool)
    if n_delete:
        keep[rng.choice(n, size=n_delete, replace=False)] = False
    kept = [h for h, k in zip(hits, keep) if k]

    added = _spurious_hits(score, hits, n_add, lo, hi, rng)

    tempo = score.tempo_map
    jittered: list[Note] = []
    moved = kept + added
    shifts = rng.normal(0.0, jitter_ms, size=len(moved)) / 1000.0 if jitter_ms > 0 else np.zeros(len(moved))
    for note, shift in zip(moved, shifts):
        seconds = max(0.0, tempo.to_seconds(note.start) + float(shift))
        start = max(0.0, tempo.to_beats(seconds))
        jittered.append(Note(start, note.pitch, note.velocity, start + (note.end - note.start), note.channel))

    log.debug(
        "corrupted %s: %d hits, %d deleted, %d added, jitter %.1f ms",
        score.source, n, n_delete, len(added), jitter_ms,
    )
    return Score(
        notes=sorted(others + jittered),
        tempo_map=TempoMap(list(tempo.changes)),
        time_signatures=[TimeSignature(ts.beat, ts.numerator, ts.denominator) for ts in score.time_signatures],
        ticks_per_beat=score.ticks_per_beat,
        source=score.source,
    )


def _spurious_hits(
    score: Score, hits: list[Note], n_add: int, lo: int, hi: int, rng: np.random.Generator
) -> list[Note]:
    """``n_add`` on-grid hits on distinct (class, step) cells left empty by the original hits."""
    if n_add == 0:
        return []
    n_steps = int(np.ceil(score.end_beat * STEPS_PER_BEAT - 1e-9))
    n_classes = len(DRUM_CLASS_PITCHES)
    occupied = np.zeros((n_classes, max(n_steps, 0)), dtype=bool)
    for h in hits:
        step = int(np.floor(h.start * STEPS_PER_BEAT + 0.5))
        if 0 <= step < n_steps:
            occupied[PITCH_TO_CLASS[h.pitch], step] = True
    free = np.flatnonzero(~occupied.ravel())
    if len(free) < n_add:
        log.warning("%s: only %d empty cells for %d spurious hits", score.source, len(free), n_add)
        n_add = len(free)
    cells = np.sort(rng.choice(free, size=n_add, replace=False))
    velocities = rng.integers(lo, hi + 1, size=n_add)
    duration = float(np.median([h.end - h.start for h in hits])) if hits else 1.0 / STEPS_PER_BEAT
    channel = Counter(h.channel for h in hits).most_common(1)[0][0] if hits else DRUM_CHANNEL
    out = []
    for cell, velocity in zip(cells, velocities):
        cls, step = divmod(int(cell), max(n_steps, 1))
        start = step / STEPS_PER_BEAT
        out.append(Note(start, DRUM_CLASS_PITCHES[cls][0], int(velocity), start + duration, channel))
    return out
