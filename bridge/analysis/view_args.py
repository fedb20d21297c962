"""Command-line arguments of ``sidl atoms``, ``sidl code`` and ``sidl similar`` (argparse only)."""

from __future__ import annotations

import argparse


def add_arguments(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    atm = sub.add_parser("atoms", help="the learned atoms as pictures, most used first (needs [plot])")
    atm.add_argument("--model", default="drums", help="bundled model (drums, piano) or exported model folder (default drums)")
    atm.add_argument("--out", help="PNG to write")
    cod = sub.add_parser("code", help="the sparse code of a piece over time above its input and reconstruction (needs [plot])")
    cod.add_argument("input", help="input .mid")
    cod.add_argument("--model", default="drums", help="bundled model (drums, piano) or exported model folder (default drums)")
    cod.add_argument("--out", help="PNG to write")
    sim = sub.add_parser("similar", help="the sections of a folder of MIDI files most similar to a query (cosine on codes)")
    sim.add_argument("query", help="query .mid")
    sim.add_argument("folder", help="folder of .mid files")
    sim.add_argument("--model", default="drums", help="bundled model (drums, piano) or exported model folder (default drums)")
