"""GUI entry points: ``main`` (the app) and ``smoke_test`` (``bailian-video --smoke-test``)."""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# asyncio, qasync, the engine and the crash dialog are imported after the window's first paint (start-up time).

APP_NAME = "Bailian Video Studio"

log = logging.getLogger("bailian_video.ui")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bailian-video", description=APP_NAME, add_help=True)
    p.add_argument("--sandbox", action="store_true",
                   help="run against the built-in sandbox (free, local; nothing leaves this computer)")
    p.add_argument("--data-dir", help="where the task history and settings live (default: the OS app-data folder)")
    p.add_argument("--lang", choices=["zh", "en"], help="interface language (default: follow the OS)")
    p.add_argument("--debug", action="store_true",
                   help="log everything (DEBUG) to the log file and to the console")
    p.add_argument("--smoke-test", action="store_true",
                   help="build the window offscreen, check multimedia, keyring and translations, then exit")
    p.add_argument("--sandbox-task-seconds", type=float, default=None, help=argparse.SUPPRESS)
    return p


def parse(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    args, rest = build_parser().parse_known_args(argv)
    return args, rest


class EarlyLog(logging.Handler):
    """What is logged before the log file is open (the window's frame comes first; see ``main``), kept and
    handed to the real handlers once :func:`bailian_video.logs.setup_logging` has set them up."""

    def __init__(self, level: int):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        root = logging.getLogger()
        root.setLevel(level)
        root.addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def replay(self) -> None:
        logging.getLogger().removeHandler(self)
        for record in self.records:
            logger = logging.getLogger(record.name)
            if logger.isEnabledFor(record.levelno):
                logger.handle(record)
        self.records.clear()


def make_application(qt_args: list[str], appearance: str = "", early: bool = False) -> Any:
    """The QApplication with our names, style sheet, palette (``appearance``: "", "light" or "dark") and
    fonts. ``early``: before the window's first paint (see ``style.apply``)."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName("Bailian Video Studio")
        QCoreApplication.setApplicationName(APP_NAME)
        app = QApplication([sys.argv[0] if sys.argv else "bailian-video", *qt_args])
    assert isinstance(app, QApplication), "a non-GUI QCoreApplication was made before the window's"
    app.setApplicationDisplayName(APP_NAME)
    # The asyncio side decides when to stop (after the backend has shut down cleanly), not Qt.
    app.setQuitOnLastWindowClosed(False)
    from .. import __version__
    app.setApplicationVersion(__version__)
    from . import style
    style.apply(app, appearance, early=early)
    return app


def resolve_data_dir(value: str | None) -> Path:
    from ..engine.paths import data_dir
    return data_dir(value)


def bring_to_front(window: Any) -> None:
    """Show the window above the others (a second launch asked for it)."""
    if window.isMinimized():
        window.showNormal()
    else:
        window.show()
    window.raise_()
    window.activateWindow()


async def offer_restore(window: Any, damaged: Any) -> bool:
    """A damaged task database: restore the newest backup, start an empty history, or leave it be.
    The damaged file is always kept (renamed). True when the store was replaced."""
    import asyncio

    from PySide6.QtWidgets import QMessageBox

    from ..engine.store import restore_backup
    from ..i18n import T
    from .util import ask, tx
    box = QMessageBox(QMessageBox.Icon.Warning, str(T("任务数据库已损坏", "The task database is damaged")),
                      tx(damaged.text), parent=window)
    restore = box.addButton(str(T("恢复备份", "Restore backup")), QMessageBox.ButtonRole.AcceptRole) \
        if damaged.backups else None
    empty = box.addButton(str(T("从空白历史开始", "Start an empty history")), QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(str(T("先不处理", "Leave it for now")), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore or empty)
    clicked = await ask(box)
    if clicked is None or clicked not in (restore, empty):
        return False
    used = await asyncio.to_thread(restore_backup, damaged.path, empty=clicked is empty)
    log.warning("task database %s was damaged (%s); %s", damaged.path, damaged.reason,
                f"restored {used.name}" if used else "started an empty history")
    return True


def show_window(args: argparse.Namespace, config: Any,
                painted: Callable[[], None] | None = None) -> tuple[Any, Any]:
    """Show the window's frame, and once it is painted (then ``painted()`` is called) build its content.
    The frame needs only Qt: the person sees the window while the catalogue, the engine's records, the
    forms and the queue load. asyncio, the HTTP client and the crash dialog load after this."""
    from . import first_paint
    from .main_window import MainWindow

    window = MainWindow(None, config)
    window.show()
    first_paint.watch(window)
    window.wait_first_paint(1500)       # a window never exposed (started minimised) is built all the same
    if painted is not None:
        painted()
    from PySide6.QtWidgets import QApplication

    from . import style
    app = QApplication.instance()
    if isinstance(app, QApplication):
        style.follow_system(app)        # the frame went by a guess of the desktop's scheme
    from .session import Session
    session = Session(config, force_sandbox=args.sandbox, sandbox_task_seconds=args.sandbox_task_seconds)
    window.build(session)
    # Widgets put into a window that is on screen are shown by queued calls: make them now, so the window
    # is whole when this returns (the next paint shows it all).
    QApplication.sendPostedEvents()
    first_paint.built(window)
    return window, session


async def run_window(app: Any, args: argparse.Namespace, config: Any, instance: Any = None,
                     crash: Any = None, shown: tuple[Any, Any] | None = None) -> int:
    """Show the window at once (unless ``shown`` already), then start the backend (the window is usable
    meanwhile)."""
    import asyncio

    from ..engine.store import StoreDamaged
    from .session import SANDBOX, SERVICE

    window, session = shown if shown is not None else show_window(args, config)
    if crash is not None:
        crash.install_loop(asyncio.get_running_loop())
        crash.set_window(window)
    if instance is not None:
        instance.activated.connect(lambda: bring_to_front(window))
    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)
    # Finding the keychain takes a while (keyring imports every backend it knows; some search for system
    # libraries). The sandbox needs no key: when it is the backend, the keychain is looked at once it has
    # started and listed the history (a worker's imports meanwhile would compete for the interpreter).
    key = None if session.wanted_mode() == SANDBOX else asyncio.ensure_future(session.load_key())
    if key is not None:
        await key
    mode = session.wanted_mode()
    if not mode:
        mode = await window.first_run()
    try:
        try:
            await session.start(mode)
        except StoreDamaged as damaged:
            if not await offer_restore(window, damaged):
                raise
            await session.start(mode)
    except Exception as e:  # noqa: BLE001 — the badge says what went wrong; the window stays open
        # Session.start logs the service's own failures with their traceback; one line here, the rest at DEBUG.
        log.warning("the %s backend did not start: %s", mode, f"{type(e).__name__}: {e}")
        log.debug("why the backend did not start", exc_info=True)
    await (key or session.load_key())
    window.update_badge()
    if mode == SERVICE and not session.api_key:
        window.open_settings()
    await closed.wait()
    window.save_layout()
    await session.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args, qt_args = parse(argv)
    if args.smoke_test:
        return smoke_test(argv)
    import gc
    gc.disable()            # no cyclic collections while starting; GuiThreadCollector takes over below
    # The UI thread shares the interpreter with the engine's workers (thumbnails, downloads, the history):
    # when it wants the GIL back, a worker hands it over after 1 ms instead of Python's default 5 ms.
    sys.setswitchinterval(0.001)
    data_dir = resolve_data_dir(args.data_dir)
    # The log file (and the logging package's handlers) is set up once the window is on screen; what is
    # logged until then is kept and written then.
    early = EarlyLog(logging.DEBUG if args.debug else logging.INFO)
    log_path: Path | None = None

    def start_log() -> None:
        nonlocal log_path
        if log_path is None:
            from .. import logs
            log_path = logs.setup_logging(data_dir, debug=args.debug)
            early.replay()

    from . import translations
    from .config import UiConfig
    from .single_instance import ALREADY_RUNNING, SingleInstance
    config = UiConfig(data_dir)
    app = make_application(qt_args, config.appearance, early=True)
    instance = SingleInstance(data_dir)
    if not instance.claim():
        start_log()
        from .. import logs
        log.info("another instance has the data folder %s: brought its window to the front", data_dir)
        logs.write_line(sys.stdout, ALREADY_RUNNING.both())
        gc.enable()
        return 0
    crash: Any = None
    collector: Any = None
    try:
        translations.apply_language(args.lang or config.language)
        shown = show_window(args, config, painted=start_log)
        start_log()
        # What the first paint does not need comes after it.
        import asyncio
        import platform

        import qasync

        from .. import __version__
        from .crash_dialog import CrashHandler
        from .util import GuiThreadCollector
        log.info("%s %s started (pid %d, Python %s, %s); data folder %s", APP_NAME, __version__, os.getpid(),
                 platform.python_version(), platform.platform(), data_dir)
        crash = CrashHandler(log_path)
        crash.install()
        collector = GuiThreadCollector(app)
        try:
            return int(qasync.run(run_window(app, args, config, instance, crash, shown)) or 0)
        except asyncio.CancelledError:
            return 0
    except Exception as e:  # noqa: BLE001 — the event loop is gone: no dialog, but the log and one line
        start_log()
        from .. import logs
        log.critical("the app stopped on an error", exc_info=True)
        logs.write_line(sys.stderr, logs.cli_error_line(type(e), e, logs.log_file()))
        return 1
    finally:
        if collector is not None:
            collector.stop()
        else:
            gc.enable()
        if crash is not None:
            crash.uninstall()
        instance.close()
        log.info("%s stopped", APP_NAME)


# -- smoke test -------------------------------------------------------------------------------
async def _check_multimedia(sample: Path | None, timeout: float = 5.0) -> tuple[bool, str]:
    """Is a Qt Multimedia backend there, and can it open an MP4?"""
    import asyncio

    from PySide6.QtCore import QUrl
    from PySide6.QtMultimedia import QMediaFormat, QMediaPlayer

    formats = QMediaFormat().supportedFileFormats(QMediaFormat.ConversionMode.Decode)
    if not formats:
        return False, "no Qt Multimedia backend (no decodable formats)"
    backend = os.environ.get("QT_MEDIA_BACKEND") or "default (ffmpeg)"
    if sample is None or not sample.is_file():
        return True, f"backend {backend}, {len(formats)} decodable formats (no sample video to open)"
    player = QMediaPlayer()
    done: asyncio.Future = asyncio.get_running_loop().create_future()

    def status(s: Any) -> None:
        if s in (QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.InvalidMedia) and not done.done():
            done.set_result(s)

    def error(_e: Any, msg: str) -> None:
        if not done.done():
            done.set_result(msg)

    player.mediaStatusChanged.connect(status)
    player.errorOccurred.connect(error)
    player.setSource(QUrl.fromLocalFile(str(sample)))
    try:
        result = await asyncio.wait_for(done, timeout)
    except TimeoutError:
        result = "timed out"
    duration = player.duration()
    player.setSource(QUrl())
    player.deleteLater()
    if result != QMediaPlayer.MediaStatus.LoadedMedia:
        return False, f"backend {backend} could not open {sample.name}: {result}"
    return True, f"backend {backend}, {len(formats)} decodable formats, opened an MP4 ({duration} ms)"


def _sample_video(folder: Path) -> Path | None:
    """A one-second MP4 to open when no sandbox task made one."""
    try:
        from ..media.samples import make_video
        out = folder / "smoke-sample.mp4"
        make_video(out, 320, 240, 1.0)
        return out
    except Exception:  # noqa: BLE001 — the check then only looks for the backend
        return None


async def _sandbox_task(window: Any, session: Any, timeout: float) -> tuple[bool, str]:
    """One real text-to-video task through the form, against the embedded sandbox, to DONE."""
    import asyncio

    from .. import catalog
    from ..engine import State
    await session.start("sandbox")
    tab = window.tab("t2v")
    tab.set_model(catalog.EXAMPLE_T2V_MODEL)
    tab.input_editors["prompt"].set_value("Smoke test: a paper boat on a calm lake at sunrise")
    tab.param_editors["size"].set_value("832*480")
    created = await tab._generate()
    if not created:
        return False, "the form did not create a task: " + (tab.note.text() or "?")
    rec = created[0]
    deadline = time.monotonic() + timeout
    while not rec.state.terminal and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    if rec.state != State.DONE:
        return False, f"task {rec.id} ended {rec.state.value}: {rec.error_code or ''} {rec.error_message or ''}"
    if not rec.output_path or not Path(rec.output_path).is_file():
        return False, f"task {rec.id} is DONE but its file is missing: {rec.output_path}"
    return True, f"{rec.output_path} ({Path(rec.output_path).stat().st_size} bytes, {rec.elapsed():.1f} s)"


def _check_exports(video: Path, folder: Path) -> tuple[bool, str]:
    """Every editor export of a one-clip timeline, read back (a frozen build loses adapters' source files
    and MediaInfo's library, which only these calls need)."""
    from ..media import timeline
    from ..media.probe import probe
    info = probe(video, deep=False)
    clip = timeline.TimelineClip(path=video.resolve(), name=video.stem, start=0.0, end=float(info.duration or 1.0),
                                 width=int(info.width or 0), height=int(info.height or 0), fps=float(info.fps or 24),
                                 has_audio=bool(info.has_audio))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "drafts").mkdir(exist_ok=True)
    made = [timeline.export_otio("smoke", [clip], folder / "smoke.otio"),
            timeline.export_fcpxml("smoke", [clip], folder / "smoke.xml"),
            timeline.export_edl("smoke", [clip], folder / "smoke.edl"),
            timeline.export_jianying("smoke", [clip], folder / "drafts")]
    back = [timeline.read_back(p) for p in made]
    good = all(len(b) == 1 and b[0][0] == video.name for b in back)
    return good, "OTIO, FCP XML, EDL and a 剪映 draft written and read back" if good else f"read back {back}"


async def _check_thumbnail(video: Path, folder: Path) -> tuple[bool, str]:
    """A poster of ``video`` decoded in a thumbnail worker process (the frozen app must start this same
    program as a worker, not a second window)."""
    import asyncio
    import os

    from . import thumbs
    t = time.monotonic()
    target = folder / "smoke-poster.jpg"
    problem, raw = await thumbs.make(str(video), thumbs.POSTER, target)
    workers = thumbs.worker_pids()
    img = await asyncio.to_thread(thumbs.loaded, target, raw) if problem is None else None
    good = img is not None and not img.isNull() and bool(workers) and os.getpid() not in workers
    where = f"worker process {workers[0]}" if workers else "no worker process (made in a thread)"
    size = f"{img.width()}×{img.height()}" if img is not None else problem
    return good, f"poster {size} in {(time.monotonic() - t) * 1000:.0f} ms, by {where}"


def smoke_test(argv: list[str]) -> int:
    """Build the window offscreen and check what a frozen build tends to lose. Exit 0 when all is there."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    args, qt_args = parse([a for a in argv if a != "--smoke-test"])
    t0 = time.monotonic()
    lines: list[str] = []
    ok = True

    def report(name: str, good: bool, detail: str) -> None:
        nonlocal ok
        ok = ok and good
        line = f"{'ok  ' if good else 'FAIL'} {name}: {detail}"
        lines.append(line)
        print(line, flush=True)

    import asyncio
    import tempfile

    import PySide6
    from PySide6.QtCore import qVersion

    app = make_application(qt_args)
    from .. import keys
    from . import translations
    from .config import UiConfig

    tmp = tempfile.TemporaryDirectory(prefix="bailian-smoke-")
    # Its own folder even under --data-dir, so a smoke test never touches a person's settings or queue.
    data_dir = (Path(args.data_dir) / "smoke-test") if args.data_dir else Path(tmp.name)
    from .. import logs
    log_path = logs.setup_logging(data_dir, debug=args.debug)
    log.info("smoke test starting")
    report("logs", logs.log_file() is not None and log_path.is_file(), str(log_path))
    report("qt", True, f"PySide6 {PySide6.__version__}, Qt {qVersion()}, platform {app.platformName()}")

    tr_ok, tr_detail = translations.check_catalogue()
    report("translations", tr_ok, tr_detail)
    translations.apply_language(args.lang or "en")

    status = keys.keychain_status()
    report("keyring", True, f"{status.backend} — " + ("usable" if status.usable else
                                                      f"not usable ({status.reason}); keys are kept for the "
                                                      f"session only"))

    import qasync

    async def run() -> None:
        from .main_window import MainWindow
        from .session import Session
        config = UiConfig(data_dir)
        config.out_dir = data_dir / "videos"
        config.backend = "sandbox"
        session = Session(config, force_sandbox=True, sandbox_task_seconds=args.sandbox_task_seconds or 0.5)
        t = time.monotonic()
        window = MainWindow(session, config)
        window.show()
        app.processEvents()
        img = window.grab()
        report("main window", not img.isNull() and window.tabs.count() == len(window.family_tabs) >= 10,
               f"{window.tabs.count()} tabs, {img.width()}×{img.height()} px, built in "
               f"{(time.monotonic() - t) * 1000:.0f} ms")
        sample = None
        if args.sandbox:
            try:
                good, detail = await _sandbox_task(window, session, timeout=60)
            except Exception as e:  # noqa: BLE001 — reported, not raised
                good, detail = False, f"{type(e).__name__}: {e}"
            report("sandbox task", good, detail)
            if good:
                sample = Path(detail.split(" (", 1)[0])
        if sample is None:
            sample = await asyncio.to_thread(_sample_video, data_dir)
        mm_ok, mm_detail = await _check_multimedia(sample)
        report("multimedia", mm_ok, mm_detail)
        if sample is None:
            report("thumbnails", False, "no sample video to decode (making one failed)")
            report("exports", False, "no sample video to export (making one failed)")
        else:
            try:
                th_ok, th_detail = await _check_thumbnail(sample, data_dir / "thumbs")
            except Exception as e:  # noqa: BLE001 — reported, not raised
                th_ok, th_detail = False, f"{type(e).__name__}: {e}"
            report("thumbnails", th_ok, th_detail)
            try:
                ex_ok, ex_detail = await asyncio.to_thread(_check_exports, sample, data_dir / "exports")
            except Exception as e:  # noqa: BLE001 — reported, not raised
                ex_ok, ex_detail = False, f"{type(e).__name__}: {e}"
            report("exports", ex_ok, ex_detail)
        window.close()
        await session.close()

    try:
        qasync.run(run())
    except Exception as e:  # noqa: BLE001
        report("smoke test", False, f"{type(e).__name__}: {e}")
    finally:
        logs.shutdown_logging()       # Windows cannot remove a folder with an open log file
        tmp.cleanup()
    print(f"{'PASSED' if ok else 'FAILED'} in {time.monotonic() - t0:.1f} s", flush=True)
    return 0 if ok else 1
