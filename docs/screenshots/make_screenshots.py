#!/usr/bin/env python3
"""Take the README's screenshots of the real window against the built-in sandbox (offscreen).

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_screenshots.py [OUT_DIR]

Writes PNGs to OUT_DIR (default: this folder). Everything shown is real: tasks run on the sandbox,
thumbnails come from the rendered videos, errors are the sandbox's own.
"""
from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).resolve().parent


async def until(pred, timeout: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not pred():
        if loop.time() > end:
            raise TimeoutError("waited too long")
        await asyncio.sleep(0.05)


async def settle(app, seconds: float = 0.3) -> None:
    """Let Qt and asyncio run for a moment (layouts, thumbnails, debounced updates)."""
    await asyncio.sleep(seconds)


async def main(out: Path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent
    from PySide6.QtWidgets import QApplication

    from bailian_video.engine import Request
    from bailian_video.media import samples
    from bailian_video.ui import translations
    from bailian_video.ui.config import UiConfig
    from bailian_video.ui.main_window import MainWindow
    from bailian_video.ui.session import Session
    from bailian_video.ui.settings_dialog import SettingsDialog

    app = QApplication.instance()
    work = Path(tempfile.mkdtemp(prefix="bailian-shots-"))
    assets = work / "inputs"
    assets.mkdir()
    samples.make_image(assets / "portrait.png", 720, 900, text="portrait", color=(214, 170, 140))
    samples.make_image(assets / "harbour.jpg", 1280, 720, text="harbour", color=(70, 120, 170))
    samples.make_audio(assets / "greeting.wav", 6.0, freq=220.0)
    samples.make_video(assets / "street.mp4", 1280, 720, 3.0, fps=25, with_audio=True, text="street")

    config = UiConfig(work / "data")
    config.out_dir = work / "videos"
    config.backend = "sandbox"
    translations.apply_language("en")
    session = Session(config, force_sandbox=True, sandbox_task_seconds=1.0)
    w = MainWindow(session, config)
    w.resize(1360, 900)
    w.show()
    await session.load_key()
    await session.start("sandbox")
    w.update_badge()

    def shot(widget, name: str) -> None:
        path = out / name
        widget.grab().save(str(path))
        print("wrote", path)

    def drop(widget, paths) -> None:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
        from PySide6.QtGui import QDragEnterEvent
        pos = widget.rect().center()
        try:  # QPoint up to Qt 6.11, QPointF from 6.12
            enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                    Qt.KeyboardModifier.NoModifier)
        except TypeError:
            enter = QDragEnterEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                    Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(widget, enter)
        QApplication.sendEvent(widget, QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime,
                                                  Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))

    eng = session.engine
    # -- a queue with finished work ---------------------------------------------------------------
    jobs = [
        Request("wan2.2-t2v-plus", {"prompt": "一只小猫在月光下奔跑，电影感，柔和的蓝色光线"}, {"size": "832*480", "seed": 42}),
        Request("wan2.2-t2v-plus", {"prompt": "A paper boat drifting on a calm lake at sunrise, soft mist"},
                {"size": "832*480", "seed": 7}),
        Request("wan2.2-i2v-flash", {"img_url": str(assets / "harbour.jpg"),
                                     "prompt": "Boats sway gently in the harbour; gulls fly past"},
                {"resolution": "480P"}),
        Request("emo-v1", {"image_url": str(assets / "portrait.png"), "audio_url": str(assets / "greeting.wav")},
                {"ratio": "1:1", "style_level": "normal"}),
    ]
    done = []
    for req in jobs:
        res = await eng.submit(req)
        done.extend(res.tasks)
    await until(lambda: all(r.state.terminal for r in done), 120)
    session.ctx.sandbox.set_faults("moderation*1")
    bad = (await eng.submit(Request("wan2.2-t2v-plus", {"prompt": "A crowded night market, neon signs"},
                                    {"size": "832*480"}))).tasks
    await until(lambda: all(r.state.terminal for r in bad), 60)
    session.ctx.sandbox.set_faults("")
    slow_session_task = (await eng.submit(Request("wanx2.1-t2v-turbo", {"prompt": "城市夜景延时摄影，车流如织"},
                                                  {"size": "832*480"}))).tasks
    await settle(app, 0.4)
    await session.refresh_totals()

    t2v = w.tab("t2v")
    w.tabs.setCurrentWidget(t2v)
    t2v.input_editors["prompt"].set_value("一只小猫在月光下奔跑，电影感，柔和的蓝色光线")
    t2v.param_editors["size"].set_value("832*480")
    w.queue.select_task(done[0].id)
    await settle(app, 0.6)
    translations.apply_language("zh")
    w.set_language("zh")
    await settle(app, 0.6)
    shot(w, "main_zh.png")
    w.set_language("en")
    await settle(app, 0.6)
    t2v.input_editors["prompt"].set_value("A kitten runs under the moon, cinematic, soft blue light")
    await settle(app, 0.3)
    shot(w, "main_en.png")

    # -- a tab with dropped inputs ----------------------------------------------------------------
    emo = w.tab("emo")
    w.tabs.setCurrentWidget(emo)
    drop(emo.input_editors["image_url"], [assets / "portrait.png"])
    drop(emo.input_editors["audio_url"], [assets / "greeting.wav"])
    await until(lambda: not emo.input_editors["image_url"].busy() and not emo.input_editors["audio_url"].busy())
    emo.param_editors["ratio"].set_value("3:4")
    await settle(app, 0.5)
    shot(w, "dropped_inputs_en.png")
    rt = w.tab("videoretalk")
    w.tabs.setCurrentWidget(rt)
    drop(rt, [assets / "street.mp4", assets / "greeting.wav"])
    await until(lambda: rt.input_editors["video_url"].value() and rt.input_editors["audio_url"].value()
                and not rt.input_editors["video_url"].busy() and not rt.input_editors["audio_url"].busy())
    await settle(app, 0.5)
    shot(w, "dropped_video_audio_en.png")

    # -- the queue with finished tasks ------------------------------------------------------------
    await until(lambda: all(r.state.terminal for r in slow_session_task), 60)
    w.queue.select_task(done[2].id)
    await settle(app, 0.6)
    shot(w.queue, "queue_finished_en.png")

    # -- an error: a failed task and a field problem ----------------------------------------------
    i2v = w.tab("i2v")
    w.tabs.setCurrentWidget(i2v)
    samples.make_image(assets / "tiny.png", 120, 90, text="tiny")
    drop(i2v.input_editors["img_url"], [assets / "tiny.png"])
    await until(lambda: not i2v.input_editors["img_url"].busy())
    i2v.input_editors["prompt"].set_value("x" * 810)
    await i2v._generate()
    w.queue.select_task(bad[0].id)
    await settle(app, 0.6)
    shot(w, "error_states_en.png")

    # -- settings ---------------------------------------------------------------------------------
    dlg = SettingsDialog(session, w)
    dlg.resize(720, 860)
    dlg.show()
    await settle(app, 0.4)
    shot(dlg, "settings_en.png")
    dlg.close()
    translations.apply_language("zh")
    dlg = SettingsDialog(session, w)
    dlg.resize(720, 860)
    dlg.show()
    await settle(app, 0.4)
    shot(dlg, "settings_zh.png")
    dlg.close()
    translations.apply_language("en")

    # -- small window, long prompt ----------------------------------------------------------------
    long_prompt = ("A slow dolly shot through a rain-soaked neon street at night: reflections ripple in the puddles, "
                   "a cyclist in a yellow raincoat passes, steam rises from a noodle stall, the camera rises to "
                   "reveal the skyline under low clouds, shallow depth of field, cinematic colour grading. ") * 2
    lp = (await eng.submit(Request("wan2.2-t2v-plus", {"prompt": long_prompt}, {"size": "832*480"}))).tasks
    await until(lambda: all(r.state.terminal for r in lp), 60)
    w.tabs.setCurrentWidget(t2v)
    t2v.input_editors["prompt"].set_value(long_prompt)
    w.queue.select_task(lp[0].id)
    await settle(app, 0.5)
    shot(w, "long_prompt_en.png")
    w.resize(800, 600)
    await settle(app, 0.6)
    shot(w, "small_800x600_en.png")
    translations.apply_language("zh")
    await settle(app, 0.6)
    shot(w, "small_800x600_zh.png")
    translations.apply_language("en")

    w.close()
    await session.close()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    target.mkdir(parents=True, exist_ok=True)
    import qasync

    from bailian_video.ui.app import make_application
    make_application([])
    qasync.run(main(target))
