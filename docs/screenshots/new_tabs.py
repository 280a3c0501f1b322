"""Issue 11 screenshots in a real X server: each new tab, zh/en, 1024x700 and 1920x1080.

    Xvfb :99 -screen 0 1920x1080x24 & DISPLAY=:99 openbox &
    DISPLAY=:99 .venv/bin/python docs/screenshots/new_tabs.py OUT_DIR [zh,en] [1024x700,1920x1080] [r2v,edit,…,settings]
"""
from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import qasync
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication


def drop(widget, paths) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = widget.rect().center()
    try:
        enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
    except TypeError:
        enter = QDragEnterEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    QApplication.sendEvent(widget, QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime,
                                              Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))


async def main(out: Path, langs: list[str], sizes: list[tuple[int, int]], which: list[str]) -> None:
    from bailian_video.media import samples
    from bailian_video.ui import style, translations
    from bailian_video.ui.config import UiConfig
    from bailian_video.ui.main_window import MainWindow
    from bailian_video.ui.session import Session

    work = Path(tempfile.mkdtemp(prefix="shots11-"))
    a = work / "inputs"
    a.mkdir()
    samples.make_image(a / "actor.png", 720, 960, text="actor", color=(214, 170, 140))
    samples.make_image(a / "dog.png", 800, 800, text="dog", color=(120, 170, 90))
    samples.make_image(a / "hat.png", 640, 640, text="hat", color=(170, 90, 150))
    samples.make_audio(a / "voice.wav", 4.0, freq=220.0)
    samples.make_video(a / "street.mp4", 1280, 720, 3.0, fps=25, with_audio=True, text="street")
    samples.make_video(a / "dance.mp4", 720, 1280, 3.0, fps=25, with_audio=False, text="dance")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance()
    style.apply(app)
    for lang in langs:
        config = UiConfig(work / f"data-{lang}")
        config.out_dir = work / "videos"
        config.backend = "sandbox"
        translations.apply_language(lang)
        session = Session(config, force_sandbox=True, sandbox_task_seconds=1.0)
        w = MainWindow(session, config)
        w.show()
        await session.load_key()
        await session.start("sandbox")
        w.update_badge()

        async def settle(s: float = 0.6) -> None:
            await asyncio.sleep(s)

        async def fill(fam: str, w: Any = w, lang: str = lang) -> None:
            tab = w.tab(fam)
            w.tabs.setCurrentWidget(tab)
            if fam == "r2v":
                med = tab.input_editors["media"]
                drop(med.section("reference_image").zone, [a / "actor.png", a / "dog.png"])
                drop(med.section("reference_video").zone, [a / "street.mp4"])
                await settle(1.5)
                tab.input_editors["prompt"].set_value("图1 和 图2 在 视频1 的街道上散步" if lang == "zh" else
                                                      "Image 1 walks Image 2 down the street of Video 1")
            elif fam == "edit":
                med = tab.input_editors["media"]
                drop(med.section("video").zone, [a / "street.mp4"])
                await settle(1.5)
                tab.input_editors["prompt"].set_value("把白天改成下雪的夜晚" if lang == "zh" else
                                                      "Turn the day into a snowy night")
                tab.preview_toggle.setChecked(True)
                await settle(1.0)
            elif fam == "animate":
                for ed in tab.input_editors.values():
                    if hasattr(ed, "takes") and ed.takes("image"):
                        drop(ed, [a / "actor.png"])
                    elif hasattr(ed, "takes") and ed.takes("video"):
                        drop(ed, [a / "dance.mp4"])
                await settle(1.5)
            elif fam == "s2v":
                for ed in tab.input_editors.values():
                    if hasattr(ed, "takes") and ed.takes("image"):
                        drop(ed, [a / "actor.png"])
                    elif hasattr(ed, "takes") and ed.takes("audio"):
                        drop(ed, [a / "voice.wav"])
                await settle(1.5)
            elif fam == "t2v":
                tab.input_editors["prompt"].set_value("一只小猫在月光下奔跑，电影感" if lang == "zh" else
                                                      "A kitten runs under the moonlight, cinematic")
            await settle()

        for fam in [f for f in which if f not in ("settings", "picker")]:
            await fill(fam)
            for wd, ht in sizes:
                w.resize(wd, ht)
                w.move(0, 0)
                await settle(0.5)
                frame = w.frameGeometry()
                w.resize(wd - (frame.width() - w.width()), ht - (frame.height() - w.height()))
                w.move(0, 0)
                await settle(0.8)
                name = out / f"{fam}_{lang}_{wd}x{ht}.png"
                subprocess.run(["import", "-window", "root", "-crop", f"{wd}x{ht}+0+0", str(name)], check=True)
                print("wrote", name)
        if "picker" in which or "t2v" in which:
            tab = w.tab("t2v")
            w.tabs.setCurrentWidget(tab)
            w.resize(1280, 860)
            await settle(0.5)
            tab.model_combo.showPopup()
            await settle(0.8)
            name = out / f"picker_{lang}.png"
            subprocess.run(["import", "-window", "root", "-crop", "1400x1000+0+0", str(name)], check=True)
            print("wrote", name)
            tab.model_combo.hidePopup()
            await settle(0.3)
        if "settings" in which:
            from bailian_video.ui.settings_dialog import SettingsDialog
            dlg = SettingsDialog(session, w)
            dlg.show()
            await settle(0.6)
            dlg.test_all_button.click() if hasattr(dlg, "test_all_button") else None
            await settle(2.0)
            name = out / f"settings_{lang}.png"
            subprocess.run(["import", "-window", "root", str(name)], check=True)
            print("wrote", name)
            dlg.reject()
        w.close()
        await session.close()


if __name__ == "__main__":
    out = Path(sys.argv[1])
    langs = sys.argv[2].split(",") if len(sys.argv) > 2 else ["zh", "en"]
    sizes = [tuple(int(x) for x in s.split("x")) for s in (sys.argv[3].split(",") if len(sys.argv) > 3
                                                            else ["1024x700", "1920x1080"])]
    which = sys.argv[4].split(",") if len(sys.argv) > 4 else ["r2v", "edit", "animate", "s2v", "t2v"]
    qapp = QApplication(sys.argv[:1])
    qapp.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(main(out, langs, sizes, which))
