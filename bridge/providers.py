"""Where onnxruntime runs a model: the execution providers asked for, and why CUDA is not used.

``onnxruntime-gpu`` lists CUDA among its providers even where CUDA cannot load (no NVIDIA driver, no
GPU, CUDA or cuDNN libraries missing or of another major version); a session asked for CUDA then
prints two red ERROR blocks from onnxruntime's own logger and runs on CPU anyway (measured with
onnxruntime-gpu 1.31.1 on a machine without CUDA: two blocks per session, four per model load).
Here onnxruntime's logger is kept to fatal messages (errors that matter raise), onnxruntime still
decides whether CUDA binds, and when it does not, the reason is found once per process by loading
what CUDA needs directly (driver, then the provider's libraries) and said in one line; later
sessions go straight to CPU. Installed from pip (``onnxruntime-gpu[cuda,cudnn]``), the NVIDIA
libraries are found only once preloaded, which is done before the first CUDA session.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import io
import logging
import sys
from pathlib import Path
from typing import Any

from sidl.bridge.errors import ModelError, ParameterError

log = logging.getLogger(__name__)

PROVIDERS = ("auto", "cpu", "cuda")
CUDA = "CUDAExecutionProvider"
CPU = "CPUExecutionProvider"
CUDNN_MAJOR = 9  # every onnxruntime-gpu wheel on PyPI since 1.19 is built with cuDNN 9

_state: dict[str, Any] = {}  # per process: "failed" (the reason CUDA did not bind), "said", "preloaded"


def reset() -> None:
    """Forget what was learnt about CUDA in this process (tests)."""
    _state.clear()


def quiet_level() -> int:
    """onnxruntime's log severity: fatal only (4), or warnings (2) when sidl itself logs at debug (-vv)."""
    return 2 if log.isEnabledFor(logging.DEBUG) else 4


def quiet_onnxruntime(ort: Any) -> None:
    """Keep onnxruntime's process-wide logger from printing before a session is made: its provider
    failures are printed even when the session then runs (on CPU)."""
    ort.set_default_logger_severity(quiet_level())


def requested(ort: Any, provider: str) -> list[str]:
    """The providers to ask onnxruntime for, given ``--provider`` (auto, cpu, cuda)."""
    if provider not in PROVIDERS:
        raise ParameterError(f"provider must be one of {', '.join(PROVIDERS)}, got {provider!r}")
    if provider == "cpu":
        return [CPU]
    listed = ort.get_available_providers()
    if CUDA not in listed:
        if provider == "cuda":
            raise ModelError(f"provider 'cuda' asked for, but this onnxruntime offers only {listed}; "
                             "install sidl[gpu] (onnxruntime-gpu) instead of sidl[cpu] on a machine with CUDA")
        return [CPU]  # the CPU build ([cpu] extra): nothing to say
    failed = _state.get("failed")
    if failed is not None:
        if provider == "cuda":
            raise ModelError(f"provider 'cuda' asked for, but CUDA is not usable here: {failed}")
        return [CPU]
    _preload_pip_libraries(ort)
    return [CUDA, CPU]


def check_bound(ort: Any, provider: str, asked: list[str], bound: list[str], source: str) -> None:
    """After a session is made: CUDA asked for and not bound is an error for ``cuda`` and one
    warning line per process for ``auto``."""
    if CUDA not in asked or (bound and bound[0] == CUDA):
        return
    reason = _state.get("failed")
    if reason is None:
        reason = _state["failed"] = why_cuda_fails(ort)
    if provider == "cuda":
        raise ModelError(f"{source}: provider 'cuda' asked for, but CUDA is not usable here: {reason}")
    if not _state.get("said"):
        _state["said"] = True
        log.warning("CUDA not usable here: %s; running on CPU", reason)


def name_of(bound: list[str]) -> str:
    """``cuda`` or ``cpu``: what a session bound first (what it runs on)."""
    return "cuda" if bound and bound[0] == CUDA else "cpu"


def _preload_pip_libraries(ort: Any) -> None:
    """CUDA and cuDNN installed from pip (the nvidia-* wheels of ``onnxruntime-gpu[cuda,cudnn]``)
    live in site-packages, where the loader does not look: onnxruntime loads them when asked
    (1.21+). Its own failures are printed to stdout, so they are caught here."""
    if _state.get("preloaded") or importlib.util.find_spec("nvidia") is None or not hasattr(ort, "preload_dlls"):
        return
    _state["preloaded"] = True
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            ort.preload_dlls()
    except Exception as exc:  # a broken nvidia install: CUDA will fail to bind and say why
        log.debug("onnxruntime.preload_dlls failed: %s", exc)
    if printed.getvalue().strip():
        log.debug("onnxruntime.preload_dlls: %s", printed.getvalue().strip())


def why_cuda_fails(ort: Any) -> str:
    """Why onnxruntime cannot run on CUDA here, found by loading what it needs: the NVIDIA driver
    (and a GPU through it), then the CUDA provider's own libraries, then cuDNN."""
    cuda = str(getattr(ort, "cuda_version", "") or "")
    major = cuda.split(".")[0] if cuda else "?"
    package = f"{getattr(ort, 'package_name', 'onnxruntime-gpu')} {getattr(ort, '__version__', '')}".strip()
    driver = _driver_problem(major)
    if driver is not None:
        return driver
    needs = (f"{package} needs the CUDA {major}.x and cuDNN {CUDNN_MAJOR} libraries: install them, or "
             "pip install 'onnxruntime-gpu[cuda,cudnn]'")
    capi = Path(ort.__file__).parent / "capi"
    windows = sys.platform == "win32"
    shared = capi / ("onnxruntime_providers_shared.dll" if windows else "libonnxruntime_providers_shared.so")
    provider = capi / ("onnxruntime_providers_cuda.dll" if windows else "libonnxruntime_providers_cuda.so")
    try:
        # the CUDA provider takes a symbol from the shared provider library, which onnxruntime loads
        # globally first: so must this probe, or it fails on a machine where CUDA works
        ctypes.CDLL(str(shared), mode=getattr(ctypes, "RTLD_GLOBAL", 0))
        ctypes.CDLL(str(provider))
    except OSError as exc:
        return f"{_short(exc, provider)} ({needs})"
    cudnn = f"cudnn64_{CUDNN_MAJOR}.dll" if windows else f"libcudnn.so.{CUDNN_MAJOR}"
    try:
        ctypes.CDLL(cudnn)
    except OSError:
        return f"cuDNN {CUDNN_MAJOR} is not installed ({cudnn} not found; {needs})"
    return "onnxruntime could not start its CUDA provider (sidl -vv shows onnxruntime's own messages)"


def _driver_problem(major: str) -> str | None:
    """What the NVIDIA driver says, through the CUDA driver API: None if it sees a GPU that runs
    CUDA ``major`` (or the version is unknown)."""
    name = "nvcuda.dll" if sys.platform == "win32" else "libcuda.so.1"
    try:
        driver = ctypes.CDLL(name)
    except OSError:
        return f"no NVIDIA driver ({name} not found)"
    code = driver.cuInit(0)
    if code != 0:
        return f"the NVIDIA driver cannot start CUDA ({_cuda_error(driver, code)})"
    count = ctypes.c_int(0)
    if driver.cuDeviceGetCount(ctypes.byref(count)) != 0 or count.value < 1:
        return "the NVIDIA driver sees no GPU"
    version = ctypes.c_int(0)
    if driver.cuDriverGetVersion(ctypes.byref(version)) == 0 and major.isdigit():
        supports = version.value // 1000
        if supports < int(major):
            return (f"the NVIDIA driver supports CUDA up to {supports}.{version.value % 1000 // 10}, and this "
                    f"onnxruntime needs CUDA {major}: update the driver or install an onnxruntime-gpu built for "
                    f"CUDA {supports}")
    return None


def _cuda_error(driver: Any, code: int) -> str:
    text = ctypes.c_char_p()
    try:
        if driver.cuGetErrorString(code, ctypes.byref(text)) == 0 and text.value:
            return f"error {code}: {text.value.decode(errors='replace')}"
    except AttributeError:
        pass
    return f"error {code}"


def _short(exc: OSError, library: Path) -> str:
    """A loader error without the long path of the library that asked."""
    return str(exc).replace(str(library), library.name)
