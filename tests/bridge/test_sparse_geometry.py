"""numpy geometry and k-WTA against the torch versions the models train with."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from sidl.bridge.errors import ParameterError
from sidl.bridge.geometry import CodeGeometry
from sidl.bridge.sparse import active_per_bar, sparsify
from sidl.models.autoencoder import ConvWTAAutoencoder
from sidl.models.config import ModelConfig
from sidl.models.wta import sparsify as torch_sparsify

GEOMETRIES = [(1024, 16, 16, 16), (256, 8, 4, 32), (100, 4, 4, 16), (8, 8, 4, 16), (6, 12, 4, 8)]


@pytest.mark.parametrize(("atoms", "kernel", "stride", "spb"), GEOMETRIES)
def test_geometry_matches_the_model(atoms: int, kernel: int, stride: int, spb: int) -> None:
    geo = CodeGeometry(atoms, kernel, stride, spb)
    model = ConvWTAAutoencoder(ModelConfig(layout="drums", in_channels=27, atoms=atoms, kernel=kernel, stride=stride,
                                           steps_per_bar=spb))
    for t in (stride, spb, 3 * spb, 5 * spb + stride):
        assert geo.code_length(t) == model.code_length(t)
        np.testing.assert_array_equal(geo.column_bars(t), model.column_bars(t).numpy())


def test_geometry_refuses_bad_values() -> None:
    with pytest.raises(ParameterError, match="multiple of stride"):
        CodeGeometry(4, 6, 4, 16)
    with pytest.raises(ParameterError, match="atoms must be an integer >= 1, got 0"):
        CodeGeometry(0, 4, 4, 16)
    with pytest.raises(ParameterError, match="n_steps must be a multiple of stride 4, got 6"):
        CodeGeometry(4, 4, 4, 16).code_length(6)
    assert CodeGeometry.from_config({"atoms": 3, "kernel": 8, "stride": 4, "steps_per_bar": 16, "k": 2}).padding == 4


@pytest.mark.parametrize("axis", ["atoms", "time", "bar"])
@pytest.mark.parametrize(("atoms", "kernel", "stride", "spb"), GEOMETRIES[1:])
def test_wta_matches_torch_including_ties_and_negatives(axis: str, atoms: int, kernel: int, stride: int, spb: int) -> None:
    geo = CodeGeometry(atoms, kernel, stride, spb)
    rng = np.random.default_rng(atoms + kernel)
    t = 3 * spb
    a = rng.normal(size=(2, atoms, geo.code_length(t))).astype(np.float32)
    a[0, :, :2] = np.round(a[0, :, :2])  # many exact ties and zeros
    bars = geo.column_bars(t)
    for k in (1, 2, 5):
        ours = sparsify(a, axis, k, bars)
        ref = torch_sparsify(torch.from_numpy(a), axis, k, torch.from_numpy(bars)).numpy()
        np.testing.assert_array_equal(ours, ref)
        np.testing.assert_array_equal(sparsify(a[1], axis, k, bars), ref[1])  # unbatched too


def test_active_per_bar_counts_entries() -> None:
    code = np.zeros((4, 3), np.float32)
    code[0, 0] = code[1, 0] = code[2, 2] = 1.0
    np.testing.assert_array_equal(active_per_bar(code, np.array([0, 0, 1])), [2, 1])
    np.testing.assert_array_equal(active_per_bar(np.stack([code, code]), np.array([0, 1, 1])), [[2, 1], [2, 1]])


def test_wta_refuses_bad_arguments() -> None:
    with pytest.raises(ParameterError, match="k must be an integer >= 1, got 0"):
        sparsify(np.zeros((3, 2)), "atoms", 0)
    with pytest.raises(ParameterError, match="needs column_bars"):
        sparsify(np.zeros((3, 2)), "bar", 1)
    with pytest.raises(ParameterError, match="wta axis must be one of"):
        sparsify(np.zeros((3, 2)), "space", 1)
