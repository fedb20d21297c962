"""Process settings that keep the note-timing threads on time while other threads work.

CPython lets one thread run Python code at a time. A thread that wants the interpreter while another
computes waits up to the *switch interval* (5 ms by default) before it is handed over; the control
thread parsing a flood of OSC packets, the MIDI input callback and the bar loop's model call each
make the scheduler wait that long, several times a bar. Measured here
(``../shared/docs/reliability-anchors.md`` §7): with one CPU-bound Python thread running, a 1 ms
sleep in another overshot by p99 7.9 ms at the default and 1.35 ms at 0.5 ms. The bridge lowers it
to :data:`SWITCH_INTERVAL_S` when its bar loop starts (a process-wide setting: only ever lowered).
"""

from __future__ import annotations

import logging
import os
import sys
import threading

log = logging.getLogger(__name__)

SWITCH_INTERVAL_S = 0.0005


def favour_timing_threads(interval: float = SWITCH_INTERVAL_S) -> float:
    """Lower the interpreter's switch interval to ``interval`` (never raise it); returns the one in force."""
    if sys.getswitchinterval() > interval:
        log.debug("thread switch interval %.4f s -> %.4f s", sys.getswitchinterval(), interval)
        sys.setswitchinterval(interval)
    return sys.getswitchinterval()


#: SCHED_FIFO priorities asked for the timing threads: below JACK's own (its process thread runs at
#: 70-80 where JACK is real-time), above everything that is not real-time.
REALTIME_PRIORITY = {"scheduler": 20, "bar loop": 10}
_refused: set[str] = set()


def realtime_thread(role: str) -> str:
    """Ask the kernel to run the calling thread with real-time (SCHED_FIFO) priority, as audio
    programs do for the threads that must keep time; where that is not allowed (no ``rtprio`` limit
    for this user, not Linux), the thread keeps its normal priority. Returns ``"fifo"`` or ``"normal"``.

    Under CPU load (other programs, a flood of MIDI and OSC) a normal thread waits for a core behind
    everything else; a real-time one does not, which is what keeps the note-sending thread on time.
    The threads never busy-wait for long (the scheduler spins its last millisecond at most), so they
    cannot starve the machine."""
    priority = REALTIME_PRIORITY[role]
    if not hasattr(os, "sched_setscheduler"):
        return "normal"
    try:
        os.sched_setscheduler(threading.get_native_id(), os.SCHED_FIFO, os.sched_param(priority))
    except OSError as exc:  # EPERM without an rtprio limit (see docs/live.md): run on, at normal priority
        if role not in _refused:
            _refused.add(role)
            log.info("no real-time priority for the %s thread (%s); it runs at normal priority "
                     "(allow it with an rtprio limit, e.g. the audio group)", role, exc.strerror or exc)
        return "normal"
    log.debug("%s thread: SCHED_FIFO priority %d", role, priority)
    return "fifo"
