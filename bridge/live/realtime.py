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
import sys

log = logging.getLogger(__name__)

SWITCH_INTERVAL_S = 0.0005


def favour_timing_threads(interval: float = SWITCH_INTERVAL_S) -> float:
    """Lower the interpreter's switch interval to ``interval`` (never raise it); returns the one in force."""
    if sys.getswitchinterval() > interval:
        log.debug("thread switch interval %.4f s -> %.4f s", sys.getswitchinterval(), interval)
        sys.setswitchinterval(interval)
    return sys.getswitchinterval()
