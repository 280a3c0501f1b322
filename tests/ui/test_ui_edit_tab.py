"""The video editing tab: a source video dropped, an edit instruction typed, the before/after preview opened
(it stays closed, and loads nothing, until asked), the edit made on the sandbox, and its result playing
beside the source."""
from __future__ import annotations

from pathlib import Path

from ui_helpers import click, drop, dropped, generate, open_app, type_into, until

from bailian_video.engine import State
from bailian_video.media.probe import probe


def test_edit_with_the_source_and_the_result_side_by_side(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("edit")
            assert tab.spec.name == "wan2.7-videoedit"                 # the newest editing model here
            assert tab.preview is None and not tab.preview_toggle.isChecked()
            media = tab.input_editors["media"]
            zone = media.section("video").zone
            assert drop(zone, [assets / "clip.mp4"])
            await dropped(zone)
            assert tab.preview is None                                  # closed: nothing loaded, nothing plays
            type_into(qtbot, tab, "prompt", "Turn the day into a snowy night")
            assert tab.param_editors["resolution"].value() == "720P"
            click(qtbot, tab.preview_toggle)
            pv = tab.preview
            assert pv is not None and pv.isVisible()
            assert pv.before_path == str(assets / "clip.mp4") and pv.after_path is None
            assert pv.after.empty.text() == "The edited video appears here when it is ready"
            await until(lambda: pv.before.player is not None and pv.before.player.position() > 200, 10,
                        "the source to play")

            [rec] = await generate(qtbot, tab)
            [rec] = await app.wait_done([rec])
            assert rec.state == State.DONE, rec.error_message
            out = Path(rec.output_path)
            info = probe(out)
            assert info.kind == "video" and abs(info.duration - 2.0) < 0.2       # as long as the source
            # the result joins the source in the preview and plays in step with it
            await until(lambda: pv.after_path == str(out), 10, "the result in the preview")
            await until(lambda: pv.after.player is not None and pv.after.player.position() > 200, 10,
                        "the result to play")
            assert pv.is_playing()
            # closing the preview pauses it
            click(qtbot, tab.preview_toggle)
            assert not pv.isVisible() and not pv.is_playing()
    run(go())
