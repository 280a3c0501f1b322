"""The app's log: one rotating file under the data folder that a person can send us (no Qt here).

Everything that reaches the file or the console passes :func:`redact_text` first: registered API
keys, anything shaped like ``sk-…``, bearer tokens, and the query strings of URLs (result URLs carry
``Signature=``/``OSSAccessKeyId=``/``Expires=``), so a log, a crash report or a one-line CLI error
can be pasted anywhere.
"""
from __future__ import annotations

import logging
import logging.handlers
import platform
import re
import sys
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from .i18n import T

LOG_NAME = "bailian-video.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FILE_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"
#: Loggers that write full URLs (signed result URLs included) at INFO.
NOISY_LOGGERS = ("httpx", "httpcore")

log = logging.getLogger("bailian_video")

# -- redaction ----------------------------------------------------------------------------------
#: An http(s) URL with a query string. The query ends at whitespace, quotes, brackets, or
#: full-width punctuation, so the text after a URL in a sentence stays readable.
_URL_QUERY = re.compile(r"(?i)\b(https?://[^\s?#\"'<>`()\[\]{}\\|]+)\?[^\s#\"'<>`()\[\]{}\\|，。；：）】」]*")
#: Signing parameters wherever they appear (a URL cut short by the pattern above, a dict, a header).
_SIGNING = re.compile(r"(?i)\b(Signature|OSSAccessKeyId|X-Amz-Signature|X-Amz-Credential|"
                      r"X-Amz-Security-Token|security-token|x-oss-signature|x-oss-credential)=[^\s&\"'<>]+")
_KEY_SHAPE = re.compile(r"sk-[A-Za-z0-9_\-]{6,}")
_redact_secrets: Callable[[Any], str] | None = None


def _secret_redactor() -> Callable[[Any], str]:
    """``api.errors.redact`` (it knows the registered keys), imported on first use; a key-shape mask
    if the client package cannot be imported (then no key was registered either)."""
    global _redact_secrets
    if _redact_secrets is None:
        if f"{__package__}.api.errors" not in sys.modules:
            # Keys are registered only through api.errors: before it is loaded there is none to know, and
            # the key-shape mask suffices (importing it would load the HTTP client before the first paint).
            return _mask_key_shapes
        try:
            from .api.errors import redact
            _redact_secrets = redact
        except Exception:  # noqa: BLE001 — a broken install must still be able to log its crash
            return _mask_key_shapes
    return _redact_secrets


def _mask_key_shapes(text: Any) -> str:
    return _KEY_SHAPE.sub("sk-***", "" if text is None else str(text))


def _mask_query(m: re.Match[str]) -> str:
    query = m.group(0)[len(m.group(1)) + 1:]
    tail = query[len(query.rstrip(".,;:!")):]     # a sentence's punctuation after the URL stays
    return f"{m.group(1)}?…{tail}"


def redact_text(text: Any) -> str:
    """``text`` with API keys masked and every URL's query string replaced by ``?…``."""
    s = _secret_redactor()(text)
    if "?" in s:
        s = _URL_QUERY.sub(_mask_query, s)
    if "=" in s:
        s = _SIGNING.sub(r"\1=***", s)
    return s


class RedactingFilter(logging.Filter):
    """Renders a record's message (and traceback) once, redacted, before any formatter sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 — a bad format string: let the handler report it as usual
            return True
        record.msg, record.args = redact_text(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True


class RedactingFormatter(logging.Formatter):
    """A formatter whose whole output is redacted (belt and braces behind :class:`RedactingFilter`)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_text(super().format(record))


class _ConsoleHandler(logging.StreamHandler[TextIO]):
    """stderr that never fails on a console that cannot encode Chinese or ``…``."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            msg = self.format(record) + self.terminator
            _write(self.stream, msg)
            self.flush()
        except Exception:  # noqa: BLE001 — logging's own convention
            self.handleError(record)


def _write(stream: TextIO | None, text: str) -> None:
    if stream is None:             # pythonw / a frozen GUI build has no stdout or stderr
        return
    try:
        stream.write(text)
    except UnicodeEncodeError:     # a console that cannot show Chinese (or "…")
        enc = getattr(stream, "encoding", None) or "ascii"
        stream.write(text.encode(enc, "backslashreplace").decode(enc, "replace"))


def write_line(stream: TextIO | None, text: str) -> None:
    """``print`` for messages to the person: never fails on a missing stream or a narrow encoding."""
    try:
        _write(stream, text + "\n")
        if stream is not None:
            stream.flush()
    except (OSError, ValueError):  # a closed or broken pipe: nothing more to say
        pass


# -- set-up -------------------------------------------------------------------------------------
_handlers: list[logging.Handler] = []
_file_path: Path | None = None


def log_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "logs"


def setup_logging(data_dir: Path, *, debug: bool = False, console: bool = False) -> Path:
    """Log to ``<data_dir>/logs/bailian-video.log`` (rotating, UTF-8) and return its path.

    INFO and up (DEBUG with ``debug``, which also mirrors everything to stderr); ``console`` mirrors
    warnings and errors to stderr. Calling it again replaces what the previous call installed. When the
    folder cannot be written the log goes to stderr only; the path it tried is still returned.
    """
    global _file_path
    shutdown_logging()
    path = log_dir(data_dir) / LOG_NAME
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    redacting = RedactingFilter()
    problem: OSError | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT,
                                                  encoding="utf-8")
    except OSError as e:
        problem = e
    else:
        fh.setFormatter(RedactingFormatter(FILE_FORMAT))
        fh.addFilter(redacting)
        _install(root, fh)
        _file_path = path
    if debug or console or problem is not None:
        ch = _ConsoleHandler()
        ch.setLevel(logging.DEBUG if debug else logging.WARNING if problem is None else logging.INFO)
        ch.setFormatter(RedactingFormatter(FILE_FORMAT if debug else "%(message)s"))
        ch.addFilter(redacting)
        ch.addFilter(_not_file_only)
        _install(root, ch)
    if problem is not None:
        log.warning("cannot write the log file %s (%s); logging to the console only", path, problem)
    return path


def _not_file_only(record: logging.LogRecord) -> bool:
    """Console filter: records logged with ``extra={"file_only": True}`` go to the file alone."""
    return not getattr(record, "file_only", False)


def _install(root: logging.Logger, handler: logging.Handler) -> None:
    root.addHandler(handler)
    _handlers.append(handler)


def shutdown_logging() -> None:
    """Remove and close what :func:`setup_logging` installed (a temporary data folder can then go)."""
    global _file_path
    root = logging.getLogger()
    while _handlers:
        h = _handlers.pop()
        root.removeHandler(h)
        try:
            h.close()
        except Exception:  # noqa: BLE001 — closing a handler must not stop anything
            pass
    _file_path = None


def log_file() -> Path | None:
    """The file the log is going to, or None when it goes to the console only."""
    return _file_path


# -- errors nobody caught -----------------------------------------------------------------------
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def summary(exc_type: type[BaseException], exc: BaseException | None) -> str:
    """``ValueError: what it said`` on one line, redacted and not too long."""
    text = f"{exc_type.__name__}: {exc}" if exc is not None and str(exc) else exc_type.__name__
    text = " ".join(redact_text(text).split())
    return text if len(text) <= 300 else text[:299] + "…"


def cli_error_line(exc_type: type[BaseException], exc: BaseException | None, log_path: Path | None) -> str:
    """The one line a command prints for a bug: what it was and where the details are (zh / en)."""
    what = summary(exc_type, exc)
    if log_path is None:
        return T(f"内部错误：{what}", f"Internal error: {what}").both()
    return T(f"内部错误：{what}；详情见日志 {log_path}", f"Internal error: {what}; details in {log_path}").both()


def install_cli_excepthook(log_path: Path) -> None:
    """Uncaught exceptions: the traceback into the log, one redacted line (zh / en) on stderr."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        to_file = log_file() is not None and Path(log_path) == log_file()
        if to_file:
            try:
                log.critical("unhandled exception", exc_info=(exc_type, exc, tb), extra={"file_only": True})
            except Exception:  # noqa: BLE001
                to_file = False
        if not to_file:            # no log file: the traceback goes to the console, redacted
            _write(sys.stderr, redact_text("".join(traceback.format_exception(exc_type, exc, tb))))
        write_line(sys.stderr, cli_error_line(exc_type, exc, Path(log_path) if to_file else None))

    sys.excepthook = hook


def crash_report(exc_type: type[BaseException], exc: BaseException | None, tb: TracebackType | None,
                 log_path: Path | None) -> str:
    """What to send us: versions, platform, the log's path and the traceback — redacted."""
    from . import __version__
    lines = [
        f"Bailian Video Studio {__version__}" + (" (frozen build)" if getattr(sys, "frozen", False) else ""),
        f"Time: {datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"Python: {platform.python_version()} ({platform.python_implementation()}, {sys.executable})",
        f"Platform: {platform.platform()} ({platform.machine()})",
    ]
    try:
        import PySide6
        from PySide6.QtCore import qVersion
        lines.append(f"Qt: {qVersion()} (PySide6 {PySide6.__version__})")
    except Exception:  # noqa: BLE001 — the CLI may run without Qt
        lines.append("Qt: not available")
    lines.append(f"Log: {log_path if log_path is not None else '(none)'}")
    lines.append("")
    lines.append("".join(traceback.format_exception(exc_type, exc, tb)).rstrip("\n"))
    return redact_text("\n".join(lines)) + "\n"
