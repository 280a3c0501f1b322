"""The prompt library in the real window: "Insert snippet" in a prompt's right-click menu (by mouse and by the
menu key) puts the snippet at the cursor with the separator of the prompt's language; the "Snippets" list under
the field filters by title and text in either language and inserts with Enter or a double-click; a snippet added
in "Manage snippets…" is in the menu at once and after the app is opened again; deleting asks, the starter set
comes back; a damaged snippets.json is kept aside, the starter set is used and the person is told."""
from __future__ import annotations

import asyncio
import json

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QInputMethodEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox
from ui_helpers import choose_model, click, open_app, type_into, until

from bailian_video.ui.snippets import SnippetLibrary, SnippetsDialog, joined
from conftest import QT_NOISE

#: offscreen cannot raise a popup menu or let it grab the keyboard (the conftest's list, plus these)
POPUPS = pytest.mark.qt_log_ignore(*QT_NOISE, r"This plugin does not support (raise\(\)|grabbing the keyboard)")


def commit(widget, text: str) -> None:
    """Chinese arrives from the input method as committed text (keyClicks only knows ASCII keys)."""
    ev = QInputMethodEvent()
    ev.setCommitString(text)
    QApplication.sendEvent(widget, ev)


async def right_click(edit, *, keyboard: bool = False) -> QMenu:
    """A right-click in the field (or its menu key): the menu that pops up."""
    if keyboard:
        rect = edit.cursorRect()
        ev = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, rect.center(), edit.mapToGlobal(rect.center()))
        QApplication.sendEvent(edit, ev)
    else:
        pos = QPoint(20, 10)
        vp = edit.viewport()
        QApplication.sendEvent(vp, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, vp.mapToGlobal(pos)))
    def menu() -> QMenu | None:
        popup = QApplication.activePopupWidget()
        return popup if isinstance(popup, QMenu) else None
    return await until(menu, 5, "the context menu")


def submenu(menu: QMenu, title: str) -> QMenu:
    found = [a.menu() for a in menu.actions() if a.menu() is not None and a.text() == title]
    assert found, (title, [a.text() for a in menu.actions()])
    return found[0]


def entry(menu: QMenu, title: str):
    found = [a for a in menu.actions() if a.text() == title]
    assert found, (title, [a.text() for a in menu.actions()])
    return found[0]


async def pick(edit, category: str, title: str, *, keyboard: bool = False) -> None:
    """Right-click → Insert snippet → category → title; the menu closes."""
    menu = await right_click(edit, keyboard=keyboard)
    snippets = submenu(menu, QApplication.translate("SnippetTools", "Insert snippet"))
    entry(submenu(snippets, category), title).trigger()
    menu.close()
    await until(lambda: QApplication.activePopupWidget() is None, 5, "the menu to close")


def test_separators_follow_the_language_before_the_cursor():
    assert joined("", " 推镜头 ") == "推镜头"                          # the start: nothing before
    assert joined("一只猫", "推镜头") == "，推镜头"
    assert joined("一只猫", "push in") == "，push in"                   # Chinese text before it
    assert joined("A cat", "push in") == ", push in"
    assert joined("A cat", "推镜头") == ", 推镜头"
    assert joined("A cat ", "push in") == "push in"                      # after a space
    assert joined("一只猫，", "推镜头") == "推镜头"                         # after punctuation
    assert joined("A cat,", "push in") == " push in"
    assert joined("A cat 4K", "push in") == ", push in"                  # the last letter says the language
    assert joined("", "slow motion", "A cat") == "slow motion, "
    assert joined("一只猫", "慢动作", "在跑") == "，慢动作，"                 # a word follows: separated too


@POPUPS
def test_right_click_inserts_a_snippet_at_the_cursor_in_english_and_chinese(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("t2v")
            choose_model(qtbot, tab.model_combo, "wan2.2-t2v-plus")
            ed = tab.input_editors["prompt"]
            type_into(qtbot, tab, "prompt", "A cat walks")
            menu = await right_click(ed.edit)
            names = {a.objectName() for a in menu.actions()}
            assert {"edit-copy", "edit-paste", "select-all"} <= names           # Qt's own menu is all there
            snippets = submenu(menu, "Insert snippet")
            assert [a.text() for a in snippets.actions() if a.menu()] == \
                ["Camera", "Framing", "Lighting", "Style", "Mood && pace"]
            assert snippets.actions()[-1].text() == "Manage snippets…"
            push = entry(submenu(snippets, "Camera"), "Push in")
            assert push.toolTip() == "the camera slowly pushes in toward the subject"
            push.trigger()
            menu.close()
            want = "A cat walks, the camera slowly pushes in toward the subject"
            assert ed.edit.toPlainText() == want
            assert ed.edit.textCursor().position() == len(want) and ed.edit.hasFocus()
            assert ed.counter.text() == f"{len(want)} / {ed.spec.max_chars}"      # the limit is still counted

            # at the start (the menu key this time): nothing before it, a separator after it
            ed.edit.moveCursor(QTextCursor.MoveOperation.Start)
            await pick(ed.edit, "Mood && pace", "Slow motion", keyboard=True)
            assert ed.edit.toPlainText() == "slow motion, every movement smooth and detailed, " + want

            # after a space: no separator; the negative prompt has the same menu
            neg = tab.input_editors["negative_prompt"]
            type_into(qtbot, tab, "negative_prompt", "blurry ")
            await pick(neg.edit, "Camera", "Handheld")
            assert neg.edit.toPlainText() == "blurry handheld camera with a slight, natural shake"
            assert neg.counter.text() == f"{len(neg.edit.toPlainText())} / 500"
            assert tab.input_editors["prompt"].edit.toPlainText().startswith("slow motion")

        async with open_app(data_dir, lang="zh") as app:
            tab = app.tab("t2v")
            ed = tab.input_editors["prompt"]
            assert ed.edit.toPlainText().startswith("slow motion")        # the form kept what was typed
            ed.edit.setFocus()
            ed.edit.selectAll()
            qtbot.keyClick(ed.edit, Qt.Key.Key_Delete)
            commit(ed.edit, "一只小猫在月光下奔跑")
            menu = await right_click(ed.edit)
            snippets = submenu(menu, QApplication.translate("SnippetTools", "Insert snippet"))
            assert [a.text() for a in snippets.actions() if a.menu()] == ["运镜", "景别与角度", "光线", "风格", "氛围与节奏"]
            orbit = entry(submenu(snippets, "运镜"), "环绕")
            assert orbit.toolTip() == "镜头围绕主体平稳地环绕一周"
            orbit.trigger()
            menu.close()
            assert ed.edit.toPlainText() == "一只小猫在月光下奔跑，镜头围绕主体平稳地环绕一周"
            # in place of a selection, with a word after it: separated on both sides
            text = ed.edit.toPlainText()
            cur = ed.edit.textCursor()
            cur.setPosition(text.index("在"))
            cur.setPosition(text.index("奔跑"), QTextCursor.MoveMode.KeepAnchor)
            ed.edit.setTextCursor(cur)            # "在月光下" selected
            await pick(ed.edit, "光线", "黄金时刻")
            assert ed.edit.toPlainText() == "一只小猫，黄金时刻的暖色阳光，拉出长长的影子，奔跑，镜头围绕主体平稳地环绕一周"
            ed.edit.undo()                        # one step back
            assert ed.edit.toPlainText() == text
    run(go())


@POPUPS
def test_the_side_list_filters_in_either_language_and_inserts(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("t2v")
            ed = tab.input_editors["prompt"]
            type_into(qtbot, tab, "prompt", "A city street at night")
            button = ed.snippets.button
            assert button.isVisible() and button.text().startswith("Snippets")
            click(qtbot, button)
            popup = await until(lambda: ed.snippets.popup if ed.snippets.popup and ed.snippets.popup.isVisible()
                                else None, 5, "the snippet list")
            assert len(popup.titles()) == 26
            under = button.mapToGlobal(QPoint(0, button.height())).y()
            assert popup.geometry().top() >= under                      # under the button
            qtbot.keyClicks(popup.search, "neon")
            assert popup.titles() == ["Neon", "Cyberpunk"]            # by title, and by text ("neon colors")
            assert popup.preview.text() == "neon lights, pink and cyan reflections on the wet ground"
            qtbot.keyClick(popup.search, Qt.Key.Key_Down)
            assert popup.current().title["en"] == "Cyberpunk"
            qtbot.keyClick(popup.search, Qt.Key.Key_Return)
            await until(lambda: not popup.isVisible(), 5, "the list to close")
            want = "A city street at night, cyberpunk style, futuristic city, high-contrast neon colors"
            assert ed.edit.toPlainText() == want and ed.edit.hasFocus()
            assert ed.counter.text() == f"{len(want)} / {ed.spec.max_chars}"

            # again, by double-click; then the button closes it
            click(qtbot, button)
            await until(lambda: popup.isVisible(), 5, "the list again")
            assert popup.search.text() == "" and len(popup.titles()) == 26
            qtbot.keyClicks(popup.search, "zzz")
            assert popup.titles() == [] and popup.list.item(0).text() == "No snippet matches."
            popup.search.clear()
            qtbot.keyClicks(popup.search, "slow")
            assert popup.titles() == ["Push in", "Pull out", "Aerial", "Slow motion"]
            item = popup.list.findItems("Slow motion", Qt.MatchFlag.MatchContains)[0]
            vp = popup.list.viewport()
            at = popup.list.visualItemRect(item).center()
            qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=at)          # a double-click: a click, then the
            qtbot.mouseDClick(vp, Qt.MouseButton.LeftButton, pos=at)         # second press
            await until(lambda: not popup.isVisible(), 5, "the list to close")
            assert ed.edit.toPlainText() == want + ", slow motion, every movement smooth and detailed"
            click(qtbot, button)
            await until(lambda: popup.isVisible(), 5, "the list")
            click(qtbot, button)
            assert not popup.isVisible()

        async with open_app(data_dir, lang="zh") as app:
            tab = app.tab("t2v")
            ed = tab.input_editors["prompt"]
            ed.set_value("")
            click(qtbot, ed.snippets.button)
            popup = await until(lambda: ed.snippets.popup if ed.snippets.popup and ed.snippets.popup.isVisible()
                                else None, 5, "the snippet list")
            commit(popup.search, "光")
            assert popup.titles() == ["黄金时刻", "霓虹灯光", "柔和窗光", "轮廓光", "丁达尔效应", "延时摄影", "梦幻"]
            popup.search.clear()
            qtbot.keyClicks(popup.search, "orbit")               # the English words find it in Chinese too
            assert popup.titles() == ["环绕"]
            qtbot.keyClick(popup.list, Qt.Key.Key_Enter)
            await until(lambda: not popup.isVisible(), 5, "the list to close")
            assert ed.edit.toPlainText() == "镜头围绕主体平稳地环绕一周"       # the start of the prompt: as it is
    run(go())


@POPUPS
def test_a_snippet_added_in_manage_is_in_the_menu_and_survives_reopening(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("t2v")
            ed = tab.input_editors["prompt"]
            menu = await right_click(ed.edit)
            entry(submenu(menu, "Insert snippet"), "Manage snippets…").trigger()
            menu.close()
            dlg = await until(lambda: next((d for d in app.window.findChildren(SnippetsDialog) if d.isVisible()),
                                           None), 5, "the manage dialog")
            assert list(dlg.titles()) == ["Camera", "Framing", "Lighting", "Style", "Mood & pace"]
            assert dlg.titles()["Camera"][0] == "Push in" and dlg.title_zh.text() == "推镜头"
            click(qtbot, dlg.add_button)
            assert dlg.focusWidget() is dlg.title_en                # ready to type the title
            qtbot.keyClicks(dlg.title_en, "Rainy street")
            dlg.title_zh.setFocus()
            commit(dlg.title_zh, "雨夜街头")
            dlg.text_en.setFocus()
            qtbot.keyClicks(dlg.text_en, "a rain-soaked street at night, lights reflected in puddles")
            dlg.text_zh.setFocus()
            commit(dlg.text_zh, "雨夜的街道，路面倒映着灯光")
            line = dlg.category.lineEdit()
            line.setFocus()
            line.selectAll()
            qtbot.keyClicks(line, "My looks")
            qtbot.keyClick(line, Qt.Key.Key_Return)
            assert dlg.titles()["My looks"] == ["Rainy street"]
            # saved at once, as a whole file
            disk = SnippetLibrary(data_dir / "snippets.json")
            [mine] = [s for s in disk.snippets if s.title["en"] == "Rainy street"]
            assert mine.text == {"zh": "雨夜的街道，路面倒映着灯光",
                                 "en": "a rain-soaked street at night, lights reflected in puddles"}
            assert disk.category(mine.category).name == {"zh": "My looks", "en": "My looks"}
            assert len(disk.snippets) == 27

            # deleting asks first
            dlg.select("handheld")
            click(qtbot, dlg.delete_button)
            box = await until(lambda: dlg.confirm, 5, "the question")
            assert "“Handheld”" in box.text()
            click(qtbot, [b for b in box.buttons() if b.text() == "Delete"][0])
            await until(lambda: dlg.confirm is None, 5, "the question to close")
            assert "Handheld" not in dlg.titles()["Camera"]
            dlg.close()

            menu = await right_click(ed.edit)
            snippets = submenu(menu, "Insert snippet")
            assert "Handheld" not in [a.text() for a in submenu(snippets, "Camera").actions()]
            entry(submenu(snippets, "My looks"), "Rainy street").trigger()
            menu.close()
            assert ed.edit.toPlainText() == "a rain-soaked street at night, lights reflected in puddles"

        # a new window on the same data folder
        async with open_app(data_dir, lang="zh") as app:
            tab = app.tab("t2v")
            ed = tab.input_editors["prompt"]
            restored = "a rain-soaked street at night, lights reflected in puddles"
            assert ed.edit.toPlainText() == restored and ed.edit.textCursor().position() == 0
            # the person has not put the cursor anywhere in the restored prompt: the snippet goes at its end
            click(qtbot, ed.snippets.button)
            popup = await until(lambda: ed.snippets.popup if ed.snippets.popup and ed.snippets.popup.isVisible()
                                else None, 5, "the snippet list")
            qtbot.keyClicks(popup.search, "rainy")
            assert popup.titles() == ["雨夜街头"]
            qtbot.keyClick(popup.search, Qt.Key.Key_Return)
            assert ed.edit.toPlainText() == restored + ", 雨夜的街道，路面倒映着灯光"
            menu = await right_click(ed.edit)
            snippets = submenu(menu, QApplication.translate("SnippetTools", "Insert snippet"))
            assert "手持" not in [a.text() for a in submenu(snippets, "运镜").actions()]
            entry(snippets, QApplication.translate("SnippetTools", "Manage snippets…")).trigger()
            menu.close()
            dlg = await until(lambda: next((d for d in app.window.findChildren(SnippetsDialog) if d.isVisible()),
                                           None), 5, "the manage dialog")
            # the starter set comes back; what the person added stays
            click(qtbot, dlg.restore_button)
            box = await until(lambda: dlg.confirm, 5, "the question")
            box.button(QMessageBox.StandardButton.Cancel).click()
            await until(lambda: dlg.confirm is None, 5, "the question to close")
            assert "手持" not in dlg.titles()["运镜"]
            click(qtbot, dlg.restore_button)
            box = await until(lambda: dlg.confirm, 5, "the question")
            click(qtbot, [b for b in box.buttons() if b.text() == QApplication.translate("SnippetsDialog",
                                                                                            "Restore")][0])
            await until(lambda: dlg.confirm is None, 5, "the question to close")
            assert "手持" in dlg.titles()["运镜"] and dlg.titles()["My looks"] == ["雨夜街头"]
            assert len(SnippetLibrary(data_dir / "snippets.json").snippets) == 27
            dlg.close()
    run(go())


@POPUPS
@pytest.mark.parametrize("damage", ["{ not json", json.dumps({"snippets": "none"})])
def test_a_damaged_snippets_file_is_kept_and_the_starter_set_used(qtbot, run, data_dir, damage):
    (data_dir / "snippets.json").write_text(damage, encoding="utf-8")

    async def go():
        async with open_app(data_dir) as app:
            box = await until(lambda: next((b for b in app.window.findChildren(QMessageBox, "snippetsDamaged")
                                            if b.isVisible()), None), 10, "the message")
            [kept] = data_dir.glob("snippets.json.bad-*")
            assert kept.read_text(encoding="utf-8") == damage             # the damaged file, untouched
            assert not (data_dir / "snippets.json").exists()
            assert f"kept as {kept.name} in {data_dir}" in box.text()
            click(qtbot, box.button(QMessageBox.StandardButton.Ok))
            await until(lambda: not box.isVisible(), 5)

            tab = app.tab("t2v")
            ed = tab.input_editors["prompt"]
            type_into(qtbot, tab, "prompt", "A fox")
            await pick(ed.edit, "Lighting", "God rays")
            assert ed.edit.toPlainText() == "A fox, god rays, beams of light streaming down through the mist"
            dlg = ed.snippets.manage()
            assert kept.name in dlg.problem.text() and dlg.problem.isVisible()
            assert len(sum(dlg.titles().values(), [])) == 26
            dlg.close()
            await asyncio.sleep(0)
        async with open_app(data_dir) as app:          # told once: the next start finds no damaged file
            await asyncio.sleep(0.3)
            assert not [b for b in app.window.findChildren(QMessageBox, "snippetsDamaged") if b.isVisible()]
            assert len(list(data_dir.glob("snippets.json.bad-*"))) == 1
    run(go())
