"""How well per-piece features group by label (numpy only; cosine geometry throughout).

- leave-one-out 1-nearest-neighbour accuracy (cosine distance; ties go to the earlier item), with
  two chance levels: ``majority`` (always predicting the most common label) and ``permutation``
  (the expected LOO 1-NN accuracy when the labels are shuffled: ``Σ n_c (n_c − 1) / (n (n − 1))``, the
  chance that a random other item shares the label) and a permutation p-value (the share of label
  shuffles whose accuracy reaches the observed one; the neighbours do not depend on the labels, so
  each shuffle is cheap);
- the mean silhouette with cosine distance (an item alone in its label scores 0, as in scikit-learn);
- cosine distances between label centroids (the mean feature vector of each label), and the mean
  cosine distance between the items of two labels.

Only labels with at least ``min_items`` items enter the metrics; the others are listed as excluded.
A zero feature vector has cosine distance 1 to everything (0 to itself).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sidl.bridge.errors import ParameterError

MIN_ITEMS = 5


def cosine_distances(x: np.ndarray, y: np.ndarray | None = None) -> np.ndarray:
    """1 − cosine similarity between the rows of ``x`` and ``y`` (default ``x``), in [0, 2]."""
    a = _unit_rows(np.asarray(x, dtype=np.float64))
    b = a if y is None else _unit_rows(np.asarray(y, dtype=np.float64))
    d = 1.0 - a @ b.T
    if y is None:
        np.fill_diagonal(d, 0.0)
    return np.clip(d, 0.0, 2.0)


def _unit_rows(x: np.ndarray) -> np.ndarray:
    if x.ndim != 2:
        raise ParameterError(f"features must be (items, dims), got shape {x.shape}")
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


def nearest_neighbours(dist: np.ndarray) -> np.ndarray:
    """Index of each item's nearest other item (ties: the lowest index)."""
    d = np.array(dist, dtype=np.float64)
    if d.ndim != 2 or d.shape[0] != d.shape[1] or d.shape[0] < 2:
        raise ParameterError(f"need a square distance matrix of at least 2 items, got shape {d.shape}")
    np.fill_diagonal(d, np.inf)
    return np.argmin(d, axis=1)


def loo_1nn_accuracy(features: np.ndarray, labels: list[str]) -> float:
    """Leave-one-out 1-NN accuracy (cosine): the share of items whose nearest other item shares their label."""
    lab = np.asarray(labels)
    nn = nearest_neighbours(cosine_distances(features))
    return float(np.mean(lab[nn] == lab))


def chance_levels(labels: list[str]) -> dict[str, float]:
    """``majority``: accuracy of always answering the most common label; ``permutation``: expected
    LOO 1-NN accuracy under shuffled labels."""
    counts = np.array(list(Counter(labels).values()), dtype=np.float64)
    n = counts.sum()
    if n < 2:
        raise ParameterError(f"need at least 2 items for chance levels, got {int(n)}")
    return {"majority": float(counts.max() / n), "permutation": float((counts * (counts - 1)).sum() / (n * (n - 1)))}


def permutation_p_value(features: np.ndarray, labels: list[str], *, rounds: int = 2000, seed: int = 0) -> float:
    """Share of label shuffles (plus the observed labelling) whose LOO 1-NN accuracy is >= the observed one."""
    lab = np.asarray(labels)
    nn = nearest_neighbours(cosine_distances(features))
    observed = np.mean(lab[nn] == lab)
    rng = np.random.default_rng(seed)
    hits = 1
    for _ in range(rounds):
        perm = rng.permutation(lab)
        hits += np.mean(perm[nn] == perm) >= observed - 1e-12
    return float(hits / (rounds + 1))


def silhouette(features: np.ndarray, labels: list[str]) -> float:
    """Mean silhouette coefficient with cosine distance (needs at least 2 labels)."""
    lab = np.asarray(labels)
    names = sorted(set(labels))
    if len(names) < 2:
        raise ParameterError(f"silhouette needs at least 2 labels, got {len(names)}")
    dist = cosine_distances(features)
    scores = np.zeros(len(lab))
    for i in range(len(lab)):
        own = lab == lab[i]
        n_own = own.sum() - 1
        if n_own == 0:
            continue  # alone in its label: 0 by convention
        a = dist[i, own].sum() / n_own
        b = min(dist[i, lab == other].mean() for other in names if other != lab[i])
        scores[i] = 0.0 if max(a, b) == 0 else (b - a) / max(a, b)
    return float(scores.mean())


def centroids(features: np.ndarray, labels: list[str]) -> tuple[list[str], np.ndarray]:
    """Sorted label names and the mean feature vector of each."""
    x = np.asarray(features, dtype=np.float64)
    lab = np.asarray(labels)
    names = sorted(set(labels))
    return names, np.stack([x[lab == name].mean(axis=0) for name in names])


def centroid_distances(features: np.ndarray, labels: list[str]) -> dict[str, dict[str, float]]:
    """Cosine distance between every two label centroids: ``{a: {b: d}}``."""
    names, cents = centroids(features, labels)
    d = cosine_distances(cents)
    return {a: {b: float(d[i, j]) for j, b in enumerate(names)} for i, a in enumerate(names)}


def mean_pairwise_distance(features: np.ndarray, labels: list[str], a: str, b: str) -> float:
    """Mean cosine distance between the items labelled ``a`` and those labelled ``b`` (a ≠ b)."""
    lab = np.asarray(labels)
    x = np.asarray(features, dtype=np.float64)
    xa, xb = x[lab == a], x[lab == b]
    if len(xa) == 0 or len(xb) == 0:
        raise ParameterError(f"labels {a!r} and {b!r} need at least one item each")
    return float(cosine_distances(xa, xb).mean())


@dataclass
class StyleMetrics:
    """Everything :func:`evaluate` measures on one feature set."""

    items: int
    labels: dict[str, int]
    excluded: dict[str, int]
    accuracy: float | None = None
    chance: dict[str, float] = field(default_factory=dict)
    p_value: float | None = None
    silhouette: float | None = None
    centroid_distances: dict[str, dict[str, float]] = field(default_factory=dict)
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"items": self.items, "labels": self.labels, "excluded_labels": self.excluded,
                "loo_1nn_accuracy": self.accuracy, "chance": self.chance, "permutation_p": self.p_value,
                "silhouette": self.silhouette, "centroid_distances": self.centroid_distances, "note": self.note}


def evaluate(features: np.ndarray, labels: list[str], *, min_items: int = MIN_ITEMS,
             ignore: tuple[str, ...] = (), rounds: int = 2000, seed: int = 0) -> StyleMetrics:
    """All metrics on the items whose label has at least ``min_items`` items (labels in ``ignore``,
    e.g. an "unlabelled" marker, never count)."""
    x = np.asarray(features, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] != len(labels):
        raise ParameterError(f"features must be (items, dims) with one row per label; got shape {x.shape} "
                             f"and {len(labels)} labels")
    if min_items < 2:
        raise ParameterError(f"min_items must be >= 2, got {min_items}")
    counts = Counter(lab for lab in labels if lab not in ignore)
    kept = {name: n for name, n in sorted(counts.items()) if n >= min_items}
    excluded = {name: n for name, n in sorted(counts.items()) if n < min_items}
    mask = np.array([lab in kept for lab in labels], dtype=bool)
    sub_labels = [lab for lab, m in zip(labels, mask) if m]
    out = StyleMetrics(int(mask.sum()), kept, excluded)
    if len(kept) < 2:
        out.note = f"fewer than 2 labels with at least {min_items} items: no metrics"
        return out
    xs = x[mask]
    out.accuracy = loo_1nn_accuracy(xs, sub_labels)
    out.chance = chance_levels(sub_labels)
    out.p_value = permutation_p_value(xs, sub_labels, rounds=rounds, seed=seed)
    out.silhouette = silhouette(xs, sub_labels)
    out.centroid_distances = centroid_distances(xs, sub_labels)
    return out


def compare(features: np.ndarray, labels: list[str], anchor: str, others: list[str], *,
            rounds: int = 1000, seed: int = 0) -> dict[str, Any]:
    """How far ``anchor``'s centroid is from each of ``others``' (whatever their sizes), the mean
    item-to-item distance, for each of ``anchor``'s items which of ``others``' centroids is nearest,
    and how often each of ``others`` is the closest centroid when every label's items are resampled
    with replacement (``rounds`` bootstrap draws: a measure of how firm the answer is)."""
    x = np.asarray(features, dtype=np.float64)
    lab = np.asarray(labels)
    missing = [name for name in [anchor, *others] if not (lab == name).any()]
    if missing:
        present = ", ".join(sorted(set(labels)))
        raise ParameterError(f"label(s) {', '.join(map(repr, missing))} have no items here; present: {present}")
    cents = np.stack([x[lab == name].mean(axis=0) for name in [anchor, *others]])
    d = cosine_distances(cents)[0, 1:]
    per_item = cosine_distances(x[lab == anchor], cents[1:])
    nearest = Counter(others[i] for i in per_item.argmin(axis=1))
    rng = np.random.default_rng(seed)
    groups = [x[lab == name] for name in [anchor, *others]]
    wins: Counter[str] = Counter()
    for _ in range(rounds):
        boot = np.stack([g[rng.integers(len(g), size=len(g))].mean(axis=0) for g in groups])
        wins[others[int(np.argmin(cosine_distances(boot)[0, 1:]))]] += 1
    return {
        "anchor": anchor,
        "items": {name: int((lab == name).sum()) for name in [anchor, *others]},
        "centroid_distance": {name: float(d[i]) for i, name in enumerate(others)},
        "mean_pairwise_distance": {name: mean_pairwise_distance(x, labels, anchor, name) for name in others},
        "anchor_items_nearest_centroid": {name: int(nearest.get(name, 0)) for name in others},
        "closest": others[int(np.argmin(d))],
        "bootstrap_closest_share": {name: wins.get(name, 0) / rounds for name in others},
        "bootstrap_rounds": rounds,
    }
