"""Guards against bugs in the Qt bindings that would otherwise crash the app.

PySide6 6.12.0 on CPython 3.11 gives back a reference to ``None`` it never took on every call of a
method that returns nothing (``widget.setText(...)``, ``timer.stop()``, …), and does the same to
``True``/``False`` in places. On 3.12+ those objects are immortal and nothing happens; on 3.11 their
reference counts run down and, after some tens of thousands of calls, the interpreter aborts with
"none_dealloc: deallocating None". We detect the leak with a probe (not by version number) and, only
when it is there, make the three singletons effectively immortal the way CPython 3.12 does.
"""
from __future__ import annotations

import sys

_applied: bool | None = None

#: Far more than any run can take away, far below overflow (CPython 3.12 uses a similar huge count).
HEADROOM = 1 << 40


def refcount_leak_present() -> bool:
    """Does a void Qt call lower None's reference count? (A few calls on a plain QObject.)"""
    from PySide6.QtCore import QObject
    probe = QObject()
    probe.setObjectName("probe")
    before = sys.getrefcount(None)
    for _ in range(50):
        probe.setObjectName("probe")
    return sys.getrefcount(None) < before - 25


def guard_singleton_refcounts() -> bool:
    """Apply the guard once when the leak is present. Returns whether it is (now) applied."""
    global _applied
    if _applied is not None:
        return _applied
    _applied = False
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if not refcount_leak_present():
        return False
    import ctypes
    for obj in (None, True, False):
        # ob_refcnt is the first field of every CPython object.
        ctypes.c_ssize_t.from_address(id(obj)).value += HEADROOM
    _applied = True
    return True
