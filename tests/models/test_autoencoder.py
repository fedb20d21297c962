"""ConvWTAAutoencoder geometry, linearity, atom norms, TCN causality, training, and its config."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from sidl.bridge.errors import CodecMismatchError, ParameterError
from sidl.models.autoencoder import ConvWTAAutoencoder, activate_logits
from sidl.models.config import KSchedule, ModelConfig
from sidl.models.losses import get_loss
from sidl.models.tcn import TemporalConvNet


def _cfg(**kw: object) -> ModelConfig:
    base: dict[str, object] = dict(layout="drums", in_channels=27, atoms=16, kernel=8, stride=4, k=2)
    base.update(kw)
    return ModelConfig(**base)  # type: ignore[arg-type]


def drum_batch(n: int = 8, t: int = 64, seed: int = 0) -> torch.Tensor:
    """A groove-like grid: kick/snare/hat pattern plus random extra hits, velocities and offsets."""
    g = torch.Generator().manual_seed(seed)
    x = torch.zeros(n, 27, t)
    x[:, 0, ::8] = 1
    x[:, 1, 4::8] = 1
    x[:, 2, ::2] = 1
    extra = (torch.rand(n, 9, t, generator=g) < 0.05).float()
    hits = torch.clamp(x[:, :9] + extra, 0, 1)
    x[:, :9] = hits
    x[:, 9:18] = hits * (0.3 + 0.7 * torch.rand(n, 9, t, generator=g))
    x[:, 18:] = hits * (torch.rand(n, 9, t, generator=g) - 0.5) * 0.5
    return x


# --------------------------------------------------------------------------------- geometry
@pytest.mark.parametrize(
    ("kernel", "stride", "t"),
    [(4, 4, 64), (16, 4, 64), (16, 2, 32), (32, 8, 64), (16, 4, 16), (8, 8, 24)],
)
@pytest.mark.parametrize("axis", ["atoms", "time", "bar"])
def test_output_shape_equals_input(kernel: int, stride: int, t: int, axis: str) -> None:
    torch.manual_seed(0)
    model = _cfg(kernel=kernel, stride=stride, wta_axis=axis)
    m = ConvWTAAutoencoder(model).eval()
    x = drum_batch(2, t)
    code, logits = m(x)
    p = kernel - stride
    assert code.shape == (2, 16, (t + 2 * p - kernel) // stride + 1) == (2, 16, m.code_length(t))
    assert logits.shape == x.shape
    assert m.decode(code).shape == x.shape


def test_seed_geometry_is_non_overlapping_beats() -> None:
    m = ConvWTAAutoencoder(_cfg(kernel=4, stride=4, atoms=100, encoder_bias=False, decoder_bias=False))
    assert m.code_length(64) == 16
    assert m.dictionary.shape == (100, 27, 4)
    # one atom at column j only touches steps 4j..4j+3
    code = torch.zeros(1, 100, 16)
    code[0, 7, 5] = 1.0
    out = m.decode_logits(code)
    touched = (out[0].abs().sum(dim=0) != 0).nonzero().flatten().tolist()
    assert touched == [20, 21, 22, 23]


def test_overlapping_atoms_straddle_edges() -> None:
    m = ConvWTAAutoencoder(_cfg(kernel=16, stride=4, decoder_bias=False))
    t = 32
    code = torch.zeros(1, 16, m.code_length(t))
    code[0, 0, 0] = 1.0  # first column: atom starts P=12 steps before the window
    out = m.decode_logits(code)
    touched = (out[0].abs().sum(dim=0) != 0).nonzero().flatten().tolist()
    assert touched == [0, 1, 2, 3]  # only its last stride of steps lands inside
    expected = m.dictionary[0, :, 12:]
    assert torch.allclose(out[0, :, :4], expected, atol=1e-6)


def test_column_bars() -> None:
    seed = ConvWTAAutoencoder(_cfg(kernel=4, stride=4))
    assert seed.column_bars(64).tolist() == [0] * 4 + [1] * 4 + [2] * 4 + [3] * 4
    m = ConvWTAAutoencoder(_cfg(kernel=16, stride=4))
    bars = m.column_bars(64)  # 19 columns; centre of column j = 4j - 12 + 8 = 4j - 4
    centres = torch.arange(19) * 4 - 4
    assert bars.tolist() == torch.clamp(torch.div(centres, 16, rounding_mode="floor"), 0, 3).tolist()
    assert bars[0] == 0 and bars[-1] == 3 and bars.dtype == torch.long


def test_bar_axis_respects_budget_per_bar() -> None:
    torch.manual_seed(0)
    m = ConvWTAAutoencoder(_cfg(kernel=16, stride=4, wta_axis="bar", k=3, atoms=32)).eval()
    x = drum_batch(4, 64)
    code = m.encode(x)
    groups = m.column_bars(64)
    for bar in range(4):
        assert ((code[:, :, groups == bar] != 0).flatten(1).sum(dim=1) <= 3).all()
    assert (code != 0).flatten(1).sum(dim=1).max() == 12  # random init: plenty of positive entries


def test_silent_input_gives_zero_code() -> None:
    for kw in ({}, {"encoder_hidden": 8}):
        m = ConvWTAAutoencoder(_cfg(kernel=16, stride=4, **kw))
        assert (m.encode(torch.zeros(2, 27, 32)) == 0).all()


def test_bad_input_raises() -> None:
    m = ConvWTAAutoencoder(_cfg(kernel=16, stride=4))
    with pytest.raises(ParameterError, match="multiple of stride 4"):
        m(torch.zeros(1, 27, 30))
    with pytest.raises(CodecMismatchError, match="264 channels"):
        m(torch.zeros(1, 264, 32))
    with pytest.raises(ParameterError, match="code must be"):
        m.decode_logits(torch.zeros(1, 5, 11))


# --------------------------------------------------------------------------------- dictionary
@pytest.mark.parametrize(("kernel", "stride"), [(4, 4), (16, 4)])
def test_decode_logits_is_linear_in_the_code(kernel: int, stride: int) -> None:
    torch.manual_seed(1)
    m = ConvWTAAutoencoder(_cfg(kernel=kernel, stride=stride, decoder_bias=True))
    with torch.no_grad():
        m.decoder.bias.normal_()  # non-zero bias so the (n - 1)·bias term is exercised
    code = m.encode(drum_batch(2, 32))
    nz = code.nonzero().tolist()
    assert len(nz) > 3
    parts = []
    for idx in nz:
        part = torch.zeros_like(code)
        part[tuple(idx)] = code[tuple(idx)]
        parts.append(m.decode_logits(part))
    total = torch.stack(parts).sum(dim=0) - (len(parts) - 1) * m.decoder.bias.view(1, -1, 1)
    assert torch.allclose(m.decode_logits(code), total, atol=1e-5)


def test_atom_norms() -> None:
    torch.manual_seed(0)
    unit = ConvWTAAutoencoder(_cfg(atom_norm="unit"))
    assert torch.allclose(unit.dictionary.flatten(1).norm(dim=1), torch.ones(16), atol=1e-5)
    with torch.no_grad():
        unit.decoder.weight.mul_(torch.linspace(0.1, 3.0, 16).view(-1, 1, 1))
    unit.renormalize_atoms()
    assert torch.allclose(unit.dictionary.flatten(1).norm(dim=1), torch.ones(16), atol=1e-5)

    capped = ConvWTAAutoencoder(_cfg(atom_norm="max1"))
    with torch.no_grad():
        capped.decoder.weight.mul_(torch.linspace(0.1, 3.0, 16).view(-1, 1, 1))
    before = capped.dictionary.flatten(1).norm(dim=1)
    capped.renormalize_atoms()
    after = capped.dictionary.flatten(1).norm(dim=1)
    assert (after <= 1 + 1e-5).all()
    small = before < 1
    assert small.any() and torch.allclose(after[small], before[small])

    raw = ConvWTAAutoencoder(_cfg(atom_norm="none"))
    with torch.no_grad():
        raw.decoder.weight.mul_(5.0)
    before = raw.dictionary
    raw.renormalize_atoms()
    assert torch.equal(raw.dictionary, before)


def test_dictionary_is_a_detached_copy() -> None:
    m = ConvWTAAutoencoder(_cfg())
    d = m.dictionary
    assert not d.requires_grad
    d.zero_()
    assert m.decoder.weight.abs().sum() > 0


def test_activated_output_ranges() -> None:
    logits = torch.randn(2, 27, 16) * 10
    out = activate_logits(logits, "drums")
    assert (out[:, :18] >= 0).all() and (out[:, :18] <= 1).all()
    assert (out[:, 18:].abs() <= 0.5).all() and (out[:, 18:] < 0).any()
    piano = activate_logits(torch.randn(1, 264, 8), "piano")
    assert (piano >= 0).all() and (piano <= 1).all()
    m = ConvWTAAutoencoder(_cfg(output="linear"))
    assert m.activate(logits) is logits


# --------------------------------------------------------------------------------- TCN
def test_tcn_is_causal_and_keeps_length() -> None:
    torch.manual_seed(0)
    tcn = TemporalConvNet(27, [8, 12, 12], kernel=3, dropout=0.2).eval()
    x = torch.randn(2, 27, 40)
    y = tcn(x)
    assert y.shape == (2, 12, 40)
    t = 25
    x2 = x.clone()
    x2[:, :, t:] += torch.randn(2, 27, 40 - t)
    y2 = tcn(x2)
    assert torch.equal(y[:, :, :t], y2[:, :, :t])
    assert not torch.allclose(y[:, :, t:], y2[:, :, t:])
    assert tcn.receptive_field == 1 + 2 * 2 * (1 + 2 + 4)


def test_tcn_init_takes_effect() -> None:
    torch.manual_seed(0)
    tcn = TemporalConvNet(27, [64], kernel=3)
    w = tcn.blocks[0].net[0].weight
    assert abs(float(w.detach().std()) - (2 / (27 * 3)) ** 0.5) < 0.03  # He init, not PyTorch's default


def test_eval_mode_is_deterministic_with_dropout() -> None:
    torch.manual_seed(0)
    m = ConvWTAAutoencoder(_cfg(tcn_channels=[8, 8], tcn_dropout=0.5))
    x = drum_batch(2, 32)
    m.eval()
    a, b = m.encode_dense(x), m.encode_dense(x)
    assert torch.equal(a, b)
    m.train()
    assert not torch.equal(m.encode_dense(x), m.encode_dense(x))


# --------------------------------------------------------------------------------- training
@pytest.mark.parametrize(
    ("extra", "loss_name"),
    [({}, "mse"), ({"tcn_channels": [16], "encoder_hidden": 16, "output": "activated"}, "groove")],
)
def test_tiny_model_overfits_one_batch(extra: dict[str, object], loss_name: str) -> None:
    torch.manual_seed(0)
    cfg = _cfg(atoms=32, kernel=8, stride=4, k=2, **extra)
    m = ConvWTAAutoencoder(cfg)
    x = drum_batch()
    opt = torch.optim.Adam(m.parameters(), lr=0.01)
    loss_fn = get_loss(loss_name)
    losses = []
    for _ in range(100):
        _, logits = m(x)
        if loss_name == "mse":
            loss = loss_fn(m.activate(logits), x)
        else:
            loss, _parts = loss_fn(logits, x, cfg.layout)
        opt.zero_grad()
        loss.backward()
        opt.step()
        m.renormalize_atoms()
        losses.append(float(loss.detach()))
    assert losses[-1] < 0.5 * losses[0], losses[::10]
    assert torch.allclose(m.dictionary.flatten(1).norm(dim=1), torch.ones(32), atol=1e-5)


def test_num_parameters_seed_model() -> None:
    cfg = ModelConfig(
        layout="drums", in_channels=27, atoms=100, kernel=4, stride=4, k=4, atom_norm="none", decoder_bias=False
    )
    assert ConvWTAAutoencoder(cfg).num_parameters() == 21_600  # seed's used enc/dec parameters


# --------------------------------------------------------------------------------- config
def test_config_json_round_trip() -> None:
    cfg = ModelConfig(
        layout="piano", in_channels=264, atoms=64, kernel=32, stride=8, wta_axis="bar", k=6,
        tcn_channels=[16, 32], tcn_dropout=0.1, encoder_hidden=24, output="activated", atom_norm="max1",
        encoder_bias=True, decoder_bias=False,
    )
    back = ModelConfig.from_dict(json.loads(json.dumps(cfg.to_dict())))
    assert back == cfg
    assert ModelConfig.from_dict({"layout": "drums", "in_channels": 27}) == ModelConfig("drums", 27)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"kernel": 10, "stride": 4}, "kernel must be a multiple of stride"),
        ({"in_channels": 28}, "multiple of 3"),
        ({"k": 0}, "k must be >= 1"),
        ({"layout": "guitar"}, "layout must be one of"),
        ({"wta_axis": "channels"}, "wta_axis must be one of"),
        ({"output": "sigmoid"}, "output must be one of"),
        ({"atom_norm": "l1"}, "atom_norm must be one of"),
        ({"k": 20, "atoms": 16}, "k must be <= atoms"),
        ({"tcn_channels": [8, 0]}, r"tcn_channels\[1\]"),
        ({"tcn_dropout": 1.0}, "tcn_dropout"),
        ({"encoder_bias": 1}, "encoder_bias must be true or false"),
        ({"atoms": 2.5}, "atoms must be an integer"),
    ],
)
def test_bad_configs_raise(kw: dict[str, object], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        _cfg(**kw)


def test_from_dict_rejects_unknown_and_missing_keys() -> None:
    data = _cfg().to_dict()
    data["atom_count"] = 3
    with pytest.raises(ParameterError, match="unknown ModelConfig key.*'atom_count'"):
        ModelConfig.from_dict(data)
    with pytest.raises(ParameterError, match="incomplete"):
        ModelConfig.from_dict({"layout": "drums"})


def test_k_schedule() -> None:
    sched = KSchedule(start=4, end=1, every=30)
    assert [sched.k_at(e) for e in (0, 29, 30, 59, 60, 89, 90, 999)] == [4, 4, 3, 3, 2, 2, 1, 1]
    assert KSchedule.from_dict(json.loads(json.dumps(sched.to_dict()))) == sched
    with pytest.raises(ParameterError, match="end must be <= start"):
        KSchedule(start=1, end=4, every=3)
    with pytest.raises(ParameterError, match="unknown KSchedule"):
        KSchedule.from_dict({"start": 4, "end": 1, "every": 30, "step": 2})


def test_pursuit_coder_codes_in_eval_mode_only() -> None:
    from sidl.bridge.pursuit import pursue, pursuit_patches

    torch.manual_seed(0)
    cfg = ModelConfig(layout="drums", in_channels=27, atoms=24, kernel=16, stride=16, steps_per_bar=16,
                      wta_axis="bar", k=3, inference_coder="pursuit")
    model = ConvWTAAutoencoder(cfg)
    x = torch.rand(2, 27, 32)
    model.eval()
    code = model.encode(x)
    atoms = model.decoder.weight.detach().numpy().reshape(24, -1)
    bias = np.repeat(model.decoder.bias.detach().numpy(), 16)
    expected = pursue(pursuit_patches(x.numpy(), 16), atoms, 3, bias).transpose(0, 2, 1)
    np.testing.assert_allclose(code.numpy(), expected, atol=1e-6)
    assert ((code != 0).sum(1) <= 3).all()
    model.train()
    assert model.encode(x).requires_grad  # training still runs the differentiable network encoder


def test_pursuit_coder_needs_bar_long_atoms() -> None:
    with pytest.raises(ParameterError, match="inference_coder='pursuit' needs kernel == stride == steps_per_bar"):
        ModelConfig(layout="drums", in_channels=27, kernel=16, stride=4, inference_coder="pursuit")
