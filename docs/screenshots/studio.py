"""Issue 12 screenshots in a real X server: the studio (result on stage, before/after, compare, the library
with 0, 5 and 10,000 results, settings restored from a video, honest queue), zh/en, light/dark, two sizes.

    Xvfb :99 -screen 0 1920x1080x24 & DISPLAY=:99 openbox &
    DISPLAY=:99 .venv/bin/python docs/screenshots/studio.py OUT_DIR [scene,scene,…]

Scenes: create, edit, compare, library, restore, queue, kf2v, settings (default: all).
"""
from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import qasync
from new_tabs import drop  # the same real drag-enter + drop events as the other screenshots
from PySide6.QtWidgets import QApplication

SIZES = [(1024, 700), (1920, 1080)]
LANGS = ("zh", "en")
PROMPTS = {"zh": ["一只小猫在月光下奔跑，电影感", "清晨的灯塔，海浪拍打礁石", "城市夜景延时摄影，车流如织",
                  "纸船漂在平静的湖面上，日出", "雪山下的小木屋，炊烟袅袅"],
           "en": ["A kitten runs under the moonlight, cinematic", "A lighthouse at dawn, waves on the rocks",
                  "City lights at night, time-lapse traffic", "A paper boat on a calm lake at sunrise",
                  "A cabin below snowy mountains, smoke rising"]}


async def settle(s: float = 0.6) -> None:
    await asyncio.sleep(s)


async def place(w: Any, wd: int, ht: int) -> None:
    """The window's frame at exactly wd×ht in the top left corner (asked again until the manager agrees)."""
    w.showNormal()
    for _ in range(5):
        w.resize(wd, ht)
        w.move(0, 0)
        await asyncio.sleep(0.3)
        frame = w.frameGeometry()
        w.resize(wd - (frame.width() - w.width()), ht - (frame.height() - w.height()))
        w.move(0, 0)
        await asyncio.sleep(0.3)
        if w.frameGeometry().width() == wd and w.frameGeometry().height() == ht:
            return


def shot(out: Path, name: str, crop: tuple[int, int] | None = None) -> None:
    args = ["import", "-window", "root"]
    if crop:
        args += ["-crop", f"{crop[0]}x{crop[1]}+0+0"]
    subprocess.run([*args, str(out / f"{name}.png")], check=True)
    print("wrote", out / f"{name}.png", flush=True)


def write_history(data: Path, n: int, videos: list[Path], lang: str) -> None:
    """``n`` finished sandbox tasks, made straight in the store (as a long history would be)."""
    from bailian_video.engine import Request, State, TaskRecord, TaskStore
    from bailian_video.engine.paths import store_path
    from bailian_video.engine.records import SANDBOX
    path = store_path(data, True)
    path.parent.mkdir(parents=True, exist_ok=True)
    store = TaskStore(path, SANDBOX)
    start = time.time() - n * 300
    models = [("wan2.2-t2v-plus", "t2v"), ("wan2.7-t2v", "t2v"), ("happyhorse-1.1-t2v", "t2v"),
              ("wan2.2-i2v-flash", "i2v")]
    for i in range(n):
        model, fam = models[i % len(models)]
        created = start + i * 300
        store.add(TaskRecord(id=0, request=Request(model, {"prompt": f"{PROMPTS[lang][i % 5]} #{i + 1}"},
                                                   {"seed": 1000 + i}),
                             state=State.DONE, family=fam, request_key=f"k{i}", task_id=f"task-{i:06d}",
                             created_at=created, submitted_at=created + 1, finished_at=created + 40,
                             done_at=created + 42, usage={"video_duration": 5, "duration": 5},
                             cost_actual=0.6 + (i % 5) * 0.3, output_path=str(videos[i % len(videos)]),
                             favourite=i % 7 == 0, backend=SANDBOX))
    store.close()


class Studio:
    """One window on its own data folder, against the sandbox."""

    def __init__(self, work: Path, name: str, lang: str, task_seconds: float = 1.0):
        self.work, self.name, self.lang, self.task_seconds = work, name, lang, task_seconds

    async def __aenter__(self) -> Studio:
        from bailian_video.ui import translations
        from bailian_video.ui.config import UiConfig
        from bailian_video.ui.main_window import MainWindow
        from bailian_video.ui.session import Session
        self.config = UiConfig(self.work / f"data-{self.name}-{self.lang}")
        self.config.out_dir = self.work / f"videos-{self.name}"
        self.config.backend = "sandbox"
        translations.apply_language(self.lang)
        self.session = Session(self.config, force_sandbox=True, sandbox_task_seconds=self.task_seconds)
        self.w = MainWindow(self.session, self.config)
        self.w.show()
        await self.session.load_key()
        await self.session.start("sandbox")
        self.w.update_badge()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.w.close()
        await self.session.close()
        self.w.deleteLater()

    async def make(self, request: Any, count: int = 1) -> list[Any]:
        res = await self.session.engine.submit(request, count=count)
        ids = [r.id for r in res.tasks]
        eng = self.session.engine
        while not all(eng.get(i).state.terminal for i in ids):
            await asyncio.sleep(0.1)
        return [eng.get(i) for i in ids]


async def main(out: Path, scenes: list[str]) -> None:
    from bailian_video.engine import Request
    from bailian_video.media import samples
    from bailian_video.ui import style

    work = Path(tempfile.mkdtemp(prefix="shots12-"))
    a = work / "inputs"
    a.mkdir()
    samples.make_image(a / "first.png", 1280, 720, text="first", color=(214, 120, 90))
    samples.make_image(a / "last.png", 1280, 720, text="last", color=(90, 130, 214))
    samples.make_image(a / "portrait.png", 720, 1280, text="portrait", color=(150, 200, 140))
    samples.make_video(a / "street.mp4", 1280, 720, 3.0, fps=25, with_audio=True, text="street")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance()
    style.apply(app)

    for lang in LANGS:
        if "create" in scenes:
            async with Studio(work, "create", lang) as s:
                w = s.w
                tab = w.tab("t2v")
                w.tabs.setCurrentWidget(tab)
                tab.input_editors["prompt"].set_value(PROMPTS[lang][0])
                rec, = await s.make(Request("wan2.2-t2v-plus", {"prompt": PROMPTS[lang][0]},
                                            {"size": "1920*1080", "seed": 42}))
                w.play(rec)
                for theme in ("light", "dark"):
                    w.set_appearance(theme)
                    for wd, ht in SIZES:
                        await place(w, wd, ht)
                        await settle(1.5)
                        w.stage.grid.pause() if w.stage.grid else None
                        await settle(0.4)
                        shot(out, f"create_{lang}_{theme}_{wd}x{ht}", (wd, ht))
                w.set_appearance("")
                # a long prompt and an error scrolled into view, at the small size
                await place(w, 1024, 700)
                tab.input_editors["prompt"].set_value("")
                tab.generate()
                await settle(1.0)
                print("error shot: window", w.width(), w.height(), "min", w.minimumSizeHint().width(), flush=True)
                shot(out, f"error_{lang}_1024x700", (1024, 700))
                # the queue's honest words: places in line, the cancel that says it is billed
                s.session.engine.settings.global_concurrency = 1
        if "queue" in scenes and lang == "en":
            async with Studio(work, "queue", lang, task_seconds=30.0) as s:
                w = s.w
                from bailian_video.ui.config import UiConfig  # noqa: F401
                s.config.global_concurrency = 1
                s.session.apply_config()
                res = await s.session.engine.submit(Request("wan2.2-t2v-plus", {"prompt": PROMPTS[lang][1]},
                                                            {"size": "832*480"}), count=3)
                await settle(4.0)
                w.queue.select_task(res.tasks[0].id)
                await place(w, 1280, 860)
                await settle(1.5)
                shot(out, "queue_en_1280x860", (1280, 860))
        if "edit" in scenes and lang == "en":
            async with Studio(work, "edit", lang) as s:
                w = s.w
                rec, = await s.make(Request("wan2.7-videoedit", {"prompt": "Turn the day into a snowy night",
                                                                 "media": [{"type": "video",
                                                                            "url": str(a / "street.mp4")}]},
                                            {"resolution": "720P"}))
                w.play(rec)
                await place(w, 1920, 1080)
                await settle(2.5)
                shot(out, "before_after_en_1920x1080", (1920, 1080))
        if "compare" in scenes and lang == "en":
            async with Studio(work, "compare", lang) as s:
                w = s.w
                takes = []
                for seed in (1, 2, 3):
                    takes += await s.make(Request("wan2.2-t2v-plus", {"prompt": PROMPTS[lang][3]},
                                                  {"size": "832*480" if seed < 3 else "1920*1080", "seed": seed}))
                view = w.compare(takes)
                view.showMaximized()
                await settle(3.0)
                shot(out, "compare_en_1920x1080", (1920, 1080))
                view.close()
        if "library" in scenes:
            videos = [work / f"lib{i}.mp4" for i in range(5)]
            for i, v in enumerate(videos):
                samples.make_video(v, 1280, 720, 2.0 + i, fps=25, text=f"take {i + 1}")
            for n in (0, 5, 10000):
                data = work / f"data-library{n}-{lang}"
                write_history(data, n, videos, lang)
                async with Studio(work, f"library{n}", lang) as s:
                    w = s.w
                    w.show_page("library")
                    for wd, ht in SIZES if n == 5 else [(1920, 1080)]:
                        await place(w, wd, ht)
                        await settle(2.5 if n else 1.0)
                        shot(out, f"library_{n}_{lang}_{wd}x{ht}", (wd, ht))
                    if n == 10000:
                        w.library.search.setText("灯塔" if lang == "zh" else "lighthouse")
                        await settle(1.5)
                        shot(out, f"library_10000_search_{lang}_1920x1080", (1920, 1080))
        if "restore" in scenes:
            async with Studio(work, "restore", lang) as s:
                w = s.w
                photo = work / f"photo-{lang}.png"
                shutil.copy(a / "first.png", photo)
                rec, = await s.make(Request("wan2.2-i2v-flash", {"prompt": PROMPTS[lang][4], "img_url": str(photo)},
                                            {"resolution": "720P", "seed": 7}))
                s.session.engine.remove(rec.id)          # gone from the history …
                photo.unlink()                           # … and its photo moved away
                w.tab("t2v")
                w.tabs.setCurrentWidget(w.family_tabs["t2v"])
                await place(w, 1024, 700)
                drop(w.stage, [Path(rec.output_path)])
                await settle(2.5)
                shot(out, f"restore_{lang}_1024x700", (1024, 700))
        if "kf2v" in scenes:
            async with Studio(work, "kf2v", lang) as s:
                w = s.w
                tab = w.tab("kf2v")
                w.tabs.setCurrentWidget(tab)
                await place(w, 1024, 700)
                await settle(0.5)
                media = tab.input_editors.get("media")
                zones = ([media.section("first_frame").zone, media.section("last_frame").zone] if media is not None
                         else [ed for ed in tab.input_editors.values() if hasattr(ed, "takes") and ed.takes("image")])
                for zone, img in zip(zones, (a / "first.png", a / "last.png"), strict=False):
                    drop(zone, [img])
                await settle(2.0)
                shot(out, f"kf2v_{lang}_1024x700", (1024, 700))
        if "settings" in scenes:
            async with Studio(work, "settings", lang) as s:
                from bailian_video.ui.settings_dialog import SettingsDialog
                dlg = SettingsDialog(s.session, s.w)
                dlg.resize(900, 1000)
                dlg.show()
                await settle(1.0)
                shot(out, f"settings_{lang}")
                dlg.reject()


if __name__ == "__main__":
    out = Path(sys.argv[1])
    scenes = sys.argv[2].split(",") if len(sys.argv) > 2 else ["create", "queue", "edit", "compare", "library",
                                                               "restore", "kf2v", "settings"]
    qapp = QApplication(sys.argv[:1])
    qapp.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(main(out, scenes))
