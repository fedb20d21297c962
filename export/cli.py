"""``sidl export``: handler (torch side; imported only when the command runs)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from sidl.bridge.errors import ParameterError


def run_export(args: argparse.Namespace) -> int:
    from sidl.bridge.engine import Engine
    from sidl.export.onnx_export import export_model, load_model, restamp_extra
    from sidl.export.tuning import atom_statistics, real_parity_windows, tune_denoise

    out = Path(args.out)
    if out.suffix == ".onnx":
        raise ParameterError(f"--out is a folder that will hold encoder.onnx and decoder.onnx, got the file name {out}")
    if args.tune_only:
        return _retune(args)
    model, config, _ = load_model(args.checkpoint)
    extra: dict[str, Any] = {}
    real = None
    if args.stats_data:
        extra["atom_stats"] = atom_statistics(model, config, args.stats_data, split=args.stats_split,
                                              max_files=args.max_files)
        real = real_parity_windows(model, config, args.stats_data, split=args.stats_split)
    result = export_model(args.checkpoint, out, name=args.name, extra=extra, real_windows=real)
    if args.tune_data:  # measured on the exported model itself: what `sidl denoise` and the bridge run
        extra["denoise"] = tune_denoise(Engine.load(out, provider="cpu"), args.tune_data, split=args.tune_split,
                                        max_files=args.max_files)
        restamp_extra(out, {"denoise": extra["denoise"]})
    report = {"encoder": str(result.encoder), "decoder": str(result.decoder), "model": result.info.name,
              "version": result.info.version, "parity_max_abs": result.parity,
              "encoder_bytes": result.encoder.stat().st_size, "decoder_bytes": result.decoder.stat().st_size}
    if "denoise" in extra:
        report["denoise"] = extra["denoise"]
    print(json.dumps(report, indent=2))
    return 0


def _retune(args: argparse.Namespace) -> int:
    """``--tune-only``: the denoising curve of the model in ``--out``, stored in its metadata."""
    from sidl.bridge.engine import Engine
    from sidl.export.onnx_export import restamp_extra, weights_sha256
    from sidl.export.tuning import tune_denoise
    from sidl.models.checkpoint import resolve_model_dir

    if not args.tune_data:
        raise ParameterError("--tune-only needs --tune-data (the dataset the curve is measured on)")
    engine = Engine.load(args.out, provider="cpu")
    expected = weights_sha256(resolve_model_dir(args.checkpoint))
    if engine.info.weights_sha256 != expected:
        raise ParameterError(f"{args.out} holds weights {engine.info.weights_sha256[:12]}, not those of "
                             f"{args.checkpoint} ({expected[:12]}); export it first")
    denoise = tune_denoise(engine, args.tune_data, split=args.tune_split, max_files=args.max_files)
    restamp_extra(args.out, {"denoise": denoise})
    print(json.dumps({"model": engine.info.name, "out": str(args.out), "denoise": denoise}, indent=2))
    return 0
