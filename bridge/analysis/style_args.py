"""Command-line arguments of ``sidl style`` (argparse only: imported when ``sidl`` builds its parser)."""

from __future__ import annotations

import argparse


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def add_arguments(sty: argparse.ArgumentParser) -> None:
    sty.description = ("Encode every file whole, compute one feature vector per piece (the average atom "
                       "activity of the paper, or a time-normalised histogram of active atoms), write "
                       "them as CSV, draw a 2-D map coloured by a label, and measure how well the "
                       "labels group (against a hand-made baseline feature).")
    sty.add_argument("data", help="a dataset folder (GMD info.csv, piano metadata.csv), a folder of .mid files "
                                  "(labelled by their parent folder), or a CSV listing them (a 'midi' or "
                                  "'midi_filename' column, paths relative to the CSV; other columns are labels)")
    sty.add_argument("--model", default="drums", help="bundled model (drums, piano, seed-drums) or exported model folder (default drums)")
    sty.add_argument("--out", help="the map, as PNG (two panels: the model's feature and the baseline)")
    sty.add_argument("--features", help="write the per-piece features as CSV: midi,f0,...,fN (one column per atom)")
    sty.add_argument("--labels", help="label column to colour by (default: style for GMD — its main style, the part "
                                      "before '/'; style_full keeps e.g. 'jazz/funk' —, composer for the piano set, "
                                      "folder for a plain folder; for a CSV its composer, artist, style, genre or label column, else its first "
                                      "label column)")
    sty.add_argument("--metrics", action="store_true",
                     help="LOO 1-NN accuracy (cosine) and its chance levels, silhouette, centroid distances, for "
                          "labels with at least --min-items items, for the model feature and the baseline")
    sty.add_argument("--feature", choices=["activity", "histogram"], default="activity",
                     help="activity = mean activation of each atom over the piece (the paper's); histogram = "
                          "times each atom is active per bar (default activity)")
    sty.add_argument("--projection", choices=["pca", "umap"], default="pca",
                     help="2-D projection of the map (umap needs the umap-learn package; default pca)")
    sty.add_argument("--split", choices=["train", "validation", "all"], default="all",
                     help="which split of the dataset (default all)")
    sty.add_argument("--max-files", type=_positive, help="use only N files, spread evenly over the sorted list (quick look)")
    sty.add_argument("--min-items", type=_positive, default=5, help="labels with fewer items are left out of the metrics (default 5)")
    sty.add_argument("--compare", help="ANCHOR,A,B,...: centroid distances from one label to others whatever their "
                                       "sizes (e.g. Haydn,Beethoven,Chopin)")
    sty.add_argument("--provider", default="auto", choices=["auto", "cpu", "cuda"], help="onnxruntime execution provider (default auto)")
    sty.add_argument("--json", action="store_true", help="print the report as JSON")
    sty.add_argument("--report", help="also write the JSON report to this file")
