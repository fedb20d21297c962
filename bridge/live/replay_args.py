"""Command-line arguments of ``sidl replay`` (argparse only: imported whenever ``sidl`` builds its
parser; the handler is :func:`sidl.bridge.commands.run_replay`). The live controls' flags are
``sidl run``'s own (:mod:`sidl.bridge.live.run_args`)."""

from __future__ import annotations

import argparse

from sidl.bridge.live.run_args import add_input_arguments, add_model_arguments


def _atoms(text: str) -> list[int]:
    """A comma list of atom indices, e.g. ``3,17``."""
    try:
        atoms = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a comma list of atom numbers, got {text!r}") from None
    if any(a < 0 for a in atoms):
        raise argparse.ArgumentTypeError(f"atom numbers are >= 0, got {text!r}")
    return atoms


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help="input .mid, played into the bridge at its own tempo")
    p.add_argument("output", help="output .mid: what the bridge sends, on its output channel, at the input's tempo")
    add_model_arguments(p)
    p.add_argument("--align", action="store_true",
                   help="shift the output back by the mode's latency (loop mode: one bar), so it lines up "
                        "with the input")
    p.add_argument("--temperature", type=float, default=1.0,
                   help="generate mode: < 1 common atoms, > 1 rarer ones (default 1)")
    p.add_argument("--seed", type=int, default=0, help="generate mode: random seed (default 0)")
    p.add_argument("--mute", type=_atoms, default=[], metavar="ATOMS", help="comma list of atoms to mute")
    p.add_argument("--solo", type=_atoms, default=[], metavar="ATOMS", help="comma list of atoms to solo")
    add_input_arguments(p)
