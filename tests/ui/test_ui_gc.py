"""Python's garbage collector runs on the GUI thread only: QObjects in reference cycles are never freed by a
worker thread that happens to allocate (Qt warns, or crashes, when a QObject dies off its thread)."""
from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject, QTimer

from bailian_video.ui.util import GuiThreadCollector


class Cyclic(QObject):
    freed_in: list[str] = []

    def __init__(self) -> None:
        super().__init__()
        self.me = self                      # a reference cycle: only the collector frees it
        self.timer = QTimer(self)

    def __del__(self) -> None:
        Cyclic.freed_in.append(threading.current_thread().name)


def test_cycles_made_on_the_gui_thread_are_freed_there_even_when_a_worker_allocates(qtbot):
    Cyclic.freed_in.clear()
    collector = GuiThreadCollector(interval_ms=20)
    try:
        for _ in range(20):
            Cyclic()
        assert not gc.isenabled() and Cyclic.freed_in == []

        def allocate() -> None:              # plenty to start an automatic collection, were there one
            junk = []
            for i in range(200_000):
                junk.append([i])
                junk.append({"n": i})
        worker = threading.Thread(target=allocate, name="worker")
        worker.start()
        worker.join()
        assert Cyclic.freed_in == []          # nothing was collected in the worker
        keep = [[] for _ in range(2 * gc.get_threshold()[0])]     # the GUI thread goes on allocating …
        qtbot.waitUntil(lambda: len(Cyclic.freed_in) == 20, timeout=5000)      # … and its timer collects
        del keep
        assert set(Cyclic.freed_in) == {threading.main_thread().name}
    finally:
        collector.stop()
    assert gc.isenabled()


def test_no_collection_runs_while_the_history_is_read(qtbot):
    """Session.start reads the history under collections_held(): a collection in the middle of it would walk
    every new record in vain, on the UI thread. Once released, the timer collects as before."""
    from bailian_video.ui.util import collections_held
    runs: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            runs.append(info["generation"])
    collector = GuiThreadCollector(interval_ms=20)
    gc.callbacks.append(seen)
    try:
        with collections_held():
            # enough for a collection, were there one (and left after the frees an earlier test's objects owe)
            keep = [[] for _ in range(20 * gc.get_threshold()[0])]
            qtbot.wait(200)                                              # ten of the timer's turns
            assert runs == [] and gc.get_count()[0] > gc.get_threshold()[0]
        qtbot.waitUntil(lambda: runs != [], timeout=5000)
        del keep
    finally:
        gc.callbacks.remove(seen)
        collector.stop()
