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
import io
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from sidl.bridge import dataset_index
from sidl.bridge.analysis import features as feats
from sidl.bridge.analysis import style_metrics
from sidl.bridge.analysis.corpus import SkipCount, iter_encoded
from sidl.bridge.analysis.style_map import UNLABELLED, draw_map
from sidl.bridge.analysis.style_report import format_report
from sidl.bridge.errors import DatasetError, ParameterError
from sidl.bridge.safe_io import check_output, write_text

log = logging.getLogger(__name__)

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


def _write_features(path: Path, names: list[str], x: np.ndarray) -> Path:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(["midi", *(f"f{i}" for i in range(x.shape[1]))])
    for name, row in zip(names, x):
        writer.writerow([name, *(f"{v:.6g}" for v in row)])
    write_text(path, text.getvalue())  # a temporary file and a rename: never half a CSV
    log.info("wrote %s (%d pieces x %d features)", path, *x.shape)
    return path


def check_outputs(data: str | Path, *, out: str | Path | None = None, features_csv: str | Path | None = None,
                  report: str | Path | None = None) -> None:
    """The files ``sidl style`` will write, refused before any coding: one that is the data (a CSV
    listing), one that cannot be written, a map that is not a .png."""
    if out is not None:
        check_output(out, inputs=(data,), suffixes=(".png",), what="--out")
    for what, path in (("--features", features_csv), ("--report", report)):
        if path is not None:
            check_output(path, inputs=(data,), suffixes=None, what=what)


def style_features(data: str | Path, *, model: Any = "drums", label: str | None = None, feature: str = "activity",
                   split: str = "all", max_files: int | None = None, provider: str = "auto") -> StyleResult:
    """Index ``data``, encode every file whole with ``model`` (a name, folder or loaded Engine) and
    compute each piece's model feature and baseline feature. Skipped files are counted by reason."""
    from sidl.bridge.engine import Engine  # onnxruntime: only when a model is needed

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
    codec = engine.codec
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
        "model": engine.info.name, "codec": engine.info.codec_name, "atoms": engine.info.atoms, "k": engine.info.k,
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
    check_outputs(data, out=out, features_csv=features_csv)
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


# ---------------------------------------------------------------------------------------- CLI
def run_style(args: Any) -> int:
    """CLI handler of ``sidl style``: prints the report (text, or JSON with ``--json``)."""
    compare = None
    if getattr(args, "compare", None):
        compare = [c.strip() for c in args.compare.split(",") if c.strip()]
    if args.out is None and args.features is None and not args.metrics and not args.json and not args.report:
        raise ParameterError("nothing to do: give --out MAP.png, --features OUT.csv, --metrics, --json or --report")
    if args.out is not None and Path(args.out).suffix.lower() != ".png":
        raise ParameterError(f"--out must be a .png file, got {args.out!r}")
    check_outputs(args.data, out=args.out, features_csv=args.features, report=args.report)
    result = run(args.data, model=args.model, out=args.out, features_csv=args.features, label=args.labels,
                 metrics=args.metrics, feature=args.feature, projection=args.projection, split=args.split,
                 max_files=args.max_files, min_items=args.min_items, compare=compare, provider=args.provider)
    rep = result.report
    if args.report:
        write_text(args.report, json.dumps(rep, indent=2) + "\n", inputs=(args.data,))
    print(json.dumps(rep, indent=2) if args.json else format_report(rep))
    return 0
