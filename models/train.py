"""Training: ``sidl train drums|piano --data DIR --out DIR``.

Windows of whole bars are cut from the training split, optionally corrupted on the fly (deleted hits,
spurious hits, jittered micro-timing) while the loss compares with the clean window — a denoising
objective, so the dictionary learns what a groove *should* be, not only what it was. Seeds are fixed;
every epoch writes a resumable checkpoint and the loss curve.
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
from sidl.bridge.errors import ParameterError
from sidl.models.autoencoder import ConvWTAAutoencoder
from sidl.models.checkpoint import CONFIG_FILE, load_train_state, load_weights, save_model, save_train_state
from sidl.models.config import KSchedule, ModelConfig
from sidl.models.datasets import cut_windows, discover, encode_items
from sidl.models.grid import grid_layout, group_slices
from sidl.models.losses import get_loss
from sidl.models.pursuit_fit import PursuitFitConfig, bar_patches, fit_atoms

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


def corrupt_batch(x: torch.Tensor, cfg: DenoiseConfig, layout: str, gen: torch.Generator) -> torch.Tensor:
    """Corrupt a batch of grids (N, 3G, T) in torch: delete hits, add spurious ones, and treat the
    third group by its role in ``layout``'s grid (jitter micro-timing offsets; a spurious onset's hold
    sounds for its step)."""
    n, c, t = x.shape
    hit_rows, vel_rows, third_rows = group_slices(c)
    g = hit_rows.stop
    hits = x[:, hit_rows] > HIT_THRESHOLD
    chosen = torch.rand(n, 1, 1, generator=gen) < cfg.probability
    y = x.clone()
    delete = hits & (torch.rand(n, g, t, generator=gen) < cfg.delete) & chosen
    n_hits = hits.sum(dim=(1, 2), keepdim=True).clamp(min=1)
    empty = (~hits).sum(dim=(1, 2), keepdim=True).clamp(min=1)
    add = (~hits) & (torch.rand(n, g, t, generator=gen) < cfg.add * n_hits / empty) & chosen
    keep = ~delete
    y[:, hit_rows] = torch.where(add, torch.ones_like(y[:, hit_rows]), y[:, hit_rows] * keep)
    velocity = (20 + torch.rand(n, g, t, generator=gen) * 80) / 127
    y[:, vel_rows] = torch.where(add, velocity, y[:, vel_rows] * keep)
    role = grid_layout(layout).third.role
    y[:, third_rows] = _THIRD_CORRUPTION[role](y[:, third_rows], hits=hits, keep=keep, add=add, chosen=chosen,
                                                cfg=cfg, gen=gen)
    return y


def _jitter_offsets(third: torch.Tensor, *, hits: torch.Tensor, keep: torch.Tensor, add: torch.Tensor,
                    chosen: torch.Tensor, cfg: DenoiseConfig, gen: torch.Generator) -> torch.Tensor:
    offsets = third * keep
    jitter = torch.randn(offsets.shape, generator=gen) * cfg.jitter_steps
    now_hit = (hits & keep) | add
    return torch.where(now_hit & chosen, (offsets + jitter).clamp(-0.5, 0.5), offsets)


def _hold_added(third: torch.Tensor, *, hits: torch.Tensor, keep: torch.Tensor, add: torch.Tensor,
                chosen: torch.Tensor, cfg: DenoiseConfig, gen: torch.Generator) -> torch.Tensor:
    return torch.where(add, torch.ones_like(third), third)  # a spurious onset also sounds for its step


# How corruption treats the third channel group, by its role in the codec's grid layout.
_THIRD_CORRUPTION: dict[str, Callable[..., torch.Tensor]] = {"timing": _jitter_offsets, "hold": _hold_added}


class Trainer:
    """Owns the model, optimizer and data of one run; :meth:`fit` trains and checkpoints."""

    def __init__(self, config: TrainConfig, data_dir: str | Path, out_dir: str | Path,
                 *, cache_dir: str | Path | None = None, progress: bool = True) -> None:
        self.config = config
        self.out_dir = Path(out_dir)
        self.progress = progress
        seed_everything(config.seed)
        self.codec = get_codec(config.codec, **config.codec_options)
        if config.model.in_channels != self.codec.channels:
            raise ParameterError(
                f"model in_channels={config.model.in_channels} but codec {config.codec!r} has {self.codec.channels} channels"
            )
        steps_per_bar = config.model.steps_per_bar
        window, hop = config.window_bars * steps_per_bar, config.hop_bars * steps_per_bar
        hit_rows = self.codec.hit_rows.stop
        self.train_set = encode_items(discover(data_dir, "train"), self.codec, cache_dir)
        self.train_windows = torch.from_numpy(cut_windows(self.train_set.grids, window, hop, hit_rows=hit_rows))
        if config.max_windows and len(self.train_windows) > config.max_windows:
            pick = torch.randperm(len(self.train_windows), generator=torch.Generator().manual_seed(config.seed))
            self.train_windows = self.train_windows[pick[: config.max_windows]]
        try:
            val_grids = encode_items(discover(data_dir, "validation"), self.codec, cache_dir).grids
            self.val_windows: torch.Tensor | None = torch.from_numpy(cut_windows(val_grids, window, window, hit_rows=hit_rows))
        except Exception as exc:  # a folder without a validation split still trains
            log.warning("no validation windows (%s); training without validation loss", exc)
            self.val_windows = None
        if config.loss == "groove" and config.model.output != "activated":
            raise ParameterError("loss 'groove' works on decoder logits and needs model output 'activated', "
                                 f"got output {config.model.output!r}")
        self.model = ConvWTAAutoencoder(config.model)
        self.loss_fn = get_loss(config.loss)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=config.lr, amsgrad=config.amsgrad,
                                          weight_decay=config.weight_decay)
        self.history: list[dict[str, float]] = []
        self.pursuit_fit_log: list[dict[str, float]] = []  # the atoms' refit to pursuit codes, per round
        self.start_epoch = 0
        self.seconds = 0.0

    def resume(self) -> None:
        self.model.load_state_dict(load_weights(self.out_dir))
        progress = load_train_state(self.out_dir, self.optimizer)
        self.history = progress["history"]
        self.pursuit_fit_log = progress.get("pursuit_fit", [])
        self.start_epoch = progress["epoch"] + 1
        self.seconds = progress.get("seconds", 0.0)
        log.info("resumed %s at epoch %d", self.out_dir, self.start_epoch)

    def k_at(self, epoch: int) -> int:
        return self.config.k_schedule.k_at(epoch) if self.config.k_schedule else self.config.model.k

    def _loss(self, x_in: torch.Tensor, target: torch.Tensor, k: int) -> torch.Tensor:
        _, logits = self.model(x_in, k=k)
        if self.config.loss == "mse":
            return self.loss_fn(self.model.activate(logits), target)
        total, _ = self.loss_fn(logits, target, self.config.model.layout, **self.config.loss_weights)
        return total

    def validation_loss(self, k: int) -> float | None:
        if self.val_windows is None:
            return None
        self.model.eval()
        with torch.no_grad():
            losses = [self._loss(b, b, k).item() * len(b) for b in self.val_windows.split(1024)]
        return sum(losses) / len(self.val_windows)

    def fit(self) -> dict[str, Any]:
        cfg = self.config
        gen = torch.Generator().manual_seed(cfg.seed + 1)
        n = len(self.train_windows)
        batch = n if cfg.batch_size <= 0 else cfg.batch_size
        bar = _progress(range(self.start_epoch, cfg.epochs), self.progress, initial=self.start_epoch, total=cfg.epochs)
        for epoch in bar:
            started = time.perf_counter()
            for group in self.optimizer.param_groups:
                group["lr"] = cfg.lr * cfg.lr_decay**epoch
            k = self.k_at(epoch)
            self.model.train()
            order = torch.randperm(n, generator=gen)
            total = 0.0
            settled = cfg.k_schedule is None or k == cfg.k_schedule.end
            for i in range(0, n, batch):
                target = self.train_windows[order[i : i + batch]]
                x_in = corrupt_batch(target, cfg.denoise, cfg.model.layout, gen) if cfg.denoise else target
                batch_k = k
                if cfg.k_random and settled:
                    batch_k = cfg.k_random[int(torch.randint(len(cfg.k_random), (1,), generator=gen))]
                loss = self._loss(x_in, target, batch_k)
                self.optimizer.zero_grad(set_to_none=True)
                loss.backward()
                self.optimizer.step()
                self.model.renormalize_atoms()
                total += loss.item() * len(target)
            train_loss = total / n
            val_loss = self.validation_loss(k)
            self.seconds += time.perf_counter() - started
            self.history.append({"epoch": epoch, "k": k, "train_loss": train_loss,
                                 "val_loss": val_loss if val_loss is not None else math.nan})
            if hasattr(bar, "set_postfix"):
                bar.set_postfix(k=k, train=f"{train_loss:.4f}", val=f"{val_loss:.4f}" if val_loss else "-")
            log.info("epoch %d k=%d train %.5f val %s", epoch, k, train_loss, val_loss)
            self.save(epoch)
        if cfg.pursuit_fit is not None and cfg.pursuit_fit.rounds and not self.pursuit_fitted:
            self.fit_atoms_to_pursuit(cfg.pursuit_fit)
        self.plot()
        return {"epochs": cfg.epochs, "train_seconds": round(self.seconds, 1),
                "final_train_loss": self.history[-1]["train_loss"] if self.history else None,
                "final_val_loss": self.history[-1]["val_loss"] if self.history else None,
                "pursuit_fit": self.pursuit_fit_log,
                "train_windows": n}

    @property
    def pursuit_fitted(self) -> bool:
        return bool(self.pursuit_fit_log)

    def fit_atoms_to_pursuit(self, fit: PursuitFitConfig) -> None:
        """The last stage (:mod:`sidl.models.pursuit_fit`): atoms refitted to pursuit codes of the
        training bars; the decoder's bias stays. Saved as one more step of the run."""
        started = time.perf_counter()
        cfg = self.config.model
        weight, bias = self.model.decoder.weight, self.model.decoder.bias
        patch_bias = None if bias is None else np.repeat(bias.detach().cpu().numpy(), cfg.kernel)
        patches = bar_patches(self.train_set.grids, cfg.steps_per_bar, keep_silent=True)
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
        bar = _progress(range(fit.rounds), self.progress, desc="fitting atoms to pursuit", unit="round")

        def report(round_: int, error: float) -> None:
            errors.append((round_, error))
            if hasattr(bar, "update"):
                bar.update(1)
                bar.set_postfix(error=f"{error:.4f}")

        try:
            atoms = fit_atoms(weight.detach().cpu().numpy().reshape(cfg.atoms, -1), patch_bias, patches, fit,
                              noisy=noisy, seed=self.config.seed, report=report)
        finally:
            if hasattr(bar, "close"):
                bar.close()
        with torch.no_grad():
            weight.copy_(torch.from_numpy(atoms.reshape(weight.shape)))
        self.seconds += time.perf_counter() - started
        self.pursuit_fit_log = [{"round": r, "error": e} for r, e in errors]
        self.save(int(self.history[-1]["epoch"]) if self.history else -1)

    def checkpoint_config(self) -> dict[str, Any]:
        return {
            "sidl_version": __version__,
            "train": self.config.to_dict(),
            "codec_spec": self.codec.spec(),
            "data": self.train_set.report(),
            "train_seconds": round(self.seconds, 1),
            "torch_threads": torch.get_num_threads(),
        }

    def save(self, epoch: int) -> None:
        save_model(self.out_dir, self.model, self.checkpoint_config())
        save_train_state(self.out_dir, self.optimizer, {"epoch": epoch, "history": self.history, "seconds": self.seconds,
                                                        "pursuit_fit": self.pursuit_fit_log})

    def plot(self) -> Path | None:
        if not self.history:
            return None
        return plot_history(self.history, self.config, self.out_dir / "loss.png",
                            with_validation=self.val_windows is not None)


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


def _progress(iterable: range, enabled: bool, **kwargs: Any) -> Any:
    if not enabled:
        return iterable
    from tqdm import tqdm

    kwargs = {"desc": "training", "unit": "epoch", **kwargs}
    return tqdm(iterable, **kwargs)


def train(config: TrainConfig, data_dir: str | Path, out_dir: str | Path, *, resume: bool = False,
          cache_dir: str | Path | None = None, progress: bool = True) -> dict[str, Any]:
    """Train (or resume) a run; returns a summary. The checkpoint lands in ``out_dir``."""
    out = Path(out_dir)
    if not resume and (out / CONFIG_FILE).exists() and (out / "train_state.json").exists():
        raise ParameterError(f"{out} already holds a run; pass --resume to continue it or choose another --out")
    trainer = Trainer(config, data_dir, out, cache_dir=cache_dir, progress=progress)
    if resume:
        trainer.resume()
    return trainer.fit()
