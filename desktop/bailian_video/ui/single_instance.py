"""One window per data folder: a second launch brings the first window to the front and exits.

The first instance listens on a local socket (a named pipe on Windows) whose name is derived from
the user and the resolved data folder, so another folder — or another user — is another instance.
Protocol: the newcomer writes ``activate\\n`` and waits up to two seconds for ``ok\\n``.

``SingleInstance`` signals:
    activated(): a second launch asked for the window (emitted on the GUI thread).
"""
from __future__ import annotations

import enum
import getpass
import hashlib
import logging
import os
import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

from ..i18n import T

log = logging.getLogger("bailian_video.ui")

ACTIVATE = b"activate\n"
OK = b"ok\n"
TIMEOUT_MS = 2000
ALREADY_RUNNING = T("已在运行：已把窗口调到最前", "Already running: brought its window to the front.")


def server_name(data_dir: Path) -> str:
    """``bvs-`` and 16 hex digits: short enough for every platform's socket and pipe names."""
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 — no login name (some containers): the home folder says who
        user = str(Path.home())
    folder = os.path.normcase(str(Path(data_dir).expanduser().resolve()))
    digest = hashlib.sha256(f"{user}\0{folder}".encode()).hexdigest()
    return "bvs-" + digest[:16]


class Answer(enum.Enum):
    NOBODY = "nobody"       # no one is listening (or a stale name)
    ACTIVATED = "ok"        # the first instance answered: it has raised its window
    SILENT = "silent"       # someone is listening but did not answer in time


def ask_running(name: str, timeout_ms: int = TIMEOUT_MS) -> Answer:
    """Ask whoever listens on ``name`` to bring its window to the front (blocking, at most ``timeout_ms``)."""
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(timeout_ms):
        sock.abort()
        return Answer.NOBODY
    deadline = time.monotonic() + timeout_ms / 1000
    sock.write(ACTIVATE)
    sock.flush()
    answer = b""
    while not answer.endswith(b"\n"):
        remaining = int((deadline - time.monotonic()) * 1000)
        if remaining <= 0 or sock.state() != QLocalSocket.LocalSocketState.ConnectedState:
            break
        if sock.bytesAvailable() or sock.waitForReadyRead(remaining):
            answer += bytes(sock.readAll().data())
    sock.abort()
    return Answer.ACTIVATED if answer == OK else Answer.SILENT


class SingleInstance(QObject):
    """The first instance's listener, and the newcomer's question (see the module docstring)."""

    activated = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.name = server_name(data_dir)
        self.server: QLocalServer | None = None

    def claim(self) -> bool:
        """True: this process is the instance for the folder (it listens if it can). False: another
        instance was asked to come to the front, and this one should exit."""
        answer = ask_running(self.name)
        if answer is Answer.ACTIVATED:
            return False
        if answer is Answer.SILENT:
            log.warning("another instance listens on %s but does not answer; starting anyway", self.name)
            return True
        server = self._new_server()
        if server.listen(self.name):
            return self._listening(server)
        if server.serverError() == QAbstractSocket.SocketError.AddressInUseError:
            # Another instance just started, or a crashed one left its socket behind.
            answer = ask_running(self.name)
            if answer is Answer.ACTIVATED:
                server.deleteLater()
                return False
            if answer is Answer.NOBODY:
                log.info("single instance: removing the stale socket %s (an instance that did not quit cleanly)",
                         self.name)
                QLocalServer.removeServer(self.name)
                if server.listen(self.name):
                    return self._listening(server)
        log.warning("cannot listen for a second launch on %s: %s", self.name, server.errorString())
        server.deleteLater()
        return True

    def _new_server(self) -> QLocalServer:
        # No socket options on purpose: with UserAccessOption Qt (on Unix) silently replaces a live
        # instance's socket instead of reporting AddressInUseError, and two instances would both run.
        server = QLocalServer(self)
        server.newConnection.connect(self._accept)
        return server

    def _listening(self, server: QLocalServer) -> bool:
        self.server = server
        log.info("single instance: listening for a second launch on %s", self.name)
        return True

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server.deleteLater()
            self.server = None

    # -- the first instance's side -----------------------------------------------------------------
    def _accept(self) -> None:
        while self.server is not None and (conn := self.server.nextPendingConnection()) is not None:
            conn.readyRead.connect(lambda c=conn: self._read(c))
            conn.disconnected.connect(conn.deleteLater)
            # Whoever connects and says nothing is dropped after a while.
            QTimer.singleShot(4 * TIMEOUT_MS, conn, conn.abort)
            if conn.bytesAvailable():
                self._read(conn)

    def _read(self, conn: QLocalSocket) -> None:
        while conn.canReadLine():
            line = bytes(conn.readLine().data())
            if line == ACTIVATE:
                log.info("activated by a second launch")
                conn.write(OK)
                conn.flush()
                self.activated.emit()
            else:
                log.warning("single instance: unknown message %r", line[:40])
                conn.abort()
                return
