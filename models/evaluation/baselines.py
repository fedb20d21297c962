"""Reference systems the learned models are compared against.

Every baseline has ``reconstruct(grid, n_nonzero=None) -> grid`` so an evaluation loop can treat
them (and the learned models) alike:

- :class:`IdentityBaseline` returns its input: the score of "do nothing", i.e. how damaged the
  corrupted input is.
- :class:`GridSnapBaseline` keeps hits and velocities and zeroes the micro-timing offsets: the
  timing error a model must beat to claim it restores feel rather than quantizing it away.
- :class:`PatchDictionaryBaseline` is classical sparse dictionary learning on one-bar patches
  (scikit-learn's mini-batch dictionary learning, OMP coding). It answers "does the neural model
  beat the textbook method at the same atom budget?".

**Atom budget.** For the patch dictionary, ``n_nonzero`` is the number of non-zero coefficients
used to code *each bar patch* (``patch_steps`` steps, all channels). A budget of ``k`` means every
bar is rebuilt from at most ``k`` dictionary atoms, the same meaning "atoms per bar" has for the
learned models, so results at equal budget are comparable.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.decomposition import MiniBatchDictionaryLearning, sparse_encode
from sklearn.exceptions import ConvergenceWarning

from sidl.bridge.errors import CodecMismatchError, ModelError, ParameterError

log = logging.getLogger(__name__)

DRUM_ROWS = 27
N_DRUM_CLASSES = 9
_FORMAT_VERSION = 1


def _as_grid(grid: np.ndarray) -> np.ndarray:
    arr = np.asarray(grid, dtype=np.float32)
    if arr.ndim != 2:
        raise ParameterError(f"expected a 2-D grid (rows, steps), got shape {arr.shape}")
    return arr


class IdentityBaseline:
    """Returns the input grid unchanged (a copy): the score of not repairing anything."""

    def reconstruct(self, grid: np.ndarray, n_nonzero: int | None = None) -> np.ndarray:
        """Return a float32 copy of ``grid``; ``n_nonzero`` is accepted and ignored."""
        return _as_grid(grid).copy()


class GridSnapBaseline:
    """Keeps hits and velocities, sets every micro-timing offset to 0 (a fully quantized groove).

    Only meaningful for grids with an offset block (the drum layout ``[hits | velocity | offset]``
    of ``n_classes`` classes); a piano grid's third block is *hold*, so it is refused.
    """

    def __init__(self, n_classes: int = N_DRUM_CLASSES) -> None:
        self.n_classes = n_classes

    def reconstruct(self, grid: np.ndarray, n_nonzero: int | None = None) -> np.ndarray:
        """Return a copy of ``grid`` with the offset rows zeroed; ``n_nonzero`` is ignored."""
        out = _as_grid(grid).copy()
        if out.shape[0] != 3 * self.n_classes:
            raise CodecMismatchError(
                f"grid snap needs a drum grid of {3 * self.n_classes} rows (hits, velocity, offset), "
                f"got {out.shape[0]}"
            )
        out[2 * self.n_classes:] = 0.0
        return out


def default_bounds(n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Valid value range per row: ``[0, 1]`` everywhere, except ``[-0.5, 0.5]`` for drum offsets.

    A 27-row grid is taken to be the drum layout (rows 18..26 are offsets in steps); any other
    row count (e.g. the 264-row piano grid) is all in ``[0, 1]``.
    """
    lower = np.zeros(n_rows, dtype=np.float32)
    upper = np.ones(n_rows, dtype=np.float32)
    if n_rows == DRUM_ROWS:
        lower[2 * N_DRUM_CLASSES:] = -0.5
        upper[2 * N_DRUM_CLASSES:] = 0.5
    return lower, upper


class PatchDictionaryBaseline:
    """Sparse coding of bar patches over a learned dictionary (classical dictionary learning).

    A grid ``(rows, T)`` is cut into non-overlapping, bar-aligned patches of ``patch_steps`` steps
    (the last partial bar zero-padded); each patch is flattened row-major to ``rows·patch_steps``
    values. :meth:`fit` learns ``n_atoms`` unit-norm atoms on such patches;
    :meth:`reconstruct` codes each patch with OMP using at most ``n_nonzero`` atoms (the atom
    budget per bar, see the module docstring) and rebuilds the grid, clipped to the valid range of
    each row. Works for any channel count (drums: 27 rows, piano: 264 rows).
    """

    def __init__(self) -> None:
        self.components_: np.ndarray | None = None  # (n_atoms, rows·patch_steps), unit-norm rows
        self.n_rows: int = 0
        self.patch_steps: int = 0
        self.lower: np.ndarray = np.zeros(0, dtype=np.float32)
        self.upper: np.ndarray = np.zeros(0, dtype=np.float32)
        self.seed: int = 0

    @property
    def n_atoms(self) -> int:
        return 0 if self.components_ is None else int(self.components_.shape[0])

    @property
    def is_fitted(self) -> bool:
        return self.components_ is not None

    # ------------------------------------------------------------------ patches
    def _patches(self, grid: np.ndarray, patch_steps: int) -> np.ndarray:
        """``(n_bars, rows·patch_steps)`` patches of ``grid``, last bar zero-padded."""
        rows, t = grid.shape
        n_bars = -(-t // patch_steps)
        padded = np.zeros((rows, n_bars * patch_steps), dtype=np.float32)
        padded[:, :t] = grid
        return padded.reshape(rows, n_bars, patch_steps).transpose(1, 0, 2).reshape(n_bars, rows * patch_steps)

    def _unpatch(self, patches: np.ndarray, n_steps: int) -> np.ndarray:
        n_bars = patches.shape[0]
        grid = patches.reshape(n_bars, self.n_rows, self.patch_steps).transpose(1, 0, 2)
        return grid.reshape(self.n_rows, n_bars * self.patch_steps)[:, :n_steps]

    # ------------------------------------------------------------------ learning
    def fit(
        self,
        grids: Sequence[np.ndarray],
        n_atoms: int = 128,
        patch_steps: int = 16,
        seed: int = 0,
        max_patches: int = 20000,
        *,
        alpha: float = 0.1,
        batch_size: int = 512,
        max_epochs: int = 10,
    ) -> PatchDictionaryBaseline:
        """Learn the dictionary from training grids; returns ``self``.

        All-zero patches (silent bars) are dropped since they cost no atoms at coding time; if more
        than ``max_patches`` remain, a random subset (``seed``) is used. Atoms start from randomly
        chosen training patches (so repeated patterns are found quickly) and are refined by
        :class:`~sklearn.decomposition.MiniBatchDictionaryLearning` with L1 weight ``alpha`` for at
        most ``max_epochs`` passes over the patches (early stopping on a stalled objective). With
        the defaults, 20k drum patches fit in well under a minute on 2 cores.
        """
        if not grids:
            raise ParameterError("fit needs at least one grid")
        if n_atoms < 1 or patch_steps < 1 or max_patches < 1:
            raise ParameterError(
                f"n_atoms, patch_steps and max_patches must be >= 1, got {n_atoms}, {patch_steps}, {max_patches}"
            )
        arrays = [_as_grid(g) for g in grids]
        n_rows = arrays[0].shape[0]
        for i, g in enumerate(arrays):
            if g.shape[0] != n_rows:
                raise CodecMismatchError(f"grid {i} has {g.shape[0]} rows, grid 0 has {n_rows}")
        patches = np.concatenate([self._patches(g, patch_steps) for g in arrays])
        patches = patches[np.any(patches != 0.0, axis=1)]
        if len(patches) == 0:
            raise ParameterError("fit needs at least one non-silent bar; every patch is all zeros")
        rng = np.random.default_rng(seed)
        if len(patches) > max_patches:
            patches = patches[rng.choice(len(patches), size=max_patches, replace=False)]
        dict_init = self._initial_atoms(patches, n_atoms, rng)
        learner = MiniBatchDictionaryLearning(
            n_components=n_atoms,
            alpha=alpha,
            max_iter=max_epochs,
            fit_algorithm="cd",
            batch_size=min(batch_size, len(patches)),
            dict_init=dict_init,
            transform_algorithm="omp",
            random_state=seed,
            n_jobs=1,
        )
        started = time.perf_counter()
        with warnings.catch_warnings():
            # The inner lasso solves are warm-started per mini-batch; not converging one batch
            # is expected with a few epochs and harmless to the dictionary update.
            warnings.simplefilter("ignore", category=ConvergenceWarning)
            warnings.simplefilter("ignore", category=RuntimeWarning)
            learner.fit(patches.astype(np.float64))
        components = np.asarray(learner.components_, dtype=np.float64)
        norms = np.linalg.norm(components, axis=1, keepdims=True)
        components = np.where(norms > 1e-12, components / np.maximum(norms, 1e-12), dict_init)
        self.components_ = components.astype(np.float32)
        self.n_rows, self.patch_steps, self.seed = n_rows, patch_steps, seed
        self.lower, self.upper = default_bounds(n_rows)
        log.info(
            "patch dictionary: %d atoms of %d×%d learned on %d patches in %.1f s (%d steps)",
            n_atoms, n_rows, patch_steps, len(patches), time.perf_counter() - started, learner.n_steps_,
        )
        return self

    @staticmethod
    def _initial_atoms(patches: np.ndarray, n_atoms: int, rng: np.random.Generator) -> np.ndarray:
        """Unit-norm starting atoms: distinct training patches, topped up with random directions."""
        unique = np.unique(patches, axis=0)
        take = rng.choice(len(unique), size=min(n_atoms, len(unique)), replace=False)
        atoms = unique[take].astype(np.float64)
        if len(atoms) < n_atoms:
            extra = np.abs(rng.normal(size=(n_atoms - len(atoms), patches.shape[1])))
            atoms = np.concatenate([atoms, extra])
        return atoms / np.linalg.norm(atoms, axis=1, keepdims=True)

    # ------------------------------------------------------------------ coding
    def _require_fitted(self, grid: np.ndarray) -> np.ndarray:
        if self.components_ is None:
            raise ModelError("PatchDictionaryBaseline is not fitted; call fit() or load() first")
        arr = _as_grid(grid)
        if arr.shape[0] != self.n_rows:
            raise CodecMismatchError(f"dictionary was learned on {self.n_rows}-row grids, got {arr.shape[0]} rows")
        return arr

    def encode(self, grid: np.ndarray, n_nonzero: int) -> np.ndarray:
        """OMP codes ``(n_bars, n_atoms)`` of each bar patch, at most ``n_nonzero`` non-zeros per bar."""
        arr = self._require_fitted(grid)
        if int(n_nonzero) != n_nonzero or n_nonzero < 0:
            raise ParameterError(f"n_nonzero must be a non-negative integer, got {n_nonzero}")
        assert self.components_ is not None
        patches = self._patches(arr, self.patch_steps).astype(np.float64)
        codes = np.zeros((len(patches), self.n_atoms), dtype=np.float64)
        k = min(int(n_nonzero), self.n_atoms, patches.shape[1])
        active = np.any(patches != 0.0, axis=1)
        if k == 0 or not active.any():
            return codes
        with warnings.catch_warnings():
            # OMP warns when a patch is exactly explained before the budget is spent; that is fine.
            warnings.simplefilter("ignore", category=RuntimeWarning)
            codes[active] = sparse_encode(
                patches[active],
                self.components_.astype(np.float64),
                algorithm="omp",
                n_nonzero_coefs=k,
                n_jobs=1,
            )
        return codes

    def decode(self, codes: np.ndarray, n_steps: int) -> np.ndarray:
        """Grid ``(rows, n_steps)`` from codes ``(n_bars, n_atoms)``, clipped to each row's valid range."""
        if self.components_ is None:
            raise ModelError("PatchDictionaryBaseline is not fitted; call fit() or load() first")
        patches = np.asarray(codes, dtype=np.float64) @ self.components_.astype(np.float64)
        grid = self._unpatch(patches, n_steps)
        return np.clip(grid, self.lower[:, None], self.upper[:, None]).astype(np.float32)

    def reconstruct(self, grid: np.ndarray, n_nonzero: int | None = None) -> np.ndarray:
        """Code ``grid`` with at most ``n_nonzero`` atoms per bar and rebuild it (same shape).

        ``n_nonzero`` is required here (``None`` only exists for interface parity with the other
        baselines).
        """
        if n_nonzero is None:
            raise ParameterError("PatchDictionaryBaseline.reconstruct needs an atom budget n_nonzero")
        arr = self._require_fitted(grid)
        return self.decode(self.encode(arr, n_nonzero), arr.shape[1])

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | Path) -> Path:
        """Write the dictionary as an ``.npz`` of plain arrays (no pickle); returns the path as written."""
        if self.components_ is None:
            raise ModelError("cannot save an unfitted PatchDictionaryBaseline")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:  # a file handle keeps the name exactly (np.savez would add .npz)
            np.savez(
                fh,
                format_version=np.int64(_FORMAT_VERSION),
                components=self.components_,
                n_rows=np.int64(self.n_rows),
                patch_steps=np.int64(self.patch_steps),
                lower=self.lower,
                upper=self.upper,
                seed=np.int64(self.seed),
            )
        return path

    @classmethod
    def load(cls, path: str | Path) -> PatchDictionaryBaseline:
        """Read a dictionary written by :meth:`save`; raises :class:`ModelError` if unreadable."""
        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as data:
                version = int(data["format_version"])
                if version != _FORMAT_VERSION:
                    raise ModelError(f"{path}: patch dictionary format {version}, expected {_FORMAT_VERSION}")
                model = cls()
                model.components_ = np.asarray(data["components"], dtype=np.float32)
                model.n_rows = int(data["n_rows"])
                model.patch_steps = int(data["patch_steps"])
                model.lower = np.asarray(data["lower"], dtype=np.float32)
                model.upper = np.asarray(data["upper"], dtype=np.float32)
                model.seed = int(data["seed"])
        except FileNotFoundError as exc:
            raise ModelError(f"{path}: no such patch dictionary file") from exc
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"{path}: not a patch dictionary file ({exc})") from exc
        if model.components_.shape[1] != model.n_rows * model.patch_steps or model.lower.shape != (model.n_rows,):
            raise ModelError(
                f"{path}: components of shape {model.components_.shape} do not match "
                f"{model.n_rows} rows × {model.patch_steps} steps"
            )
        return model
