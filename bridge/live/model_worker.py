"""The model in a worker process: a crash of the side that runs the model never leaves a note on.

``sidl run`` keeps the MIDI ports, the clock, the scheduler with its note ledger and the OSC socket
in its own process, which never imports onnxruntime, and runs the model in a child process
(:class:`WorkerEngine`, which the bridge uses like an :class:`~bridge.engine.Engine`). A bar's model
calls (encode, decode, reconstruct) go over a socket pair to the worker and back.

What a worker's end does, whatever ended it (SIGKILL, the OOM killer, a crash inside onnxruntime):

- a watcher thread sees the child exit at once (``waitpid``) and calls ``on_lost``: the bridge
  silences everything (the ledger is the supervisor's, so it knows every sounding note);
- a new worker is started, with backoff while starting fails (a model file gone bad), and plays
  from the next bar once it answers;
- meanwhile model calls fail at once with :class:`ModelError`: loop and generate mode play nothing,
  filter mode passes every note (it has no prior).

A model call that takes longer than ``call_timeout`` seconds is a hung worker: it is killed (and so
restarted) and the call fails; in-process, such a call could never be interrupted. An exception in
the worker (NaN output, a bad shape) comes back as that call's :class:`ModelError`, and the worker
goes on. When the supervisor itself dies, the worker sees its socket close and exits: no orphan keeps
a model in memory.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

from sidl.bridge.codecs import Codec, codec_from_spec
from sidl.bridge.errors import ModelError, SidlError
from sidl.bridge.geometry import CodeGeometry
from sidl.bridge.model_info import ModelInfo

log = logging.getLogger(__name__)

CALLS = frozenset({"encode", "decode", "reconstruct"})  # what the bar loop asks of a model
DEFAULT_CALL_TIMEOUT = 2.0  # s: longer than any bar's model work on a healthy model, short enough to recover
START_TIMEOUT = 60.0  # s: importing onnxruntime and loading a model, on a busy machine
RESTART_BACKOFF = (0.0, 0.5, 1.0, 2.0, 5.0, 10.0)  # s before each further attempt; the last repeats
STABLE_AFTER = 30.0  # s a restarted worker must live before the backoff starts over


ARRAY_DTYPES = frozenset({"float32", "float64"})  # what crosses the socket: grids and codes, never objects


def _pack(header: dict[str, Any], array: np.ndarray | None = None) -> bytes:
    """A message between the bridge and its worker: a JSON header, then an array's raw bytes (no
    pickles: the runtime loads nothing but ONNX and plain data)."""
    if array is not None:
        array = np.ascontiguousarray(array)
        header = {**header, "array": {"dtype": array.dtype.name, "shape": list(array.shape)}}
    head = json.dumps(header).encode()
    return len(head).to_bytes(4, "little") + head + (b"" if array is None else array.tobytes())


def _unpack(data: bytes) -> tuple[dict[str, Any], np.ndarray | None]:
    size = int.from_bytes(data[:4], "little")
    header: dict[str, Any] = json.loads(data[4:4 + size])
    spec = header.pop("array", None)
    if spec is None:
        return header, None
    if spec["dtype"] not in ARRAY_DTYPES:
        raise ModelError(f"model worker message with an array of dtype {spec['dtype']!r}; expected float32 or float64")
    array = np.frombuffer(data[4 + size:], dtype=spec["dtype"]).reshape(spec["shape"]).copy()
    return header, array


class WorkerEngine:
    """An :class:`~bridge.engine.Engine` run in a child process, with the same calls the live bridge
    makes (``encode``, ``decode``, ``reconstruct``) and the same description (``info``, ``codec``,
    ``geometry``, ``provider``, ``describe()``). Start one with :meth:`start`; :meth:`close` ends it."""

    def __init__(self, model: str | Path, *, provider: str = "auto", threads: int = 1,
                 call_timeout: float = DEFAULT_CALL_TIMEOUT, restart: bool = True,
                 on_lost: Callable[[], Any] | None = None) -> None:
        if not call_timeout > 0:
            raise ModelError(f"call_timeout must be > 0 seconds, got {call_timeout!r}")
        self.model, self.provider_asked, self.threads = str(model), provider, threads
        self.call_timeout, self.restart = call_timeout, restart
        self.on_lost = on_lost  # called from the watcher thread the moment a worker is gone
        self.restarts = 0
        self._lock = threading.Lock()  # one call at a time over the socket; swaps the worker whole
        self._closing = threading.Event()
        self._proc: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None
        self._seq = 0
        self._hello: dict[str, Any] = {}
        self.info: ModelInfo
        self.codec: Codec
        self.geometry: CodeGeometry

    # ------------------------------------------------------------------------------------ life
    @classmethod
    def start(cls, model: str | Path = "drums", **options: Any) -> WorkerEngine:
        """A worker running ``model``, loaded and warmed (:class:`ModelError` with the worker's
        own reason when it cannot load)."""
        engine = cls(model, **options)
        proc, conn, hello = engine._spawn()
        engine._adopt(proc, conn, hello)
        return engine

    def _spawn(self) -> tuple[subprocess.Popen[bytes], Connection, dict[str, Any]]:
        ours, theirs = socket.socketpair()
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "sidl.bridge.live.model_worker", "--fd", str(theirs.fileno()),
                 "--model", self.model, "--provider", self.provider_asked, "--threads", str(self.threads)],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, close_fds=True)
        except OSError as exc:
            ours.close()
            raise ModelError(f"could not start the model worker ({exc})") from None
        finally:
            theirs.close()
        conn = Connection(ours.detach())
        try:
            if not conn.poll(START_TIMEOUT):
                raise ModelError(f"the model worker did not load {self.model!r} within {START_TIMEOUT:.0f} s")
            hello, _ = _unpack(conn.recv_bytes())
        except (EOFError, OSError):
            proc.wait()
            conn.close()
            raise ModelError(f"the model worker for {self.model!r} ended while loading "
                             f"(exit status {proc.returncode})") from None
        except ModelError:
            proc.kill()
            proc.wait()
            conn.close()
            raise
        if not hello["ok"]:
            proc.wait()
            conn.close()
            raise ModelError(hello["error"])
        # the worker's description, rebuilt here from the model's own (ONNX) metadata
        hello["info"] = ModelInfo.from_metadata(hello.pop("metadata"), source=self.model, role="decoder")
        return proc, conn, hello

    def _adopt(self, proc: subprocess.Popen[bytes], conn: Connection, hello: dict[str, Any]) -> None:
        with self._lock:
            self._proc, self._conn, self._hello = proc, conn, hello
            self.info = hello["info"]
            self.codec = codec_from_spec(self.info.codec_spec)
            self.geometry = CodeGeometry(atoms=self.info.atoms, kernel=self.info.kernel, stride=self.info.stride,
                                         steps_per_bar=self.info.steps_per_bar)
        watcher = threading.Thread(target=self._watch, args=(proc,), name=f"sidl-model-watch-{proc.pid}", daemon=True)
        watcher.start()

    @property
    def pid(self) -> int | None:
        """The worker's process id (None while it is being restarted)."""
        proc = self._proc
        return None if proc is None else proc.pid

    def close(self) -> None:
        """End the worker (asked to, then killed if it does not go within a second)."""
        self._closing.set()
        with self._lock:
            proc, conn = self._proc, self._conn
            self._proc = self._conn = None
        if conn is not None:
            conn.close()  # the worker reads EOF and exits
        if proc is not None:
            try:
                proc.wait(1.0)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def __enter__(self) -> WorkerEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------------------------ watching
    def _watch(self, proc: subprocess.Popen[bytes]) -> None:
        """Wait for this worker's end; unless closing, silence at once and start another."""
        status = proc.wait()
        if self._closing.is_set():
            return
        with self._lock:
            if self._proc is not proc:
                return  # already replaced
            self._proc = None
            if self._conn is not None:
                self._conn.close()
                self._conn = None
        how = f"signal {-status}" if status < 0 else f"exit status {status}"
        log.warning("the model worker (pid %d) ended (%s): silencing%s", proc.pid, how,
                    "; starting another" if self.restart else "")
        if self.on_lost is not None:
            try:
                self.on_lost()
            except Exception:
                log.exception("silencing after the model worker's end failed")
        if self.restart:
            self._restart()

    def _restart(self) -> None:
        started = time.monotonic()
        attempt = 0
        while not self._closing.is_set():
            delay = RESTART_BACKOFF[min(attempt, len(RESTART_BACKOFF) - 1)]
            if delay and self._closing.wait(delay):
                return
            attempt += 1
            try:
                proc, conn, hello = self._spawn()
            except SidlError as exc:
                log.warning("model worker restart %d failed: %s", attempt, exc)
                continue
            if hello["info"].weights_sha256 != self.info.weights_sha256:
                log.warning("the model file %s changed since it was loaded: playing the new one", self.model)
            if self._closing.is_set():
                conn.close()
                proc.kill()
                proc.wait()
                return
            self.restarts += 1
            self._adopt(proc, conn, hello)
            log.warning("model worker restarted (pid %d) %.2f s after its end", proc.pid, time.monotonic() - started)
            return

    # ------------------------------------------------------------------------------------ calls
    def _call(self, method: str, array: np.ndarray, k: int | None = None, coder: str | None = None) -> np.ndarray:
        with self._lock:
            conn, proc = self._conn, self._proc
            if conn is None or proc is None:
                raise ModelError(f"the model worker for {self.model!r} is being restarted; no model output until it is back")
            self._seq += 1
            seq = self._seq
            try:
                conn.send_bytes(_pack({"seq": seq, "method": method, "k": k, "coder": coder}, array))
                deadline = time.monotonic() + self.call_timeout
                while True:
                    left = deadline - time.monotonic()
                    if left <= 0 or not conn.poll(left):
                        log.warning("model call %s took longer than %.2f s: killing the worker (pid %d)",
                                    method, self.call_timeout, proc.pid)
                        proc.kill()  # the watcher silences and restarts
                        raise ModelError(f"model call {method!r} took longer than {self.call_timeout:.2f} s; "
                                         "the model worker is being restarted")
                    answer, value = _unpack(conn.recv_bytes())
                    if answer["seq"] == seq:
                        break
            except (EOFError, OSError):
                raise ModelError(f"the model worker for {self.model!r} ended during {method!r}; "
                                 "it is being restarted") from None
        if not answer["ok"] or value is None:
            raise ModelError(answer.get("error", f"model call {method!r} returned no array"))
        return value

    def encode(self, grid: np.ndarray, k: int | None = None, *, coder: str | None = None) -> np.ndarray:
        return self._call("encode", grid, k, coder)

    def decode(self, code: np.ndarray) -> np.ndarray:
        return self._call("decode", code)

    def reconstruct(self, grid: np.ndarray, k: int | None = None) -> np.ndarray:
        return self._call("reconstruct", grid, k)

    # ------------------------------------------------------------------------------------ description
    @property
    def providers(self) -> list[str]:
        providers: list[str] = self._hello["providers"]
        return providers

    @property
    def provider(self) -> str:
        provider: str = self._hello["provider"]
        return provider

    @property
    def coder(self) -> str:
        coder: str = self._hello["coder"]
        return coder

    def describe(self) -> dict[str, Any]:
        return {**self._hello["describe"], "worker_pid": self.pid, "worker_restarts": self.restarts}


# ---------------------------------------------------------------------------------------- the worker
def serve(conn: Connection, model: str, provider: str, threads: int) -> None:
    """The worker: load ``model``, say hello (or why not), then answer calls until the socket closes."""
    from sidl.bridge.engine import Engine  # onnxruntime is loaded here, in the worker only

    try:
        engine = Engine.load(model, provider=provider, threads=threads)
    except Exception as exc:  # the supervisor shows the reason in one line
        conn.send_bytes(_pack({"ok": False, "error": str(exc) if isinstance(exc, SidlError)
                               else f"{model!r} failed to load ({type(exc).__name__}: {exc})"}))
        return
    conn.send_bytes(_pack({"ok": True, "metadata": dict(engine.decoder.get_modelmeta().custom_metadata_map),
                           "providers": engine.providers,
                           "provider": engine.provider, "coder": engine.coder, "describe": engine.describe()}))
    while True:
        try:
            request, array = _unpack(conn.recv_bytes())
        except (EOFError, OSError):
            return  # the supervisor closed (or died): nothing left to serve
        seq, method = request["seq"], request["method"]
        try:
            if method not in CALLS or array is None:
                raise ModelError(f"unknown model call {method!r}")
            if method == "encode":
                result = engine.encode(array, request["k"], coder=request["coder"])
            elif method == "decode":
                result = engine.decode(array)
            else:
                result = engine.reconstruct(array, request["k"])
            answer = _pack({"seq": seq, "ok": True}, result)
        except Exception as exc:
            answer = _pack({"seq": seq, "ok": False, "error": str(exc) if isinstance(exc, SidlError)
                            else f"model call {method!r} failed ({type(exc).__name__}: {exc})"})
        conn.send_bytes(answer)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sidl-model-worker", description="(internal) the model side of sidl run")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--provider", default="auto")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    # Ctrl-C, a closed terminal or a group's SIGTERM are the supervisor's to handle: it silences and
    # then closes the socket, which ends this loop (no parent-death signal: Linux sends it when the
    # *thread* that started a worker ends, and restarts start workers from short-lived threads)
    for handled_by_supervisor in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(handled_by_supervisor, signal.SIG_IGN)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    conn = Connection(args.fd)
    try:
        serve(conn, args.model, args.provider, args.threads)
    finally:
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
