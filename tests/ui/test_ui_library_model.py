"""The library's item models against real sandbox results: Qt's model tester on the model and on its
filter while tasks arrive, finish, change and go; bursts applied as row changes (never a reset); every
filter and order. Also the pure helpers the library is built on (cache names, tile sizes, search words)."""
from __future__ import annotations

import os
import time

from ui_helpers import open_app, until

from bailian_video.engine import Request, State, TaskRecord
from bailian_video.ui.library_model import (
    ROLE_COST,
    ROLE_META,
    ROLE_RECORD,
    ROLE_SECONDS,
    LibraryFilter,
    LibraryModel,
    group_of,
    matches,
    search_text,
)
from bailian_video.ui.library_view import tile_size
from bailian_video.ui.thumbs import cache_name, fit

T2V, I2V = "wan2.6-t2v", "wan2.6-i2v-flash"
#: (model, prompt, seconds) in the order they are made
MADE = [(T2V, "A paper boat on a calm lake", 2), (T2V, "一只小猫在月光下奔跑", 4),
        (I2V, "The red card turns into a bird", 3), (T2V, "A lighthouse in the fog", 3),
        (I2V, "红色的卡片慢慢旋转", 2)]


def request(model: str, prompt: str, seconds: int, assets) -> Request:
    if model == T2V:
        return Request(model, {"prompt": prompt}, {"size": "1280*720", "duration": seconds})
    return Request(model, {"prompt": prompt, "img_url": str(assets / "first.png")},
                   {"resolution": "720P", "duration": seconds, "audio": False})


async def five_results(app, assets) -> list:
    """Five finished videos of two models and two kinds (text → video, image → video), oldest first."""
    recs = []
    for model, prompt, seconds in MADE:
        recs += (await app.session.engine.submit(request(model, prompt, seconds, assets), force=True)).tasks
    done = await app.wait_done(recs)
    assert [r.state for r in done] == [State.DONE] * 5, [(r.error_code, r.error_message) for r in done]
    return done


def shown(proxy) -> list:
    return [proxy.record(proxy.index(i, 0)) for i in range(proxy.rowCount())]


def prompts(proxy) -> list[str]:
    return [r.prompt for r in shown(proxy)]


def test_pure_helpers():
    # a cache file per version of a file: another size or modification time is another name
    a = cache_name("/v/a.mp4", 100, 1, "poster", (480, 270))
    assert a.endswith(".jpg") and a == cache_name("/v/a.mp4", 100, 1, "poster", (480, 270))
    assert len({a, cache_name("/v/a.mp4", 101, 1, "poster", (480, 270)), cache_name("/v/a.mp4", 100, 2, "poster", (480, 270)),
                cache_name("/v/b.mp4", 100, 1, "poster", (480, 270)), cache_name("/v/a.mp4", 100, 1, "strip", (480, 270))}) == 5
    assert fit(1920, 1080, (480, 270)) == (480, 270) and fit(720, 1280, (480, 270)) == (152, 270)
    assert fit(100, 50, (480, 270)) == (100, 50)                     # never enlarged
    # tiles: as many 300-pixel columns as fit, sharing the width; a 16:9 picture
    assert tile_size(1200, 16).width() == 300 and tile_size(1400, 16).width() == 350
    assert tile_size(599, 16).width() == 599 and tile_size(200, 16).width() == 200
    assert tile_size(1400, 16).height() > tile_size(1200, 16).height()
    hay = "a paper boat on a calm lake 一只小猫在月光下奔跑 wan2.6-t2v".casefold()
    assert matches(hay, ["boat", "lake"]) and matches(hay, ["小猫"]) and not matches(hay, ["boat", "sea"])
    rec = TaskRecord(id=7, request=Request(T2V, {"prompt": "Moon over the SEA"}), task_id="abc-123")
    assert all(w in search_text(rec) for w in ("moon", "sea", "wan2.6-t2v", "abc-123"))
    states = {State.DONE: "done", State.RUNNING: "running", State.FAILED: "problems", State.UNCERTAIN: "problems",
              State.CANCELED: ""}
    assert {s: group_of(TaskRecord(id=1, request=rec.request, state=s)) for s in states} == states
    assert group_of(TaskRecord(id=1, request=rec.request, state=State.STOPPED)) == ""          # the person stopped it
    assert group_of(TaskRecord(id=1, request=rec.request, state=State.STOPPED, error_code="Unknown")) == "problems"


def test_models_pass_the_model_tester_and_follow_the_engine(qtmodeltester, qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            model = LibraryModel(app.session)
            proxy = LibraryFilter(model)
            qtmodeltester.check(model)
            qtmodeltester.check(proxy)
            resets: list[int] = []
            model.modelReset.connect(lambda: resets.append(1))
            recs = await five_results(app, assets)
            await until(lambda: model.rowCount() == 5, 5, "five rows")
            assert [model.data(model.index(i), ROLE_RECORD).id for i in range(5)] == [r.id for r in reversed(recs)]
            qtmodeltester.check(model)
            qtmodeltester.check(proxy)
            eng = app.session.engine
            boat = recs[0]
            assert "Wan 2.6" in model.data(model.index(4), ROLE_META) and "2 s" in model.data(model.index(4), ROLE_META)
            assert model.data(model.index(4), ROLE_SECONDS) == 2.0 and model.data(model.index(4), ROLE_COST) > 0
            # a burst of marks: rows change in place, nothing is reset
            changed: list[int] = []
            model.dataChanged.connect(lambda a, b, roles=(): changed.extend(range(a.row(), b.row() + 1)))
            eng.mark([r.id for r in recs], favourite=True)
            eng.mark([boat.id], archived=True)
            model.flush()
            assert sorted(set(changed)) == [0, 1, 2, 3, 4] and not resets
            assert model.data(model.index(model.row_of(boat.id)), ROLE_RECORD).archived
            # archived ones stay (the library is the history) unless asked
            assert proxy.rowCount() == 5
            proxy.set_filters(show_archived=False)
            assert boat.prompt not in prompts(proxy) and proxy.rowCount() == 4
            proxy.set_filters(show_archived=True)
            # a new task arrives and runs: inserted at the top, then changed; the tester watches every step
            [extra] = (await eng.submit(request(T2V, "A kite over the dunes", 2, assets), force=True)).tasks
            await until(lambda: model.rowCount() == 6, 5, "the new row")
            assert model.record_at(0).id == extra.id
            proxy.set_filters(group="running")
            assert [r.id for r in shown(proxy)] == [extra.id] or extra.state == State.DONE
            await app.wait_done([extra])
            model.flush()
            assert extra.id not in [r.id for r in shown(proxy)]
            proxy.set_filters(group="done")
            assert proxy.rowCount() == 6
            proxy.clear_filters()
            # removed for good: the row goes
            eng.remove(recs[2].id)
            model.flush()
            assert model.rowCount() == 5 and model.row_of(recs[2].id) == -1 and not resets
            qtmodeltester.check(model)
            qtmodeltester.check(proxy)
            # a new engine (another backend) is the one full reload
            app.session.reset.emit()
            assert resets == [1] and model.rowCount() == 5
    run(go())


def test_every_filter_and_order(qtmodeltester, qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            model = LibraryModel(app.session)
            proxy = LibraryFilter(model)
            qtmodeltester.check(proxy)
            recs = await five_results(app, assets)
            await until(lambda: model.rowCount() == 5, 5, "five rows")
            boat, cat, card, lighthouse, spin = recs
            by_prompt = {r.prompt: r for r in recs}

            def only(**f) -> list[str]:
                proxy.clear_filters()
                proxy.set_filters(**f)
                return prompts(proxy)

            assert only(model=I2V) == [spin.prompt, card.prompt]
            assert only(family="i2v") == [spin.prompt, card.prompt]
            assert only(family="t2v", model=T2V) == [lighthouse.prompt, cat.prompt, boat.prompt]
            assert only(family="i2v", model=T2V) == []
            assert only(text="BOAT") == [boat.prompt]                               # any case
            assert only(text="小猫") == [cat.prompt]                                 # Chinese
            assert only(text="卡片") == [spin.prompt]
            assert only(text="calm boat") == [boat.prompt]                          # every word, any order
            assert only(text=card.task_id[-8:]) == [card.prompt]                    # a task id
            assert len(only(text="wan2.6-i2v")) == 2                                # a model id
            assert only(period="today") == only() and len(only(period="7d")) == 5
            assert only(group="problems") == [] and len(only(group="done")) == 5
            app.session.engine.mark([cat.id], favourite=True)
            model.flush()
            assert only(favourites_only=True) == [cat.prompt]
            assert proxy.is_filtered()
            proxy.clear_filters()
            assert not proxy.is_filtered() and proxy.rowCount() == 5
            # an old video: not among the last 7 days (the record's own time, as a store from long ago has)
            spin.created_at = time.time() - 10 * 86400
            app.session.engine.mark([spin.id], archived=True)   # any change makes the model look again
            model.flush()
            assert spin.prompt not in only(period="7d") and spin.prompt in only(period="30d")
            proxy.clear_filters()
            # orders, kept with the filter and the selection's records
            proxy.set_order("oldest")
            assert prompts(proxy) == [spin.prompt, boat.prompt, cat.prompt, card.prompt, lighthouse.prompt]
            proxy.set_order("longest")
            assert prompts(proxy)[0] == cat.prompt and set(prompts(proxy)[-2:]) == {boat.prompt, spin.prompt}
            proxy.set_order("cost")
            costs = [r.cost_actual for r in shown(proxy)]
            assert costs == sorted(costs, reverse=True) and costs[0] == by_prompt[cat.prompt].cost_actual
            proxy.set_filters(model=T2V)
            assert prompts(proxy) == [cat.prompt, lighthouse.prompt, boat.prompt]   # 4 s, then 3 s, then 2 s
            proxy.set_order("newest")
            assert prompts(proxy) == [lighthouse.prompt, cat.prompt, boat.prompt]
            qtmodeltester.check(proxy)
            assert os.path.isfile(boat.output_path)
    run(go())
