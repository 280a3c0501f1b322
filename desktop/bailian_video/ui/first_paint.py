"""The moment a window is first on screen: its first expose, painted to the end (every child included).

Used by the start-up benchmark (tests/perf/test_ui_perf.py) through one environment variable, which normal
runs never set. ``BAILIAN_VIDEO_BENCH_FIRST_PAINT=1``: print ``first-paint <time.monotonic()> <CPU seconds
of the process>`` when the window's frame is painted, ``ready <time> <CPU>`` once its content is built and
painted, and exit. ``=library``: print those, open the Library page as a person's click does, print
``library-filled <time> <rows> <resident MB>`` once it shows every task of the history, then ``settled <time>
<resident MB>`` once every tab of the window is made, and exit.
"""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

ENV = "BAILIAN_VIDEO_BENCH_FIRST_PAINT"


class FirstPaint(QObject):
    """Calls ``done(monotonic time)`` once the window's first expose has painted the window (after ``show()``)."""

    def __init__(self, window: Any, done: Callable[[float], None]):
        super().__init__(window)
        self.window, self.done = window, done
        self.painted = self.inside = False
        self.handle = window.windowHandle()
        window.installEventFilter(self)
        self.handle.installEventFilter(self)

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802
        if obj is self.window:
            self.painted = self.painted or ev.type() == QEvent.Type.Paint
            return False
        if self.inside or ev.type() not in (QEvent.Type.Expose, QEvent.Type.Paint):
            return False
        self.inside = True          # deliver it now, so the time taken is that of the whole paint
        try:
            QCoreApplication.sendEvent(obj, ev)
        finally:
            self.inside = False
        if self.painted:
            self.window.removeEventFilter(self)
            self.handle.removeEventFilter(self)
            self.deleteLater()
            self.done(time.monotonic())
        return True


def resident_mb() -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return float(peak) / (1024 * 1024 if sys.platform == "darwin" else 1024)


def watch(window: Any) -> None:
    """Install the benchmark's hook when its environment variable asks for it (call right after ``show()``).
    The main window's first paint is that of its frame; :func:`built` reports when its content is on show."""
    mode = os.environ.get(ENV, "")
    if not mode:
        return

    def painted(t: float) -> None:
        print(f"first-paint {t:.6f} {time.process_time():.6f}", flush=True)
        if not hasattr(window, "build"):        # the bare window of the comparison: nothing more to come
            os._exit(0)

    if hasattr(window, "first_painted"):        # the main window watches its own first paint
        window.first_painted.connect(painted)
    else:
        window._bench_first_paint = FirstPaint(window, painted)


def built(window: Any) -> None:
    """The main window's content is built: paint it now (as the event loop would next) and print ``ready
    <time> <CPU seconds>``; then exit, or with ``=library`` open the Library and wait for every task."""
    mode = os.environ.get(ENV, "")
    if not mode:
        return
    window.repaint()
    print(f"ready {time.monotonic():.6f} {time.process_time():.6f}", flush=True)
    if mode != "library":
        os._exit(0)
    window.show_page("library")
    timer = QTimer(window)
    timer.setInterval(2)

    filled = [False]

    def check() -> None:
        session = window.session
        if not filled[0]:
            rows = window.library.proxy.rowCount() if window.library is not None else -1
            if session.ctx is None or rows != len(session.tasks()):
                return
            filled[0] = True
            print(f"library-filled {time.monotonic():.6f} {rows} {resident_mb():.1f}", flush=True)
        # then the resident memory once the window is whole: every tab made (they follow the history)
        if all(tab.built for tab in window.family_tabs.values()):
            print(f"settled {time.monotonic():.6f} {resident_mb():.1f}", flush=True)
            import multiprocessing
            for child in multiprocessing.active_children():    # the thumbnail workers hold our stdout open
                child.kill()
            os._exit(0)
    timer.timeout.connect(check)
    timer.start()
