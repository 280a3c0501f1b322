"""Settings: the key in the (test) keychain, the no-keychain path, test connection, region marks,
output folder and limits reaching the engine, and the first-run offer of the sandbox."""
from __future__ import annotations

import asyncio

import keyring
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from ui_helpers import choose_model, click, open_app, open_settings, until

from bailian_video import keys
from bailian_video.engine import budget
from bailian_video.ui.util import spawn


def ok_button(dlg):
    return dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_key_goes_to_the_keychain_and_comes_back_masked(qtbot, run, data_dir, memory_keyring, service):
    async def go():
        async with open_app(data_dir) as app:
            task, dlg = await open_settings(app)
            click(qtbot, dlg.service_radio)
            assert dlg.key_edit.echoMode() == dlg.key_edit.EchoMode.Password
            qtbot.keyClicks(dlg.key_edit, "sk-test-0123456789abcd")
            click(qtbot, ok_button(dlg))
            assert await task is True
            assert memory_keyring.store[(keys.SERVICE, keys.USERNAME)] == "sk-test-0123456789abcd"
            s = app.session
            assert s.key_source == "keychain" and s.mode == "service" and not s.is_sandbox
            await until(lambda: "Alibaba Cloud" in app.window.badge.text(), 5, "the badge to say service")
            # the key is in no file under the data folder
            for f in data_dir.rglob("*"):
                if f.is_file():
                    assert b"sk-test-0123456789abcd" not in f.read_bytes(), f
            # reopen: shown masked, with where it is stored
            task, dlg = await open_settings(app)
            assert dlg.key_edit.text() == ""
            assert keys.mask("sk-test-0123456789abcd") in dlg.key_where.text()
            assert "keyring" in dlg.key_where.text()
            assert memory_keyring.__class__.__name__ in dlg.key_where.text() or "Memory" in s.keychain.backend \
                or s.keychain.backend in dlg.key_where.text()
            dlg.reject()
            assert await task is False
        # a fresh session reads it from the keychain
        async with open_app(data_dir, sandbox=False) as app2:
            assert app2.session.api_key == "sk-test-0123456789abcd" and app2.session.key_source == "keychain"
            assert app2.session.mode == "service"
    run(go())


def test_without_a_keychain_the_key_is_kept_for_the_session_only(qtbot, run, data_dir, service):
    keyring.set_keyring(fail.Keyring())

    async def go():
        async with open_app(data_dir) as app:
            task, dlg = await open_settings(app)
            click(qtbot, dlg.service_radio)
            text = dlg.key_where.text()
            assert "no usable system keyring" in text and "never written to a file" in text
            qtbot.keyClicks(dlg.key_edit, "sk-test-session-only-42")
            click(qtbot, ok_button(dlg))
            assert await task is True
            s = app.session
            assert s.api_key == "sk-test-session-only-42" and s.key_source == "session"
            budget.mark_suggested(s.engine.store)       # (the one-time limit offer: test_ui_budget)
            assert "session only" in app.window.statusBar().currentMessage()
            for f in data_dir.rglob("*"):
                if f.is_file():
                    assert b"sk-test-session-only-42" not in f.read_bytes(), f
            # it works for real: a task runs with the session key
            tab = app.tab("t2v")
            choose_model(qtbot, tab.model_combo, "wan2.2-t2v-plus")
            tab.input_editors["prompt"].set_value("session key works")
            tab.param_editors["size"].set_value("832*480")
            created = await tab._generate()
            [rec] = await app.wait_done(created)
            assert rec.state.value == "done", rec.error_message
        async with open_app(data_dir, sandbox=False) as app2:
            assert app2.session.api_key is None          # gone with the session, as promised
            assert "No API key" in app2.window.badge.text()
    run(go())


def test_test_connection_says_whether_the_key_works(qtbot, run, data_dir, service):
    async def go():
        async with open_app(data_dir) as app:
            _task, dlg = await open_settings(app)
            click(qtbot, dlg.service_radio)
            qtbot.keyClicks(dlg.key_edit, "not-a-key")
            click(qtbot, dlg.test_button)
            await until(lambda: dlg.test_result.text().startswith("✗"), 20, "a failed test")
            assert "API key" in dlg.test_result.text() or "InvalidApiKey" in dlg.test_result.text()
            dlg.key_edit.clear()
            qtbot.keyClicks(dlg.key_edit, "sk-test-works")
            click(qtbot, dlg.test_button)
            await until(lambda: dlg.test_result.text().startswith("✓"), 20, "a good test")
            assert dlg.test_result.text() == "✓ Connected: the key works in China (Beijing)."
            dlg.reject()
    run(go())


def test_region_marks_models_and_output_settings_reach_the_engine(qtbot, run, data_dir, tmp_path):
    async def go():
        async with open_app(data_dir) as app:
            task, dlg = await open_settings(app)
            assert "not available" not in dlg.region_note.text().lower() or "Every model" in dlg.region_note.text()
            dlg.region_combo.setCurrentIndex(dlg.region_combo.findData("ap-southeast-1"))
            note = dlg.region_note.text()
            assert "Not available in this region" in note and "EMO" in note and "Wan 2.2 Flash" in note
            dlg.dir_edit.clear()
            qtbot.keyClicks(dlg.dir_edit, str(tmp_path / "elsewhere"))
            dlg.template_edit.clear()
            qtbot.keyClicks(dlg.template_edit, "{model}_{seed}")
            assert "wan2.2-t2v-plus_42.mp4" in dlg.template_preview.text()
            dlg.concurrency.setValue(3)
            dlg.deadline.setValue(2.5)
            click(qtbot, ok_button(dlg))
            assert await task is True
            eng = app.session.engine
            assert eng.settings.out_dir == tmp_path / "elsewhere"
            assert eng.settings.name_template == "{model}_{seed}"
            assert eng.settings.global_concurrency == 3 and eng.settings.poll_deadline == 2.5 * 3600
            assert app.session.region == "ap-southeast-1"
            emo = app.tab("emo")
            assert "Not offered in Singapore" in emo.model_combo.facts(0)
            assert emo.model_error.isVisible() and "Singapore" in emo.model_error.text()
            i2v = app.tab("i2v")
            flash = i2v.model_combo.findData("wan2.2-i2v-flash")
            assert i2v.model_combo.facts(flash) == "Not offered in Singapore — available in China (Beijing)"
            # prices are the region's own (and Singapore has no free quota)
            assert i2v.spec.name == "happyhorse-1.1-i2v"           # the newest model Singapore offers
            choose_model(qtbot, i2v.model_combo, "wan2.2-i2v-plus")
            assert i2v.price.text() == "¥0.15/s 480P · ¥0.73/s 1080P"
            # generating an unavailable model is refused at the model picker, in words
            tab = app.tab("emo")
            await tab._generate()
            assert "Singapore" in tab.field_error("region")
    run(go())


def test_first_run_without_a_key_offers_the_sandbox(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir, sandbox=False, start=False) as app:
            await app.session.load_key()
            assert app.session.wanted_mode() == ""            # no key, never chose
            task = spawn(app.window.first_run())
            from bailian_video.ui.settings_dialog import WelcomeDialog
            dlg = await until(lambda: app.window.findChild(WelcomeDialog), 5, "the welcome dialog")
            await until(dlg.isVisible, 5)
            assert "sandbox" in dlg.text.text() and "nothing leaves" in dlg.text.text()
            click(qtbot, dlg.sandbox_button)
            assert await task == "sandbox"
            assert app.config.backend == "sandbox"
            await app.session.start(app.session.wanted_mode())
            app.window.update_badge()
            assert app.session.is_sandbox and "Sandbox" in app.window.badge.text()
            await asyncio.sleep(0)
    run(go())


def test_region_and_workspace_are_saved_and_reach_the_engine(qtbot, run, data_dir, memory_keyring, service):
    async def go():
        async with open_app(data_dir) as app:
            task, dlg = await open_settings(app)
            assert [dlg.region_combo.itemText(i) for i in range(dlg.region_combo.count())] == [
                "China (Beijing)", "Singapore", "US (Virginia)", "Germany (Frankfurt)"]
            click(qtbot, dlg.service_radio)
            qtbot.keyClicks(dlg.key_edit, "sk-test-frankfurt-0001")
            dlg.region_combo.setFocus()
            qtbot.keyClick(dlg.region_combo, Qt.Key.Key_End)
            assert dlg.region() == "eu-central-1"
            click(qtbot, ok_button(dlg))                   # Frankfurt has only workspace hosts: not without one
            assert dlg.isVisible() and not task.done()
            assert "has only workspace hosts" in dlg.workspace_note.text()
            assert dlg.workspace_note.property("error") is True
            qtbot.keyClicks(dlg.workspace_edit, "bad id!")
            click(qtbot, ok_button(dlg))
            assert dlg.isVisible() and "is not a workspace ID" in dlg.workspace_note.text()
            dlg.workspace_edit.clear()
            qtbot.keyClicks(dlg.workspace_edit, "ws-test-42")
            assert dlg.workspace_note.property("error") is False
            click(qtbot, ok_button(dlg))
            assert await task is True
            s, c = app.session, app.config
            assert (c.region, c.workspace) == ("eu-central-1", "ws-test-42")
            assert (s.region, s.workspace) == ("eu-central-1", "ws-test-42")
            assert s.engine.settings.workspace == "ws-test-42" and s.engine.settings.region == "eu-central-1"
            await until(lambda: "Alibaba Cloud" in app.window.badge.text(), 5, "the badge to say service")
            assert app.window.badge.text() == "● Alibaba Cloud · Germany (Frankfurt) · workspace ws-test-42"
        # a restart keeps both, and the dialog shows them
        async with open_app(data_dir, sandbox=False) as app2:
            s = app2.session
            assert (s.region, s.workspace, s.mode) == ("eu-central-1", "ws-test-42", "service")
            assert s.engine.settings.workspace == "ws-test-42"
            task, dlg = await open_settings(app2)
            assert dlg.region() == "eu-central-1" and dlg.workspace_edit.text() == "ws-test-42"
            dlg.workspace_edit.clear()                   # Beijing needs none: clearing it is fine there
            dlg.region_combo.setCurrentIndex(dlg.region_combo.findData("cn-beijing"))
            click(qtbot, ok_button(dlg))
            assert await task is True
            assert (app2.config.region, app2.config.workspace, s.workspace) == ("cn-beijing", "", "")
            assert app2.window.badge.text() == "● Alibaba Cloud · China (Beijing)"
    run(go())


def test_models_that_need_a_workspace_say_so_in_the_picker(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir, sandbox=False, start=False) as app:
            app.config.backend = "service"
            tab = app.tab("t2v")
            tab.retranslate_model()
            i = tab.model_combo.findData("wan3.0-video")
            assert tab.model_combo.facts(i).startswith("needs a workspace id (Settings) · ")
            assert "needs a workspace id" not in tab.model_combo.facts(tab.model_combo.findData("wan2.7-t2v"))
            tab.set_model("wan3.0-video")
            assert tab.model_error.isVisible() and "workspace id in Settings" in tab.model_error.text()
            app.session.workspace = "ws-test-42"
            tab.retranslate_model()
            assert "workspace" not in tab.model_combo.itemText(i) and not tab.model_error.isVisible()
    run(go())
