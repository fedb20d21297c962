"""The style map: each piece's vector projected to 2-D and drawn coloured by its label.

PCA (SVD) of the unit-normalised, centred vectors — the cosine geometry the metrics use — or UMAP
with the cosine metric where ``umap-learn`` is installed. Two panels: the model's feature and the
hand-made baseline. matplotlib is imported only when drawing.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sidl.bridge.analysis import style_metrics
from sidl.bridge.errors import ParameterError

if TYPE_CHECKING:
    from sidl.bridge.analysis.style import StyleResult

UNLABELLED = "(no label)"  # pieces without a label: drawn grey, left out of the metrics


def project(x: np.ndarray, method: str = "pca", *, seed: int = 0) -> tuple[np.ndarray, dict[str, Any]]:
    """2-D coordinates of the rows of ``x`` in the cosine geometry: PCA (SVD) of the unit-normalised,
    centred rows, or UMAP (cosine metric) when asked and installed. Returns (xy, details)."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[0] < 2:
        raise ParameterError(f"need at least 2 pieces to draw a map, got {arr.shape[0] if arr.ndim == 2 else 0}")
    if method == "umap":
        try:
            import umap
        except ImportError:
            raise ParameterError("projection 'umap' needs the umap-learn package (pip install umap-learn); "
                                 "or use --projection pca") from None
        n_neighbors = max(2, min(15, arr.shape[0] - 1))
        reducer = umap.UMAP(n_components=2, metric="cosine", n_neighbors=n_neighbors, random_state=seed)
        return np.asarray(reducer.fit_transform(arr), dtype=np.float64), {"method": "umap", "n_neighbors": n_neighbors}
    if method != "pca":
        raise ParameterError(f"projection must be 'pca' or 'umap', got {method!r}")
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    unit = np.divide(arr, norms, out=np.zeros_like(arr), where=norms > 0)
    centred = unit - unit.mean(axis=0)
    u, s, vt = np.linalg.svd(centred, full_matrices=False)
    # a deterministic sign: the largest loading of each component is positive
    signs = np.sign(vt[np.arange(vt.shape[0]), np.abs(vt).argmax(axis=1)])
    signs[signs == 0] = 1
    xy = (u * s * signs)[:, :2]
    if xy.shape[1] < 2:
        xy = np.pad(xy, ((0, 0), (0, 2 - xy.shape[1])))
    var = s**2
    ratio = (var / var.sum())[:2] if var.sum() > 0 else np.zeros(2)
    return xy, {"method": "pca", "explained_variance": [float(r) for r in ratio]}


def _colours(names: list[str]) -> dict[str, tuple[Any, str]]:
    """A (colour, marker) per label: tab20 colours, then cycled with other markers; grey for unlabelled."""
    from sidl.bridge.analysis.plotting import pyplot

    plt = pyplot()
    if len(names) > 10:  # tab20's strong shades first, then its light ones, so neighbours differ
        cmap = plt.get_cmap("tab20")
        palette = [cmap(i) for i in (*range(0, 20, 2), *range(1, 20, 2))]
    else:
        cmap = plt.get_cmap("tab10")
        palette = [cmap(i) for i in range(10)]
    markers = "o^sDvP*X"
    out: dict[str, tuple[Any, str]] = {}
    for i, name in enumerate(n for n in names if n != UNLABELLED):
        out[name] = (palette[i % len(palette)], markers[(i // len(palette)) % len(markers)])
    if UNLABELLED in names:
        out[UNLABELLED] = ((0.6, 0.6, 0.6, 1.0), "x")
    return out


def draw_map(result: StyleResult, out: str | Path, *, projection: str = "pca",
             measured: dict[str, style_metrics.StyleMetrics] | None = None) -> tuple[Path, dict[str, Any]]:
    """Two panels, the model feature and the baseline, each projected to 2-D and coloured by label."""
    from sidl.bridge.analysis.plotting import pyplot, save_figure

    plt = pyplot()
    rep = result.report
    counts = Counter(result.labels)
    names = sorted(counts, key=lambda n: (n == UNLABELLED, -counts[n], n))
    colours = _colours(names)
    fig, axes = plt.subplots(1, 2, figsize=(13.5, 5.6))
    details: dict[str, Any] = {}
    lab = np.asarray(result.labels)
    panels = ((axes[0], "model", result.features, f"{rep['model']}: {rep['feature']} ({result.features.shape[1]} dims)"),
              (axes[1], "baseline", result.baseline, f"baseline: {rep['baseline']} ({result.baseline.shape[1]} dims)"))
    for ax, key, x, title in panels:
        xy, info = project(x, projection) if len(x) >= 2 else (np.zeros((len(x), 2)), {"method": projection})
        details[key] = info
        for name in names:
            colour, marker = colours[name]
            sel = lab == name
            ax.scatter(xy[sel, 0], xy[sel, 1], s=26, color=colour, marker=marker, alpha=0.85,
                       edgecolors="white", linewidths=0.4, label=f"{name} ({counts[name]})")
        span = np.ptp(xy, axis=0) + 1e-12
        placed: list[np.ndarray] = []
        for name in names[:12]:  # the biggest labels, written at their median where they do not overlap
            sel = lab == name
            if name == UNLABELLED or sel.sum() < 3:
                continue
            centre = np.median(xy[sel], axis=0)
            if any(np.all(np.abs((centre - p) / span) < (0.12, 0.05)) for p in placed):
                continue
            placed.append(centre)
            cx, cy = centre
            ax.annotate(name, (cx, cy), fontsize=8, ha="center", va="center", weight="bold", color=colours[name][0],
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "alpha": 0.7, "lw": 0})
        if info.get("method") == "pca" and "explained_variance" in info:
            ev = info["explained_variance"]
            ax.set_xlabel(f"PC 1 ({100 * ev[0]:.0f} % of variance)")
            ax.set_ylabel(f"PC 2 ({100 * ev[1]:.0f} % of variance)")
        else:
            ax.set_xlabel(f"{projection.upper()} 1")
            ax.set_ylabel(f"{projection.upper()} 2")
        if measured and key in measured and measured[key].accuracy is not None:
            m = measured[key]
            title += (f"\nLOO 1-NN {m.accuracy:.2f} (chance {m.chance['permutation']:.2f} shuffled, "
                      f"{m.chance['majority']:.2f} majority), "
                      f"silhouette {m.silhouette:+.2f}, {len(m.labels)} labels of ≥ {rep['metrics']['min_items']} pieces")
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.25)
        ax.tick_params(labelsize=8)
    handles, texts = axes[0].get_legend_handles_labels()
    fig.legend(handles, texts, loc="center left", bbox_to_anchor=(0.995, 0.5), fontsize=8, frameon=False,
               title=rep["label"], title_fontsize=9, ncol=1 if len(names) <= 24 else 2, markerscale=1.3)
    fig.suptitle(f"style map: {Path(rep['data']).name or rep['data']} ({rep['split']}, {rep['files']['encoded']} pieces, "
                 f"{rep['files']['skipped']} skipped), coloured by {rep['label']}", fontsize=11)
    fig.tight_layout()
    return save_figure(fig, out, dpi=100), details
