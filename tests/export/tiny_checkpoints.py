"""Tiny checkpoints written straight from a ModelConfig (no training), for export and engine tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from sidl.bridge.codecs import get_codec
from sidl.models.autoencoder import ConvWTAAutoencoder
from sidl.models.checkpoint import save_model
from sidl.models.config import ModelConfig


def make_checkpoint(root: Path, name: str = "tiny", *, codec: str = "drums", window_bars: int = 2, seed: int = 0,
                    **model: Any) -> Path:
    """A checkpoint folder with random (seeded) weights and a config like the trainer writes."""
    options = {"steps_per_beat": 4} if codec == "piano" else {}
    channels = get_codec(codec, **options).channels
    spb = 16
    defaults: dict[str, Any] = {"layout": codec, "in_channels": channels, "atoms": 12, "kernel": spb,
                                "stride": spb, "steps_per_bar": spb, "wta_axis": "bar", "k": 3}
    cfg = ModelConfig(**{**defaults, **model})
    torch.manual_seed(seed)
    net = ConvWTAAutoencoder(cfg)
    with torch.no_grad():  # a non-zero decoder bias, so bias handling is exercised
        if net.decoder.bias is not None:
            net.decoder.bias.uniform_(-0.1, 0.1)
    config = {"train": {"codec": codec, "codec_options": options, "model": cfg.to_dict(), "window_bars": window_bars,
                        "loss": "mse", "lr": 0.001, "amsgrad": False, "batch_size": 4, "epochs": 1, "hop_bars": 1,
                        "seed": seed},
              "codec_spec": get_codec(codec, **options).spec(), "sidl_version": "test"}
    out = root / name
    save_model(out, net, config)
    return out
