"""Command-line arguments of ``sidl encode`` (argparse only)."""

from __future__ import annotations

import argparse


def add_arguments(enc: argparse.ArgumentParser) -> None:
    enc.description = (
        "Encode a MIDI corpus into sharded, memory-mapped grid files with an index (file, bars, meter, "
        "tempo, split, labels; skipped files and why), in parallel worker processes. Run it again on the "
        "same DATA and --out to encode only new or changed files. Format: docs/corpus-shards.md.")
    enc.add_argument("data", help="dataset folder (GMD info.csv, piano metadata.csv, or any folder of .mid "
                                  "files, searched recursively) or a .csv listing MIDI files")
    enc.add_argument("--out", required=True, metavar="SHARDS", help="shard folder to create or update")
    enc.add_argument("--model", default="drums",
                     help="whose codec: a bundled model (drums, piano, seed-drums), an exported model folder, "
                          "or a training config .json (models/configs/drums.json) (default drums)")
    enc.add_argument("--workers", type=int, default=None,
                     help="worker processes (default: the number of CPUs; 1 encodes in this process)")
    enc.add_argument("--shard-mb", type=float, default=64.0, dest="shard_mb",
                     help="start a new shard file when one reaches this size (default 64)")
    enc.add_argument("--rebuild", action="store_true",
                     help="re-encode every file (also with another --model), compacting the shards")
    enc.add_argument("--quiet", action="store_true", help="no progress bar")
    enc.add_argument("--json", action="store_true", help="print the report as JSON instead of one line")
