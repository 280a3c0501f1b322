"""Small helpers shared by the widgets: running coroutines from slots, formatting, catalogue text."""
from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import QLayout, QWidget

from .. import i18n
from ..i18n import T

log = logging.getLogger("bailian_video.ui")

_RUNNING: set[asyncio.Task] = set()


def spawn(coro: Awaitable[Any], *, name: str | None = None,
          on_error: Callable[[BaseException], None] | None = None) -> asyncio.Task:
    """Run a coroutine on the (qasync) loop from a Qt slot; keep a reference and report what it raises.

    ``on_error`` handles an exception itself; without it the exception is logged and handed to the
    loop's exception handler (the app's crash dialog), so no failure passes silently. Cancellation is
    not a failure.
    """
    task = asyncio.ensure_future(coro)
    if name:
        task.set_name(name)
    _RUNNING.add(task)

    def done(t: asyncio.Task) -> None:
        _RUNNING.discard(t)
        if t.cancelled():
            return
        exc = t.exception()
        if exc is None or isinstance(exc, asyncio.CancelledError):
            return
        if on_error is not None:
            on_error(exc)
            return
        log.error("background task %s failed", t.get_name(), exc_info=exc)
        loop = t.get_loop()
        if not loop.is_closed():
            loop.call_exception_handler({"message": f"background task {t.get_name()} failed",
                                         "exception": exc, "task": t})

    task.add_done_callback(done)
    return task


def pending_tasks() -> set[asyncio.Task]:
    return set(_RUNNING)


async def wait_signal(signal: Any, timeout: float | None = None) -> tuple[Any, ...]:
    """Await one emission of a Qt signal (for dialogs opened with ``open()`` instead of ``exec()``)."""
    fut: asyncio.Future = asyncio.get_running_loop().create_future()

    def fire(*args: Any) -> None:
        if not fut.done():
            fut.set_result(args)

    signal.connect(fire)
    try:
        return await asyncio.wait_for(fut, timeout) if timeout else await fut
    finally:
        try:
            signal.disconnect(fire)
        except (RuntimeError, TypeError):
            pass


async def ask(box: Any) -> Any:
    """Show a message box without blocking the loop and return the button the person clicked (or None);
    the box is deleted afterwards."""
    box.open()
    try:
        await wait_signal(box.finished)
        return box.clickedButton()
    finally:
        box.deleteLater()


def layout_widgets(lay: QLayout) -> list[QWidget]:
    """The widgets ``lay`` holds itself, in order (its spacers, stretches and inner layouts left out)."""
    out = []
    for i in range(lay.count()):
        item = lay.itemAt(i)
        w = item.widget() if item is not None else None
        if w is not None:
            out.append(w)
    return out


def set_state(widget: Any, name: str, value: Any) -> None:
    """Set a dynamic property the style sheet selects on (``[error="true"]``) and re-apply the style."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def tx(text: T | str | None) -> str:
    """A catalogue/engine message in the UI's current language."""
    if text is None:
        return ""
    if isinstance(text, T):
        return text.get(i18n.language())
    return str(text)


def tr(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    return QCoreApplication.translate(context, text, disambiguation, n)


def fmt_money(amount: float | None, confirmed: bool = True) -> str:
    if amount is None:
        return ""
    prefix = "" if confirmed else QCoreApplication.translate("Format", "≈", "estimated amount prefix")
    if amount and amount < 0.1:
        return f"{prefix}¥{amount:.3f}"
    return f"{prefix}¥{amount:.2f}"


def fmt_unit_price(price: float) -> str:
    return f"¥{price:.3f}".rstrip("0").rstrip(".") if price < 0.1 else f"¥{price:.2f}"


def fmt_clock(seconds: float | None) -> str:
    """1:05, 12:30, 1:02:03."""
    if seconds is None or math.isnan(seconds):
        return ""
    s = int(round(max(0.0, seconds)))
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def fmt_seconds(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 10:
        return QCoreApplication.translate("Format", "%1 s").replace("%1", f"{seconds:.1f}")
    return fmt_clock(seconds)


def fmt_bytes(n: float | None) -> str:
    if n is None:
        return ""
    if n < 1024:
        return f"{int(n)} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    if n < 1024 ** 3:
        return f"{n / 1024 / 1024:.1f} MB"
    return f"{n / 1024 ** 3:.2f} GB"


class Debouncer(QObject):
    """Calls ``fn`` once, ``ms`` after the last :meth:`poke` (form edits → estimate, settings saves).

    With ``throttle`` it fires ``ms`` after the *first* poke instead, so a steady stream of pokes
    (a download's progress) still gets regular updates.
    """

    fired = Signal()

    def __init__(self, ms: int, fn: Callable[[], None], parent: QObject | None = None, throttle: bool = False):
        super().__init__(parent)
        self.throttle = throttle
        from PySide6.QtCore import QTimer
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(ms)
        self._timer.timeout.connect(fn)

    def poke(self) -> None:
        if self.throttle and self._timer.isActive():
            return
        self._timer.start()

    def flush(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self._timer.timeout.emit()


_holds = 0
_held_until = 0.0


@contextlib.contextmanager
def collections_held(at_most: float = 60.0) -> Iterator[None]:
    """No collection by :class:`GuiThreadCollector` meanwhile (``at_most`` seconds, should a coroutine holding
    it never finish). For a burst of objects that will live as long as the app, such as the history read at
    start: a collection in the middle of it walks every one of them in vain (65 ms for 10,000 tasks, on the UI
    thread). Follow it with ``gc.freeze()``, which moves them out of the collector's way for good."""
    global _holds, _held_until
    _holds += 1
    _held_until = max(_held_until, time.monotonic() + at_most)
    try:
        yield
    finally:
        _holds -= 1


class GuiThreadCollector(QObject):
    """Python's cyclic garbage collector, run only on the GUI thread.

    Left automatic, a collection starts in whichever thread happens to allocate (thumbnail and probe
    workers, the sandbox's renderers), and a QObject freed there is destroyed off its thread: Qt warns that
    its timers cannot be stopped, or crashes. So automatic collection is off and a timer here runs the same
    generational collections, with the same thresholds, on this thread.
    """

    def __init__(self, parent: QObject | None = None, interval_ms: int = 500):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        gc.disable()
        self._timer.start()

    def check(self) -> None:
        if _holds and time.monotonic() < _held_until:
            return
        t0, t1, t2 = gc.get_threshold()
        c0, c1, c2 = gc.get_count()
        if c0 > t0:
            gc.collect(2 if c2 > t2 else 1 if c1 > t1 else 0)

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()
