"""The ``sidl`` command.

Sub-commands are declared here with argparse; their work is imported only when they run, so that
``sidl --help`` prints at once and the torch-based commands (train, eval, demo, export) are the only
ones that import torch. This module itself imports neither torch nor onnxruntime.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence

from sidl import __version__
from sidl.bridge.errors import SidlError

log = logging.getLogger("sidl.cli")

# sub-command -> "module:function" that receives the parsed argparse.Namespace and returns an exit code
_HANDLERS: dict[str, str] = {
    "train": "sidl.models.cli:run_train",
    "eval": "sidl.models.cli:run_eval",
    "demo": "sidl.models.cli:run_demo",
    "export": "sidl.export.cli:run_export",
    "reconstruct": "sidl.bridge.commands:run_reconstruct",
    "denoise": "sidl.bridge.commands:run_denoise",
    "interpolate": "sidl.bridge.commands:run_interpolate",
    "swap": "sidl.bridge.commands:run_swap",
    "decompose": "sidl.bridge.commands:run_decompose",
    "generate": "sidl.bridge.commands:run_generate",
    "bench": "sidl.bridge.commands:run_bench",
    "ports": "sidl.bridge.commands:run_ports",
    "run": "sidl.bridge.live.run:run_command",
    "panic": "sidl.bridge.commands:run_panic",
    "style": "sidl.bridge.analysis.style:run_style",
    "atoms": "sidl.bridge.analysis.atoms:run_atoms",
    "code": "sidl.bridge.analysis.code_view:run_code",
    "similar": "sidl.bridge.analysis.similar:run_similar",
}

TRAIN_EXTRA_HINT = "this command needs the training extra: pip install 'sidl[train]'"
PLOT_EXTRA_HINT = "this command draws with matplotlib: pip install 'sidl[plot]'"
RUNTIME_EXTRA_HINT = "this command needs onnxruntime: pip install 'sidl[cpu]' (or 'sidl[gpu]' on a CUDA machine)"


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
    ex = sub.add_parser("export", help="export a checkpoint to ONNX (encoder.onnx + decoder.onnx) with metadata and a parity check (needs [train])")
    ex.add_argument("checkpoint", help="shipped model name (drums, piano, seed-drums) or checkpoint folder")
    ex.add_argument("--out", required=True, help="output folder for encoder.onnx and decoder.onnx")
    ex.add_argument("--name", help="model name stored in the metadata (default: the checkpoint folder's name)")
    ex.add_argument("--stats-data", help="dataset folder: per-atom activation statistics (for generate) and real parity windows")
    ex.add_argument("--stats-split", default="train", help="split for the statistics (default train)")
    ex.add_argument("--tune-data", help="dataset folder: choose the default denoise amount by the denoising score")
    ex.add_argument("--tune-split", default="validation", help="split for the denoise tuning (default validation)")
    ex.add_argument("--max-files", type=int, default=None, help="use only the first N files of each split (quick look)")

    _add_tools(sub)
    from sidl.bridge.analysis import style_args, view_args

    style_args.add_arguments(sub)
    view_args.add_arguments(sub)

    live = sub.add_parser("run", help="the live bridge: MIDI in, sparse codes, MIDI out in time, OSC control")
    from sidl.bridge.live.run import add_arguments

    add_arguments(live)

    pan = sub.add_parser("panic", help="silence everything: /sidl/panic to a running bridge, and with --port every note-off on a MIDI port")
    pan.add_argument("--osc-host", default="127.0.0.1", help="the bridge's OSC host (default 127.0.0.1)")
    pan.add_argument("--osc-port", type=int, default=9000, help="the bridge's OSC port (default 9000)")
    pan.add_argument("--port", help="also send note-off for all notes, CC64=0 and CC123 on all channels of this MIDI output port")
    pan.add_argument("--backend", choices=["alsa", "jack", "coremidi", "winmm"], help="MIDI backend for --port")

    prt = sub.add_parser("ports", help="list MIDI ports per backend (ALSA, JACK, CoreMIDI, WinMM) and why a backend is unavailable")
    prt.add_argument("--json", action="store_true", help="print JSON")

    bench = sub.add_parser("bench", help="measure latency (JSON out); `sidl bench engine`")
    bench.add_argument("what", choices=["engine", "live"],
                       help="engine = encode → denoise → decode per window; live = the daemon through JACK (needs a JACK server)")
    bench.add_argument("--bars", type=int, default=16, help="live: bars of groove played (default 16)")
    bench.add_argument("--model", default="drums", help="bundled model name or exported model folder (default drums)")
    bench.add_argument("--windows", type=int, default=10_000, help="timed windows per configuration (default 10000)")
    bench.add_argument("--warmup", type=int, default=200, help="untimed windows first (default 200)")
    bench.add_argument("--coder", choices=["network", "pursuit"], help="time only this coder (default: every coder the model has)")
    bench.add_argument("--window-bars", type=int, help="bars per window (default: the model's training window)")
    bench.add_argument("--streams", default="1,16", help="stream counts batched per call (default 1,16)")
    bench.add_argument("--threads", type=int, default=1, help="onnxruntime/torch threads (default 1)")
    bench.add_argument("--provider", help="comma list of providers to time (auto: cuda when available, and cpu)")
    bench.add_argument("--no-torch", action="store_true", help="skip the torch eager comparison")
    bench.add_argument("--json", action="store_true", help="print the full JSON report")
    bench.add_argument("--out", help="also write the JSON report to this file")
    return parser


def _model_options(p: argparse.ArgumentParser, *, drums_only_map: bool = True) -> None:
    p.add_argument("--model", default="drums", help="bundled model (drums, piano) or exported model folder (default drums)")
    p.add_argument("--provider", default="auto", choices=["auto", "cpu", "cuda"], help="onnxruntime execution provider (default auto)")
    p.add_argument("--coder", choices=["network", "pursuit"], help="how codes are found (default: the model's)")
    p.add_argument("--drum-map", help="output drum map for drum models: gm, ableton or a .json map (default gm)")


def _add_tools(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    rec = sub.add_parser("reconstruct", help="play a MIDI file back through the dictionary")
    rec.add_argument("input", help="input .mid")
    rec.add_argument("output", help="output .mid")
    rec.add_argument("--atoms", type=int, help="atoms per bar (default: the model's trained k)")
    _model_options(rec)

    den = sub.add_parser("denoise", help="clean up a MIDI file: keep fewer, stronger atoms")
    den.add_argument("input", help="input .mid")
    den.add_argument("output", help="output .mid")
    den.add_argument("--amount", type=float, help="0 = plain reconstruction at the trained k, 1 = one atom per bar; "
                     "default: the amount that maximised the denoising score on the validation split, stored in "
                     "the model at export: 0 for the bundled drums model (scores by amount in the README), 0 for piano, "
                     "which has no denoising benchmark")
    _model_options(den)

    itp = sub.add_parser("interpolate", help="morph between two grooves in code space")
    itp.add_argument("a", help="groove A (.mid); the output keeps its tempo and meter")
    itp.add_argument("b", help="groove B (.mid); looped or cut to A's length")
    itp.add_argument("output", help="output .mid (with --steps N: OUTPUT-00.mid … OUTPUT-(N-1).mid)")
    itp.add_argument("--t", type=float, default=0.5, help="0 = A, 1 = B (default 0.5)")
    itp.add_argument("--steps", type=int, help="write a morph sequence of N files from A to B")
    _model_options(itp)

    swp = sub.add_parser("swap", help="replace A's strongest atoms in each bar by B's")
    swp.add_argument("a", help="groove A (.mid)")
    swp.add_argument("b", help="groove B (.mid); looped or cut to A's length")
    swp.add_argument("output", help="output .mid")
    swp.add_argument("--atoms", type=int, default=1, help="atoms swapped per bar (default 1)")
    _model_options(swp)

    dec = sub.add_parser("decompose", help="one MIDI file per active atom, plus their sum")
    dec.add_argument("input", help="input .mid")
    dec.add_argument("outdir", help="output folder")
    _model_options(dec)

    gen = sub.add_parser("generate", help="sample a new pattern from the atoms' training statistics")
    gen.add_argument("output", help="output .mid")
    gen.add_argument("--bars", type=int, default=8, help="length in bars (default 8)")
    gen.add_argument("--seed", type=int, default=None, help="random seed (same seed, same pattern)")
    gen.add_argument("--temperature", type=float, default=1.0, help="< 1: the most common atoms; > 1: rarer ones (default 1)")
    gen.add_argument("--bpm", type=float, default=120.0, help="tempo of the file written (default 120)")
    _model_options(gen)


def _configure_logging(verbosity: int) -> None:
    level = logging.WARNING - 10 * min(verbosity, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def _resolve(target: str) -> Callable[[argparse.Namespace], int]:
    module_name, func_name = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == "matplotlib" and module_name.startswith("bridge."):
            raise SidlError(f"{PLOT_EXTRA_HINT} (missing module 'matplotlib')") from exc
        if exc.name in {"torch", "safetensors", "sklearn", "matplotlib", "tqdm", "onnx", "onnxscript"}:
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
    except ModuleNotFoundError as exc:
        # matplotlib is imported only when a picture is drawn, onnxruntime only when a model is loaded
        hints = {"onnxruntime": RUNTIME_EXTRA_HINT, "matplotlib": PLOT_EXTRA_HINT}
        if exc.name not in hints:
            raise
        print(f"sidl {args.command}: error: {hints[exc.name]}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"sidl {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
