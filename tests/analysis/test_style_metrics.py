"""Style metrics (numpy) on constructed features whose answers are known."""

from __future__ import annotations

import numpy as np
import pytest

from sidl.bridge.analysis import style_metrics as sm
from sidl.bridge.errors import ParameterError


def _clusters(n_per: int = 10, dims: int = 16, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    """Two tight clusters around orthogonal directions (cosine distance between them ~1)."""
    rng = np.random.default_rng(seed)
    a = np.zeros(dims)
    a[0] = 1.0
    b = np.zeros(dims)
    b[1] = 1.0
    x = np.vstack([a + 0.05 * rng.random((n_per, dims)), b + 0.05 * rng.random((n_per, dims))])
    return x, ["a"] * n_per + ["b"] * n_per


def test_cosine_distances_basic_values() -> None:
    x = np.array([[1.0, 0.0], [0.0, 2.0], [-3.0, 0.0], [0.0, 0.0]])
    d = sm.cosine_distances(x)
    assert d[0, 1] == pytest.approx(1.0) and d[0, 2] == pytest.approx(2.0)
    assert d[0, 0] == 0.0 and d[3, 3] == 0.0
    assert d[3, 0] == pytest.approx(1.0)  # a zero vector is at distance 1 from everything else
    assert np.allclose(d, d.T)


def test_separated_clusters_score_perfectly() -> None:
    x, labels = _clusters()
    m = sm.evaluate(x, labels)
    assert m.accuracy == 1.0
    assert m.silhouette is not None and m.silhouette > 0.8
    assert m.p_value is not None and m.p_value < 0.01
    assert m.centroid_distances["a"]["b"] > 0.9 and m.centroid_distances["a"]["a"] == 0.0
    assert m.chance == {"majority": 0.5, "permutation": pytest.approx(2 * 10 * 9 / (20 * 19))}


def test_shuffled_labels_are_near_chance() -> None:
    rng = np.random.default_rng(1)
    accs, chances, sils = [], [], []
    for seed in range(8):
        x, labels = _clusters(n_per=30, seed=seed)
        shuffled = list(rng.permutation(labels))
        m = sm.evaluate(x, shuffled)
        accs.append(m.accuracy)
        chances.append(m.chance["permutation"])
        sils.append(m.silhouette)
    assert abs(np.mean(accs) - np.mean(chances)) < 0.1
    assert abs(np.mean(sils)) < 0.1


def test_chance_levels_known_answer() -> None:
    labels = ["a"] * 6 + ["b"] * 4
    ch = sm.chance_levels(labels)
    assert ch["majority"] == pytest.approx(0.6)
    assert ch["permutation"] == pytest.approx((6 * 5 + 4 * 3) / (10 * 9))


def test_loo_accuracy_counts_each_item_once() -> None:
    # items 0,1 near each other (label a, a); items 2,3 near each other but labelled a, b
    x = np.array([[1.0, 0.0, 0.0], [0.99, 0.01, 0.0], [0.0, 0.0, 1.0], [0.0, 0.01, 0.99]])
    assert sm.loo_1nn_accuracy(x, ["a", "a", "a", "b"]) == pytest.approx(0.5)


def test_small_labels_are_excluded_from_metrics() -> None:
    x, labels = _clusters(n_per=6)
    x = np.vstack([x, np.ones((4, x.shape[1]))])
    labels = labels + ["tiny"] * 4
    m = sm.evaluate(x, labels, min_items=5)
    assert m.labels == {"a": 6, "b": 6} and m.excluded == {"tiny": 4}
    assert m.items == 12 and set(m.centroid_distances) == {"a", "b"}
    assert sm.evaluate(x, labels, min_items=4).labels == {"a": 6, "b": 6, "tiny": 4}


def test_one_label_left_gives_no_metrics_but_a_note() -> None:
    x, labels = _clusters(n_per=6)
    labels = ["a"] * 6 + ["b"] * 3 + ["c"] * 3
    m = sm.evaluate(x, labels, min_items=5)
    assert m.accuracy is None and m.silhouette is None and "fewer than 2 labels" in m.note
    assert m.to_dict()["loo_1nn_accuracy"] is None


def test_ignored_label_never_counts() -> None:
    x, labels = _clusters(n_per=6)
    labels = ["a"] * 6 + ["(none)"] * 6
    m = sm.evaluate(x, labels, ignore=("(none)",))
    assert m.labels == {"a": 6} and m.accuracy is None


def test_silhouette_matches_scikit_learn() -> None:
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(3)
    x = rng.random((40, 7))
    labels = list(rng.choice(["a", "b", "c"], 40))
    expected = sklearn_metrics.silhouette_score(x, labels, metric="cosine")
    assert sm.silhouette(x, labels) == pytest.approx(expected, abs=1e-9)


def test_compare_finds_the_closer_label() -> None:
    rng = np.random.default_rng(4)
    base = np.zeros((1, 8))
    base[0, :3] = [1.0, 1.0, 0.0]
    haydn = base + 0.05 * rng.random((3, 8))
    beethoven = np.array([[1.0, 0.8, 0.1] + [0.0] * 5]) + 0.05 * rng.random((4, 8))
    chopin = np.array([[0.0, 0.1, 1.0] + [0.0] * 5]) + 0.05 * rng.random((5, 8))
    x = np.vstack([haydn, beethoven, chopin])
    labels = ["Haydn"] * 3 + ["Beethoven"] * 4 + ["Chopin"] * 5
    c = sm.compare(x, labels, "Haydn", ["Beethoven", "Chopin"])
    assert c["closest"] == "Beethoven"
    assert c["centroid_distance"]["Beethoven"] < c["centroid_distance"]["Chopin"]
    assert c["mean_pairwise_distance"]["Beethoven"] < c["mean_pairwise_distance"]["Chopin"]
    assert c["anchor_items_nearest_centroid"] == {"Beethoven": 3, "Chopin": 0}
    assert c["items"] == {"Haydn": 3, "Beethoven": 4, "Chopin": 5}
    assert c["bootstrap_closest_share"]["Beethoven"] > 0.95 and sum(c["bootstrap_closest_share"].values()) == 1.0
    with pytest.raises(ParameterError, match="'Mozart'.*present: Beethoven, Chopin, Haydn"):
        sm.compare(x, labels, "Haydn", ["Mozart"])


def test_bad_shapes_are_clear_errors() -> None:
    with pytest.raises(ParameterError, match="one row per label"):
        sm.evaluate(np.zeros((3, 2)), ["a", "b"])
    with pytest.raises(ParameterError, match="at least 2 labels"):
        sm.silhouette(np.ones((3, 2)), ["a"] * 3)
