"""Command-line arguments of ``sidl export`` (argparse only: imported whenever ``sidl`` builds its
parser, also where torch is absent; the handler is in :mod:`sidl.export.cli`)."""

from __future__ import annotations

import argparse


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("checkpoint", help="shipped model name (drums, piano, seed-drums) or checkpoint folder")
    p.add_argument("--out", required=True, help="output folder for encoder.onnx and decoder.onnx")
    p.add_argument("--name", help="model name stored in the metadata (default: the checkpoint folder's name)")
    p.add_argument("--stats-data", help="dataset folder: per-atom activation statistics (for generate) and real parity windows")
    p.add_argument("--stats-split", default="train", help="split for the statistics (default train)")
    p.add_argument("--tune-data", help="dataset folder: measure the denoising curve on damaged grooves and store the "
                   "default amount (largest F1 gain that leaves clean grooves at F1 >= 0.97)")
    p.add_argument("--tune-split", default="validation", help="split for the denoise tuning (default validation)")
    p.add_argument("--tune-only", action="store_true", help="with --tune-data: re-measure the denoising curve of the model "
                   "already exported to --out from this checkpoint and restamp its metadata (weights untouched)")
    p.add_argument("--max-files", type=int, default=None, help="use only the first N files of each split (quick look)")
