"""Training on several processes with PyTorch's own engine: ``torchrun`` + DistributedDataParallel.

``sidl train`` runs unchanged as one process or under ``torchrun --nproc-per-node N`` (and ``--nnodes``):
torchrun sets ``RANK``/``WORLD_SIZE``/``LOCAL_RANK``/``LOCAL_WORLD_SIZE``/``MASTER_ADDR``, :func:`detect`
reads them, and :func:`start` joins the process group (gloo on CPU, NCCL on CUDA). The rules every rank
follows, so that N processes train the model one process would (docs/distributed-training.md):

- the config's ``batch_size`` is the GLOBAL batch: every rank reads the same epoch order, cuts the same
  global batches and takes a fixed contiguous share of each (:func:`share_bounds`); the learning rate
  stays as configured;
- each rank's mean loss is weighted by its share (:func:`share_weight`), so DDP's gradient average is the
  gradient of the global batch's mean, whatever the batch size (shares may differ by one window, and a
  rank with no window in a short last batch steps on a placeholder weighted zero: nothing is dropped);
- every random draw (epoch order, corruption, the batch's k) is made for the global batch from the same
  per-epoch seed on every rank (:func:`epoch_seed`), and a rank keeps its rows: nothing in training is
  meant to differ between ranks, so there are no per-rank seeds;
- rank 0 alone logs, draws the progress bar and writes checkpoints (:func:`commit_checkpoint`, atomic as
  a whole); a resumed run reads them on rank 0 and broadcasts them (:func:`broadcast_object`), so the
  other machines need no shared disk.
"""

from __future__ import annotations

import datetime
import logging
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import torch
import torch.distributed as dist

from sidl.bridge.errors import ParameterError

log = logging.getLogger(__name__)

#: How long a rank waits for the others at a collective before giving up. Rank 0 alone validates and
#: writes checkpoints between steps; a generous limit keeps a slow disk from killing the group.
COLLECTIVE_TIMEOUT = datetime.timedelta(minutes=60)
#: Environment variables torchrun sets for every worker.
_ENV_INTS = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE")
#: The folder a checkpoint is assembled in before it replaces the previous one (see commit_checkpoint).
PENDING_DIR = ".checkpoint-pending"
#: Written last into PENDING_DIR: its presence means the pending checkpoint is complete.
PENDING_DONE = "COMPLETE"

T = TypeVar("T")


@dataclass(frozen=True)
class DistEnv:
    """Where this process stands in the job: its rank among ``world`` processes, and on its machine."""

    rank: int = 0
    world: int = 1
    local_rank: int = 0
    local_world: int = 1
    restarts: int = 0  # how often torchrun has restarted the group (a lost process or node)

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def is_distributed(self) -> bool:
        return self.world > 1


def detect(environ: dict[str, str] | None = None) -> DistEnv:
    """The job as torchrun describes it in the environment; one process when it does not."""
    env = os.environ if environ is None else environ
    if "WORLD_SIZE" not in env and "RANK" not in env:
        return DistEnv()
    values: dict[str, int] = {}
    for name in _ENV_INTS:
        raw = env.get(name, "1" if name.endswith("WORLD_SIZE") else "0")
        try:
            values[name] = int(raw)
        except ValueError as exc:
            raise ParameterError(f"environment variable {name}={raw!r} must be an integer (torchrun sets it)") from exc
    rank, world = values["RANK"], values["WORLD_SIZE"]
    if world < 1 or not 0 <= rank < world:
        raise ParameterError(f"RANK={rank} must be within 0..WORLD_SIZE-1 and WORLD_SIZE={world} >= 1")
    local_world = max(1, values["LOCAL_WORLD_SIZE"])
    restarts = int(env.get("TORCHELASTIC_RESTART_COUNT", "0") or 0)
    return DistEnv(rank, world, values["LOCAL_RANK"], local_world, restarts)


def pick_device(preference: str, env: DistEnv) -> torch.device:
    """``auto``: this process's own GPU when CUDA has one per process of this machine, else the CPU;
    ``cpu``/``cuda`` as asked (NCCL refuses two processes on one GPU, so ``cuda`` needs as many)."""
    if preference not in ("auto", "cpu", "cuda"):
        raise ParameterError(f"device must be auto, cpu or cuda, got {preference!r}")
    gpus = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if preference == "cpu" or (preference == "auto" and gpus < env.local_world):
        if preference == "auto" and 0 < gpus < env.local_world:
            log.warning("%d processes on this machine but %d GPU(s): training on the CPU", env.local_world, gpus)
        return torch.device("cpu")
    if gpus < env.local_world:
        raise ParameterError(f"--device cuda needs one GPU per process: {env.local_world} process(es) on this machine, "
                             f"{gpus} GPU(s) visible to torch")
    return torch.device("cuda", env.local_rank)


def threads_per_rank(env: DistEnv, cores: int | None = None) -> int:
    """CPU threads for one process: the machine's cores shared among the processes on it (torchrun
    would leave every worker one thread, which wastes a many-core machine)."""
    total = cores if cores is not None else (os.cpu_count() or 1)
    return max(1, total // env.local_world)


def start(env: DistEnv, device: torch.device) -> None:
    """Join the process group (only when there are several processes): NCCL for CUDA, gloo on CPU."""
    if not env.is_distributed or dist.is_initialized():
        return
    backend = "nccl" if device.type == "cuda" else "gloo"
    if device.type == "cuda":
        torch.cuda.set_device(device)
    dist.init_process_group(backend=backend, rank=env.rank, world_size=env.world, timeout=COLLECTIVE_TIMEOUT)
    log.info("rank %d of %d joined the %s group (local rank %d)", env.rank, env.world, backend, env.local_rank)


def stop() -> None:
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def barrier(env: DistEnv) -> None:
    if env.is_distributed:
        dist.barrier()


def all_sum(values: Sequence[float], env: DistEnv, device: torch.device) -> list[float]:
    """The sums of ``values`` over every rank (float64, so losses summed over windows stay exact)."""
    if not env.is_distributed:
        return [float(v) for v in values]
    t = torch.tensor(list(values), dtype=torch.float64, device=device)
    dist.all_reduce(t)
    return [float(v) for v in t.cpu()]


def broadcast_object(value: T | None, env: DistEnv) -> T:
    """Rank 0's ``value`` on every rank (pickled by torch; for checkpoints and decisions, not batches)."""
    if not env.is_distributed:
        assert value is not None
        return value
    holder: list[Any] = [value if env.is_main else None]
    dist.broadcast_object_list(holder, src=0)
    result: T = holder[0]
    return result


def share_bounds(n: int, env: DistEnv) -> tuple[int, int]:
    """This rank's rows [lo, hi) of a global batch of ``n``: contiguous, sizes differing by one at most."""
    base, extra = divmod(n, env.world)
    lo = env.rank * base + min(env.rank, extra)
    return lo, lo + base + (1 if env.rank < extra else 0)


def share_weight(local: int, total: int, env: DistEnv) -> float:
    """Factor on this rank's mean loss so that DDP's average of the ranks' gradients is the gradient of
    the mean over the whole global batch (equal shares: 1)."""
    return local * env.world / total


def epoch_seed(seed: int, epoch: int) -> int:
    """The seed of one epoch's random draws, the same on every rank; a resumed run draws what an
    uninterrupted one would have."""
    return int(np.random.SeedSequence([seed, epoch]).generate_state(1)[0])


def wrap(model: torch.nn.Module, env: DistEnv, device: torch.device) -> torch.nn.Module:
    """The model DDP-wrapped when there are several processes (its weights broadcast from rank 0)."""
    if not env.is_distributed:
        return model
    from torch.nn.parallel import DistributedDataParallel

    ids = [device.index] if device.type == "cuda" else None
    return DistributedDataParallel(model, device_ids=ids)


# ------------------------------------------------------------------------------- checkpoints


def commit_checkpoint(out_dir: Path, write: Callable[[Path], None]) -> None:
    """Write a checkpoint as a whole: ``write(folder)`` fills a pending folder, which is marked complete
    and only then moved over the previous checkpoint's files. A crash before the mark leaves the previous
    checkpoint; a crash during the move is finished by :func:`recover_checkpoint` on resume."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pending = out_dir / PENDING_DIR
    if pending.exists():
        shutil.rmtree(pending)
    pending.mkdir()
    write(pending)
    (pending / PENDING_DONE).write_text("complete\n", encoding="utf-8")
    _move_pending(out_dir)


def recover_checkpoint(out_dir: Path) -> bool:
    """Finish a commit a crash interrupted (the pending checkpoint was complete); drop an incomplete one.
    True when a pending checkpoint was moved into place."""
    pending = out_dir / PENDING_DIR
    if not pending.is_dir():
        return False
    if not (pending / PENDING_DONE).is_file():
        log.warning("%s: dropping a checkpoint a crash left half written; resuming from the previous one", out_dir)
        shutil.rmtree(pending)
        return False
    log.warning("%s: finishing a checkpoint a crash left half moved into place", out_dir)
    _move_pending(out_dir)
    return True


def _move_pending(out_dir: Path) -> None:
    pending = out_dir / PENDING_DIR
    # the progress record last: it says which epoch the weights beside it belong to
    names = sorted((p.name for p in pending.iterdir() if p.name != PENDING_DONE), key=lambda n: (n.endswith(".json"), n == "train_state.json"))
    for name in names:
        os.replace(pending / name, out_dir / name)
    shutil.rmtree(pending)
