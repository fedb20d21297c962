"""Training: ``sidl train drums|piano --data DIR --out DIR``, one process or many under torchrun.

Windows of whole bars are cut from the training split (of a MIDI folder, held in memory, or of a
shard folder, streamed: :mod:`sidl.models.shard_data`), optionally corrupted on the fly (deleted hits,
spurious hits, jittered micro-timing) while the loss compares with the clean window — a denoising
objective, so the dictionary learns what a groove *should* be, not only what it was. Seeds are fixed;
every epoch writes a resumable checkpoint and the loss curve. Under torchrun every process runs the
same code on its share of each global batch (:mod:`sidl.models.distributed`,
docs/distributed-training.md).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from sidl import __version__
from sidl.bridge.codecs import HIT_THRESHOLD, get_codec
from sidl.bridge.errors import DatasetError, ParameterError
from sidl.bridge.shards.store import ShardSet
from sidl.models.autoencoder import ConvWTAAutoencoder
from sidl.models.checkpoint import (
    CONFIG_FILE,
    STATE_JSON,
    load_train_state,
    load_weights,
    save_model,
    save_train_state,
)
from sidl.models.config import KSchedule, ModelConfig
from sidl.models.distributed import (
    DistEnv,
    all_sum,
    barrier,
    broadcast_object,
    commit_checkpoint,
    detect,
    epoch_seed,
    pick_device,
    recover_checkpoint,
    share_weight,
    start,
    stop,
    threads_per_rank,
    wrap,
)
from sidl.models.grid import grid_layout, group_slices
from sidl.models.losses import get_loss
from sidl.models.pursuit_fit import PursuitFitConfig, bar_patches, fit_atoms
from sidl.models.shard_data import (
    EpochBatches,
    MemoryWindows,
    ShardWindows,
    WindowGeometry,
    WindowSource,
    WindowTable,
    bar_grids,
    rank_slice,
    shard_report,
)

log = logging.getLogger(__name__)


@dataclass
class DenoiseConfig:
    """On-the-fly corruption of training inputs (targets stay clean)."""

    probability: float = 0.5  # share of windows that get corrupted
    delete: float = 0.10  # share of hits removed
    add: float = 0.10  # spurious hits, as a share of the window's hits
    jitter_steps: float = 0.12  # std of micro-timing noise in steps (15 ms at 120 BPM is 0.12)


@dataclass
class TrainConfig:
    """Everything that defines a training run; saved in the checkpoint's ``config.json``."""

    codec: str
    model: ModelConfig
    codec_options: dict[str, Any] = field(default_factory=dict)
    loss: str = "groove"
    loss_weights: dict[str, float] = field(default_factory=dict)
    lr: float = 3e-3
    amsgrad: bool = True
    weight_decay: float = 0.0
    epochs: int = 40
    batch_size: int = 256  # 0 = full batch (the seed's choice)
    window_bars: int = 4
    hop_bars: int = 1
    k_schedule: KSchedule | None = None
    denoise: DenoiseConfig | None = None
    seed: int = 0
    max_windows: int | None = None
    lr_decay: float = 1.0  # multiply the learning rate by this every epoch
    # once the k schedule has settled, draw each batch's k from these (e.g. [1, 2, 4, 8]) so that one
    # model serves every atom budget instead of only the k it was trained at
    k_random: list[int] = field(default_factory=list)
    # after the epochs: refit the atoms to the pursuit codes the engine will use (models.pursuit_fit)
    pursuit_fit: PursuitFitConfig | None = None

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["model"] = self.model.to_dict()
        d["k_schedule"] = self.k_schedule.to_dict() if self.k_schedule else None
        if self.pursuit_fit is None:
            del d["pursuit_fit"]  # configs from before the stage read the same
        return d

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> TrainConfig:
        raw = dict(raw)
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ParameterError(f"unknown training config keys {unknown}; expected some of {sorted(known)}")
        raw["model"] = ModelConfig.from_dict(raw["model"])
        if raw.get("k_schedule"):
            raw["k_schedule"] = KSchedule.from_dict(raw["k_schedule"])
        if raw.get("denoise"):
            raw["denoise"] = DenoiseConfig(**raw["denoise"])
        if raw.get("pursuit_fit") is not None:
            raw["pursuit_fit"] = PursuitFitConfig.from_dict(raw["pursuit_fit"])
            if raw["model"].inference_coder != "pursuit":
                raise ParameterError("pursuit_fit refits the atoms to pursuit codes; it needs model.inference_coder "
                                     f"'pursuit', got {raw['model'].inference_coder!r}")
        return cls(**raw)

    @classmethod
    def load(cls, path: str | Path) -> TrainConfig:
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ParameterError(f"training config {str(path)!r} is not a readable JSON file ({exc})") from exc
        return cls.from_dict(raw.get("train", raw))


def seed_everything(seed: int) -> None:
    torch.manual_seed(seed)
    np.random.seed(seed)


@dataclass(frozen=True)
class CorruptionNoise:
    """The random draws that corrupt a batch, one row per window. Under several processes every rank
    draws them for the whole global batch and keeps its rows (:meth:`rows`), so a window is corrupted
    as one process would corrupt it."""

    chosen: torch.Tensor  # (N, 1, 1) uniform: is this window corrupted at all
    delete: torch.Tensor  # (N, G, T) uniform: which hits go
    add: torch.Tensor  # (N, G, T) uniform: where spurious hits come
    velocity: torch.Tensor  # (N, G, T) uniform: their velocities
    third: torch.Tensor | None  # (N, G3, T) normal: micro-timing jitter (layouts whose third group is timing)

    def rows(self, lo: int, hi: int) -> CorruptionNoise:
        return CorruptionNoise(self.chosen[lo:hi], self.delete[lo:hi], self.add[lo:hi], self.velocity[lo:hi],
                               None if self.third is None else self.third[lo:hi])

    def to(self, device: torch.device) -> CorruptionNoise:
        return CorruptionNoise(self.chosen.to(device), self.delete.to(device), self.add.to(device),
                               self.velocity.to(device), None if self.third is None else self.third.to(device))


def draw_noise(n: int, channels: int, steps: int, layout: str, gen: torch.Generator) -> CorruptionNoise:
    """The draws of :func:`corrupt_batch` for ``n`` windows of (channels, steps), in its order."""
    hit_rows, _, third_rows = group_slices(channels)
    g = hit_rows.stop
    chosen = torch.rand(n, 1, 1, generator=gen)
    delete = torch.rand(n, g, steps, generator=gen)
    add = torch.rand(n, g, steps, generator=gen)
    velocity = torch.rand(n, g, steps, generator=gen)
    third = None
    if grid_layout(layout).third.role == "timing":
        third = torch.randn(n, third_rows.stop - third_rows.start, steps, generator=gen)
    return CorruptionNoise(chosen, delete, add, velocity, third)


def corrupt_batch(x: torch.Tensor, cfg: DenoiseConfig, layout: str, gen: torch.Generator) -> torch.Tensor:
    """Corrupt a batch of grids (N, 3G, T) in torch: delete hits, add spurious ones, and treat the
    third group by its role in ``layout``'s grid (jitter micro-timing offsets; a spurious onset's hold
    sounds for its step)."""
    n, c, t = x.shape
    return apply_corruption(x, draw_noise(n, c, t, layout, gen), cfg, layout)


def apply_corruption(x: torch.Tensor, noise: CorruptionNoise, cfg: DenoiseConfig, layout: str) -> torch.Tensor:
    """:func:`corrupt_batch` with its random draws given (one row of ``noise`` per window of ``x``)."""
    _, c, _ = x.shape
    hit_rows, vel_rows, third_rows = group_slices(c)
    hits = x[:, hit_rows] > HIT_THRESHOLD
    chosen = noise.chosen < cfg.probability
    y = x.clone()
    delete = hits & (noise.delete < cfg.delete) & chosen
    n_hits = hits.sum(dim=(1, 2), keepdim=True).clamp(min=1)
    empty = (~hits).sum(dim=(1, 2), keepdim=True).clamp(min=1)
    add = (~hits) & (noise.add < cfg.add * n_hits / empty) & chosen
    keep = ~delete
    y[:, hit_rows] = torch.where(add, torch.ones_like(y[:, hit_rows]), y[:, hit_rows] * keep)
    velocity = (20 + noise.velocity * 80) / 127
    y[:, vel_rows] = torch.where(add, velocity, y[:, vel_rows] * keep)
    role = grid_layout(layout).third.role
    y[:, third_rows] = _THIRD_CORRUPTION[role](y[:, third_rows], hits=hits, keep=keep, add=add, chosen=chosen,
                                                cfg=cfg, jitter=noise.third)
    return y


def _jitter_offsets(third: torch.Tensor, *, hits: torch.Tensor, keep: torch.Tensor, add: torch.Tensor,
                    chosen: torch.Tensor, cfg: DenoiseConfig, jitter: torch.Tensor | None) -> torch.Tensor:
    assert jitter is not None  # draw_noise draws it for every timing layout
    offsets = third * keep
    now_hit = (hits & keep) | add
    return torch.where(now_hit & chosen, (offsets + jitter * cfg.jitter_steps).clamp(-0.5, 0.5), offsets)


def _hold_added(third: torch.Tensor, *, hits: torch.Tensor, keep: torch.Tensor, add: torch.Tensor,
                chosen: torch.Tensor, cfg: DenoiseConfig, jitter: torch.Tensor | None) -> torch.Tensor:
    return torch.where(add, torch.ones_like(third), third)  # a spurious onset also sounds for its step


# How corruption treats the third channel group, by its role in the codec's grid layout.
_THIRD_CORRUPTION: dict[str, Callable[..., torch.Tensor]] = {"timing": _jitter_offsets, "hold": _hold_added}


@dataclass
class TrainingData:
    """What a run trains on, whatever the folder: windows to stream, validation windows, the bars the
    pursuit fit reads, and the record of the data kept in the checkpoint."""

    train: WindowSource
    validation: WindowSource | None
    report: dict[str, Any]
    bars: Callable[[int, int], list[np.ndarray]]  # (max_bars, seed) -> grids of the training bars


def load_data(config: TrainConfig, codec: Any, data_dir: str | Path, cache_dir: str | Path | None,
              env: DistEnv) -> TrainingData:
    """A shard folder is streamed; a folder of MIDI files is encoded and cut into windows in memory."""
    steps_per_bar = config.model.steps_per_bar
    geometry = WindowGeometry(config.window_bars * steps_per_bar, config.hop_bars * steps_per_bar,
                              codec.hit_rows.stop)
    if ShardSet.is_shard_folder(data_dir):
        return _shard_data(config, codec, data_dir, geometry)
    if cache_dir is not None and env.is_distributed and not env.is_main:
        barrier(env)  # rank 0 fills the cache first; the others then read it instead of racing to write it
    data = _midi_data(config, codec, data_dir, cache_dir, geometry)
    if cache_dir is not None and env.is_distributed and env.is_main:
        barrier(env)
    return data


def _midi_data(config: TrainConfig, codec: Any, data_dir: str | Path, cache_dir: str | Path | None,
               geometry: WindowGeometry) -> TrainingData:
    # imported here: models.datasets pulls in the evaluation package (scikit-learn), which a run streaming
    # shards never needs, and every process torchrun starts would import it
    from sidl.models.datasets import cut_windows, discover, encode_items

    train_set = encode_items(discover(data_dir, "train"), codec, cache_dir)
    windows = torch.from_numpy(cut_windows(train_set.grids, geometry.window, geometry.hop, hit_rows=geometry.hit_rows))
    if config.max_windows and len(windows) > config.max_windows:
        pick = torch.randperm(len(windows), generator=torch.Generator().manual_seed(config.seed))
        windows = windows[pick[: config.max_windows]]
    validation: WindowSource | None = None
    try:
        val_grids = encode_items(discover(data_dir, "validation"), codec, cache_dir).grids
        validation = MemoryWindows(torch.from_numpy(
            cut_windows(val_grids, geometry.window, geometry.window, hit_rows=geometry.hit_rows)))
    except Exception as exc:  # a folder without a validation split still trains
        log.warning("no validation windows (%s); training without validation loss", exc)
    return TrainingData(MemoryWindows(windows), validation, train_set.report(), lambda _max, _seed: train_set.grids)


def _shard_data(config: TrainConfig, codec: Any, data_dir: str | Path, geometry: WindowGeometry) -> TrainingData:
    shards = ShardSet.open(data_dir)
    if shards.codec != codec.spec():
        raise DatasetError(f"{data_dir}: its shards were encoded with codec {shards.codec_name!r} "
                           f"({shards.codec}), but this run trains {codec.spec()}; encode the corpus with the "
                           "training config's codec (`sidl encode`) or train with a matching config")
    files = shards.select("train")
    table = WindowTable.build(shards, files, geometry)
    if config.max_windows and len(table) > config.max_windows:
        pick = torch.randperm(len(table), generator=torch.Generator().manual_seed(config.seed))
        table = table.take(np.sort(pick[: config.max_windows].numpy()))
    validation: WindowSource | None = None
    try:
        val_files = shards.select("validation")
        val_table = WindowTable.build(shards, val_files, WindowGeometry(geometry.window, geometry.window,
                                                                        geometry.hit_rows))
        validation = ShardWindows(shards, val_table, geometry.window)
    except DatasetError as exc:  # a corpus without a validation split still trains
        log.warning("no validation windows (%s); training without validation loss", exc)
    log.info("%s: %d training windows from %d files in %d shards, streamed", data_dir, len(table), len(files),
             shards.shard_count())
    return TrainingData(ShardWindows(shards, table, geometry.window), validation, shard_report(shards, files),
                        lambda max_bars, seed: bar_grids(shards, files, config.model.steps_per_bar, max_bars, seed))


class Trainer:
    """Owns the model, optimizer and data of one run; :meth:`fit` trains and checkpoints. Under torchrun
    every rank builds one (``env``); rank 0 alone logs progress and writes (see models.distributed)."""

    def __init__(self, config: TrainConfig, data_dir: str | Path, out_dir: str | Path,
                 *, cache_dir: str | Path | None = None, progress: bool = True, env: DistEnv | None = None,
                 device: torch.device | None = None) -> None:
        self.config = config
        self.out_dir = Path(out_dir)
        self.env = env or DistEnv()
        self.device = device or torch.device("cpu")
        self.progress = progress and self.env.is_main
        seed_everything(config.seed)  # the same initial weights on every rank (DDP broadcasts rank 0's anyway)
        self.codec = get_codec(config.codec, **config.codec_options)
        if config.model.in_channels != self.codec.channels:
            raise ParameterError(
                f"model in_channels={config.model.in_channels} but codec {config.codec!r} has {self.codec.channels} channels"
            )
        self.data = load_data(config, self.codec, data_dir, cache_dir, self.env)
        if config.loss == "groove" and config.model.output != "activated":
            raise ParameterError("loss 'groove' works on decoder logits and needs model output 'activated', "
                                 f"got output {config.model.output!r}")
        self.model = ConvWTAAutoencoder(config.model).to(self.device)
        self.loss_fn = get_loss(config.loss)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=config.lr, amsgrad=config.amsgrad,
                                          weight_decay=config.weight_decay)
        self.network = wrap(self.model, self.env, self.device)  # what the training steps run through
        self.history: list[dict[str, float]] = []
        self.pursuit_fit_log: list[dict[str, float]] = []  # the atoms' refit to pursuit codes, per round
        self.start_epoch = 0
        self.seconds = 0.0
        self.step_seconds = 0.0  # this session's time in training steps (for windows/s)
        self.step_windows = 0

    @property
    def train_windows(self) -> int:
        return len(self.data.train)

    def resume(self) -> None:
        """The checkpoint in ``out_dir``, read by rank 0 and handed to every rank."""
        state = None
        if self.env.is_main:
            weights = load_weights(self.out_dir)
            progress = load_train_state(self.out_dir, self.optimizer)
            state = {"weights": weights, "optimizer": _on_cpu(self.optimizer.state_dict()), "progress": progress}
        state = broadcast_object(state, self.env)
        self.model.load_state_dict(state["weights"])
        if not self.env.is_main:
            self.optimizer.load_state_dict(state["optimizer"])
        progress = state["progress"]
        self.history = progress["history"]
        self.pursuit_fit_log = progress.get("pursuit_fit", [])
        self.start_epoch = progress["epoch"] + 1
        self.seconds = progress.get("seconds", 0.0)
        if self.env.is_main:
            log.info("resumed %s at epoch %d", self.out_dir, self.start_epoch)

    def k_at(self, epoch: int) -> int:
        return self.config.k_schedule.k_at(epoch) if self.config.k_schedule else self.config.model.k

    def _loss(self, network: torch.nn.Module, x_in: torch.Tensor, target: torch.Tensor, k: int) -> torch.Tensor:
        _, logits = network(x_in, k=k)
        if self.config.loss == "mse":
            return self.loss_fn(self.model.activate(logits), target)
        total, _ = self.loss_fn(logits, target, self.config.model.layout, **self.config.loss_weights)
        return total

    def validation_loss(self, k: int) -> float | None:
        """Mean loss over the validation windows; each rank computes its share."""
        source = self.data.validation
        if source is None:
            return None
        share = rank_slice(len(source), self.env)
        self.model.eval()
        total = 0.0
        with torch.no_grad():
            for i in range(share.start, share.stop, 1024):
                b = source.read(np.arange(i, min(i + 1024, share.stop))).to(self.device)
                total += self._loss(self.model, b, b, k).item() * len(b)
        return all_sum([total], self.env, self.device)[0] / len(source)

    def fit(self) -> dict[str, Any]:
        cfg = self.config
        windows_per_epoch = len(self.data.train)
        bar = _progress(self.progress, initial=self.start_epoch * windows_per_epoch,
                        total=cfg.epochs * windows_per_epoch)
        try:
            for epoch in range(self.start_epoch, cfg.epochs):
                self._epoch(epoch, bar)
        finally:
            if bar is not None:
                bar.close()
        barrier(self.env)
        summary = {"epochs": cfg.epochs, "train_seconds": round(self.seconds, 1),
                   "final_train_loss": self.history[-1]["train_loss"] if self.history else None,
                   "final_val_loss": self.history[-1]["val_loss"] if self.history else None,
                   "train_windows": len(self.data.train), "processes": self.env.world,
                   "windows_per_second": round(self.step_windows / self.step_seconds, 1) if self.step_seconds else None}
        if not self.env.is_main:
            return summary  # the atoms' refit, the plot and the files are rank 0's
        if cfg.pursuit_fit is not None and cfg.pursuit_fit.rounds and not self.pursuit_fitted:
            self.fit_atoms_to_pursuit(cfg.pursuit_fit)
        self.plot()
        summary["train_seconds"] = round(self.seconds, 1)
        return {**summary, "pursuit_fit": self.pursuit_fit_log}

    def _epoch(self, epoch: int, bar: Any) -> None:
        cfg = self.config
        started = time.perf_counter()
        gen = torch.Generator().manual_seed(epoch_seed(cfg.seed, epoch))  # every rank draws the same
        for group in self.optimizer.param_groups:
            group["lr"] = cfg.lr * cfg.lr_decay**epoch
        k = self.k_at(epoch)
        self.network.train()
        batches = EpochBatches(self.data.train, self.data.train.order(gen), cfg.batch_size, self.env)
        total = torch.zeros((), dtype=torch.float64, device=self.device)
        settled = cfg.k_schedule is None or k == cfg.k_schedule.end
        steps_started = time.perf_counter()
        for batch in batches:
            target = batch.windows.to(self.device)
            x_in = target
            if cfg.denoise:  # drawn for the whole global batch, so a window's damage is the same at any world size
                noise = draw_noise(batch.total, target.shape[1], target.shape[2], cfg.model.layout, gen)
                x_in = apply_corruption(target, noise.rows(batch.lo, batch.hi).to(self.device), cfg.denoise,
                                        cfg.model.layout)
            batch_k = k
            if cfg.k_random and settled:
                batch_k = cfg.k_random[int(torch.randint(len(cfg.k_random), (1,), generator=gen))]
            weight = share_weight(len(target), batch.total, self.env)
            if not len(target):  # a short last batch left this rank nothing: it steps with the others, weighted 0
                target = x_in = torch.zeros((1, *target.shape[1:]), device=self.device)
            loss = self._loss(self.network, x_in, target, batch_k)
            self.optimizer.zero_grad(set_to_none=True)
            (loss * weight).backward()
            self.optimizer.step()
            self.model.renormalize_atoms()
            total += loss.detach() * len(batch.windows)
            if bar is not None:
                bar.update(batch.total)
        train_loss = all_sum([float(total)], self.env, self.device)[0] / batches.windows
        self.step_seconds += time.perf_counter() - steps_started
        self.step_windows += batches.windows
        val_loss = self.validation_loss(k)
        self.seconds += time.perf_counter() - started
        self.history.append({"epoch": epoch, "k": k, "train_loss": train_loss,
                             "val_loss": val_loss if val_loss is not None else math.nan})
        if not self.env.is_main:
            return
        if bar is not None:
            bar.set_postfix(epoch=epoch, k=k, train=f"{train_loss:.4f}", val=f"{val_loss:.4f}" if val_loss else "-")
        log.info("epoch %d k=%d train %.5f val %s", epoch, k, train_loss, val_loss)
        self.save(epoch)

    @property
    def pursuit_fitted(self) -> bool:
        return bool(self.pursuit_fit_log)

    def fit_atoms_to_pursuit(self, fit: PursuitFitConfig) -> None:
        """The last stage (:mod:`sidl.models.pursuit_fit`): atoms refitted to pursuit codes of the
        training bars; the decoder's bias stays. Saved as one more step of the run (rank 0 alone)."""
        started = time.perf_counter()
        cfg = self.config.model
        weight, bias = self.model.decoder.weight, self.model.decoder.bias
        patch_bias = None if bias is None else np.repeat(bias.detach().cpu().numpy(), cfg.kernel)
        patches = bar_patches(self.data.bars(fit.max_bars, self.config.seed), cfg.steps_per_bar, keep_silent=True)
        noisy = None
        if fit.noisy_share > 0:  # each bar damaged once, as training damages its windows
            bars = torch.from_numpy(patches.reshape(len(patches), cfg.in_channels, cfg.steps_per_bar).copy())
            damage = dataclasses.replace(self.config.denoise or DenoiseConfig(), probability=1.0)
            gen = torch.Generator().manual_seed(self.config.seed + 2)
            noisy = corrupt_batch(bars, damage, cfg.layout, gen).numpy().reshape(len(patches), -1)
        sounding = np.abs(patches).sum(axis=1) > 0
        patches = patches[sounding]
        noisy = None if noisy is None else noisy[sounding]
        errors: list[tuple[int, float]] = []
        bar = _progress(self.progress, total=fit.rounds, desc="fitting atoms to pursuit", unit="round")

        def report(round_: int, error: float) -> None:
            errors.append((round_, error))
            if bar is not None:
                bar.update(1)
                bar.set_postfix(error=f"{error:.4f}")

        try:
            atoms = fit_atoms(weight.detach().cpu().numpy().reshape(cfg.atoms, -1), patch_bias, patches, fit,
                              noisy=noisy, seed=self.config.seed, report=report)
        finally:
            if bar is not None:
                bar.close()
        with torch.no_grad():
            weight.copy_(torch.from_numpy(atoms.reshape(weight.shape)).to(weight.device))
        self.seconds += time.perf_counter() - started
        self.pursuit_fit_log = [{"round": r, "error": e} for r, e in errors]
        self.save(int(self.history[-1]["epoch"]) if self.history else -1)

    def checkpoint_config(self) -> dict[str, Any]:
        return {
            "sidl_version": __version__,
            "train": self.config.to_dict(),
            "codec_spec": self.codec.spec(),
            "data": self.data.report,
            "train_seconds": round(self.seconds, 1),
            "torch_threads": torch.get_num_threads(),
            "processes": self.env.world,
            "device": self.device.type,
        }

    def save(self, epoch: int) -> None:
        """The checkpoint as a whole (weights, config, optimizer, progress): rank 0 only."""
        if not self.env.is_main:
            return
        progress = {"epoch": epoch, "history": self.history, "seconds": self.seconds,
                    "pursuit_fit": self.pursuit_fit_log}

        def write(folder: Path) -> None:
            save_model(folder, self.model, self.checkpoint_config())
            save_train_state(folder, self.optimizer, progress)

        commit_checkpoint(self.out_dir, write)

    def plot(self) -> Path | None:
        if not self.history or not self.env.is_main:
            return None
        return plot_history(self.history, self.config, self.out_dir / "loss.png",
                            with_validation=self.data.validation is not None)


def _on_cpu(value: Any) -> Any:
    """A state dict with its tensors moved to the CPU (to be pickled to the other ranks)."""
    if torch.is_tensor(value):
        return value.detach().cpu()
    if isinstance(value, dict):
        return {k: _on_cpu(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_on_cpu(v) for v in value]
    return value


def plot_history(history: list[dict[str, float]], config: TrainConfig, path: Path, *,
                 with_validation: bool = True) -> Path:
    """Loss curve (train and validation) with the WTA's k beside it, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [h["epoch"] for h in history]
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    ax.plot(epochs, [h["train_loss"] for h in history], label="train (corrupted input)" if config.denoise else "train")
    if with_validation:
        ax.plot(epochs, [h["val_loss"] for h in history], label="validation")
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"loss ({config.loss})")
    if config.k_schedule is not None:  # the loss rises as k decays: show k beside it
        k_axis = ax.twinx()
        k_axis.step(epochs, [h["k"] for h in history], where="post", color="grey", alpha=0.5)
        k_axis.set_ylabel("k (winners)", color="grey")
        k_axis.set_yscale("log", base=2)
    m = config.model
    ax.set_title(f"sidl {config.codec}: {m.atoms} atoms, kernel {m.kernel}, stride {m.stride}, WTA over {m.wta_axis}")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _progress(enabled: bool, **kwargs: Any) -> Any:
    """A tqdm bar (rate, time left), or None when progress is off or this is not rank 0."""
    if not enabled:
        return None
    from tqdm import tqdm

    kwargs = {"desc": "training", "unit": "win", "unit_scale": True, "smoothing": 0.05, **kwargs}
    return tqdm(**kwargs)


def train(config: TrainConfig, data_dir: str | Path, out_dir: str | Path, *, resume: bool = False,
          cache_dir: str | Path | None = None, progress: bool = True, device: str = "cpu",
          threads: int | None = None) -> dict[str, Any]:
    """Train (or resume) a run; returns a summary. The checkpoint lands in ``out_dir``. ``device``:
    ``cpu`` (default), ``cuda`` or ``auto`` (see :func:`sidl.models.distributed.pick_device`).

    Started by torchrun, every process runs this: they join one process group, train one model with
    DistributedDataParallel, and rank 0 writes. After torchrun restarted the group (a process or a node
    was lost, ``--max-restarts``), a run that has a checkpoint resumes from it without ``--resume``."""
    env = detect()
    where = pick_device(device, env)
    if threads is not None:
        torch.set_num_threads(max(1, threads))
    elif env.is_distributed and where.type == "cpu":
        torch.set_num_threads(threads_per_rank(env))
    start(env, where)
    try:
        out = Path(out_dir)
        has_run = False
        if env.is_main:
            recover_checkpoint(out)
            has_run = (out / CONFIG_FILE).exists() and (out / STATE_JSON).exists()
        has_run = broadcast_object(has_run, env)
        if has_run and not resume and env.restarts > 0:
            log.warning("torchrun restarted the group (%d times): resuming %s from its last checkpoint",
                        env.restarts, out)
            resume = True
        if not resume and has_run:
            raise ParameterError(f"{out} already holds a run; pass --resume to continue it or choose another --out")
        trainer = Trainer(config, data_dir, out, cache_dir=cache_dir, progress=progress, env=env, device=where)
        if resume:
            trainer.resume()
        return trainer.fit()
    finally:
        stop()
