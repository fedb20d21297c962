"""The runtime engine: an exported sidl model on onnxruntime, shared by the live daemon and the tools.

:class:`Engine` loads a model by name (bundled with the package) or by path, refuses anything that is
not a self-contained sidl ONNX export, binds an execution provider (CUDA only when the session really
runs on it), and turns grids into sparse codes and back. Codes are plain float32 numpy arrays
(atoms, columns), batched as (streams, atoms, columns): the sparse-code operations in
:mod:`bridge.ops` edit them between :meth:`Engine.encode` and :meth:`Engine.decode`.

Two coders: ``network`` runs the exported encoder graph (encoder, k-WTA, refinement steps);
``pursuit`` runs non-negative OMP (:mod:`bridge.pursuit`) over the model's atoms, read out of the
decoder graph itself at load time so the two can never disagree. A model's metadata names its default.

Thread-safety: one Engine may be used from one thread at a time (onnxruntime sessions are safe to
share, but the engine's cached buffers are not).
"""

from __future__ import annotations

import ctypes
import gc
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from sidl.bridge.codecs import Codec, codec_from_spec
from sidl.bridge.errors import CodecMismatchError, ModelError, ParameterError
from sidl.bridge.geometry import CodeGeometry
from sidl.bridge.model_info import ModelInfo
from sidl.bridge.onnx_scan import check_self_contained
from sidl.bridge.providers import PROVIDERS as PROVIDERS  # the --provider values, defined there
from sidl.bridge.providers import check_bound, name_of, quiet_level, quiet_onnxruntime, requested
from sidl.bridge.pursuit import Pursuer, pursuit_patches

log = logging.getLogger(__name__)

BUNDLED_DIR = Path(__file__).resolve().parent / "bundled"
ENCODER_FILE = "encoder.onnx"
DECODER_FILE = "decoder.onnx"
CHUNK_BARS = 16  # long grids are coded this many bars at a time (bounded memory; same code)
MAX_MODEL_BYTES = 64 * 1024 * 1024  # the bundled drum encoder is ~10 MB; anything far larger is not ours
CODERS = ("network", "pursuit")


def bundled_names() -> list[str]:
    """Models shipped inside the package (``drums``, ``piano``, ``seed-drums``)."""
    if not BUNDLED_DIR.is_dir():
        return []
    return sorted(p.name for p in BUNDLED_DIR.iterdir() if (p / ENCODER_FILE).is_file() and (p / DECODER_FILE).is_file())


def resolve_model_files(model: str | Path) -> tuple[Path, Path]:
    """A bundled name, a folder holding encoder.onnx + decoder.onnx, or either of those two files."""
    text = str(model)
    if text in bundled_names():
        return BUNDLED_DIR / text / ENCODER_FILE, BUNDLED_DIR / text / DECODER_FILE
    path = Path(model)
    if path.is_dir():
        folder = path
    elif path.is_file():
        if path.suffix != ".onnx":
            raise ModelError(f"model file {path} is not a .onnx file; sidl loads only ONNX exports (never pickles)")
        if path.name not in (ENCODER_FILE, DECODER_FILE):
            raise ModelError(f"model file {path} must be named {ENCODER_FILE} or {DECODER_FILE} (beside its twin)")
        folder = path.parent
    else:
        raise ModelError(f"model {text!r} is neither a bundled model ({', '.join(bundled_names()) or 'none'}) "
                         "nor an existing folder or .onnx file")
    enc, dec = folder / ENCODER_FILE, folder / DECODER_FILE
    for f in (enc, dec):
        if not f.is_file():
            raise ModelError(f"{folder}: missing {f.name}; a sidl model is a folder with {ENCODER_FILE} and {DECODER_FILE}")
    return enc, dec


def _read_model_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_MODEL_BYTES:
        raise ModelError(f"{path}: {size} bytes is over the {MAX_MODEL_BYTES}-byte limit for a sidl model")
    data = path.read_bytes()
    if data[:1] == b"\x80" or data[:2] == b"PK":
        raise ModelError(f"{path}: looks like a pickle or zip (torch checkpoint), not ONNX; export it with `sidl export`")
    return data


def _session_options(threads: int) -> Any:
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")  # no busy cores between windows
    so.log_severity_level = quiet_level()  # provider failures are said once, by bridge.providers
    return so


def _requested_providers(provider: str) -> list[str]:
    import onnxruntime as ort

    quiet_onnxruntime(ort)  # before any session: its CUDA failures would print red blocks
    return requested(ort, provider)


def _open_session(path: Path, provider: str, threads: int) -> Any:
    import onnxruntime as ort

    providers = _requested_providers(provider)
    data = _read_model_bytes(path)
    # Loaded from bytes, onnxruntime would resolve external-data paths against the current folder:
    # any tensor pointing outside the file is refused here, wherever it points.
    malformed = check_self_contained(data, str(path))
    try:
        session = ort.InferenceSession(data, _session_options(threads), providers=providers)
    except Exception as exc:  # onnxruntime raises its own Fail/InvalidGraph/NoSuchFile types
        raise ModelError(f"{path}: onnxruntime cannot load it ({type(exc).__name__}: {str(exc)[:300]})") from None
    if malformed is not None:  # onnxruntime read what the external-data scan could not: refuse anyway
        raise ModelError(f"{path}: not a well-formed ONNX file ({malformed})")
    check_bound(ort, provider, providers, session.get_providers(), str(path))  # cuda: an error; auto: one line
    return session


class CodeModel(Protocol):
    """What the live bridge and :func:`bridge.denoise.clean` ask of a model: an :class:`Engine`, or
    the same model run in a worker process (:class:`bridge.live.model_worker.WorkerEngine`)."""

    info: ModelInfo
    codec: Codec
    geometry: CodeGeometry

    @property
    def provider(self) -> str: ...

    def describe(self) -> dict[str, Any]: ...

    def encode(self, grid: np.ndarray, k: int | None = None, *, coder: str | None = None) -> np.ndarray: ...

    def decode(self, code: np.ndarray) -> np.ndarray: ...

    def reconstruct(self, grid: np.ndarray, k: int | None = None) -> np.ndarray: ...


@dataclass
class Decomposition:
    """Per-atom contributions (logit units, (C, T) each) and the constant part (the decoder bias);
    ``sum(parts.values()) + constant`` is the reconstruction's logits exactly (up to float rounding)."""

    parts: dict[int, np.ndarray]
    constant: np.ndarray


@dataclass
class Engine:
    """A loaded model. Build with :meth:`load`."""

    info: ModelInfo
    encoder: Any = field(repr=False)
    decoder: Any = field(repr=False)
    providers: list[str]
    coder: str
    geometry: CodeGeometry = field(init=False)
    codec: Codec = field(init=False, repr=False)
    _pursuer: Pursuer | None = field(default=None, init=False, repr=False)
    _buffers: dict[tuple[str, tuple[int, ...]], np.ndarray] = field(default_factory=dict, init=False, repr=False)
    # a pursuit model never runs its encoder graph unless asked for the network coder: the session
    # (about 40 MB for the drum model) is let go after loading and opened again on first use
    _open_encoder: Callable[[], Any] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.geometry = CodeGeometry(atoms=self.info.atoms, kernel=self.info.kernel, stride=self.info.stride,
                                     steps_per_bar=self.info.steps_per_bar)
        try:
            self.codec = codec_from_spec(self.info.codec_spec)
        except Exception as exc:
            raise ModelError(f"model {self.info.name!r}: its codec spec does not match this sidl's codecs ({exc})") from None
        if self.coder == "pursuit":
            self._pursuer = Pursuer(*self._read_atoms())

    # ------------------------------------------------------------------------------------ loading
    @classmethod
    def load(cls, model: str | Path = "drums", *, provider: str = "auto", threads: int = 1,
             coder: str | None = None, warmup: int = 3) -> Engine:
        """Load, validate against the metadata, bind providers and warm up.

        ``provider``: ``auto`` (CUDA when the session really binds it, else CPU), ``cpu`` or ``cuda``
        (an error if CUDA cannot be bound). ``threads``: onnxruntime intra-op threads (1 = lowest
        latency for one small window). ``coder``: ``network`` or ``pursuit`` (default: the model's).
        """
        if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
            raise ParameterError(f"threads must be an integer >= 1, got {threads!r}")
        enc_path, dec_path = resolve_model_files(model)
        encoder = _open_session(enc_path, provider, threads)
        decoder = _open_session(dec_path, provider, threads)
        info = ModelInfo.from_metadata(encoder.get_modelmeta().custom_metadata_map, source=str(enc_path), role="encoder")
        dec_info = ModelInfo.from_metadata(decoder.get_modelmeta().custom_metadata_map, source=str(dec_path), role="decoder")
        if dec_info.weights_sha256 != info.weights_sha256:
            raise ModelError(f"{enc_path} and {dec_path} come from different checkpoints "
                             f"({info.weights_sha256[:12]} vs {dec_info.weights_sha256[:12]})")
        _check_graphs(info, encoder, decoder, str(enc_path.parent))
        chosen = info.coder if coder is None else coder
        if chosen not in CODERS:
            raise ParameterError(f"coder must be one of {', '.join(CODERS)}, got {chosen!r}")
        if chosen == "pursuit" and not info.kernel == info.stride == info.steps_per_bar:
            raise ParameterError(f"coder 'pursuit' needs bar-long atoms placed once per bar; model {info.name!r} has "
                                 f"kernel {info.kernel}, stride {info.stride}, {info.steps_per_bar} steps per bar")
        engine = cls(info, encoder, decoder, list(encoder.get_providers()), chosen)
        for _ in range(warmup):
            engine.reconstruct(np.zeros((info.in_channels, info.steps_per_bar * info.window_bars), np.float32))
        if chosen == "pursuit":
            engine.encoder, engine._open_encoder = None, partial(_open_session, enc_path, provider, threads)
            del encoder  # the last reference: the session goes now, before the heap is trimmed
        _trim_heap()
        log.info("loaded %s %s on %s (coder %s)", info.name, info.version, engine.providers[0], chosen)
        return engine

    @property
    def provider(self) -> str:
        """What the model runs on: ``cuda`` or ``cpu`` (``--provider auto`` falls back to CPU)."""
        return name_of(self.providers)

    def describe(self) -> dict[str, Any]:
        """What was loaded and where it runs (for logs, ``/status`` and benchmarks)."""
        return {"model": self.info.name, "version": self.info.version, "codec": self.info.codec_name,
                "atoms": self.info.atoms, "k": self.info.k, "atoms_per_bar": self.info.atoms_per_bar,
                "coder": self.coder, "providers": self.providers,
                "window_bars": self.info.window_bars, "steps_per_bar": self.info.steps_per_bar}

    # ------------------------------------------------------------------------------------ shapes
    def _as_batch(self, grid: np.ndarray) -> tuple[np.ndarray, bool, int]:
        """(C, T) or (N, C, T) → float32 (N, C, T') padded to whole bars; returns (batch, was_single, T)."""
        arr = np.asarray(grid)
        single = arr.ndim == 2
        if single:
            arr = arr[None]
        if arr.ndim != 3:
            raise ParameterError(f"grid must be (channels, steps) or (streams, channels, steps), got shape {arr.shape}")
        if arr.shape[1] != self.info.in_channels:
            raise CodecMismatchError(
                f"grid has {arr.shape[1]} channels but model {self.info.name!r} expects {self.info.in_channels} "
                f"(the {self.info.codec_name} codec)")
        t = arr.shape[2]
        if t == 0:
            raise ParameterError("grid has no steps")
        spb = self.info.steps_per_bar
        padded = -(-t // spb) * spb
        arr = arr.astype(np.float32, copy=False)
        if padded != t:
            arr = np.pad(arr, ((0, 0), (0, 0), (0, padded - t)))
        if not np.isfinite(arr).all():
            raise ParameterError("grid holds NaN or infinite values")
        return np.ascontiguousarray(arr), single, t

    def _check_code(self, code: np.ndarray) -> tuple[np.ndarray, bool]:
        arr = np.asarray(code, dtype=np.float32)
        single = arr.ndim == 2
        if single:
            arr = arr[None]
        if arr.ndim != 3 or arr.shape[1] != self.info.atoms:
            raise ParameterError(f"code must be ({self.info.atoms}, columns) or (streams, {self.info.atoms}, columns), "
                                 f"got shape {np.shape(code)}")
        min_cols = self.info.kernel // self.info.stride
        if arr.shape[2] < min_cols:
            raise ParameterError(f"code needs at least {min_cols} columns, got {arr.shape[2]}")
        return np.ascontiguousarray(arr), single

    def steps_for_columns(self, columns: int) -> int:
        """Grid steps a code of ``columns`` columns decodes to."""
        return (columns - self.info.kernel // self.info.stride + 1) * self.info.stride

    # ------------------------------------------------------------------------------------ coding
    def encode(self, grid: np.ndarray, k: int | None = None, *, coder: str | None = None) -> np.ndarray:
        """Sparse code of a grid (padded with silence to whole bars): (atoms, columns), or batched.

        ``k``: atoms per bar, for every model (converted here, once, to the winners per competition
        set of the model's WTA axis: :meth:`ModelInfo.encoder_k`); default the trained budget.
        """
        if k is None:
            k = self.info.k
        else:
            if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
                raise ParameterError(f"k must be an integer >= 1, got {k!r}")
            k = self.info.encoder_k(int(k))
        coder = self.coder if coder is None else coder
        batch, single, _ = self._as_batch(grid)
        if coder == "pursuit":
            if self._pursuer is None:
                if self.info.kernel != self.info.stride:
                    raise ParameterError(f"coder 'pursuit' needs kernel == stride; model {self.info.name!r} has "
                                         f"kernel {self.info.kernel}, stride {self.info.stride}")
                self._pursuer = Pursuer(*self._read_atoms())
            patches = pursuit_patches(batch, self.info.kernel)
            code = self._pursuer.code(patches, int(k)).transpose(0, 2, 1)
            code = np.ascontiguousarray(code)
        elif coder == "network":
            code = self._encode_network(batch, int(k))
        else:
            raise ParameterError(f"coder must be one of {', '.join(CODERS)}, got {coder!r}")
        return code[0] if single else code

    def _run_encoder(self, batch: np.ndarray, k: int) -> np.ndarray:
        cols = self.geometry.code_length(batch.shape[2])
        out = self._buffer("code", (batch.shape[0], self.info.atoms, cols))
        if self.encoder is None and self._open_encoder is not None:
            self.encoder = self._open_encoder()
        binding = self.encoder.io_binding()
        binding.bind_cpu_input("grid", batch)
        binding.bind_cpu_input("k", np.array(k, dtype=np.int64))
        binding.bind_output("code", "cpu", 0, np.float32, out.shape, out.ctypes.data)
        self.encoder.run_with_iobinding(binding)
        return out.copy()  # the buffer is reused by the next call of this shape

    def _buffer(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A preallocated output array per (name, shape): live windows repeat the same shapes, so
        onnxruntime writes into the same memory every bar instead of allocating."""
        key = (name, shape)
        buf = self._buffers.get(key)
        if buf is None:
            if len(self._buffers) > 64:  # offline tools see many shapes: keep the cache small
                self._buffers.clear()
            buf = self._buffers[key] = np.empty(shape, np.float32)
        return buf

    def _encode_network(self, batch: np.ndarray, k: int) -> np.ndarray:
        """The encoder graph, on long grids chunk by chunk with ``context_bars`` of context each side.

        The per-bar and per-column WTAs are local, so every chunk's central bars get exactly the code
        the whole grid would; the graph's per-bar competition costs memory quadratic in the length,
        which chunking keeps bounded. Top-k over time is global: never chunked.
        """
        spb, ctx = self.info.steps_per_bar, self.info.context_bars
        n_bars = batch.shape[2] // spb
        if self.info.wta_axis == "time" or n_bars <= CHUNK_BARS + 2 * ctx:
            return self._run_encoder(batch, k)
        steps = batch.shape[2]
        bars = self.geometry.column_bars(steps)
        out = np.zeros((batch.shape[0], self.info.atoms, len(bars)), np.float32)
        for first in range(0, n_bars, CHUNK_BARS):
            last = min(n_bars, first + CHUNK_BARS)
            lo, hi = max(0, first - ctx), min(n_bars, last + ctx)
            part = self._run_encoder(np.ascontiguousarray(batch[:, :, lo * spb : hi * spb]), k)
            columns = np.arange(part.shape[2]) + lo * spb // self.info.stride
            central = (bars[columns] >= first) & (bars[columns] < last)
            out[:, :, columns[central]] = part[:, :, central]
        return out

    def _decode_sparse(self, arr: np.ndarray) -> np.ndarray:
        """Bar-long atoms placed once per bar: the decoder is a sum of a few atoms per column, done
        directly on the non-zero entries (the decoder graph's own atoms; equal up to rounding)."""
        assert self._pursuer is not None
        n, _, cols = arr.shape
        c, kernel = self.info.in_channels, self.info.kernel
        patches = self._pursuer.decode(arr.transpose(0, 2, 1))  # (n, cols, C·kernel)
        return patches.reshape(n, cols, c, kernel).transpose(0, 2, 1, 3).reshape(n, c, cols * kernel)

    def decode_logits(self, code: np.ndarray) -> np.ndarray:
        """Linear dictionary sum plus decoder bias, (C, T) or batched."""
        arr, single = self._check_code(code)
        if self._pursuer is not None:
            logits = self._decode_sparse(arr)
        else:
            logits = self.decoder.run(["logits"], {"code": arr})[0]
        return logits[0] if single else logits

    def decode(self, code: np.ndarray) -> np.ndarray:
        """Code → grid in codec units, (C, T) or batched."""
        arr, single = self._check_code(code)
        if self._pursuer is not None and self.info.output == "linear":
            grid = self._decode_sparse(arr)
        else:
            grid = self.decoder.run(["grid"], {"code": arr})[0]
        if not np.isfinite(grid).all():  # a broken model must not play (or hide) garbage: the caller silences
            raise ModelError(f"model {self.info.name!r}: the decoder returned NaN or infinite values")
        return grid[0] if single else grid

    def reconstruct(self, grid: np.ndarray, k: int | None = None) -> np.ndarray:
        """decode(encode(grid)), cropped back to the grid's own length."""
        _, _, t = self._as_batch(grid)
        out = self.decode(self.encode(grid, k))
        return out[..., :t]

    def decompose(self, code: np.ndarray) -> Decomposition:
        """What each active atom contributes (one stream's code, (atoms, columns))."""
        arr, single = self._check_code(code)
        if not single and arr.shape[0] != 1:
            raise ParameterError(f"decompose takes one stream's code, got {arr.shape[0]} streams")
        arr = arr[0]
        active = np.flatnonzero(np.abs(arr).sum(axis=1))
        constant = self.decode_logits(np.zeros_like(arr))
        if len(active) == 0:
            return Decomposition({}, constant)
        stack = np.zeros((len(active),) + arr.shape, np.float32)
        stack[np.arange(len(active)), active] = arr[active]
        logits = self.decode_logits(stack) - constant[None]
        return Decomposition({int(a): logits[i] for i, a in enumerate(active)}, constant)

    def activate(self, logits: np.ndarray) -> np.ndarray:
        """Logits → codec units (what the decoder's ``grid`` output applies), for decomposed parts."""
        if self.info.output == "linear":
            return logits
        return self.codec.activate(logits)

    # ------------------------------------------------------------------------------------ internals
    def _read_atoms(self) -> tuple[np.ndarray, np.ndarray]:
        """The dictionary as (atoms, C·kernel) rows and the per-patch bias, decoded from the decoder
        graph (one identity code) rather than stored twice."""
        a, kernel = self.info.atoms, self.info.kernel
        eye = np.eye(a, dtype=np.float32)[None]  # atom j alone in column j
        logits = self.decoder.run(["logits"], {"code": eye})[0][0]  # (C, a·kernel)
        bias = self.decoder.run(["logits"], {"code": np.zeros((1, a, 1), np.float32)})[0][0]  # (C, kernel)
        c = self.info.in_channels
        atoms = (logits.reshape(c, a, kernel) - bias[:, None, :]).transpose(1, 0, 2).reshape(a, c * kernel)
        return atoms.astype(np.float32), bias.reshape(-1).astype(np.float32)


def _trim_heap() -> None:
    """Give the heap that loading freed back to the system (glibc keeps it otherwise): building the
    sessions and the encoder graph's release leave about 35 MB of free heap in a process that then
    runs for hours. Elsewhere than glibc, nothing to do."""
    gc.collect()  # what loading left in reference cycles goes first
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _check_graphs(info: ModelInfo, encoder: Any, decoder: Any, source: str) -> None:
    """The graphs' declared inputs and outputs must be the ones the metadata describes."""
    def shape_of(items: Sequence[Any], name: str, what: str) -> list[Any]:
        for item in items:
            if item.name == name:
                return list(item.shape)
        raise ModelError(f"{source}: the {what} has no {name!r} (found {[i.name for i in items]})")

    checks = [
        (shape_of(encoder.get_inputs(), "grid", "encoder input"), 1, info.in_channels, "encoder input 'grid' channels"),
        (shape_of(encoder.get_outputs(), "code", "encoder output"), 1, info.atoms, "encoder output 'code' atoms"),
        (shape_of(decoder.get_inputs(), "code", "decoder input"), 1, info.atoms, "decoder input 'code' atoms"),
        (shape_of(decoder.get_outputs(), "grid", "decoder output"), 1, info.in_channels, "decoder output 'grid' channels"),
        (shape_of(decoder.get_outputs(), "logits", "decoder output"), 1, info.in_channels, "decoder output 'logits' channels"),
    ]
    shape_of(encoder.get_inputs(), "k", "encoder input")
    for shape, axis, expected, what in checks:
        if len(shape) != 3 or shape[axis] != expected:
            raise ModelError(f"{source}: {what} is {shape} but the metadata says {expected}; the file contradicts itself")
