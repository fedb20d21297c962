"""Notices the JACK server going away and coming back, without libjack's stderr spam.

rtmidi gives no sign of a dead JACK server: sends still succeed, ``get_ports`` returns a stale list,
and its clients are never told. Measured (jackd2 1.9, python-rtmidi 1.5.8): closing an rtmidi port
whose server died is safe while the server is down, but *segfaults* once a new client has been opened
in the process after the server came back (libjack then frees the dead clients itself). So the order
is fixed: notice → close every dead port → only then try to reconnect.

:class:`JackServerWatch` opens one small JACK client of its own through ctypes, on the same libjack
rtmidi loaded, and registers ``jack_on_shutdown``: the server's death is seen within milliseconds, no
polling while it runs. While it is down, reconnection is tried with a growing pause (0.25 s up to
2 s), and libjack's error lines ("Cannot connect to server socket …", several per try and per dead
client) are routed to this module's logger at DEBUG instead of stderr.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import logging
import os
import threading
from typing import Any

from sidl.bridge.live.timebase import TimeSource, monotonic_now

log = logging.getLogger(__name__)

FIRST_RETRY_S, MAX_RETRY_S = 0.25, 2.0  # reconnection pauses while the server is down (doubling)
_NO_START_SERVER = 0x01  # JackNoStartServer: never let libjack start a server of its own

_ERROR_FN = ctypes.CFUNCTYPE(None, ctypes.c_char_p)
_SHUTDOWN_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


def _libjack_path() -> str | None:
    """The libjack rtmidi itself loaded (so error routing covers its clients too), else the system's."""
    try:
        import rtmidi  # noqa: F401  (loads its libjack)
    except ImportError as exc:
        raise OSError(f"python-rtmidi is not installed ({exc})") from exc

    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                if "libjack" in line and "libjackserver" not in line and "libjacknet" not in line:
                    return line.split(None, 5)[-1].strip()
    except OSError:  # no /proc (macOS): the system's library
        pass
    return ctypes.util.find_library("jack")


_lib_lock = threading.Lock()
_lib: Any = None
_routed: list[Any] = []  # the ctypes callbacks libjack holds: kept alive for the process


def _on_libjack_message(message: bytes | None) -> None:
    log.debug("libjack: %s", (message or b"").decode("utf-8", "replace"))


def libjack() -> Any:
    """The libjack library (loaded once), with its error and info lines sent to this logger; raises
    OSError where there is none."""
    global _lib
    with _lib_lock:
        if _lib is not None:
            return _lib
        path = _libjack_path()
        if not path:
            raise OSError("libjack not found")
        lib = ctypes.CDLL(path)
        lib.jack_client_open.restype = ctypes.c_void_p
        lib.jack_client_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_int)]
        lib.jack_client_close.argtypes = [ctypes.c_void_p]
        lib.jack_client_close.restype = ctypes.c_int
        lib.jack_on_shutdown.argtypes = [ctypes.c_void_p, _SHUTDOWN_FN, ctypes.c_void_p]
        lib.jack_on_shutdown.restype = None
        lib.jack_set_error_function.argtypes = [_ERROR_FN]
        lib.jack_set_info_function.argtypes = [_ERROR_FN]
        route = _ERROR_FN(_on_libjack_message)
        _routed.append(route)
        saved = {}
        for name in ("jack_error_callback", "jack_info_callback"):
            try:
                saved[name] = ctypes.c_void_p.in_dll(lib, name).value
            except ValueError:  # not exported by this libjack: nothing to restore at exit
                pass
        lib.jack_set_error_function(route)
        lib.jack_set_info_function(route)

        def restore() -> None:
            # at exit libjack may still print (clients closing): never call into a finalising Python
            for name, value in saved.items():
                ctypes.c_void_p.in_dll(lib, name).value = value

        atexit.register(restore)
        _lib = lib
        return lib


class JackServerWatch:
    """Whether the JACK server this process uses is up (see module docstring). ``gone()`` is a flag
    read each turn of the watch loop; after it turns true, close every port of the dead server, call
    :meth:`release`, then :meth:`reconnect` until it returns True."""

    def __init__(self, *, now: TimeSource = monotonic_now, client: str = "sidl-watch") -> None:
        self.lib = libjack()
        self.now = now
        self.name = f"{client}-{os.getpid()}".encode()
        self._gone = threading.Event()
        self._client: int | None = None
        self._on_shutdown = _SHUTDOWN_FN(self._shutdown)  # held: libjack calls it from its own thread
        self._pause = FIRST_RETRY_S
        self._next_try = float("-inf")
        self.tries = 0
        if not self._open():
            raise OSError("the JACK server is not running")

    def _shutdown(self, _arg: int | None) -> None:
        self._gone.set()  # only a flag: libjack's thread must not call back into JACK

    def _open(self) -> bool:
        status = ctypes.c_int(0)
        client = self.lib.jack_client_open(self.name, _NO_START_SERVER, ctypes.byref(status))
        if not client:
            return False
        self.lib.jack_on_shutdown(client, self._on_shutdown, None)
        self._client = client
        self._gone.clear()
        return True

    def gone(self) -> bool:
        return self._gone.is_set()

    def release(self) -> None:
        """Close our client of the dead server (call while it is down, before any reconnection)."""
        client, self._client = self._client, None
        if client:
            self.lib.jack_client_close(client)
        self._pause, self._next_try = FIRST_RETRY_S, self.now() + FIRST_RETRY_S

    def reconnect(self) -> bool:
        """Try to reach the server again, at most once per pause (growing to :data:`MAX_RETRY_S`);
        True once it is back (then reopen the ports)."""
        if self._client is not None:  # connected (or dead and not yet released: release first)
            return not self.gone()
        if self.now() < self._next_try:
            return False
        self.tries += 1
        if self._open():
            return True
        self._pause = min(self._pause * 2, MAX_RETRY_S)
        self._next_try = self.now() + self._pause
        return False

    def close(self) -> None:
        client, self._client = self._client, None
        if client and not self.gone():
            self.lib.jack_client_close(client)
