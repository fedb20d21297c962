"""Iterative hard-thresholding refinement: the adjoint is exact, the budget holds, the fit improves."""

from __future__ import annotations

import pytest
import torch

from sidl.models.autoencoder import ConvWTAAutoencoder
from sidl.models.config import ModelConfig
from sidl.models.refine import _adjoint, refine


@pytest.mark.parametrize("stride", [16, 4])
def test_adjoint_of_the_decoder_is_exact(stride: int) -> None:
    torch.manual_seed(0)
    model = ConvWTAAutoencoder(ModelConfig(layout="drums", in_channels=27, atoms=8, kernel=16, stride=stride,
                                           output="linear", decoder_bias=False))
    code = torch.randn(2, 8, model.code_length(64))
    y = torch.randn(2, 27, 64)
    with torch.no_grad():
        lhs = (model.decode_logits(code) * y).sum()
        rhs = (code * _adjoint(model, y)).sum()
    assert float(lhs) == pytest.approx(float(rhs), rel=1e-4)


def test_refinement_keeps_the_budget_and_lowers_the_error() -> None:
    torch.manual_seed(0)
    model = ConvWTAAutoencoder(ModelConfig(layout="drums", in_channels=27, atoms=32, kernel=16, stride=16,
                                           wta_axis="bar", k=3, output="linear"))
    truth = torch.zeros(1, 32, 4)
    truth[0, [1, 5, 9], [0, 1, 2]] = torch.tensor([2.0, 1.5, 3.0])
    with torch.no_grad():
        x = model.decode_logits(truth)
        start = torch.zeros_like(truth)
        start[0, 1, 0] = 0.5  # a poor first guess
        refined = refine(model, x, start, k=3, axis="bar", steps=60, step_size=0.5)
        err0 = ((model.decode_logits(start) - x) ** 2).sum()
        err1 = ((model.decode_logits(refined) - x) ** 2).sum()
    assert int((refined > 0).sum(dim=1).max()) <= 3
    assert err1 < 0.2 * err0


def test_unrolled_refinement_trains_its_step_sizes() -> None:
    torch.manual_seed(0)
    model = ConvWTAAutoencoder(ModelConfig(layout="drums", in_channels=27, atoms=16, kernel=16, stride=16,
                                           wta_axis="bar", k=2, output="activated", encoder_hidden=8,
                                           refine_steps=2))
    _, logits = model(torch.rand(2, 27, 32))
    logits.square().mean().backward()
    assert model.refine_sizes is not None and model.refine_sizes.grad is not None
    assert model.refine_sizes.grad.abs().sum() > 0


def test_inference_refinement_runs_only_in_eval_mode() -> None:
    cfg = ModelConfig(layout="drums", in_channels=27, atoms=16, kernel=16, stride=16, wta_axis="bar", k=2,
                      output="linear", inference_refine_steps=5, inference_refine_step_size=0.3)
    torch.manual_seed(0)
    model = ConvWTAAutoencoder(cfg)
    x = torch.rand(1, 27, 32)
    with torch.no_grad():
        trained_path = model.encode(x)  # training mode: the one-pass code
        model.eval()
        refined = model.encode(x)
        plain = refine(model, x, trained_path, k=2, axis="bar", steps=5, step_size=0.3)
    assert torch.allclose(refined, plain)
    assert not torch.allclose(refined, trained_path)
    assert int((refined > 0).sum(dim=1).max()) <= 2
