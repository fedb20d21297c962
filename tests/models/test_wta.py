"""k-WTA behaviour: exact winner counts per competition set, kept values, gradients, positivity, ties."""

from __future__ import annotations

import pytest
import torch

from sidl.bridge.errors import ParameterError
from sidl.models.wta import sparsify, topk_atoms, topk_bar, topk_time


def _positive(n: int = 3, atoms: int = 10, cols: int = 12, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, atoms, cols, generator=g) + 0.1  # strictly positive, ties impossible


@pytest.mark.parametrize("k", [1, 2, 4])
def test_topk_atoms_exact_count_per_column_and_largest(k: int) -> None:
    a = _positive()
    code = topk_atoms(a, k)
    assert ((code != 0).sum(dim=1) == k).all()
    kth = a.topk(k, dim=1).values[:, -1:, :]
    kept = code != 0
    assert (a[kept] >= kth.expand_as(a)[kept]).all()
    assert torch.equal(code[kept], a[kept])  # values preserved, not rounded


@pytest.mark.parametrize("k", [1, 3])
def test_topk_time_exact_count_per_atom(k: int) -> None:
    a = _positive()
    code = topk_time(a, k)
    assert ((code != 0).sum(dim=2) == k).all()
    assert torch.equal(code[code != 0], a[code != 0])
    # every kept entry beats every dropped entry of the same atom
    kept_min = torch.where(code != 0, a, torch.full_like(a, float("inf"))).amin(dim=2)
    dropped_max = torch.where(code == 0, a, torch.full_like(a, float("-inf"))).amax(dim=2)
    assert (kept_min > dropped_max).all()


def test_topk_bar_exact_count_per_group_uneven_bars() -> None:
    a = _positive(cols=11)
    groups = torch.tensor([0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3])
    k = 5
    code = topk_bar(a, k, groups)
    for bar in range(4):
        cols = groups == bar
        counts = (code[:, :, cols] != 0).flatten(1).sum(dim=1)
        assert (counts == k).all(), (bar, counts)
        block = a[:, :, cols].flatten(1)
        expected = block.topk(k, dim=1).values.sort(dim=1).values
        got = code[:, :, cols].flatten(1)
        got = got[got != 0].view(a.shape[0], k).sort(dim=1).values
        assert torch.equal(got, expected)


def test_topk_bar_matches_per_bar_loop_on_random_groups() -> None:
    a = torch.randn(2, 6, 9, generator=torch.Generator().manual_seed(3))
    groups = torch.tensor([2, 0, 2, 1, 0, 1, 1, 2, 0])  # non-contiguous assignment
    code = topk_bar(a, 4, groups)
    for n in range(2):
        for bar in range(3):
            cols = (groups == bar).nonzero().flatten()
            block = a[n][:, cols].flatten()
            winners = block.topk(4).values
            winners = winners[winners > 0]
            got = code[n][:, cols].flatten()
            assert torch.equal(got[got != 0].sort().values, winners.sort().values)


def test_gradient_flows_only_through_winners() -> None:
    a = _positive().requires_grad_(True)
    code = topk_atoms(a, 2)
    weights = torch.randn_like(code)
    (code * weights).sum().backward()
    assert a.grad is not None
    kept = code.detach() != 0
    assert torch.equal(a.grad[kept], weights[kept])
    assert (a.grad[~kept] == 0).all()


@pytest.mark.parametrize("fn", ["atoms", "time", "bar"])
def test_non_positive_never_wins_and_silence_gives_zero_code(fn: str) -> None:
    groups = torch.arange(8) // 4
    a = -torch.rand(2, 5, 8) - 0.01
    a[0, 2, 3] = 0.7  # a single positive entry
    code = sparsify(a, fn, 3, groups)
    assert (code >= 0).all()
    assert int((code != 0).sum()) == 1 and code[0, 2, 3] == 0.7
    silent = torch.zeros(2, 5, 8)
    assert (sparsify(silent, fn, 3, groups) == 0).all()


def test_fewer_positives_than_k_keeps_only_positives() -> None:
    a = torch.tensor([[[0.5], [-1.0], [0.25], [0.0]]])  # (1, 4 atoms, 1 column)
    code = topk_atoms(a, 3)
    assert code.flatten().tolist() == [0.5, 0.0, 0.25, 0.0]


def test_ties_are_deterministic_lower_index_wins() -> None:
    a = torch.ones(1, 6, 4)
    code = topk_atoms(a, 2)
    assert (code[0, :2] == 1).all() and (code[0, 2:] == 0).all()
    code_t = topk_time(a, 1)
    assert (code_t[0, :, 0] == 1).all() and (code_t[0, :, 1:] == 0).all()
    code_b = topk_bar(a, 3, torch.tensor([0, 0, 1, 1]))
    # within a bar: lower atom first, then earlier column
    assert code_b[0].nonzero().tolist() == [[0, 0], [0, 1], [0, 2], [0, 3], [1, 0], [1, 2]]
    assert torch.equal(topk_atoms(a, 2), code)


def test_k_larger_than_set_keeps_every_positive() -> None:
    a = torch.randn(2, 4, 5, generator=torch.Generator().manual_seed(1))
    assert torch.equal(topk_atoms(a, 10), a.clamp_min(0))
    assert torch.equal(topk_time(a, 10), a.clamp_min(0))


def test_dtype_and_device_preserved() -> None:
    a = _positive().double()
    code = topk_atoms(a, 2)
    assert code.dtype == torch.float64
    assert torch.equal(code[code != 0], a[code != 0])


def test_bad_arguments_raise_parameter_error() -> None:
    a = _positive()
    with pytest.raises(ParameterError, match="k must be"):
        topk_atoms(a, 0)
    with pytest.raises(ParameterError, match="axis"):
        sparsify(a, "channels", 1)
    with pytest.raises(ParameterError, match="groups"):
        sparsify(a, "bar", 1)
    with pytest.raises(ParameterError, match="shape"):
        topk_bar(a, 1, torch.zeros(3, dtype=torch.long))
    with pytest.raises(ParameterError, match="shape"):
        topk_atoms(a[0], 1)
