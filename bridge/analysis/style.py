"""``sidl style``: an unsupervised style map from per-piece atom activity (the paper's last application).

Every file is encoded whole by the engine; each piece becomes one vector (its average atom activity,
or a time-normalised histogram of its active atoms, :mod:`bridge.analysis.features`), and a hand-made
baseline vector (pitch-class histogram for piano, per-class hit density for drums) is computed from
the same grid. The vectors are written as CSV, projected to 2-D (PCA of the unit-normalised vectors,
i.e. the cosine geometry the metrics use; UMAP with cosine metric where ``umap`` is installed) and
drawn coloured by a label from the dataset's metadata; :mod:`bridge.analysis.style_metrics` measures
how well the labels group.

Labels: GMD styles such as ``jazz/funk`` or ``rock/halftime`` are reduced to their main style (the
part before ``/``) under ``style``, so each label holds enough pieces to measure; the full name is
kept as ``style_full``. Files that cannot be encoded (an unsupported meter, unreadable, a file for
the other codec) are skipped, counted by reason and listed in the report.
"""

from __future__ import annotations

import csv
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from bridge import dataset_index
from bridge.analysis import features as feats
from bridge.analysis import style_metrics
from bridge.analysis.corpus import SkipCount, iter_encoded
from bridge.errors import DatasetError, ParameterError

log = logging.getLogger("sidl.analysis.style")

UNLABELLED = "(no label)"
DEFAULT_LABELS = {"gmd": "style", "piano": "composer", "folder": "folder"}
PREFERRED_CSV_LABELS = ("composer", "artist", "style", "genre", "label", "drummer", "folder")
CHANCE_DEFINITIONS = {
    "majority": "accuracy of always answering the most common label",
    "permutation": "expected LOO 1-NN accuracy with the labels shuffled: sum n_c(n_c-1) / (n(n-1))",
    "permutation_p": "share of 2,000 label shuffles (plus the observed) whose LOO 1-NN accuracy is at least the observed",
    "centroid_distances": "cosine distance between the mean feature vectors of two labels",
}


@dataclass
class StyleResult:
    """Features, labels and the report of one run (what the CLI prints and the tests inspect)."""

    items: list[dataset_index.MidiItem]
    names: list[str]  # each file as written in the CSV (relative to the dataset root where possible)
    labels: list[str]
    features: np.ndarray  # (pieces, atoms)
    baseline: np.ndarray  # (pieces, baseline dims)
    report: dict[str, Any] = field(default_factory=dict)


def _spread(items: list[Any], n: int | None) -> list[Any]:
    """``n`` items spread evenly over ``items`` (all of them when ``n`` is None or large)."""
    if n is None or n >= len(items):
        return items
    picks = np.unique(np.round(np.linspace(0, len(items) - 1, n)).astype(int))
    return [items[i] for i in picks]


def _with_main_style(index: dataset_index.DatasetIndex) -> dataset_index.DatasetIndex:
    items = []
    for item in index.items:
        labels = dict(item.labels)
        if "style" in labels:
            labels["style_full"] = labels["style"]
            labels["style"] = labels["style"].split("/")[0].strip()
        items.append(replace(item, labels=labels))
    return replace(index, items=items)


def choose_label(index: dataset_index.DatasetIndex, requested: str | None) -> str:
    """The label column to colour by: ``requested``, or the layout's default."""
    columns = index.label_columns()
    if requested is not None:
        if requested not in columns:
            raise DatasetError(f"label column {requested!r} not found in {index.source}; "
                               f"available: {', '.join(columns) or 'none'}")
        return requested
    default = DEFAULT_LABELS.get(index.layout)
    if default in columns:
        return default
    for name in PREFERRED_CSV_LABELS:
        if name in columns:
            return name
    if columns:
        return columns[0]
    raise DatasetError(f"{index.source}: the files have no labels; give a CSV with a label column, "
                       "or put the files in one subfolder per label")


def _display_name(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def project(x: np.ndarray, method: str = "pca", *, seed: int = 0) -> tuple[np.ndarray, dict[str, Any]]:
    """2-D coordinates of the rows of ``x`` in the cosine geometry: PCA (SVD) of the unit-normalised,
    centred rows, or UMAP (cosine metric) when asked and installed. Returns (xy, details)."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[0] < 2:
        raise ParameterError(f"need at least 2 pieces to draw a map, got {arr.shape[0] if arr.ndim == 2 else 0}")
    if method == "umap":
        try:
            import umap  # type: ignore[import-not-found]
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


def _write_features(path: Path, names: list[str], x: np.ndarray) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["midi", *(f"f{i}" for i in range(x.shape[1]))])
        for name, row in zip(names, x):
            writer.writerow([name, *(f"{v:.6g}" for v in row)])
    log.info("wrote %s (%d pieces x %d features)", path, *x.shape)
    return path


def style_features(data: str | Path, *, model: Any = "drums", label: str | None = None, feature: str = "activity",
                   split: str = "all", max_files: int | None = None, provider: str = "auto") -> StyleResult:
    """Index ``data``, encode every file whole with ``model`` (a name, folder or loaded Engine) and
    compute each piece's model feature and baseline feature. Skipped files are counted by reason."""
    from bridge.engine import Engine  # onnxruntime: only when a model is needed

    if feature not in feats.FEATURES:
        raise ParameterError(f"feature must be one of {', '.join(feats.FEATURES)}, got {feature!r}")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    index = dataset_index.index(data, split)
    if index.layout == "gmd" or index.source.name == "info.csv":  # the GMD folder, or its info.csv given directly
        index = _with_main_style(index)
    label_column = choose_label(index, label)
    listed = len(index.items)
    items = _spread(index.items, max_files)
    engine = model if isinstance(model, Engine) else Engine.load(model, provider=provider)
    codec = engine.info.codec_name
    spb = engine.info.steps_per_bar
    timings["index_and_load_s"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    kept: list[dataset_index.MidiItem] = []
    rows: list[np.ndarray] = []
    base_rows: list[np.ndarray] = []
    skipped = SkipCount()
    steps = 0
    by_path = {item.path: item for item in items}
    for encoded in iter_encoded(engine, [item.path for item in items], skipped=skipped):
        n_bars = engine.geometry.n_bars(encoded.bars * spb)
        rows.append(feats.model_feature(encoded.code, n_bars, feature))
        base_rows.append(feats.baseline_feature(encoded.grid, codec, spb))
        kept.append(by_path[encoded.path])
        steps += encoded.steps
        if len(kept) % 25 == 0:
            log.info("encoded %d of %d files (%.0f s)", len(kept), len(items), time.perf_counter() - t1)
    timings["encode_s"] = time.perf_counter() - t1
    skipped_files = [{"midi": _display_name(Path(f["path"]), index.root), "reason": f["reason"], "message": f["message"]}
                     for f in skipped.files]
    if skipped.total:
        log.warning("skipped %d of %d files: %s", skipped.total, len(items), skipped.describe())
    if not kept:
        raise DatasetError(f"none of the {len(items)} files of {index.source} could be encoded by model "
                           f"{engine.info.name!r} ({skipped.describe()}); first: "
                           f"{skipped_files[0]['message'] if skipped_files else '-'}")
    names = [_display_name(item.path, index.root) for item in kept]
    labels = [(item.labels.get(label_column) or "").strip() or UNLABELLED for item in kept]
    x = np.stack(rows)
    report = {
        "model": engine.info.name, "codec": codec, "atoms": engine.info.atoms, "k": engine.info.k,
        "coder": engine.coder, "data": str(index.source), "layout": index.layout, "split": split,
        "label": label_column, "feature": feature, "baseline": feats.baseline_name(codec),
        "files": {"listed": listed, "used": len(items), "encoded": len(kept), "skipped": skipped.total,
                  "skipped_by_reason": dict(skipped.counts), "skipped_files": skipped_files,
                  "skipped_files_listed": len(skipped_files)},
        "steps": steps, "label_counts": dict(sorted(Counter(labels).items())), "timings": timings,
    }
    return StyleResult(kept, names, labels, x, np.stack(base_rows), report)


def run(data: str | Path, *, model: Any = "drums", out: str | Path | None = None,
        features_csv: str | Path | None = None, label: str | None = None, metrics: bool = False,
        feature: str = "activity", projection: str = "pca", split: str = "all", max_files: int | None = None,
        min_items: int = style_metrics.MIN_ITEMS, compare: list[str] | None = None,
        provider: str = "auto") -> StyleResult:
    """The whole of ``sidl style``: features, CSV, map, metrics; returns the result with its report."""
    if projection not in ("pca", "umap"):
        raise ParameterError(f"projection must be 'pca' or 'umap', got {projection!r}")
    if compare is not None and len(compare) < 2:
        raise ParameterError(f"compare needs an anchor label and at least one other, got {compare!r}")
    start = time.perf_counter()
    result = style_features(data, model=model, label=label, feature=feature, split=split,
                            max_files=max_files, provider=provider)
    rep = result.report
    outputs: dict[str, str] = {}
    if features_csv is not None:
        outputs["features"] = str(_write_features(Path(features_csv), result.names, result.features))
    measured: dict[str, style_metrics.StyleMetrics] = {}
    if metrics:
        t = time.perf_counter()
        for key, x in (("model", result.features), ("baseline", result.baseline)):
            measured[key] = style_metrics.evaluate(x, result.labels, min_items=min_items, ignore=(UNLABELLED,))
        rep["metrics"] = {key: m.to_dict() for key, m in measured.items()}
        rep["metrics"]["min_items"] = min_items
        rep["metrics"]["definitions"] = CHANCE_DEFINITIONS
        rep["timings"]["metrics_s"] = time.perf_counter() - t
    if compare is not None:
        rep["compare"] = {key: style_metrics.compare(x, result.labels, compare[0], compare[1:])
                          for key, x in (("model", result.features), ("baseline", result.baseline))}
    if out is not None:
        t = time.perf_counter()
        path, details = draw_map(result, out, projection=projection, measured=measured)
        outputs["map"] = str(path)
        rep["projection"] = details
        rep["timings"]["plot_s"] = time.perf_counter() - t
    rep["outputs"] = outputs
    rep["timings"]["total_s"] = time.perf_counter() - start
    return result


# ---------------------------------------------------------------------------------------- drawing
def _colours(names: list[str]) -> dict[str, tuple[Any, str]]:
    """A (colour, marker) per label: tab20 colours, then cycled with other markers; grey for unlabelled."""
    from bridge.analysis.plotting import pyplot

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
    from bridge.analysis.plotting import pyplot, save_figure

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


# ---------------------------------------------------------------------------------------- CLI
def _fmt(v: float | None, spec: str = ".3f") -> str:
    return "—" if v is None else format(v, spec)


def format_report(rep: dict[str, Any]) -> str:
    """The report as text tables (what ``sidl style`` prints without ``--json``)."""
    f = rep["files"]
    lines = [f"sidl style: model {rep['model']} ({rep['atoms']} atoms, coder {rep['coder']}) on {rep['data']} "
             f"[{rep['layout']}, split {rep['split']}], labels: {rep['label']}, feature: {rep['feature']}",
             f"files: {f['encoded']} encoded of {f['used']} used ({f['listed']} listed); skipped {f['skipped']}"
             + (f" {f['skipped_by_reason']}" if f["skipped"] else "")]
    for s in f["skipped_files"][:10]:
        lines.append(f"  skipped {s['midi']}: {s['reason']}: {s['message']}")
    if f["skipped"] > 10:
        lines.append(f"  … {f['skipped'] - 10} more skipped (see --json)")
    if "metrics" in rep:
        m = rep["metrics"]
        lines += ["", f"metrics (labels with >= {m['min_items']} items; cosine distance):", "",
                  "| feature | items | labels | LOO 1-NN acc | chance (majority) | chance (shuffled) | p (shuffle) | silhouette |",
                  "|---|---|---|---|---|---|---|---|"]
        for key, name in (("model", f"{rep['model']} {rep['feature']}"), ("baseline", rep["baseline"])):
            r = m[key]
            ch = r["chance"]
            lines.append(f"| {name} | {r['items']} | {len(r['labels'])} | {_fmt(r['loo_1nn_accuracy'])} | "
                         f"{_fmt(ch.get('majority'))} | {_fmt(ch.get('permutation'))} | {_fmt(r['permutation_p'], '.4f')} | "
                         f"{_fmt(r['silhouette'], '+.3f')} |")
        lines.append("chance (majority): always the most common label; chance (shuffled): expected accuracy with "
                     "shuffled labels; p: share of 2,000 shuffles reaching the observed accuracy")
        r = m["model"]
        if r["note"]:
            lines.append(f"note: {r['note']}")
        lines.append(f"labels in the metrics: {r['labels']}")
        if r["excluded_labels"]:
            lines.append(f"labels left out (< {m['min_items']} items): {r['excluded_labels']}")
        for key in ("model", "baseline"):
            cd = m[key]["centroid_distances"]
            if cd:
                names = list(cd)
                lines += ["", f"centroid cosine distances ({key}):", "",
                          "| | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
                lines += [f"| {a} | " + " | ".join(f"{cd[a][b]:.3f}" for b in names) + " |" for a in names]
    if "compare" in rep:
        for key, c in rep["compare"].items():
            others = list(c["centroid_distance"])
            lines += ["", f"compare ({key}): {c['anchor']} ({c['items'][c['anchor']]} pieces) to "
                          + ", ".join(f"{o} ({c['items'][o]})" for o in others), "",
                      "| to | centroid distance | mean pairwise distance | anchor pieces nearest this centroid |",
                      "|---|---|---|---|"]
            lines += [f"| {o} | {c['centroid_distance'][o]:.4f} | {c['mean_pairwise_distance'][o]:.4f} | "
                      f"{c['anchor_items_nearest_centroid'][o]} |" for o in others]
            boot = ", ".join(f"{o} {100 * c['bootstrap_closest_share'][o]:.0f} %" for o in others)
            lines.append(f"closest centroid to {c['anchor']}: {c['closest']}; closest in {c['bootstrap_rounds']} "
                         f"bootstrap resamples of the pieces: {boot}")
    t = rep["timings"]
    lines += ["", "timings: " + ", ".join(f"{k} {v:.1f}" for k, v in t.items())]
    if rep.get("outputs"):
        lines.append("wrote: " + ", ".join(rep["outputs"].values()))
    return "\n".join(lines)


def run_style(args: Any) -> int:
    """CLI handler of ``sidl style``: prints the report (text, or JSON with ``--json``)."""
    compare = None
    if getattr(args, "compare", None):
        compare = [c.strip() for c in args.compare.split(",") if c.strip()]
    if args.out is None and args.features is None and not args.metrics and not args.json and not args.report:
        raise ParameterError("nothing to do: give --out MAP.png, --features OUT.csv, --metrics, --json or --report")
    if args.out is not None and Path(args.out).suffix.lower() != ".png":
        raise ParameterError(f"--out must be a .png file, got {args.out!r}")
    result = run(args.data, model=args.model, out=args.out, features_csv=args.features, label=args.labels,
                 metrics=args.metrics, feature=args.feature, projection=args.projection, split=args.split,
                 max_files=args.max_files, min_items=args.min_items, compare=compare, provider=args.provider)
    rep = result.report
    if args.report:
        path = Path(args.report)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(rep, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(rep, indent=2) if args.json else format_report(rep))
    return 0
