"""Handlers of the torch-based ``sidl`` sub-commands (train, eval, demo). Output goes to stdout here,
in the command layer, never from library modules."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sidl.bridge.errors import ParameterError

CONFIG_DIR = Path(__file__).resolve().parent / "configs"


def default_config_path(codec: str) -> Path:
    return CONFIG_DIR / f"{codec}.json"


def run_train(args: argparse.Namespace) -> int:
    from sidl.models.train import TrainConfig, train

    config = TrainConfig.load(args.config or default_config_path(args.codec))
    if config.codec != args.codec:
        raise ParameterError(f"config {args.config!r} trains codec {config.codec!r}, but the command asked for {args.codec!r}")
    if args.epochs is not None:
        config.epochs = args.epochs
    if args.seed is not None:
        config.seed = args.seed
    summary = train(config, args.data, args.out, resume=args.resume, cache_dir=args.cache,
                    progress=not args.no_progress and sys.stderr.isatty())
    print(json.dumps({"out": str(args.out), **summary}, indent=2))
    return 0


def run_eval(args: argparse.Namespace) -> int:
    from sidl.models.evaluate import evaluate, format_table

    try:
        budgets = [int(b) for b in str(args.budgets).split(",") if b.strip()]
    except ValueError as exc:
        raise ParameterError(f"--budgets must be comma-separated integers, got {args.budgets!r}") from exc
    report = evaluate(args.model, args.data, args.split, budgets=budgets, baselines=args.baselines,
                      omp_fit_split=args.omp_fit_split, max_files=args.max_files, cache_dir=args.cache)
    text = json.dumps(report, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    if args.json:
        print(text)
    else:
        print(f"{report['model']} on {report['split']} ({report['files']} files, skipped {report['skipped']})")
        print(format_table(report))
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from sidl.models.demo import run_demo as demo

    if args.bars < 1:
        raise ParameterError(f"--bars must be at least 1, got {args.bars}")
    result = demo(args.out, model=args.model, bars=args.bars, seed=args.seed)
    print(f"sidl demo — model {result.model!r} ({result.rule}) on a generated {args.bars}-bar groove\n")
    print("sparse code per bar (atom@column: activation):")
    for bar in result.codes:
        atoms = "  ".join(f"{a}@{c}:{v:.2f}" for a, c, v in bar.atoms) or "(silent)"
        print(f"  bar {bar.bar + 1}: {atoms}")
    print(f"\nhit F1 vs the input: reconstruction {result.reconstruction_f1:.3f}; "
          f"damaged copy {result.noisy_f1:.3f} -> denoised {result.denoised_f1:.3f}")
    print("files written:")
    for label, path in result.files.items():
        print(f"  {label:15s} {path}")
    return 0
