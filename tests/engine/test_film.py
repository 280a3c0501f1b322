"""From one shot to a film, in the engine against the sandbox: continue twice (from the exact last
frame, then from the clip), regenerate the middle shot, pick takes, stitch, export — the money
counted at the service."""
from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from engine_helpers import engine_context, run, until
from PIL import Image

from bailian_video.engine import Request, State, continuation, film
from bailian_video.engine.outputs import read_metadata
from bailian_video.engine.sequences import effective_take
from bailian_video.media import timeline
from bailian_video.media.probe import probe
from bailian_video.sandbox.testing import running_sandbox

T2V = "wan2.2-t2v-plus"


def frames(path: str | Path) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def close(a: np.ndarray, b: np.ndarray, tol: float = 6.0) -> bool:
    return a.shape == b.shape and float(np.abs(a.astype(int) - b.astype(int)).mean()) < tol


def test_a_shot_continued_twice_with_the_middle_regenerated_becomes_one_film_and_a_timeline(tmp_path):
    with running_sandbox(task_seconds=0.3, data_dir=tmp_path / "sb") as sb:
        async def go() -> None:
            async with engine_context(tmp_path, sb.base_url) as ctx:
                eng = ctx.engine
                region = eng.settings.region

                async def done(ids: list[int]) -> None:
                    await until(lambda: all(eng.get(i).state.terminal for i in ids), 60)
                    assert [eng.get(i).state for i in ids] == [State.DONE] * len(ids)

                first = (await eng.submit(Request(model=T2V, inputs={"prompt": "a red kite over the sea"},
                                                  params={"size": "832*480", "duration": 5}))).tasks[0]
                await done([first.id])
                first = eng.get(first.id)

                # 1. continue from its exact last frame: a new sequence [first, next]
                plan = await continuation.plan(first, region, frames_dir=tmp_path / "frames", method="last_frame",
                                               prompt="the kite climbs into the clouds")
                png = next(iter(v for v in _media_urls(plan.request)))
                assert close(np.asarray(Image.open(png).convert("RGB")), frames(first.output_path)[-1], 0.5)
                shot2 = eng.sequences.continue_from(first.id, "风筝")
                second = (await eng.submit(plan.request, shot=shot2.id, parent=first.id,
                                           continuation=plan.continuation)).tasks[0]
                await done([second.id])
                second = eng.get(second.id)
                assert second.parent == first.id and second.continuation == {"method": "last_frame", "overlap": 0.0}

                # 2. continue that one from its clip where the region offers it (Wan 2.7 first_clip)
                assert continuation.options(second, region)[0] == "first_clip"
                plan3 = await continuation.plan(second, region, frames_dir=tmp_path / "frames",
                                                prompt="the kite lands on the beach")
                assert plan3.method == "first_clip" and plan3.model == continuation.CLIP_MODEL
                assert plan3.request.params["duration"] == 10 and plan3.overlap == pytest.approx(5.0, abs=0.1)
                plan3.request.params["resolution"] = "720P"     # (the sandbox renders 1080P slowly)
                assert plan3.request.inputs["media"] == [{"type": "first_clip", "url": second.output_path}]
                shot3 = eng.sequences.continue_from(second.id, "ignored")
                third = (await eng.submit(plan3.request, shot=shot3.id, parent=second.id,
                                          continuation=plan3.continuation)).tasks[0]
                await done([third.id])
                third = eng.get(third.id)
                seq = eng.sequences.sequence_of_shot(shot3.id)
                assert seq.name == "风筝" and [s.chosen for s in seq.shots] == [first.id, None, None]
                assert [s.takes for s in seq.shots] == [[first.id], [second.id], [third.id]]

                # 3. regenerate the middle shot: a new take of shot 2 only; pick it
                again = Request.from_json(second.request.to_json())
                again.params.pop("seed", None)
                retake = (await eng.submit(again, shot=shot2.id, parent=first.id,
                                           continuation=second.continuation)).tasks[0]
                await done([retake.id])
                eng.sequences.choose(shot2.id, retake.id)
                eng.sequences.choose(shot3.id, third.id)
                seq = eng.sequences.get(seq.id)
                assert [s.takes for s in seq.shots] == [[first.id], [second.id, retake.id], [third.id]]
                assert [s.chosen for s in seq.shots] == [first.id, retake.id, third.id]
                records = {i: eng.get(i) for s in seq.shots for i in s.takes}
                chosen = [effective_take(s, records) for s in seq.shots]

                # 4. stitch: the sum of the chosen takes (the clip continuation without its repeated part)
                seen: list[float] = []
                rec = await film.render(eng, seq.id, progress=seen.append)
                assert rec.state == State.DONE and rec.model == film.FILM and rec.cost_actual == 0.0
                out = probe(rec.output_path)
                lengths = [probe(r.output_path).duration for r in chosen]
                overlap = third.continuation["overlap"]
                assert overlap == pytest.approx(lengths[1], abs=0.05)
                fps = out.fps or 24
                assert out.duration == pytest.approx(sum(lengths) - overlap, abs=3 / fps + 0.05)
                assert seen and seen[-1] == 1.0 and seen == sorted(seen)
                made = frames(rec.output_path)
                assert close(made[0], frames(first.output_path)[0])
                last = frames(third.output_path)[-1]            # the film's format may differ: compare fitted
                h, w = made[-1].shape[:2]
                assert last.shape[1] / last.shape[0] == pytest.approx(w / h, rel=0.02)
                assert close(made[-1], np.asarray(Image.fromarray(last).resize((w, h), Image.BILINEAR)), 8.0)
                meta = read_metadata(rec.output_path)
                assert meta and [s["take"] for s in meta["film"]["shots"]] == [first.id, retake.id, third.id]
                assert meta["film"]["shots"][2]["start"] == pytest.approx(overlap, abs=0.01)
                assert eng.get(rec.id) is not None                 # in the history, so in the library

                # 5. export and read back, clip by clip
                names = [Path(r.output_path).name for r in chosen]
                for fmt, target in (("otio", tmp_path / "film.otio"), ("fcpxml", tmp_path / "film.xml"),
                                    ("edl", tmp_path / "film.edl"), ("jianying", tmp_path / "drafts")):
                    if fmt == "jianying":
                        target.mkdir()
                    path = await _in_thread(film.export, eng, seq.id, fmt, target)
                    back = timeline.read_back(path)
                    assert [b[0] for b in back] == names, fmt
                    assert [round(b[1], 2) for b in back] == pytest.approx([0.0, 0.0, round(overlap, 2)], abs=0.05)
        run(go(), 240)
        assert sb.creations() == 4          # first, second, the retake and third: nothing paid twice


def _media_urls(req: Request) -> list[str]:
    return [m["url"] for m in req.inputs.get("media", []) if m.get("type") == "first_frame"] or \
        [v for k, v in req.inputs.items() if k in ("img_url", "first_frame_url")]


async def _in_thread(fn, *args):
    import asyncio
    return await asyncio.to_thread(fn, *args)


def test_a_sequence_with_an_unfinished_shot_is_refused_in_plain_words(tmp_path):
    with running_sandbox(task_seconds=30, data_dir=tmp_path / "sb") as sb:
        async def go() -> None:
            async with engine_context(tmp_path, sb.base_url) as ctx:
                eng = ctx.engine
                seq = eng.sequences.create("half")
                with pytest.raises(film.FilmError, match="no shots"):
                    await film.render(eng, seq.id)
                shot = eng.sequences.add_shot(seq.id)
                await eng.submit(Request(model=T2V, inputs={"prompt": "slow"}, params={"size": "832*480"}),
                                 shot=shot.id)
                with pytest.raises(film.FilmError, match="Shot 1 has no finished video"):
                    await film.render(eng, seq.id)
        run(go(), 60)
