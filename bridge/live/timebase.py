"""The live runtime's one time base.

The clocks, the scheduler, the MIDI input callbacks, the bar loop and the demo feed compare times
with each other (a note's arrival → a beat, a beat → a send time), so they must all read the same
source. Each takes it as ``now`` at construction; :func:`monotonic_now` is the default, and start-up
passes one ``now`` to every part (tests pass a fake one the same way).

It is ``time.perf_counter``: monotonic and system-wide (other processes on the machine, e.g. a test
player, read the same clock), and at sub-microsecond resolution on every platform — the scheduler
spins to within a millisecond, and ``time.monotonic`` ticks at ~16 ms on Windows before Python 3.13.
On Linux both read ``CLOCK_MONOTONIC``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

TimeSource = Callable[[], float]

monotonic_now: TimeSource = time.perf_counter
