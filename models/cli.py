"""Handlers of the torch-based ``sidl`` sub-commands (train, eval; their arguments:
:mod:`sidl.models.cli_args`). Output goes to stdout here, in the command layer, never from library
modules."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sidl.bridge.errors import ParameterError

CONFIG_DIR = Path(__file__).resolve().parent / "configs"


def default_config_path(codec: str) -> Path:
    """The shipped training config of a codec; a codec without one needs ``--config``."""
    path = CONFIG_DIR / f"{codec}.json"
    if not path.is_file():
        shipped = sorted(p.stem for p in CONFIG_DIR.glob("*.json"))
        raise ParameterError(f"no shipped training config for codec {codec!r} ({path} does not exist); pass --config "
                             f"FILE.json, or train one of {shipped}")
    return path


def run_train(args: argparse.Namespace) -> int:
    """One process, or every process torchrun starts (``torchrun ... -m sidl.cli train ...``): the same
    command; rank 0 alone prints the summary."""
    from sidl.models.distributed import detect
    from sidl.models.train import TrainConfig, train

    config = TrainConfig.load(args.config or default_config_path(args.codec))
    if config.codec != args.codec:
        raise ParameterError(f"config {args.config!r} trains codec {config.codec!r}, but the command asked for {args.codec!r}")
    if args.epochs is not None:
        config.epochs = args.epochs
    if args.seed is not None:
        config.seed = args.seed
    if args.threads is not None and args.threads < 1:
        raise ParameterError(f"--threads must be at least 1, got {args.threads}")
    summary = train(config, args.data, args.out, resume=args.resume, cache_dir=args.cache,
                    progress=not args.no_progress and sys.stderr.isatty(), device=args.device, threads=args.threads)
    if detect().is_main:
        print(json.dumps({"out": str(args.out), **summary}, indent=2))
    return 0


def run_bench_train(args: argparse.Namespace) -> int:
    """``sidl bench train``: training windows/s at each process count, side by side (JSON); ``--model``
    names the codec family whose shipped config is trained (or ``--config``)."""
    from sidl.bridge.safe_io import write_text
    from sidl.models.bench_train import run_train_bench

    if not args.data:
        raise ParameterError("bench train needs --data DIR (a dataset or shard folder, as `sidl train --data`)")
    try:
        procs = [int(p) for p in str(args.procs).split(",") if p.strip()]
    except ValueError as exc:
        raise ParameterError(f"--procs must be comma-separated integers, got {args.procs!r}") from exc
    config = args.config or str(default_config_path(args.model))
    report = run_train_bench(args.model, args.data, config, procs=procs, epochs=args.epochs,
                             max_windows=args.max_windows, cores=args.cores, threads=args.threads, device=args.device,
                             cache=args.cache, work=args.work)
    text = json.dumps(report, indent=2)
    if args.out:
        write_text(args.out, text + "\n")
    print(text)
    return 0


def run_eval(args: argparse.Namespace) -> int:
    from sidl.models.evaluate import evaluate, format_table

    try:
        budgets = [int(b) for b in str(args.budgets).split(",") if b.strip()]
    except ValueError as exc:
        raise ParameterError(f"--budgets must be comma-separated integers, got {args.budgets!r}") from exc
    try:
        seeds = [int(s) for s in str(args.corruption_seeds).split(",") if s.strip()]
    except ValueError as exc:
        raise ParameterError(f"--corruption-seeds must be comma-separated integers, got {args.corruption_seeds!r}") from exc
    engine = None
    if not args.no_denoise_curve:
        from sidl.bridge.engine import bundled_names

        engine = args.denoise_engine or (args.model if args.model in bundled_names() else None)
    report = evaluate(args.model, args.data, args.split, budgets=budgets, baselines=args.baselines,
                      omp_fit_split=args.omp_fit_split, max_files=args.max_files, cache_dir=args.cache,
                      engine=engine, corruption_seeds=seeds, live_modes=args.live_modes)
    text = json.dumps(report, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    if args.json:
        print(text)
    else:
        print(f"{report['model']} on {report['split']} ({report['files']} files, skipped {report['skipped']})")
        print(format_table(report))
    return 0

