"""models/ takes every instrument difference from the codec's grid layout: codecs registered under
new names (a kit laid out like drums, keys laid out like piano) train, refine and corrupt exactly as
the codecs they copy, with no change in models/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch

from sidl.bridge.codecs import CODECS, DrumCodec, PianoCodec, register_codec
from sidl.models.autoencoder import ConvWTAAutoencoder, activate_logits
from sidl.models.config import ModelConfig
from sidl.models.losses import groove_loss
from sidl.models.refine import logit_gradient
from sidl.models.train import DenoiseConfig, corrupt_batch


class KitCodec(DrumCodec):
    name = "kit"


class KeysCodec(PianoCodec):
    name = "keys"


@pytest.fixture(autouse=True)
def renamed() -> Iterator[None]:
    saved = dict(CODECS)
    register_codec("kit", KitCodec)
    register_codec("keys", KeysCodec)
    try:
        yield
    finally:
        CODECS.clear()
        CODECS.update(saved)


def _target(channels: int, seed: int) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    g = channels // 3
    hits = (torch.rand(2, g, 16, generator=gen) < 0.2).float()
    third = hits * (torch.rand(2, g, 16, generator=gen) - 0.5)
    return torch.cat([hits, hits * torch.rand(2, g, 16, generator=gen), third], dim=1)


@pytest.mark.parametrize(("new", "old", "channels"), [("kit", "drums", 27), ("keys", "piano", 264)])
def test_renamed_layouts_behave_as_their_originals(new: str, old: str, channels: int) -> None:
    x = _target(channels, 1)
    logits = torch.randn(2, channels, 16, generator=torch.Generator().manual_seed(2)) * 3
    assert torch.equal(activate_logits(logits, new), activate_logits(logits, old))
    total_new, parts_new = groove_loss(logits, x, new, pos_weight=2.0)
    total_old, parts_old = groove_loss(logits, x, old, pos_weight=2.0)
    assert torch.equal(total_new, total_old) and parts_new == parts_old
    cfg = DenoiseConfig()
    assert torch.equal(corrupt_batch(x, cfg, new, torch.Generator().manual_seed(3)),
                       corrupt_batch(x, cfg, old, torch.Generator().manual_seed(3)))
    models = [ConvWTAAutoencoder(ModelConfig(layout=name, in_channels=channels, atoms=8, kernel=16, stride=16,
                                             wta_axis="bar", k=2, output="activated")) for name in (new, old)]
    models[1].load_state_dict(models[0].state_dict())
    assert torch.equal(logit_gradient(models[0], logits, x), logit_gradient(models[1], logits, x))


def test_drum_loss_parts_are_named_by_the_layout() -> None:
    x = _target(27, 4)
    _, parts = groove_loss(torch.zeros_like(x), x, "kit")
    assert set(parts) == {"hit", "velocity", "offset", "total"}
    _, parts = groove_loss(torch.zeros(2, 264, 16), _target(264, 4), "keys")
    assert set(parts) == {"onset", "velocity", "hold", "total"}
