"""The ``sidl`` command.

Sub-commands are declared here with argparse; their work is imported only when they run, so that
``sidl --help`` prints at once and the torch-based commands (train, eval, demo) are the only ones
that import torch. This module itself imports neither torch nor onnxruntime.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence

from bridge import __version__
from bridge.errors import SidlError

log = logging.getLogger("sidl.cli")

# sub-command -> "module:function" that receives the parsed argparse.Namespace and returns an exit code
_HANDLERS: dict[str, str] = {
    "train": "models.cli:run_train",
    "eval": "models.cli:run_eval",
    "demo": "models.cli:run_demo",
}

TRAIN_EXTRA_HINT = "this command needs the training extra: pip install 'sidl[train]'"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sidl",
        description="Shift-invariant sparse dictionaries of drum and piano patterns, for the stage and the studio.",
    )
    parser.add_argument("--version", action="version", version=f"sidl {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    train = sub.add_parser("train", help="train a CONV-WTA dictionary on MIDI files (needs [train])")
    train.add_argument("codec", choices=["drums", "piano"], help="which codec/model family to train")
    train.add_argument("--data", required=True, help="dataset folder: GMD (info.csv), piano set (metadata.csv) or any folder of .mid files")
    train.add_argument("--config", help="JSON training config (defaults: the shipped model's config)")
    train.add_argument("--out", required=True, help="output folder for checkpoint, config, loss curve")
    train.add_argument("--resume", action="store_true", help="continue from the checkpoint in --out")
    train.add_argument("--epochs", type=int, help="override the config's number of epochs")
    train.add_argument("--seed", type=int, help="override the config's random seed")
    train.add_argument("--cache", default=None, help="folder to cache encoded grids (default: none)")
    train.add_argument("--no-progress", action="store_true", help="no progress bar")

    ev = sub.add_parser("eval", help="held-out evaluation at MIDI level (needs [train])")
    ev.add_argument("--model", required=True, help="shipped model name (drums, piano, seed-drums) or checkpoint folder")
    ev.add_argument("--data", required=True, help="dataset folder")
    ev.add_argument("--split", default="validation", help="split named in info.csv/metadata.csv (default: validation)")
    ev.add_argument("--budgets", default="1,2,4,8", help="atom budgets: non-zero code entries per bar (default 1,2,4,8)")
    ev.add_argument("--baselines", action="store_true", help="also report identity, grid snap, the seed-faithful model and OMP patch dictionary learning")
    ev.add_argument("--omp-fit-split", default="train", help="split the OMP baseline dictionary is fitted on (default train)")
    ev.add_argument("--max-files", type=int, default=None, help="evaluate only the first N files (quick look)")
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    ev.add_argument("--out", help="also write the JSON report to this file")
    ev.add_argument("--cache", default=None, help="folder to cache encoded grids")

    demo = sub.add_parser("demo", help="offline demo with the bundled drum model: reconstruct and denoise a generated groove")
    demo.add_argument("--out", default="demo_out", help="folder for the MIDI files written (default demo_out)")
    demo.add_argument("--model", default="drums", help="shipped model name or checkpoint folder (default drums)")
    demo.add_argument("--bars", type=int, default=4, help="length of the generated groove in bars")
    demo.add_argument("--seed", type=int, default=7, help="seed of the generated groove")
    return parser


def _configure_logging(verbosity: int) -> None:
    level = logging.WARNING - 10 * min(verbosity, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def _resolve(target: str) -> Callable[[argparse.Namespace], int]:
    module_name, func_name = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name in {"torch", "safetensors", "sklearn", "matplotlib", "tqdm"}:
            raise SidlError(f"{TRAIN_EXTRA_HINT} (missing module {exc.name!r})") from exc
        raise
    handler: Callable[[argparse.Namespace], int] = getattr(module, func_name)
    return handler


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return _resolve(_HANDLERS[args.command])(args)
    except SidlError as exc:
        print(f"sidl {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"sidl {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
