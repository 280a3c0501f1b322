"""Compare takes: the settings diff as a pure function (what differs, what is the same, prompts word by
word), and the view on real sandbox results — three takes with different seeds and durations play in step,
the table lists exactly the settings that differ, each take's "Use these settings" hands back its request,
the keyboard reaches every control, Esc closes."""
from __future__ import annotations

import copy

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QWidget
from ui_helpers import choose, click, generate, open_app, type_into, until

from bailian_video.engine import Request, State
from bailian_video.engine.records import TaskRecord
from bailian_video.ui.compare import CompareView, caption, settings_diff, word_marks


# -- the pure part ----------------------------------------------------------------------------------
def record(i: int, *, model: str = "wan2.7-t2v", prompt: str = "a fox in snow", seed: int | None = 42, files: dict | None = None,
           inputs: dict | None = None, cost: float | None = 1.2, took: float = 30.0, **params) -> TaskRecord:
    req = Request(model, inputs={"prompt": prompt, **(inputs or {})},
                  params={"resolution": "720P", "duration": 2, **({"seed": seed} if seed is not None else {}), **params})
    return TaskRecord(id=i, request=req, state=State.DONE, files=files or {}, cost_actual=cost,
                      created_at=1000.0, done_at=1000.0 + took)


def keys(rows) -> list[str]:
    return [r.key for r in rows]


def test_the_diff_lists_only_what_differs_and_says_what_is_the_same():
    rows, same = settings_diff([record(1, seed=1), record(2, seed=2), record(3, seed=3, duration=3, cost=1.8)])
    assert keys(rows) == ["param:duration", "param:seed", "cost"]         # in the form's order
    duration, seed, cost = rows
    assert (seed.label, seed.values) == ("Seed", ["1", "2", "3"])
    assert (duration.label, duration.values) == ("Duration (s)", ["2", "2", "3"])
    assert cost.values == ["¥1.20", "¥1.20", "¥1.80"]
    assert same[:2] == ["Model: wan2.7-t2v", "Prompt: a fox in snow"]
    assert "Resolution: 720P" in same and "Aspect ratio: 16:9 landscape" in same      # catalogue defaults count too
    assert "Took: 0:30" in same and not any(s.startswith("Seed") for s in same)


def test_defaults_written_out_or_left_to_the_model_are_the_same_setting():
    explicit = record(1)
    explicit.request.params["ratio"] = "16:9"                     # the catalogue's default, written out
    rows, _ = settings_diff([explicit, record(2)])
    assert rows == []


def test_short_prompts_are_compared_word_by_word_long_ones_shown_whole():
    rows, _ = settings_diff([record(1, prompt="a red fox in snow"), record(2, prompt="a grey fox in deep snow")])
    [prompt] = rows
    assert prompt.key == "prompt" and prompt.values == ["a red fox in snow", "a grey fox in deep snow"]
    assert prompt.words == [[("a ", False), ("red", True), (" fox in snow", False)],
                            [("a ", False), ("grey", True), (" fox in ", False), ("deep", True), (" snow", False)]]
    long_a, long_b = "word " * 60 + "end", "word " * 60 + "finish"
    [prompt] = settings_diff([record(1, prompt=long_a), record(2, prompt=long_b)])[0]
    assert prompt.words is None and prompt.values == [long_a, long_b]


def test_chinese_prompts_differ_by_character():
    assert word_marks(["雪中的红狐狸", "雪中的白狐狸"]) == [[("雪中的", False), ("红", True), ("狐狸", False)],
                                                 [("雪中的", False), ("白", True), ("狐狸", False)]]
    # a word only some of three takes share differs (not in all)
    marks = word_marks(["a b", "a c", "a b"])
    assert marks[0] == [("a ", False), ("b", True)] and marks[1] == [("a ", False), ("c", True)]


def test_input_files_compare_by_content_and_show_by_name():
    song = record(1, inputs={"audio_url": "/music/song.mp3"},
                  files={"audio_url": {"value": "/music/song.mp3", "sha256": "aaa"}})
    moved = record(2, inputs={"audio_url": "/elsewhere/song.mp3"},
                   files={"audio_url": {"value": "/elsewhere/song.mp3", "sha256": "aaa"}})
    rows, same = settings_diff([song, moved])
    assert rows == [] and "Soundtrack (optional): song.mp3" in same
    changed = record(3, inputs={"audio_url": "/music/song.mp3"},
                     files={"audio_url": {"value": "/music/song.mp3", "sha256": "bbb"}})
    rows, _ = settings_diff([song, changed])
    assert keys(rows) == ["input:audio_url"] and rows[0].values == ["song.mp3", "song.mp3"]
    # media items: by type and name; another model's settings are "—" where it has none
    cat = record(4, model="wan2.7-i2v", inputs={"media": [{"type": "first_frame", "url": "/p/cat.png"}]})
    rows, _ = settings_diff([cat, record(5)])
    diff = {r.key: r.values for r in rows}
    assert diff["model"] == ["wan2.7-i2v", "wan2.7-t2v"]
    assert diff["input:media"] == ["First frame: cat.png", "—"] and diff["param:ratio"] == ["—", "16:9 landscape"]


def test_cost_estimates_are_marked_and_missing_values_shown_as_a_dash():
    a, b = record(1, cost=None, seed=None), record(2, seed=5)
    a.cost_estimate = 1.2
    rows, _ = settings_diff([a, b])
    assert {r.key: r.values for r in rows} == {"param:seed": ["—", "5"], "cost": ["≈¥1.20", "¥1.20"]}


def test_captions_name_the_take_model_and_seed():
    assert caption(0, record(1)) == "Take 1 · wan2.7-t2v · seed 42"
    assert caption(2, record(3, seed=None)) == "Take 3 · wan2.7-t2v"


def test_fewer_than_two_or_more_than_four_takes_are_refused(qapp):
    for n in (0, 1, 5):
        with pytest.raises(ValueError, match="Compare takes 2 to 4 videos at a time"):
            CompareView([record(i) for i in range(n)])


# -- the view on real results -----------------------------------------------------------------------
def set_box(qtbot, box, value: int) -> None:
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, str(value))
    assert box.value() == value


def set_seed(qtbot, tab, seed: int) -> None:
    edit = tab.param_editors["seed"].edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, str(seed))
    assert tab.param_editors["seed"].value() == seed


async def take(app, qtbot, tab, seed: int, duration: int = 2):
    set_seed(qtbot, tab, seed)
    set_box(qtbot, tab.param_editors["duration"].box, duration)
    recs = await generate(qtbot, tab)
    assert len(recs) == 1, tab.note.text()
    return recs[0]


def focus_chain(view: QWidget) -> list[QWidget]:
    """The widgets Tab visits, in order."""
    out: list[QWidget] = []
    w = view.nextInFocusChain()
    while w is not None and w is not view and len(out) < 500:
        if w.isVisibleTo(view) and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus:
            out.append(w)
        w = w.nextInFocusChain()
    return out


def test_three_takes_play_in_step_with_exactly_their_differences(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("t2v")
            choose(qtbot, tab.model_combo, "Wan 2.7 text-to-video · new")
            type_into(qtbot, tab, "prompt", "a paper boat on a rainy street")
            choose(qtbot, tab.param_editors["resolution"].combo, "720P")
            recs = [await take(app, qtbot, tab, 1), await take(app, qtbot, tab, 2), await take(app, qtbot, tab, 3, 3)]
            recs = await app.wait_done(recs)
            assert all(r.state == State.DONE for r in recs)

            view = CompareView(recs, app.window)
            used: list[tuple[Request, bool]] = []
            view.use_settings.connect(lambda req, exact: used.append((req, exact)))
            view.show()
            qtbot.waitExposed(view)
            assert view.objectName() == "compareView" and not view.isModal() and view.isSizeGripEnabled()
            assert view.windowTitle() == "Compare 3 takes"
            assert view.focusWidget() is view.grid             # Space and the arrow keys work at once

            # three panes, each a take, playing together
            grid = view.grid
            assert grid.paths() == [r.output_path for r in recs]
            assert [p.caption.full for p in grid.panes[:3]] == [
                "Take 1 · wan2.7-t2v · seed 1", "Take 2 · wan2.7-t2v · seed 2", "Take 3 · wan2.7-t2v · seed 3"]
            await until(lambda: all(p.view is not None and p.view.frame.isValid() for p in grid.panes[:3]), 15,
                        "a frame in every pane")
            assert grid.is_playing() and grid.duration() > 2500           # the 3 s take leads the timeline
            start = grid.position()
            await until(lambda: grid.position() > start + 300, 10, "the takes to play on")

            # the diff: the seed, the duration and the price differ; nothing else but the time taken
            rows = view.rows
            differs = [r.key for r in rows if r.key != "took"]
            assert differs == ["param:duration", "param:seed", "cost"]
            assert view.table.rowCount() == len(rows) + 1 and view.table.columnCount() == 3
            assert view.table.verticalHeaderItem(1).text() == "Seed"
            assert [view.text_of(0, c) for c in range(3)] == ["2", "2", "3"]
            assert [view.text_of(1, c) for c in range(3)] == ["1", "2", "3"]
            assert [view.text_of(2, c) for c in range(3)] == ["¥1.20", "¥1.20", "¥1.80"]
            assert view.table.horizontalHeaderItem(2).text() == "Take 3"
            said = view.same.text()
            assert said.startswith("Same in all: Model: wan2.7-t2v · Prompt: a paper boat on a rainy street")
            assert "Resolution: 720P" in said and "Seed" not in said

            # each take's settings, exactly
            assert [b.text() for b in view.use_buttons] == ["Use these settings"] * 3
            assert view.use_buttons[1].accessibleName() == "Use the settings of take 2"
            click(qtbot, view.use_buttons[1])
            assert len(used) == 1 and used[0] == (recs[1].request, True) and used[0][0] is not recs[1].request

            # the keyboard: every control on the way, Space plays and pauses on the videos, Esc closes
            chain = focus_chain(view)
            close = view.buttons.button(QDialogButtonBox.StandardButton.Close)
            for w in (grid, grid.play_button, grid.slider, *view.use_buttons, close):
                assert w in chain, w.objectName()
            assert chain.index(grid.play_button) < chain.index(view.use_buttons[0]) < chain.index(close)
            qtbot.keyClick(grid, Qt.Key.Key_Space)
            assert not grid.is_playing()
            qtbot.keyClick(grid, Qt.Key.Key_Space)
            assert grid.is_playing()
            qtbot.keyClick(grid, Qt.Key.Key_Right)                           # a frame step pauses
            assert not grid.is_playing()
            closed: list[int] = []
            view.finished.connect(closed.append)
            qtbot.keyClick(grid, Qt.Key.Key_Escape)
            assert closed and not view.isVisible()
    run(go())


def test_two_takes_with_different_prompts_mark_the_words(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("t2v")
            choose(qtbot, tab.model_combo, "Wan 2.7 text-to-video · new")
            choose(qtbot, tab.param_editors["resolution"].combo, "720P")
            type_into(qtbot, tab, "prompt", "a red kite over the sea")
            first = await take(app, qtbot, tab, 7)
            tab.input_editors["prompt"].set_value("")
            type_into(qtbot, tab, "prompt", "a blue kite over the sea")
            second = await take(app, qtbot, tab, 7)
            recs = await app.wait_done([first, second])
            assert recs[0].request.params == recs[1].request.params

            view = CompareView(recs, app.window)
            view.show()
            qtbot.waitExposed(view)
            await until(lambda: all(p.view is not None and p.view.frame.isValid() for p in view.grid.panes[:2]), 15,
                        "a frame in both panes")
            assert [r.key for r in view.rows if r.key != "took"] == ["prompt"]
            assert [view.text_of(0, c) for c in range(2)] == ["a red kite over the sea", "a blue kite over the sea"]
            cell = view.table.cellWidget(0, 1)
            assert isinstance(cell, QLabel) and cell.text() == "a <b><u>blue</u></b> kite over the sea"
            assert cell.accessibleName() == "Prompt, Take 2 · wan2.7-t2v · seed 7"
            assert "Seed: 7" in view.same.text()
            work = copy.deepcopy(recs[0].request)
            got: list[Request] = []
            view.use_settings.connect(lambda req, _exact: got.append(req))
            click(qtbot, view.use_buttons[0])
            assert got == [work]
            view.close()
    run(go())
