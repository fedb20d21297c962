"""Command-line arguments of ``sidl style`` (argparse only: imported when ``sidl`` builds its parser)."""

from __future__ import annotations

import argparse


def add_arguments(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sty = sub.add_parser("style", help="a style map of a folder of MIDI files from their average atom activity (needs [plot])")
    sty.add_argument("data", help="a dataset folder (GMD info.csv, piano metadata.csv), a folder of .mid files, or a CSV listing them")
    sty.add_argument("--model", default="drums", help="bundled model (drums, piano) or exported model folder (default drums)")
    sty.add_argument("--out", help="the map, as PNG")
