"""Command-line arguments of ``sidl train`` and ``sidl eval`` (argparse only: imported whenever ``sidl``
builds its parser, also where torch is absent; the handlers are in :mod:`sidl.models.cli`)."""

from __future__ import annotations

import argparse


def add_train_arguments(p: argparse.ArgumentParser) -> None:
    # no choices here: this module stays light, and run_train refuses a codec without a config by name
    p.add_argument("codec", metavar="CODEC", help="codec/model family to train (e.g. drums, piano): its default config is "
                   "models/configs/CODEC.json")
    p.add_argument("--data", required=True, help="dataset folder: GMD (info.csv), piano set (metadata.csv), any folder of "
                   ".mid files, or a shard folder made by `sidl encode` (streamed, never loaded whole)")
    p.add_argument("--config", help="JSON training config (defaults: the shipped model's config)")
    p.add_argument("--out", required=True, help="output folder for checkpoint, config, loss curve")
    p.add_argument("--resume", action="store_true", help="continue from the checkpoint in --out")
    p.add_argument("--epochs", type=int, help="override the config's number of epochs")
    p.add_argument("--seed", type=int, help="override the config's random seed")
    p.add_argument("--cache", default=None, help="folder to cache encoded grids (default: none)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto",
                   help="auto (default): the GPU of this process's local rank when CUDA is there, else the CPU")
    p.add_argument("--threads", type=int, help="torch CPU threads per process (default: torch's own for one "
                   "process; under torchrun the machine's cores shared among its processes)")


def add_eval_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", required=True, help="shipped model name (drums, piano, seed-drums) or checkpoint folder")
    p.add_argument("--data", required=True, help="dataset folder")
    p.add_argument("--split", default="validation", help="split named in info.csv/metadata.csv (default: validation)")
    p.add_argument("--budgets", default="1,2,4,8", help="atom budgets: non-zero code entries per bar (default 1,2,4,8)")
    p.add_argument("--baselines", action="store_true", help="also report identity, grid snap, the seed-faithful model and OMP patch dictionary learning")
    p.add_argument("--omp-fit-split", default="train", help="split the OMP baseline dictionary is fitted on (default train)")
    p.add_argument("--max-files", type=int, default=None, help="evaluate only the first N files (quick look)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--out", help="also write the JSON report to this file")
    p.add_argument("--cache", default=None, help="folder to cache encoded grids")
    p.add_argument("--denoise-engine", help="exported model whose `sidl denoise` curve is reported (default: the "
                   "bundled model of the same name, if any)")
    p.add_argument("--no-denoise-curve", action="store_true", help="skip the `sidl denoise` curve")
    p.add_argument("--corruption-seeds", default="0,1", help="corruption seeds of the denoising curve (default 0,1)")
    p.add_argument("--live-modes", action="store_true", help="also replay filter and loop mode through the live bridge "
                   "(sidl replay) and report their curves (a few minutes)")
