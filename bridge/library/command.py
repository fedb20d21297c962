"""The ``sidl index`` handler: build or update a library, with progress bars, and say what was done."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from sidl.bridge.library.build import build_library
from sidl.bridge.progress import ProgressBar, progress_bar
from sidl.bridge.safe_io import check_folder

STAGES = {"encode": ("encode", "files"), "project": ("project", "windows"), "ann": ("ANN index", "vectors")}


class StageBars:
    """One progress bar per build stage, each closed when the next begins."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.stage: str | None = None
        self.bar: ProgressBar | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            label, unit = STAGES.get(stage, (stage, "items"))
            self.stage, self.bar = stage, progress_bar(label, total, quiet=self.quiet, unit=unit)
        assert self.bar is not None
        self.bar.update(done, total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.bar = None


def run_index(args: argparse.Namespace) -> int:
    check_folder(args.out, "library folder")
    bars = StageBars(args.quiet)
    try:
        report = build_library(args.folder, args.out, model=args.model, provider=args.provider, metric=args.metric,
                               bars=args.bars, split=args.split, dims=args.dims, workers=args.workers,
                               rebuild=args.rebuild, progress=bars)
    finally:
        bars.close()
    if args.json:
        print(json.dumps(asdict(report), indent=2))
        return 0
    skipped = sum(report.skipped.values())
    if report.up_to_date:
        print(f"{report.library}: up to date ({report.files} files, {report.windows} windows; nothing changed)")
        return 0
    print(f"{report.library}: {report.files} files ({skipped} skipped), {report.windows} section windows; "
          f"encoded {report.encoded}, kept {report.unchanged}, removed {report.removed}")
    print(f"encode {report.encode_seconds:.1f} s, project {report.project_seconds:.1f} s, ANN index "
          f"{report.ann_seconds:.1f} s; {report.bytes_on_disk / 1e6:.1f} MB on disk")
    for failure in report.failed[:5]:
        print(f"failed: {failure['path']}: {failure['error']}")
    print(f"search it: sidl similar QUERY.mid --index {report.library}")
    return 0
