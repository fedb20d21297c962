"""Command-line arguments of ``sidl atoms``, ``sidl code`` and ``sidl similar`` (argparse only: one
function per command, given that command's parser)."""

from __future__ import annotations

import argparse

MODEL_HELP = "bundled model (drums, piano, seed-drums) or exported model folder (default drums)"


def _model(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default="drums", help=MODEL_HELP)
    p.add_argument("--provider", default="auto", choices=["auto", "cpu", "cuda"],
                   help="onnxruntime execution provider (default auto)")


def add_atoms_arguments(atm: argparse.ArgumentParser) -> None:
    atm.description = ("The model's atoms as small drum-grid / piano-roll pictures, ordered by how "
                       "often they are used on the training data (the statistics stored in the "
                       "bundled models), or on --data DIR.")
    _model(atm)
    atm.add_argument("--out", help="PNG to write (default: no picture, only the table)")
    atm.add_argument("--top", default="64", help="how many atoms, most used first, or 'all' (default 64)")
    atm.add_argument("--cols", type=int, default=8, help="pictures per row (default 8)")
    atm.add_argument("--midi", metavar="DIR", help="also write each shown atom alone as MIDI (rank-001-atom-0412.mid …) "
                                                   "plus index.json")
    atm.add_argument("--data", metavar="DIR", help="measure usage on this folder of .mid files (recursive) instead "
                                                   "of the model's training statistics (needed for models "
                                                   "exported without --stats-data)")
    atm.add_argument("--split", choices=["train", "validation", "all"],
                     help="with --data: only this split of a dataset folder (default: every file)")
    atm.add_argument("--bpm", type=float, default=120.0, help="tempo of the --midi files (default 120)")
    atm.add_argument("--json", action="store_true", help="print the table as JSON")


def add_code_arguments(cod: argparse.ArgumentParser) -> None:
    cod.description = ("The 'music decomposition' view: which atoms play where (atoms × bars), "
                       "above the piece's input and reconstruction rolls.")
    cod.add_argument("input", help="input .mid")
    _model(cod)
    cod.add_argument("--out", help="PNG to write (default: no picture, only the table)")
    cod.add_argument("--bars", help="bars to show, 1-based and inclusive: '5-12', '9' (one bar) or 'all' "
                                    "(default: the first 16)")
    cod.add_argument("--atoms", type=int, help="atom budget per bar (default: the model's trained k)")
    cod.add_argument("--top", type=int, help="show only the N atoms with the most activation in the shown bars "
                                             "(default: every active atom)")
    cod.add_argument("--json", action="store_true", help="print the per-bar code as JSON")


def add_similar_arguments(sim: argparse.ArgumentParser) -> None:
    sim.description = ("Cut every file of FOLDER (recursive) into sections as long as the query "
                       "section, one every --hop bars, and rank them by the cosine similarity of "
                       "their sparse codes with the query's: good partners for `sidl interpolate`.")
    sim.add_argument("query", help="query .mid")
    sim.add_argument("folder", nargs="?",
                     help="folder of .mid files (searched recursively), a dataset folder (GMD info.csv, "
                          "piano metadata.csv) or a CSV listing MIDI files; or --index LIB instead")
    sim.add_argument("--index", metavar="LIB",
                     help="search a library built by `sidl index` instead of a folder (fast on large collections; "
                          "sections as long as the library's; needs the [search] extra)")
    sim.add_argument("--candidates", type=int,
                     help="with --index: windows fetched from the ANN index before exact re-ranking, times "
                          "(2·shift+1) (default 200)")
    sim.add_argument("--split", choices=["train", "validation", "all"],
                     help="only this split of a dataset folder (default: every file)")
    _model(sim)
    sim.add_argument("--top", type=int, default=10, help="how many sections to list (default 10)")
    sim.add_argument("--bars", type=int, help="section length in bars (default: the query's length, at most 4)")
    sim.add_argument("--start", type=int, default=1, help="first bar of the query section, 1-based (default 1)")
    sim.add_argument("--hop", type=int, default=1, help="bars between section starts (default 1)")
    sim.add_argument("--shift", type=int, default=0,
                     help="tolerance in code columns: best cosine within this many columns of each section start "
                          "(a column is a bar for the drum model, half a beat for piano; default 0)")
    sim.add_argument("--metric", choices=["code", "dictionary"],
                     help="code: cosine of the sparse codes (shared atoms; default); dictionary: cosine of what the "
                          "codes play through the atoms (different atoms that play alike count as alike)")
    sim.add_argument("--per-file", type=int, default=1, help="at most this many sections per file, 0 = no limit (default 1)")
    sim.add_argument("--out-midi", metavar="DIR", help="write the query section and the matched sections as MIDI files")
    sim.add_argument("--json", action="store_true", help="print the result as JSON")
