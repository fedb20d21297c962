"""Losses: seed MSE, the per-group groove loss (BCE + masked MSE), and the get_loss convention."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from sidl.bridge.errors import ParameterError
from sidl.models.autoencoder import activate_logits
from sidl.models.losses import get_loss, groove_loss, mse_loss


def _drum_target(seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    hits = (torch.rand(4, 9, 32, generator=g) < 0.2).float()
    vel = hits * torch.rand(4, 9, 32, generator=g)
    off = hits * (torch.rand(4, 9, 32, generator=g) - 0.5) * 0.8
    return torch.cat([hits, vel, off], dim=1)


def _logits_for(target: torch.Tensor) -> torch.Tensor:
    """Logits that the drum activation maps exactly onto ``target``'s velocity and offset."""
    g = target.shape[1] // 3
    hit = (target[:, :g] * 2 - 1) * 8.0
    vel = torch.logit(target[:, g : 2 * g].clamp(1e-4, 1 - 1e-4))
    off = torch.atanh(2 * target[:, 2 * g :])
    return torch.cat([hit, vel, off], dim=1)


def test_mse_is_plain_mean_over_everything() -> None:
    a, b = torch.randn(2, 27, 16), torch.randn(2, 27, 16)
    assert torch.allclose(mse_loss(a, b), ((a - b) ** 2).mean())
    with pytest.raises(ParameterError, match="shape"):
        mse_loss(a, b[:, :, :8])


def test_groove_parts_match_definitions() -> None:
    target = _drum_target()
    logits = torch.randn_like(target)
    total, parts = groove_loss(logits, target, "drums", hit_weight=2.0, velocity_weight=0.5, offset_weight=3.0)
    mask = target[:, :9] > 0.5
    hit = F.binary_cross_entropy_with_logits(logits[:, :9], target[:, :9])
    vel = ((torch.sigmoid(logits[:, 9:18]) - target[:, 9:18])[mask] ** 2).mean()
    off = ((0.5 * torch.tanh(logits[:, 18:]) - target[:, 18:])[mask] ** 2).mean()
    assert parts["hit"] == pytest.approx(float(hit), rel=1e-5)
    assert parts["velocity"] == pytest.approx(float(vel), rel=1e-5)
    assert parts["offset"] == pytest.approx(float(off), rel=1e-5)
    assert float(total) == pytest.approx(2 * float(hit) + 0.5 * float(vel) + 3 * float(off), rel=1e-5)
    assert parts["total"] == pytest.approx(float(total))


def test_velocity_and_offset_ignore_cells_without_hits() -> None:
    target = _drum_target()
    logits = _logits_for(target)
    _, exact = groove_loss(logits, target, "drums")
    assert exact["velocity"] < 1e-6 and exact["offset"] < 1e-6
    noisy = logits.clone()
    no_hit = (target[:, :9] < 0.5).repeat(1, 3, 1)
    no_hit[:, :9] = False  # leave the hit logits alone
    noisy[no_hit] = 5.0
    _, parts = groove_loss(noisy, target, "drums")
    assert parts == pytest.approx(exact)
    # ...but the seed MSE on the same activated outputs does punish those cells
    noisy_mse = mse_loss(activate_logits(noisy, "drums"), target)
    assert float(noisy_mse) > float(mse_loss(activate_logits(logits, "drums"), target)) + 0.1


def test_no_hits_gives_finite_zero_masked_parts() -> None:
    target = torch.zeros(2, 27, 16)
    logits = torch.randn_like(target, requires_grad=True)
    total, parts = groove_loss(logits, target, "drums")
    total.backward()
    assert parts["velocity"] == 0.0 and parts["offset"] == 0.0
    assert torch.isfinite(logits.grad).all()


def test_pos_weight_scales_positive_hit_cells() -> None:
    target = _drum_target()
    logits = torch.zeros_like(target)  # BCE = log 2 on every cell
    _, base = groove_loss(logits, target, "drums")
    _, weighted = groove_loss(logits, target, "drums", pos_weight=3.0)
    frac_pos = float(target[:, :9].mean())
    expected = torch.log(torch.tensor(2.0)) * (1 + 2 * frac_pos)
    assert base["hit"] == pytest.approx(float(torch.log(torch.tensor(2.0))), rel=1e-5)
    assert weighted["hit"] == pytest.approx(float(expected), rel=1e-5)
    per_class = torch.ones(9)
    per_class[0] = 5.0
    _, pc = groove_loss(logits, target, "drums", pos_weight=per_class)
    assert pc["hit"] > base["hit"]
    with pytest.raises(ParameterError, match="pos_weight"):
        groove_loss(logits, target, "drums", pos_weight=torch.ones(4))


def test_piano_hold_is_bce_and_velocity_masked_to_onsets() -> None:
    g = torch.Generator().manual_seed(1)
    onset = (torch.rand(2, 88, 16, generator=g) < 0.1).float()
    hold = (torch.rand(2, 88, 16, generator=g) < 0.3).float()
    vel = onset * torch.rand(2, 88, 16, generator=g)
    target = torch.cat([onset, vel, hold], dim=1)
    logits = torch.randn(2, 264, 16, generator=g)
    _, parts = groove_loss(logits, target, "piano")
    assert set(parts) == {"onset", "velocity", "hold", "total"}
    assert parts["hold"] == pytest.approx(
        float(F.binary_cross_entropy_with_logits(logits[:, 176:], hold)), rel=1e-5
    )
    mask = onset > 0.5
    vel_ref = ((torch.sigmoid(logits[:, 88:176]) - vel)[mask] ** 2).mean()
    assert parts["velocity"] == pytest.approx(float(vel_ref), rel=1e-5)


def test_groove_gradient_reduces_loss() -> None:
    target = _drum_target()
    logits = torch.zeros_like(target, requires_grad=True)
    opt = torch.optim.Adam([logits], lr=0.1)
    first = None
    for _ in range(50):
        loss, _ = groove_loss(logits, target, "drums")
        first = float(loss.detach()) if first is None else first
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert float(loss.detach()) < 0.5 * first


def test_get_loss_returns_the_named_function() -> None:
    assert get_loss("mse") is mse_loss
    assert get_loss("groove") is groove_loss
    with pytest.raises(ParameterError, match="loss must be one of"):
        get_loss("l1")
    target = _drum_target()
    with pytest.raises(ParameterError, match="layout"):
        groove_loss(torch.randn_like(target), target, "guitar")
