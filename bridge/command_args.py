"""Command-line arguments of the torch-free ``sidl`` tools, the benchmark, ``ports``, ``panic`` and
``demo`` (argparse only: imported whenever ``sidl`` builds its parser, so nothing heavy here; the
handlers are in :mod:`sidl.bridge.commands`)."""

from __future__ import annotations

import argparse

BUNDLED_MODEL_HELP = "bundled model (drums, piano, seed-drums) or exported model folder (default drums)"


def _model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default="drums", help=BUNDLED_MODEL_HELP)
    p.add_argument("--provider", default="auto", choices=["auto", "cpu", "cuda"], help="onnxruntime execution provider (default auto)")
    p.add_argument("--coder", choices=["network", "pursuit"], help="how codes are found (default: the model's)")
    p.add_argument("--drum-map", help="output drum map for drum models: gm, ableton or a .json map (default gm)")


def add_reconstruct_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help="input .mid")
    p.add_argument("output", help="output .mid")
    p.add_argument("--atoms", type=int, help="atoms per bar (default: the model's trained k)")
    _model_options(p)


def add_denoise_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help="input .mid")
    p.add_argument("output", help="output .mid")
    p.add_argument("--amount", type=float, help="0..1, the scale of /sidl/denoise and the filter's strength: 0 leaves "
                   "the file as played, 1 removes the most hits the dictionary and the groove cannot explain (and "
                   "adds back the ones they expect); kept hits keep the player's velocity and timing. Default: the "
                   "amount tuned on the validation split and stored in the model (docs/denoising.md)")
    _model_options(p)


def add_interpolate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("a", help="groove A (.mid); the output keeps its tempo and meter")
    p.add_argument("b", help="groove B (.mid); looped or cut to A's length")
    p.add_argument("output", help="output .mid (with --steps N: OUTPUT-00.mid … OUTPUT-(N-1).mid)")
    p.add_argument("--t", type=float, default=0.5, help="0 = A, 1 = B (default 0.5)")
    p.add_argument("--steps", type=int, help="write a morph sequence of N files from A to B")
    _model_options(p)


def add_swap_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("a", help="groove A (.mid)")
    p.add_argument("b", help="groove B (.mid); looped or cut to A's length")
    p.add_argument("output", help="output .mid")
    p.add_argument("--atoms", type=int, default=1, help="atoms swapped per bar (default 1)")
    _model_options(p)


def add_decompose_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help="input .mid")
    p.add_argument("outdir", help="output folder")
    _model_options(p)


def add_generate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("output", help="output .mid")
    p.add_argument("--bars", type=int, default=8, help="length in bars (default 8)")
    p.add_argument("--seed", type=int, default=None, help="random seed (same seed, same pattern)")
    p.add_argument("--temperature", type=float, default=1.0, help="< 1: the most common atoms; > 1: rarer ones (default 1)")
    p.add_argument("--bpm", type=float, default=120.0, help="tempo of the file written (default 120)")
    _model_options(p)


def add_demo_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default="demo_out", help="folder for the MIDI files written (default demo_out)")
    p.add_argument("--model", default="drums", help="bundled drum model (drums, seed-drums) or exported model folder "
                                                    "(default drums)")
    p.add_argument("--bars", type=int, default=4, help="length of the generated groove in bars")
    p.add_argument("--seed", type=int, default=7, help="seed of the generated groove")


def add_bench_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("what", choices=["engine", "live", "load", "soak", "library", "train"],
                   help="engine = encode → denoise → decode per window; live = the daemon through JACK (needs a JACK "
                   "server); load = note lateness idle and under OSC + MIDI traffic, side by side; soak = the load "
                   "phase for --minutes (timing and memory over time); library = queries of a `sidl index` library; "
                   "train = training windows/s at --procs process counts under torchrun (needs [train])")
    p.add_argument("--bars", type=int, default=16, help="live: bars of groove played (default 16)")
    p.add_argument("--model", default="drums", help="bundled model name or exported model folder (default drums)")
    p.add_argument("--windows", type=int, default=10_000, help="timed windows per configuration (default 10000)")
    p.add_argument("--warmup", type=int, default=200, help="untimed windows first (default 200)")
    p.add_argument("--coder", choices=["network", "pursuit"], help="time only this coder (default: every coder the model has)")
    p.add_argument("--window-bars", type=int, help="bars per window (default: the model's training window)")
    p.add_argument("--streams", default="1,16", help="stream counts batched per call (default 1,16)")
    p.add_argument("--threads", type=int,
                   help="onnxruntime/torch threads (default 1; train: of every process, default --cores / processes)")
    p.add_argument("--provider", help="comma list of providers to time (auto: cuda when available, and cpu)")
    p.add_argument("--no-torch", action="store_true", help="skip the torch eager comparison")
    p.add_argument("--osc-rate", type=float, default=2000.0, help="load/soak: OSC control packets per second (default 2000)")
    p.add_argument("--midi-rate", type=float, default=3000.0, help="load/soak: MIDI events per second (default 3000)")
    p.add_argument("--seconds", type=float, default=20.0, help="load: seconds per phase (default 20)")
    p.add_argument("--minutes", type=float, default=30.0, help="soak: minutes under load (default 30)")
    p.add_argument("--model-process", default="worker",
                   help="load/soak through JACK: sidl run --model-process value(s), comma-separated to compare side by "
                        "side (e.g. worker,inline; default worker)")
    p.add_argument("--backend", choices=["auto", "jack", "simulated"], default="auto",
                   help="load/soak: through JACK (auto: when usable) or a simulated clock")
    p.add_argument("--index", metavar="LIB", help="library: the library built by `sidl index` to query")
    p.add_argument("--queries", type=int, default=100, help="library: query sections, from its own files (default 100)")
    p.add_argument("--shifts", default="0,1", help="library: shift tolerances to measure (default 0,1)")
    p.add_argument("--candidates", type=int, help="library: ANN candidates per query (default: sidl similar's)")
    p.add_argument("--data", help="train: dataset folder or shard folder, as `sidl train --data`")
    p.add_argument("--config", help="train: JSON training config (default: the shipped one for --model); no pursuit fit")
    p.add_argument("--procs", default="1,2", help="train: process counts timed side by side (default 1,2); 1 runs "
                   "without torchrun, the others under `torchrun --standalone --nproc-per-node N`")
    p.add_argument("--epochs", type=int, default=1, help="train: epochs per run (default 1)")
    p.add_argument("--max-windows", type=int, default=4096, help="train: windows per epoch (default 4096; 0: all)")
    p.add_argument("--cores", type=int, help="train: CPU cores shared among the processes (default: all)")
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="cpu", help="train: device of every process (default cpu)")
    p.add_argument("--cache", help="train: folder caching a MIDI folder's encoded grids between the runs")
    p.add_argument("--work", help="train: folder for the runs' checkpoints (default: a temporary folder, removed after)")
    p.add_argument("--json", action="store_true", help="print the full JSON report")
    p.add_argument("--out", help="also write the JSON report to this file")


def add_ports_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON")


def add_panic_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--osc-host", default="127.0.0.1", help="the bridge's OSC host (default 127.0.0.1)")
    p.add_argument("--osc-port", type=int, default=9000, help="the bridge's OSC port (default 9000)")
    p.add_argument("--port", help="also send note-off for all notes, CC64=0 and CC123 on all channels of this MIDI output port")
    p.add_argument("--backend", choices=["alsa", "jack", "coremidi", "winmm"], help="MIDI backend for --port")
