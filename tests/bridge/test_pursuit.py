"""Non-negative OMP over a dictionary (bridge/pursuit.py)."""

from __future__ import annotations

import numpy as np
import pytest

from sidl.bridge.errors import ParameterError
from sidl.bridge.pursuit import pursue, pursuit_patches


def _atoms(n: int, d: int, seed: int = 0) -> np.ndarray:
    w = np.random.default_rng(seed).normal(size=(n, d))
    return w / np.linalg.norm(w, axis=1, keepdims=True)


def test_recovers_a_sparse_non_negative_combination() -> None:
    atoms = _atoms(64, 256)
    rng = np.random.default_rng(1)
    truth = np.zeros((20, 64))
    for row in truth:
        row[rng.choice(64, 3, replace=False)] = rng.uniform(0.5, 2.0, 3)
    code = pursue(truth @ atoms, atoms, 3)
    assert code.dtype == np.float32 and code.shape == (20, 64)
    np.testing.assert_allclose(code, truth, atol=1e-4)


def test_at_most_k_non_negative_entries_and_silence_stays_silent() -> None:
    atoms = _atoms(32, 40, seed=2)
    x = np.random.default_rng(3).normal(size=(2, 5, 40))
    x[1, 2] = 0.0
    for k in (1, 2, 5):
        code = pursue(x, atoms, k)
        assert code.shape == (2, 5, 32)
        assert ((code != 0).sum(-1) <= k).all()
        assert (code >= 0).all()
        assert not code[1, 2].any()


def test_more_atoms_explain_more() -> None:
    atoms = _atoms(48, 64, seed=4)
    x = np.abs(np.random.default_rng(5).normal(size=(30, 64)))  # positive targets: no clamping needed
    errors = [np.square(x - pursue(x, atoms, k) @ atoms).sum() for k in range(1, 7)]
    assert all(b <= a + 1e-6 for a, b in zip(errors, errors[1:])), errors
    assert errors[-1] < 0.9 * errors[0]


def test_bias_is_removed_before_coding() -> None:
    atoms = _atoms(16, 24, seed=6)
    x = np.random.default_rng(7).normal(size=(4, 24))
    bias = np.linspace(-1, 1, 24)
    np.testing.assert_allclose(pursue(x + bias, atoms, 3, bias), pursue(x, atoms, 3), atol=1e-5)


def test_patches_follow_the_dictionary_flattening() -> None:
    grid = np.arange(2 * 3 * 8, dtype=np.float32).reshape(2, 3, 8)
    p = pursuit_patches(grid, 4)
    assert p.shape == (2, 2, 12)
    np.testing.assert_array_equal(p[0, 1], grid[0, :, 4:8].reshape(-1))
    with pytest.raises(ParameterError, match="multiple of 4"):
        pursuit_patches(grid[:, :, :6], 4)


@pytest.mark.parametrize("k", [0, -1, 1.5, True])
def test_bad_k_is_refused(k: object) -> None:
    with pytest.raises(ParameterError, match="k must be"):
        pursue(np.zeros((1, 4)), np.eye(4), k)  # type: ignore[arg-type]


def test_size_mismatch_is_named() -> None:
    with pytest.raises(ParameterError, match="5 values each but atoms have 4"):
        pursue(np.zeros((1, 5)), np.eye(4), 1)


def test_long_inputs_are_coded_in_blocks_with_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory stays bounded on a long file: the patches are coded a block at a time, and the codes
    are the ones a single pass gives (each patch is its own problem)."""
    from sidl.bridge import pursuit

    rng = np.random.default_rng(7)
    atoms = np.abs(rng.normal(size=(20, 30))).astype(np.float32)
    patches = np.abs(rng.normal(size=(2, 37, 30))).astype(np.float32)
    whole = pursuit.Pursuer(atoms).code(patches, 3)
    blocks: list[int] = []
    code_block = pursuit.Pursuer._code_block
    monkeypatch.setattr(pursuit.Pursuer, "_code_block",
                        lambda self, x, k: (blocks.append(len(x)), code_block(self, x, k))[1])
    monkeypatch.setattr(pursuit, "CHUNK_VALUES", 3 * 21 * 10)  # 10 patches a block
    blocked = pursuit.Pursuer(atoms).code(patches, 3)
    # the same atoms for every patch; their values up to float rounding (a matrix product's summation
    # order may depend on how many rows it has, e.g. where another BLAS build is loaded)
    np.testing.assert_array_equal(blocked != 0, whole != 0)
    np.testing.assert_allclose(blocked, whole, rtol=1e-5, atol=1e-6)
    assert blocks == [10] * 7 + [4]
    assert pursuit.Pursuer(atoms).code(np.zeros((0, 30), np.float32), 3).shape == (0, 20)
