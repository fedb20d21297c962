"""The approximate-nearest-neighbour index of a library: a thin wrapper over faiss-cpu (the [search] extra).

faiss-cpu was chosen over hnswlib and usearch on the same vectors (docs/library-search.md has the
table and the reasons): an HNSW graph like the others, with wheels for Linux, macOS and Windows
(hnswlib has only a source package on PyPI for Python 3.11), and safe beside onnxruntime (usearch
2.26, imported before an onnxruntime session is created, crashes the process: measured here).
Vectors are normalised before they come here, so inner product is cosine.

Everything else in sidl sees only :class:`AnnIndex`: ``search`` (ids, best first), ``count``,
``save``; :func:`build_ann` and :func:`load_ann`. Importing this module does not import faiss;
building or loading does, and a missing faiss is a ``ModuleNotFoundError`` the CLI turns into one
line naming the extra.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from sidl.bridge.errors import DatasetError

log = logging.getLogger(__name__)

BACKEND = "faiss"
EXTRA = "search"
#: HNSW settings: M (neighbours per node), efConstruction, efSearch (raised to the candidates asked for)
DEFAULT_PARAMS: dict[str, Any] = {"backend": BACKEND, "kind": "HNSWFlat", "M": 32, "ef_construction": 100,
                                  "ef_search": 256}
_ADD_CHUNK = 50_000  # vectors added at a time (progress between chunks)


def _faiss() -> Any:
    import faiss  # the [search] extra

    return faiss


def require() -> None:
    """Import the backend now (``ModuleNotFoundError`` naming it when the [search] extra is missing),
    so a command fails before it encodes anything."""
    _faiss()


def default_params() -> dict[str, Any]:
    return dict(DEFAULT_PARAMS)


class AnnIndex:
    """Normalised vectors of ``dims`` dimensions under ids 0..count−1, searched by inner product."""

    def __init__(self, index: Any, params: dict[str, Any]) -> None:
        self._index = index
        self.params = params

    @property
    def count(self) -> int:
        return int(self._index.ntotal)

    @property
    def dims(self) -> int:
        return int(self._index.d)

    def search(self, vector: np.ndarray, k: int) -> np.ndarray:
        """Ids of the (about) ``k`` nearest vectors to ``vector``, nearest first."""
        if self.count == 0 or k < 1:
            return np.zeros(0, np.int64)
        k = min(k, self.count)
        self._index.hnsw.efSearch = max(int(self.params.get("ef_search", 64)), k)
        _, ids = self._index.search(np.ascontiguousarray(np.asarray(vector, np.float32).reshape(1, -1)), k)
        found = np.asarray(ids[0], np.int64)
        return found[found >= 0]

    def save(self, path: Path) -> None:
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            _faiss().write_index(self._index, str(tmp))
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)

    def close(self) -> None:
        """Nothing to release: the index lives in memory."""


def build_ann(vectors: np.ndarray, params: dict[str, Any], *, threads: int = 1,
              progress: Callable[[int, int], None] | None = None) -> AnnIndex:
    """An index over ``vectors`` (n, dims), ids 0..n−1."""
    faiss = _faiss()
    n, dims = vectors.shape
    index = faiss.IndexHNSWFlat(dims, int(params["M"]), faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = int(params["ef_construction"])
    faiss.omp_set_num_threads(max(1, threads))
    if progress is not None:
        progress(0, n)
    for lo in range(0, n, _ADD_CHUNK):
        index.add(np.ascontiguousarray(vectors[lo : lo + _ADD_CHUNK], np.float32))
        if progress is not None:
            progress(min(n, lo + _ADD_CHUNK), n)
    faiss.omp_set_num_threads(1)  # one query at a time: threads would only add overhead
    return AnnIndex(index, params)


def load_ann(params: dict[str, Any], path: Path, *, dims: int) -> AnnIndex:
    """The index saved at ``path``, checked against the library's dimensions."""
    faiss = _faiss()
    if params.get("backend") != BACKEND:
        raise DatasetError(f"{path}: an ANN index of backend {params.get('backend')!r}; this sidl reads {BACKEND!r}")
    if not path.is_file():
        raise DatasetError(f"{path}: the library's ANN index is missing (damaged library); rebuild it with --rebuild")
    try:
        index = faiss.read_index(str(path))
    except RuntimeError as exc:
        raise DatasetError(f"{path}: cannot read the ANN index ({str(exc).strip().splitlines()[0]})") from None
    if int(index.d) != dims or not hasattr(index, "hnsw"):
        raise DatasetError(f"{path}: not an HNSW index of {dims} dimensions (damaged library)")
    faiss.omp_set_num_threads(1)
    return AnnIndex(index, params)
