"""``sidl export``: handler (torch side; imported only when the command runs)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from sidl.bridge.errors import ParameterError


def run_export(args: argparse.Namespace) -> int:
    from sidl.export.onnx_export import export_model, load_model
    from sidl.export.tuning import atom_statistics, real_parity_windows, tune_denoise_amount

    out = Path(args.out)
    if out.suffix == ".onnx":
        raise ParameterError(f"--out is a folder that will hold encoder.onnx and decoder.onnx, got the file name {out}")
    model, config, _ = load_model(args.checkpoint)
    extra: dict[str, Any] = {}
    real = None
    if args.stats_data:
        extra["atom_stats"] = atom_statistics(model, config, args.stats_data, split=args.stats_split,
                                              max_files=args.max_files)
        real = real_parity_windows(model, config, args.stats_data, split=args.stats_split)
    if args.tune_data:
        extra["denoise"] = tune_denoise_amount(model, config, args.tune_data, split=args.tune_split,
                                               max_files=args.max_files)
    result = export_model(args.checkpoint, out, name=args.name, extra=extra, real_windows=real)
    report = {"encoder": str(result.encoder), "decoder": str(result.decoder), "model": result.info.name,
              "version": result.info.version, "parity_max_abs": result.parity,
              "encoder_bytes": result.encoder.stat().st_size, "decoder_bytes": result.decoder.stat().st_size}
    if "denoise" in extra:
        report["denoise"] = extra["denoise"]
    print(json.dumps(report, indent=2))
    return 0
