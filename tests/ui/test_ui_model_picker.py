"""The model picker explains itself: models under their maker with price, length, sound and "new"; a region's
missing models disabled with where they are offered; the newest model of the region at 720P by default;
resolution and mode choices priced; ratio choices with aspect thumbnails."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from ui_helpers import choose, choose_model, open_app

from bailian_video import catalog
from bailian_video.catalog import makers
from bailian_video.ui.config import UiConfig
from bailian_video.ui.model_picker import HeaderRole


def headings(combo: Any) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count()) if combo.itemData(i, HeaderRole)]


def selectable(combo: Any, i: int) -> bool:
    return bool(combo.model().item(i).flags() & Qt.ItemFlag.ItemIsEnabled)


def test_models_are_grouped_by_maker_and_described(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("t2v")
            combo = tab.model_combo
            assert headings(combo) == ["Wan", "HappyHorse", "Kling", "Vidu", "PixVerse"]
            # headings cannot be picked; each model sits under its maker, the new ones first
            makers_seen = []
            for i in range(combo.count()):
                if combo.itemData(i, HeaderRole):
                    assert not selectable(combo, i) and combo.itemData(i) is None
                    makers_seen.append([])
                else:
                    makers_seen[-1].append(catalog.require(combo.itemData(i)))
            for group in makers_seen:
                assert len({m.maker for m in group}) == 1
                assert [m.new for m in group] == sorted((m.new for m in group), reverse=True)
            # the newest model Beijing offers, at 720P, its price in sight
            assert tab.spec.name == "happyhorse-1.1-t2v"
            assert tab.param_editors["resolution"].value() == "720P"
            assert tab.price.isVisible() and "¥0.90/s 720P" in tab.price.text()
            i = combo.findData("wan2.7-t2v")
            assert combo.facts(i) == "¥0.60/s 720P · up to 15 s · sound from your audio"
            assert combo.itemText(i) == "Wan 2.7 text-to-video · new"
            assert "from your audio" in combo.itemData(i, Qt.ItemDataRole.ToolTipRole)
            # the facts follow the resolution chosen in the form
            choose(qtbot, tab.param_editors["resolution"].combo, "1080P")
            assert combo.facts(i).startswith("¥1.00/s 1080P")
            kling = combo.findData("kling/kling-v3-video-generation")
            assert combo.facts(kling).startswith("from ¥0.60/s")         # its tiers are std/pro, not 1080P
            old = combo.findData("wan2.2-t2v-plus")
            assert combo.facts(old) == "¥0.70/s 1080P · up to 5 s · silent"
            # … and the resolution carries over to a model that spells it as a size
            choose_model(qtbot, combo, "wan2.2-t2v-plus")
            assert tab.param_editors["size"].value() == "1920*1080"
    run(go())


def test_a_region_shows_what_it_lacks_disabled_with_where_it_is(qtbot, run, data_dir):
    cfg = UiConfig(data_dir)
    cfg.region = "ap-southeast-1"
    cfg.sync()

    async def go():
        async with open_app(data_dir) as app:
            assert app.session.region == "ap-southeast-1"
            tab = app.tab("i2v")
            combo = tab.model_combo
            vidu = combo.findData("vidu/viduq3-pro_img2video")
            assert not selectable(combo, vidu)
            assert combo.facts(vidu) == "Not offered in Singapore — available in China (Beijing)"
            assert tab.spec.name == "happyhorse-1.1-i2v" and tab.spec.available_in("ap-southeast-1")
            # the arrow keys skip what cannot be picked here
            picked = set()
            combo.setFocus()
            for _ in range(combo.count() + 2):
                picked.add(combo.currentData())
                qtbot.keyClick(combo, Qt.Key.Key_Down)
            assert picked and all(catalog.require(n).available_in("ap-southeast-1") for n in picked)
            assert "vidu/viduq3-pro_img2video" not in picked
            kf2v = app.tab("kf2v")
            assert kf2v.spec.name == "wan2.7-i2v"        # the Beijing default (Wan 2.2 KF2V Flash) is not here
    run(go())


def test_frankfurt_starts_with_what_it_offers_in_chinese(qtbot, run, data_dir):
    cfg = UiConfig(data_dir)
    cfg.region = "eu-central-1"
    cfg.sync()

    async def go():
        async with open_app(data_dir, lang="zh") as app:
            tab = app.tab("r2v")
            combo = tab.model_combo
            assert tab.spec.name == makers.default_model(catalog.by_family("r2v"), "eu-central-1",
                                                         catalog.family_spec("r2v").prefer).name == "happyhorse-1.1-r2v"
            w27 = combo.findData("wan2.7-r2v")
            assert combo.facts(w27) == "德国（法兰克福）不提供 — 华北2（北京）、新加坡可用"
            assert combo.facts(combo.findData("happyhorse-1.1-r2v")) == "≈¥0.90/秒 720P · 最长 15 秒 · 有声"
            assert headings(combo)[0] == "通义万相 Wan"
    run(go())


def test_modes_and_resolutions_show_their_price_and_ratios_their_shape(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            animate = app.tab("animate")
            mode = animate.param_editors["mode"].combo
            texts = [mode.itemText(i) for i in range(mode.count())]
            assert texts == ["Standard: faster, cheaper — ¥0.40/s", "Pro: smoother motion, better picture — ¥0.60/s"]
            choose_model(qtbot, animate.model_combo, "wan2.2-animate-mix")
            mode = animate.param_editors["mode"].combo
            assert [mode.itemText(i).rsplit("— ", 1)[1] for i in range(mode.count())] == ["¥0.60/s", "¥0.90/s"]
            t2v = app.tab("t2v")
            choose_model(qtbot, t2v.model_combo, "wan3.0-video")
            res = t2v.param_editors["resolution"].combo
            assert [res.itemText(i) for i in range(res.count())][:2] == ["480P — ≈¥0.30/s", "720P — ≈¥0.60/s"]
            ratio = t2v.param_editors["ratio"]
            assert ratio.values()[0] == "adaptive"
            for i in range(ratio.combo.count()):
                icon = ratio.combo.itemIcon(i)
                if ratio.choices[i].value is None:
                    continue
                assert not icon.isNull(), ratio.choices[i].value
            # a 16:9 thumbnail is wider than tall, a 9:16 one taller than wide
            wide = ratio.combo.itemIcon(ratio.values().index("16:9") + (1 if ratio.optional else 0)).pixmap(22, 22)
            img = wide.toImage()
            cols = [x for x in range(img.width()) if any(img.pixelColor(x, y).alpha() > 0 for y in range(img.height()))]
            rows = [y for y in range(img.height()) if any(img.pixelColor(x, y).alpha() > 0 for x in range(img.width()))]
            assert len(cols) > len(rows) * 1.4
    run(go())
