"""The text report of ``sidl style``: files, metrics, centroid distances, comparisons, timings."""

from __future__ import annotations

from typing import Any


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
