"""Screenshots for "from clips to a film" (issue 13), in a real X server against the sandbox.

    Xvfb :99 -screen 0 1920x1080x24 & DISPLAY=:99 openbox &
    cd docs/screenshots && DISPLAY=:99 ../../.venv/bin/python film.py OUT [scenes]

Scenes: sequences (the page with a 3-shot sequence: zh/en, light/dark, 1024×700 and 1920×1080),
continue (the Continue dialog), hold (a click held by the daily limit), snippets (the side list).
"""
from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication
from studio import Studio, place, settle, shot

PROMPTS = {"zh": ["清晨的灯塔，海浪拍打礁石", "一只红色风筝飞过海滩", "黑色礁石上的浪花，慢镜头"],
           "en": ["A lighthouse at dawn, waves on the rocks", "A red kite over a beach", "Waves on black rocks, slow motion"]}
NAMES = {"zh": "海边短片", "en": "Seaside short"}


async def sequences(s: Studio, out: Path) -> None:
    from bailian_video.engine import Request
    eng, w, lang = s.session.engine, s.w, s.lang
    recs = []
    for i, p in enumerate(PROMPTS[lang]):
        (r,) = await s.make(Request("wan2.7-t2v", {"prompt": p}, {"resolution": "720P", "duration": 2 + i}))
        recs.append(r)
    seq = eng.sequences.create(NAMES[lang])
    shots = [eng.sequences.add_shot(seq.id, take=r.id) for r in recs]
    again = Request.from_json(recs[1].request.to_json())
    again.params.pop("seed", None)
    res = await eng.submit(again, shot=shots[1].id)
    while not all(eng.get(t.id).state.terminal for t in res.tasks):
        await asyncio.sleep(0.1)
    w.show_page("sequences")
    page = w.sequences
    page.select_sequence(seq.id)
    page.strip.setCurrentIndex(page.model.index(1, 0))
    for theme in ("light", "dark"):
        w.set_appearance(theme)
        for wd, ht in ((1024, 700), (1920, 1080)):
            await place(w, wd, ht)
            await settle(1.5)
            shot(out, f"sequences_{lang}_{theme}_{wd}x{ht}", (wd, ht))
    w.set_appearance("light")
    await place(w, 1024, 700)
    await page.make_film()
    await settle(1.0)
    shot(out, f"film_made_{lang}_1024x700", (1024, 700))


async def continue_dialog(s: Studio, out: Path) -> None:
    from bailian_video.engine import Request
    (r,) = await s.make(Request("wan2.7-t2v", {"prompt": PROMPTS[s.lang][1]}, {"resolution": "720P", "duration": 3}))
    s.w.show_page("create")
    await place(s.w, 1280, 800)
    s.w.play(r)
    await settle(1.0)
    dlg = s.w.stage.continue_video(r)
    assert dlg is not None
    dlg.move(120, 80)
    await settle(3.0)
    shot(out, f"continue_{s.lang}_1280x800", (1280, 800))
    dlg.close()


async def hold(s: Studio, out: Path) -> None:
    from bailian_video.engine import budget
    budget.set_limits(s.session.engine.store, daily=1, monthly=20)
    w = s.w
    w.show_page("create")
    await place(w, 1024, 700)
    tab = w.tab("t2v")
    w.tabs.setCurrentWidget(tab)
    tab.input_editors["prompt"].set_value(PROMPTS[s.lang][0])
    await settle(0.5)
    w.generate_current()
    await settle(2.0)
    shot(out, f"hold_{s.lang}_1024x700", (1024, 700))
    box = QApplication.activeModalWidget()
    if box is not None:
        box.reject()
    await settle(0.5)


async def snippets(s: Studio, out: Path) -> None:
    w = s.w
    w.show_page("create")
    await place(w, 1024, 700)
    tab = w.tab("t2v")
    w.tabs.setCurrentWidget(tab)
    ed = tab.input_editors["prompt"]
    ed.set_value(PROMPTS[s.lang][0])
    ed.edit.moveCursor(ed.edit.textCursor().MoveOperation.End)
    ed.snippets.toggle_list()
    await settle(1.0)
    shot(out, f"snippets_{s.lang}_1024x700", (1024, 700))
    ed.snippets.popup.close()


SCENES = {"sequences": sequences, "continue": continue_dialog, "hold": hold, "snippets": snippets}


async def main(out: Path, scenes: list[str]) -> None:
    from bailian_video.ui import style
    style.apply(QApplication.instance())
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="shots13-"))
    for name in scenes or list(SCENES):
        for lang in ("zh", "en"):
            async with Studio(work, name, lang, task_seconds=0.5) as s:
                await SCENES[name](s, out)


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(main(Path(sys.argv[1]), sys.argv[2:]))
