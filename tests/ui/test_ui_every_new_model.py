"""Every new model made through the window the way a person does it: its tab, a region that offers it (and,
where it answers only on a workspace host, a workspace id entered in Settings), the model picked with the keyboard,
small real files dropped on the right zones, the prompt typed, the shortest duration and the cheapest tier
picked, Generate; then the MP4 is checked against what the catalogue says the request makes (length,
frame, sound) and the sandbox must have seen exactly one creation for the model.

The requests are the same minimal ones the command line's end-to-end test sends (``model_inputs``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox
from ui_helpers import click, drop, dropped, generate, mp4s, open_app, open_settings, type_into

from bailian_video import catalog
from bailian_video.catalog import ModelSpec
from bailian_video.engine import State
from bailian_video.media.probe import probe
from bailian_video.ui.dropzone import DropZone
from bailian_video.ui.fields import ChoiceEditor, NumberEditor, OptionalIntEditor, TextEditor
from bailian_video.ui.media_editor import MediaEditor
from model_inputs import Files, expected_video, first_function, quick_params, request_inputs

NEW = [m for m in catalog.MODELS if m.new and m.user_facing]
WORKSPACE = "ws-e2e-42"
TASK_SECONDS = 0.2


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    return Files(tmp_path_factory.mktemp("inputs"))


# -- acting like a person --------------------------------------------------------------------------
def key_pick(qtbot: Any, combo: QComboBox, reached: Any, what: str) -> None:
    """Focus ``combo``, Home, then Down until ``reached()`` (disabled rows are skipped by the keys)."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if reached():
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert reached(), f"{what} cannot be reached with the keyboard"


def pick_model(qtbot: Any, tab: Any, name: str) -> None:
    key_pick(qtbot, tab.model_combo, lambda: tab.model_combo.currentData() == name, f"model {name}")
    assert tab.spec.name == name


def pick_choice(qtbot: Any, editor: ChoiceEditor, value: Any) -> None:
    key_pick(qtbot, editor.combo, lambda: editor.value() == value, f"{value!r} in {editor.combo.objectName()}")


def type_number(qtbot: Any, box: Any, value: int) -> None:
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, str(value))


async def set_region(qtbot: Any, app: Any, spec: ModelSpec) -> None:
    """Where the model is offered (the current region if it is), with a workspace id when the model or the
    region answers only on a workspace host: set in Settings, under the service's connection, then back
    to the sandbox (which answers every host itself)."""
    s = app.session
    region = s.region if spec.available_in(s.region) else next(iter(spec.regions))
    r = catalog.REGIONS[region]
    workspace = WORKSPACE if spec.host == "workspace" or r.base_url is None else s.workspace
    if (region, workspace) != (s.region, s.workspace):
        task, dlg = await open_settings(app)
        click(qtbot, dlg.service_radio)
        key_pick(qtbot, dlg.region_combo, lambda: dlg.region() == region, f"region {region}")
        dlg.workspace_edit.clear()
        qtbot.keyClicks(dlg.workspace_edit, workspace)
        click(qtbot, dlg.sandbox_radio)
        click(qtbot, dlg.buttons.button(QDialogButtonBox.StandardButton.Ok))
        assert await task is True
    assert (s.region, s.workspace, s.is_sandbox) == (region, workspace, True)


async def fill(qtbot: Any, tab: Any, spec: ModelSpec, inputs: dict[str, Any]) -> None:
    """Drop the files on their zones, type the texts, pick the choices."""
    for name, value in inputs.items():
        ed = tab.input_editors.get(name)
        ins = spec.input(name, tab.function)
        assert ed is not None and ins is not None, f"{spec.name}: the form has no field {name}"
        if isinstance(ed, MediaEditor):
            by_type: dict[str, list[str]] = {}
            for item in value:
                extra = set(item) - {"type", "url"}
                assert not extra, f"{spec.name}: the form cannot fill {sorted(extra)} of a {item['type']} item yet"
                by_type.setdefault(item["type"], []).append(item["url"])
            for typ, urls in by_type.items():
                sec = ed.section(typ)
                assert sec is not None, f"{spec.name}: no zone for media type {typ}"
                if sec.link is not None:
                    sec.link.setFocus()
                    qtbot.keyClicks(sec.link, urls[0])
                    continue
                assert sec.zone is not None
                assert drop(sec.zone, [Path(u) for u in urls]), f"{spec.name}: {typ} refused the drop"
                await dropped(sec.zone)
                assert sec.error_text() == "", f"{spec.name}: {typ}: {sec.error_text()}"
        elif isinstance(ed, DropZone):
            paths = value if isinstance(value, list) else [value]
            assert drop(ed, [Path(p) for p in paths]), f"{spec.name}: {name} refused the drop"
            await dropped(ed)
            assert not ed.refusal, f"{spec.name}: {name}: {ed.refusal}"
        elif isinstance(ed, TextEditor):
            type_into(qtbot, tab, name, str(value))
        elif isinstance(ed, ChoiceEditor):
            pick_choice(qtbot, ed, value)
        elif isinstance(ed, OptionalIntEditor):
            type_number(qtbot, ed.box, int(value))
        else:
            pytest.fail(f"{spec.name}: the form cannot fill {name} ({ins.kind.value}) with {type(ed).__name__}")
    got = tab.build_request().inputs
    assert got == inputs, f"{spec.name}: the form holds {got}, not {inputs}"


def set_options(qtbot: Any, tab: Any, spec: ModelSpec, params: dict[str, Any]) -> None:
    for name, value in params.items():
        ed = tab.param_editors.get(name)
        if isinstance(ed, NumberEditor):
            type_number(qtbot, ed.box, int(value))
        elif isinstance(ed, ChoiceEditor):
            pick_choice(qtbot, ed, value)
        else:
            pytest.fail(f"{spec.name}: the form cannot set {name} with {type(ed).__name__}")
        assert ed.value() == value, f"{spec.name}: {name} is {ed.value()!r}, not {value!r}"


# -- the test ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("spec", NEW, ids=lambda m: m.name)
def test_every_new_model_makes_its_video_from_the_window(spec: ModelSpec, qtbot: Any, run: Any, data_dir: Path,
                                                        files: Files) -> None:
    function = first_function(spec)
    inputs = request_inputs(spec, files, function)

    async def go() -> None:
        async with open_app(data_dir, task_seconds=TASK_SECONDS) as app:
            tab = app.tab(spec.family.value)
            await set_region(qtbot, app, spec)
            pick_model(qtbot, tab, spec.name)
            assert tab.function == function
            assert tab.model_error.isHidden(), tab.model_error.text()
            await fill(qtbot, tab, spec, inputs)
            params = quick_params(spec, function, app.session.region)
            set_options(qtbot, tab, spec, params)
            want = expected_video(spec, inputs, tab.build_request().params, function)

            recs = await generate(qtbot, tab)
            errors = {n: tab.field_error(n) for n in [*tab.input_rows, *tab.param_rows] if tab.field_error(n)}
            assert len(recs) == 1, (tab.note.text(), errors)
            [rec] = await app.wait_done(recs)
            assert rec.state == State.DONE, (rec.error_code, rec.error_message)
            assert rec.model == spec.name and rec.request.inputs == inputs
            assert {k: rec.request.params.get(k) for k in params} == params
            sandbox = app.session.ctx.sandbox
            assert (sandbox.creations(spec.name), sandbox.creations()) == (1, 1)

            out = Path(rec.output_path)
            assert out.parent == app.out_dir and mp4s(app.out_dir) == [out]
            info = probe(out)
            assert info.kind == "video"
            assert info.duration is not None and abs(info.duration - want.seconds) <= 0.25, \
                f"{spec.name}: {info.duration:.2f} s, expected {want.seconds:g} s"
            problem = want.check(info.width or 0, info.height or 0)
            assert not problem, f"{spec.name}: {problem}"
            assert info.has_audio == want.audio, \
                f"{spec.name}: {'sound' if info.has_audio else 'no sound'}, expected {'sound' if want.audio else 'none'}"
    run(go())
