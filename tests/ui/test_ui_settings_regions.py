"""Settings: the key tested region by region (one row per region, a Test button each, Test all), with the
real dialog against the sandbox. The sandbox serves every region's paths on one URL
(``DASHSCOPE_HTTP_BASE_URL`` stands in for the real hosts); it rejects a token that does not start with
``sk-``, and its ``auth`` fault answers 401 ``InvalidApiKey`` as a region answers another region's key."""
from __future__ import annotations

import asyncio
import time

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit, QTableWidget, QWidget
from ui_helpers import choose, click, open_app, open_settings, until

from bailian_video.catalog import BEIJING, FRANKFURT, SINGAPORE, VIRGINIA
from bailian_video.ui import style

KEY = "sk-test-regions-7f3a9c1d2e5b"
ALL = (BEIJING, SINGAPORE, VIRGINIA, FRANKFURT)
OK = "✓ OK: the key works here"


async def with_key(qtbot, app, workspace: str = ""):
    """The dialog in service mode with KEY typed (not saved) and, if given, a workspace id."""
    task, dlg = await open_settings(app)
    pick(qtbot, dlg.service_radio)
    assert dlg.service_radio.isChecked() and dlg.key_edit.isEnabled()
    qtbot.keyClicks(dlg.key_edit, KEY)
    if workspace:
        qtbot.keyClicks(dlg.workspace_edit, workspace)
    return task, dlg


def pick(qtbot, radio) -> None:
    """Click a radio button on its indicator (its middle may be past a short label)."""
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))


def status(dlg, rid: str) -> str:
    return dlg.region_rows[rid].status.text()


def host(dlg, rid: str) -> str:
    return dlg.region_rows[rid].host.text()


async def answered(dlg, rid: str, timeout: float = 20.0) -> str:
    row = dlg.region_rows[rid]
    await until(lambda: not row.busy and row.result is not None, timeout, f"the {rid} row to answer")
    return status(dlg, rid)


def lists(sb) -> int:
    return int(sb.stats.snapshot()["requests"].get("list", 0))


def test_each_region_row_tests_its_own_host(qtbot, run, data_dir, service):
    async def go():
        async with open_app(data_dir) as app:
            _task, dlg = await with_key(qtbot, app)
            rows = dlg.region_rows
            assert list(rows) == list(ALL)
            assert rows[BEIJING].name.text().endswith("· in use")
            assert all("in use" not in rows[r].name.text() for r in ALL[1:])
            assert [host(dlg, r) for r in ALL] == [
                "dashscope.aliyuncs.com", "dashscope-intl.aliyuncs.com", "dashscope-us.aliyuncs.com",
                "‹ID›.eu-central-1.maas.aliyuncs.com"]
            assert all(status(dlg, r) == "Not tested" for r in ALL)
            for rid in (BEIJING, SINGAPORE, VIRGINIA):
                click(qtbot, rows[rid].button)
                assert await answered(dlg, rid) == OK
            assert lists(service) == 3
            # Frankfurt has only workspace hosts: nothing is sent without one
            click(qtbot, rows[FRANKFURT].button)
            assert await answered(dlg, FRANKFURT) == "✗ Needs a workspace ID: this region has only workspace hosts."
            assert rows[FRANKFURT].status.property("error") is True
            assert lists(service) == 3
            # a workspace id that cannot be one is refused before anything is sent
            qtbot.keyClicks(dlg.workspace_edit, "bad id!")
            assert host(dlg, BEIJING) == "‹ID›.cn-beijing.maas.aliyuncs.com"
            click(qtbot, rows[BEIJING].button)
            assert (await answered(dlg, BEIJING)).startswith("✗ “bad id!” is not a workspace ID")
            assert lists(service) == 3
            dlg.workspace_edit.clear()
            # a workspace id: every row now names its workspace host, and the old answers are gone
            qtbot.keyClicks(dlg.workspace_edit, "ws-test-42")
            assert host(dlg, FRANKFURT) == "ws-test-42.eu-central-1.maas.aliyuncs.com"
            assert host(dlg, BEIJING) == "ws-test-42.cn-beijing.maas.aliyuncs.com"
            assert all(status(dlg, r) == "Not tested" for r in ALL)
            click(qtbot, rows[FRANKFURT].button)
            assert await answered(dlg, FRANKFURT) == OK
            assert rows[FRANKFURT].status.property("error") is False
            assert lists(service) == 4
            assert "DASHSCOPE_HTTP_BASE_URL is set" in rows[FRANKFURT].host.toolTip()
            # the region in use moves with the combo; "Test connection" reports it and fills its row
            choose(qtbot, dlg.region_combo, "Germany (Frankfurt)")
            assert rows[FRANKFURT].name.text().endswith("· in use")
            assert "in use" not in rows[BEIJING].name.text()
            click(qtbot, dlg.test_button)
            await until(lambda: dlg.test_result.text().startswith("✓"), 20, "the summary")
            assert dlg.test_result.text() == "✓ Connected: the key works in Germany (Frankfurt)."
            assert status(dlg, FRANKFURT) == OK
            dlg.reject()
    run(go())


def test_a_rejected_key_shows_on_its_row_only(qtbot, run, data_dir, service):
    async def go():
        async with open_app(data_dir) as app:
            _task, dlg = await with_key(qtbot, app)
            rows = dlg.region_rows
            click(qtbot, rows[BEIJING].button)
            assert await answered(dlg, BEIJING) == OK
            # Singapore answers 401 InvalidApiKey, as a region does to another region's key
            service.set_faults("auth@list")
            click(qtbot, rows[SINGAPORE].button)
            assert await answered(dlg, SINGAPORE) == (
                "✗ API key rejected in this region — keys belong to one region; make a key in Singapore's console.")
            assert rows[SINGAPORE].status.property("error") is True
            assert status(dlg, BEIJING) == OK and rows[BEIJING].status.property("error") is False
            assert status(dlg, VIRGINIA) == status(dlg, FRANKFURT) == "Not tested"
            service.set_faults("")
            click(qtbot, rows[VIRGINIA].button)
            assert await answered(dlg, VIRGINIA) == OK
            assert "rejected" in status(dlg, SINGAPORE)
            # a token that is not an sk- key is rejected everywhere, each row naming its own console
            dlg.key_edit.clear()
            qtbot.keyClicks(dlg.key_edit, "not-a-key-42")
            click(qtbot, dlg.test_all_button)
            for rid, label in ((BEIJING, "China (Beijing)"), (SINGAPORE, "Singapore"), (VIRGINIA, "US (Virginia)")):
                assert (await answered(dlg, rid)).endswith(f"make a key in {label}'s console.")
            assert "Needs a workspace ID" in await answered(dlg, FRANKFURT)
            dlg.reject()
    run(go())


def test_test_all_fills_every_row_at_once(qtbot, run, data_dir, service):
    async def go():
        async with open_app(data_dir) as app:
            _task, dlg = await with_key(qtbot, app, workspace="ws-test-42")
            service.set_faults("slow@list=1")             # every host takes a second to answer
            t0 = time.monotonic()
            click(qtbot, dlg.test_all_button)
            # all four are under way together, and the window keeps working meanwhile
            await until(lambda: all(status(dlg, r) == "Testing…" for r in ALL), 5, "four tests under way")
            assert all(not dlg.region_rows[r].button.isEnabled() for r in ALL)
            qtbot.keyClicks(dlg.template_edit, "_x")
            assert dlg.template_edit.text().endswith("_x")
            for rid in ALL:
                assert await answered(dlg, rid) == OK
            assert time.monotonic() - t0 < 3.5              # concurrent: about one second, not four
            assert all(dlg.region_rows[r].button.isEnabled() for r in ALL)
            assert lists(service) == 4
            dlg.reject()
    run(go())


def test_slow_and_unreachable_hosts_say_so(qtbot, run, data_dir, service):
    async def go():
        async with open_app(data_dir) as app:
            _task, dlg = await with_key(qtbot, app)
            where = service.base_url.split("//", 1)[1].split("/", 1)[0]          # 127.0.0.1:PORT
            dlg.test_timeout = 0.5
            service.set_faults("slow@list=3")
            click(qtbot, dlg.region_rows[VIRGINIA].button)
            assert await answered(dlg, VIRGINIA) == f"✗ No answer from {where} within 0.5 s."
            service.set_faults("drop@list")
            click(qtbot, dlg.region_rows[SINGAPORE].button)
            assert await answered(dlg, SINGAPORE) == (
                f"✗ Cannot reach {where}: the connection closed without an answer")
            service.set_faults("")
            service.stop()
            click(qtbot, dlg.region_rows[BEIJING].button)
            assert await answered(dlg, BEIJING) == f"✗ Cannot reach {where}: the connection was refused"
            assert status(dlg, FRANKFURT) == "Not tested"
            dlg.reject()
    run(go())


def test_an_unknown_workspace_says_so(qtbot, run, data_dir, service, monkeypatch):
    """A workspace host that does not know the workspace answers 404 to the task list: here the sandbox's
    origin under a path it does not serve stands in for it."""
    origin = service.base_url.rsplit("/api/v1", 1)[0]
    monkeypatch.setenv("DASHSCOPE_HTTP_BASE_URL", origin + "/no-such-workspace/api/v1")

    async def go():
        async with open_app(data_dir) as app:
            _task, dlg = await with_key(qtbot, app, workspace="ws-missing-7")
            click(qtbot, dlg.region_rows[FRANKFURT].button)
            assert await answered(dlg, FRANKFURT) == "✗ Workspace ID “ws-missing-7” not found in this region."
            assert dlg.region_rows[FRANKFURT].status.property("error") is True
            assert status(dlg, BEIJING) == "Not tested"
            dlg.reject()
    run(go())


def test_the_sandbox_answers_for_every_region(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            sb = app.session.ctx.sandbox
            where = sb.base_url.split("//", 1)[1].split("/", 1)[0]
            _task, dlg = await open_settings(app)
            assert dlg.sandbox_radio.isChecked() and not dlg.key_edit.isEnabled()
            rows = dlg.region_rows
            assert all(host(dlg, r) == where for r in ALL)
            assert "every region" in rows[FRANKFURT].host.toolTip()
            click(qtbot, dlg.test_all_button)
            for rid in ALL:             # Frankfurt too: the sandbox needs no workspace host
                assert await answered(dlg, rid) == "✓ OK: the built-in sandbox answers for this region"
            before = lists(sb)
            sb.set_faults("auth@list")
            click(qtbot, rows[VIRGINIA].button)
            assert await answered(dlg, VIRGINIA) == (
                "✗ API key rejected in this region — keys belong to one region; make a key in US (Virginia)'s console.")
            assert lists(sb) == before + 1
            assert status(dlg, BEIJING).startswith("✓")
            sb.set_faults("")
            click(qtbot, dlg.test_button)
            await until(lambda: dlg.test_result.text().startswith("✓"), 20, "the summary")
            assert dlg.test_result.text() == "✓ The sandbox answers."
            dlg.reject()
    run(go())


def test_the_sandbox_chosen_but_not_running_yet(qtbot, run, data_dir, service):
    async def go():
        async with open_app(data_dir, sandbox=False) as app:
            await app.session.store_key(KEY)
            await app.session.start("service")
            _task, dlg = await open_settings(app)
            assert dlg.service_radio.isChecked()
            pick(qtbot, dlg.sandbox_radio)
            assert dlg.sandbox_radio.isChecked()
            assert all(host(dlg, r) == "built-in sandbox" for r in ALL)
            before = lists(service)
            click(qtbot, dlg.test_all_button)
            for rid in ALL:
                assert await answered(dlg, rid) == "The sandbox starts when you press OK."
                assert dlg.region_rows[rid].status.property("error") is False
            assert lists(service) == before
            dlg.reject()
    run(go())


def visible_texts(dlg) -> list[str]:
    """Every text a person could see or hover in the dialog (the key field's own text aside)."""
    out: list[str] = [dlg.windowTitle()]
    for w in dlg.findChildren(QWidget):
        out += [w.toolTip(), w.statusTip(), w.whatsThis(), w.accessibleName(), w.accessibleDescription()]
        if isinstance(w, (QLabel, QAbstractButton)):
            out.append(w.text())
        if isinstance(w, QLineEdit):
            out.append(w.placeholderText())
            if w is not dlg.key_edit:
                out.append(w.text())
        if isinstance(w, QComboBox):
            out += [w.itemText(i) for i in range(w.count())]
        if isinstance(w, QTableWidget):
            out += [w.item(r, c).text() for r in range(w.rowCount()) for c in range(w.columnCount())
                    if w.item(r, c) is not None]
    return out


def test_the_key_never_shows(qtbot, run, data_dir, memory_keyring, service):
    async def go():
        async with open_app(data_dir) as app:
            await app.session.store_key(KEY)             # saved, so the dialog shows it masked
            _task, dlg = await with_key(qtbot, app, workspace="ws-test-42")
            click(qtbot, dlg.show_key)                   # even with the key shown in its own field
            service.set_faults("auth@list*2")
            click(qtbot, dlg.test_all_button)
            answers = [await answered(dlg, r) for r in ALL]
            assert sum("rejected" in a for a in answers) == 2 and answers.count(OK) == 2
            click(qtbot, dlg.test_button)
            await until(lambda: dlg.test_result.text().startswith(("✓", "✗")), 20, "the summary")
            texts = visible_texts(dlg)
            assert any("rejected" in t for t in texts) and any("aliyuncs.com" in t for t in texts)
            for t in texts:
                assert KEY not in t and KEY[3:] not in t and KEY[-12:] not in t, t
            assert dlg.key_edit.text() == KEY                # it is the one tested, not saved yet
            dlg.reject()
    run(go())


@pytest.fixture
def styled(qapp):
    """The app's own style sheet (colours of the answers), as the real app sets it."""
    qapp.setStyleSheet(style.STYLE_SHEET)
    yield
    qapp.setStyleSheet("")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_dialog_fits_and_looks_right(qtbot, run, data_dir, service, styled, lang):
    async def go():
        async with open_app(data_dir, lang=lang) as app:
            _task, dlg = await with_key(qtbot, app)
            service.set_faults("auth@list*1")             # every kind of answer at once: rejected in Singapore,
            click(qtbot, dlg.region_rows[SINGAPORE].button)    # OK in Beijing and Virginia, Frankfurt needs an id
            await answered(dlg, SINGAPORE)
            for rid in (BEIJING, VIRGINIA, FRANKFURT):
                click(qtbot, dlg.region_rows[rid].button)
                await answered(dlg, rid)
            assert [dlg.region_rows[r].status.property("error") for r in ALL] == [False, True, False, True]
            beijing = "华北2（北京）" if lang == "zh" else "China (Beijing)"
            assert dlg.region_rows[BEIJING].name.text().startswith(f"<b>{beijing}</b>")
            # a 1024×700 screen: the dialog (and a title bar) fit, the table needs no sideways scrolling
            assert dlg.width() <= 1024 and dlg.height() + 40 <= 700
            dlg.resize(1024, 660)
            await asyncio.sleep(0.05)
            dlg.resize(640, 660)
            await asyncio.sleep(0.05)
            assert dlg.scroll_area.horizontalScrollBar().maximum() == 0
            frame = dlg.regions_frame
            for row in dlg.region_rows.values():
                right = row.button.mapTo(frame, row.button.rect().bottomRight())
                assert right.x() <= frame.width() and row.status.width() >= 140
                assert row.status.height() >= row.status.heightForWidth(row.status.width())
            dlg.resize(720, 660)
            dlg.scroll_area.ensureWidgetVisible(frame)
            await asyncio.sleep(0.05)
            assert dlg.grab().save(f"/tmp/settings_regions_{lang}.png")
            dlg.reject()
    run(go())
