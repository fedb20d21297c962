from __future__ import annotations

import pytest
import torch

from sidl.bridge.errors import ParameterError
from sidl.models.autoencoder import ConvWTAAutoencoder
from sidl.models.config import KSchedule, ModelConfig


def test_halving_schedule_starts_wide_and_settles_at_end() -> None:
    sched = KSchedule(start=64, end=4, every=2, mode="halve")
    assert [sched.k_at(e) for e in range(0, 12, 2)] == [64, 32, 16, 8, 4, 4]
    assert sched.k_at(1) == 64
    assert KSchedule.from_dict(sched.to_dict()) == sched


def test_unknown_schedule_mode_is_refused() -> None:
    with pytest.raises(ParameterError, match="mode"):
        KSchedule(start=4, end=1, every=1, mode="cosine")


def test_code_scale_multiplies_activations_only() -> None:
    base = ModelConfig(layout="drums", in_channels=27, atoms=8, kernel=16, stride=4, output="activated")
    torch.manual_seed(0)
    a = ConvWTAAutoencoder(base)
    torch.manual_seed(0)
    b = ConvWTAAutoencoder(ModelConfig.from_dict({**base.to_dict(), "code_scale": 5.0}))
    x = torch.rand(2, 27, 32)
    assert torch.allclose(b.encode_dense(x), 5.0 * a.encode_dense(x), atol=1e-5)
    with pytest.raises(ParameterError, match="code_scale"):
        ModelConfig.from_dict({**base.to_dict(), "code_scale": 0})


def test_pursuit_encoder_respects_the_budget_and_learns_from_residuals() -> None:
    cfg = ModelConfig(layout="drums", in_channels=27, atoms=16, kernel=16, stride=16, wta_axis="bar", k=4,
                      output="activated", encoder_hidden=8, pursuit_steps=2)
    torch.manual_seed(1)
    model = ConvWTAAutoencoder(cfg)
    x = torch.rand(3, 27, 64)
    for k in (1, 3, 5):
        code = model.encode(x, k=k)
        per_bar = (code > 0).sum(dim=1)  # one column per bar at stride 16
        assert int(per_bar.max()) <= k
    # pursuit only adds: the first step's winners stay in the two-step code
    first = model.encode(x, k=1)
    both = model.encode(x, k=2)
    assert torch.all(both[first > 0] > 0)
    code, logits = model(x, k=2)
    logits.sum().backward()
    assert model.encoder.weight.grad is not None and model.encoder.weight.grad.abs().sum() > 0
