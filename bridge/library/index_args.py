"""Command-line arguments of ``sidl index`` (argparse only)."""

from __future__ import annotations

import argparse

DEFAULT_WORKERS = 2


def add_index_arguments(p: argparse.ArgumentParser) -> None:
    p.description = ("Encode every MIDI file of FOLDER (recursive; a dataset folder or a CSV listing files) once "
                     "into a library searched by `sidl similar QUERY.mid --index LIB`. Run it again after the "
                     "folder changed: only new and changed files are encoded. Needs the [search] extra.")
    p.add_argument("folder", help="folder of .mid files, a dataset folder (GMD info.csv, piano metadata.csv) or a CSV")
    p.add_argument("--out", required=True, metavar="LIB", help="library folder to create or update")
    p.add_argument("--model", default="drums", help="bundled model (drums, piano, seed-drums) or exported model folder "
                                                    "(default drums)")
    p.add_argument("--provider", default="auto", choices=["auto", "cpu", "cuda"],
                   help="onnxruntime execution provider (default auto)")
    p.add_argument("--metric", choices=["code", "dictionary"], default="code",
                   help="what sections are compared by (as `sidl similar --metric`; default code)")
    p.add_argument("--bars", type=int, default=4, help="section length in bars (default 4); queries use this length")
    p.add_argument("--split", choices=["train", "validation", "all"],
                   help="only this split of a dataset folder (default: every file)")
    p.add_argument("--dims", type=int, default=256, help="dimensions of the projected vectors in the ANN index "
                                                          "(default 256)")
    p.add_argument("--workers", type=int, default=DEFAULT_WORKERS,
                   help=f"encoding processes, each loading the model once (default {DEFAULT_WORKERS})")
    p.add_argument("--rebuild", action="store_true", help="start over instead of updating an existing library")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--json", action="store_true", help="print the build report as JSON")
