"""Where a model runs (issue 15 §5): ``--provider auto`` on an onnxruntime that lists CUDA but cannot
use it (onnxruntime-gpu without CUDA, the [gpu] extra on a CPU machine) falls back to CPU with one
line that says why; ``--provider cuda`` there is one error naming the reason; the engine names what
it runs on. The onnxruntime here is the real CPU build: only its list of providers is made to
include CUDA, as onnxruntime-gpu's does (``.ci/run`` runs the real GPU package)."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator

import onnxruntime
import pytest

from sidl.bridge import providers
from sidl.bridge.engine import Engine
from sidl.bridge.errors import ModelError

FALLBACK = "CUDA not usable here: "


@pytest.fixture
def gpu_build_without_cuda(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(onnxruntime, "get_available_providers",
                        lambda: ["CUDAExecutionProvider", "CPUExecutionProvider"])
    providers.reset()
    with warnings.catch_warnings():  # the CPU build warns that it has no CUDA: onnxruntime-gpu does not
        warnings.simplefilter("ignore", UserWarning)
        yield
    providers.reset()


def _fallbacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith(FALLBACK)]


def test_auto_falls_back_to_cpu_with_one_line_saying_why(gpu_build_without_cuda: None,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        engine = Engine.load("drums", provider="auto", warmup=0)
        again = Engine.load("seed-drums", provider="auto", warmup=0)  # four sessions, one line
    said = _fallbacks(caplog)
    assert len(said) == 1 and said[0].endswith("; running on CPU") and len(said[0]) > len(FALLBACK + "; running on CPU")
    assert engine.provider == again.provider == "cpu" and engine.providers[0] == "CPUExecutionProvider"


def test_cuda_asked_for_where_it_cannot_run_is_one_error_naming_the_reason(gpu_build_without_cuda: None) -> None:
    with pytest.raises(ModelError, match=r"provider 'cuda' asked for, but CUDA is not usable here: \S"):
        Engine.load("drums", provider="cuda", warmup=0)


def test_the_cpu_build_says_nothing_and_runs_on_cpu(caplog: pytest.LogCaptureFixture) -> None:
    providers.reset()
    with caplog.at_level(logging.DEBUG):
        engine = Engine.load("drums", provider="auto", warmup=0)
    assert engine.provider == "cpu" and not _fallbacks(caplog)
    with pytest.raises(ModelError, match=r"install sidl\[gpu\]"):
        Engine.load("drums", provider="cuda", warmup=0)


def test_the_reason_names_what_is_missing() -> None:
    """The probe loads what CUDA needs itself, without onnxruntime: here (no NVIDIA driver, or the
    CPU build's missing CUDA provider library) it names the part that is missing."""
    reason = providers.why_cuda_fails(onnxruntime)
    assert reason and ("NVIDIA driver" in reason or "libonnxruntime_providers" in reason
                       or "onnxruntime_providers_cuda" in reason or "cuDNN" in reason), reason
