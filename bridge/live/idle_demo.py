"""``sidl run --idle-demo``: the demo groove plays into the bridge only until someone else does.

What ``make run`` starts with, so a newcomer sees (and, with an instrument on "sidl out", hears) the
bridge at once, and a player who connects a keyboard takes over without restarting: at the first bar
in which notes came in from outside, the demo feed stops. What the demo sent and what the bridge
played are still written at exit (``demo-in.mid``, ``demo-out.mid``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from sidl.bridge.live.daemon import BarReport
from sidl.bridge.live.status_line import CountingDecoder

if TYPE_CHECKING:
    from sidl.bridge.live.demo import DemoFeed

log = logging.getLogger(__name__)


class StopDemoWhenPlayed:
    """A bar listener (``LiveBridge.listeners``): stops ``demo`` at the first bar after notes came in
    from outside (``counter.played``), then calls ``on_stop`` once."""

    def __init__(self, demo: DemoFeed, counter: CountingDecoder, on_stop: Callable[[], None] = lambda: None) -> None:
        self.demo = demo
        self.counter = counter
        self.on_stop = on_stop
        self.stopped = False

    def __call__(self, _report: BarReport) -> None:
        if self.stopped or self.counter.played == 0:
            return
        self.stopped = True
        self.demo.stop()  # its thread wakes at once (it waits on its stop event): a few ms on the bar thread
        log.info("notes came in from outside: the demo groove stopped")
        self.on_stop()
