"""File names, sidecars, embedded metadata and the task store's schema."""
from __future__ import annotations

import sqlite3
import time

import pytest

from bailian_video.engine import outputs
from bailian_video.engine.records import ChainState, Request, State, TaskRecord
from bailian_video.engine.store import SCHEMA_VERSION, TaskStore


def rec(prompt="一只小猫在月光下奔跑", seed=42, model="wan2.2-t2v-plus", **kw):
    params = {} if seed is None else {"seed": seed}
    r = TaskRecord(id=7, request=Request(model, {"prompt": prompt}, params), **kw)
    r.submitted_at = time.mktime((2026, 11, 23, 15, 30, 0, 0, 0, -1))
    return r


def test_default_name_matches_the_documented_example():
    assert outputs.render_name(rec()) == "2026-11-23_1530_wan2.2-t2v-plus_一只小猫在月光下奔跑_seed42"


@pytest.mark.parametrize("prompt", ['a/b\\c:d*e?f"g<h>i|j', "CON", "  ..  ", "\x00\x1fctrl", "x" * 500,
                                    "长" * 300, "trailing dot."])
def test_names_are_safe_everywhere(prompt):
    name = outputs.render_name(rec(prompt=prompt, seed=None), "{prompt}")
    assert name and not any(c in name for c in '<>:"/\\|?*')
    assert all(ord(c) >= 32 for c in name)
    assert len(name.encode()) <= outputs.MAX_NAME_BYTES
    assert not name.endswith((".", " "))
    assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"}


def test_no_seed_leaves_no_dangling_label():
    assert outputs.render_name(rec(seed=None)).endswith("一只小猫在月光下奔跑")


def test_unique_path_never_collides(tmp_path):
    first = outputs.unique_path(tmp_path, "video")
    first.write_bytes(b"x")
    second = outputs.unique_path(tmp_path, "video")
    assert second.name == "video (2).mp4"
    (tmp_path / "video (2).mp4.part").write_bytes(b"")
    assert outputs.unique_path(tmp_path, "video").name == "video (3).mp4"


def test_reserved_names_are_distinct_under_concurrency(tmp_path):
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(8) as pool:
        paths = list(pool.map(lambda _: outputs.reserve_path(tmp_path, "same"), range(40)))
    assert len(set(paths)) == 40
    assert all(p.with_name(p.name + ".part").exists() for p in paths)


def test_metadata_round_trip_and_container_check(tmp_path):
    from bailian_video.media.samples import make_video
    video = tmp_path / "v.mp4"
    make_video(video, 160, 120, 1.0)
    assert outputs.looks_like_mp4(video)
    data = outputs.sidecar_data(rec())
    outputs.embed_metadata(video, data)
    assert outputs.looks_like_mp4(video)
    back = outputs.read_metadata(video)
    assert back["model"] == "wan2.2-t2v-plus" and back["seed"] == 42 and back["prompt"] == "一只小猫在月光下奔跑"
    import av
    with av.open(str(video)) as c:   # still a playable MP4 after the append
        assert sum(1 for _ in c.decode(video=0)) >= 20
    truncated = tmp_path / "t.mp4"
    truncated.write_bytes(video.read_bytes()[: video.stat().st_size // 2])
    assert not outputs.looks_like_mp4(truncated)


def test_the_sidecar_names_files_without_folders_and_keeps_texts_whole(tmp_path):
    media = [{"type": "reference_image", "url": str(tmp_path / "people" / "person.png")},
             {"type": "reference_video", "url": "https://example.com/clip.mp4?Expires=1&Signature=s"}]
    r = TaskRecord(id=3, request=Request("wan2.7-r2v", {"prompt": "a cat/dog on a 50/50 split",
                                                        "negative_prompt": "blur/noise", "media": media},
                                         {"resolution": "720P"}))
    data = outputs.sidecar_data(r)
    assert data["inputs"]["prompt"] == "a cat/dog on a 50/50 split"
    assert data["inputs"]["negative_prompt"] == "blur/noise"
    assert data["inputs"]["media"] == [{"type": "reference_image", "url": "person.png"},
                                       {"type": "reference_video", "url": "https://example.com/clip.mp4"}]
    assert str(tmp_path) not in str(data)
    assert r.request.inputs["media"][0]["url"].endswith("person.png") and "/people/" in media[0]["url"]
    full = outputs.sidecar_data(r, full_paths=True)
    assert full["inputs"]["media"][0]["url"] == str(tmp_path / "people" / "person.png")


def test_store_round_trip_and_totals(tmp_path):
    store = TaskStore(tmp_path / "t.sqlite3")
    assert store.version == SCHEMA_VERSION
    r = rec()
    r.id = 0
    store.add(r)
    r.state, r.cost_actual, r.done_at = State.DONE, 0.7, time.time()
    r.chain = ChainState(billed_units={"wan2.2-t2v-plus": 5.0})
    store.save(r)
    again = TaskStore(tmp_path / "t.sqlite3")
    got = again.get(r.id)
    assert got.state == State.DONE and got.request.prompt == "一只小猫在月光下奔跑" and got.cost_actual == 0.7
    assert again.totals_by_model() == {"wan2.2-t2v-plus": 0.7}
    assert again.usage_units() == {"wan2.2-t2v-plus": 5.0}
    again.remove(r.id)
    assert again.all() == [] and again.totals_by_model() == {"wan2.2-t2v-plus": 0.7}


def test_store_migrates_an_old_database(tmp_path):
    path = tmp_path / "old.sqlite3"
    from bailian_video.engine.store import MIGRATIONS
    db = sqlite3.connect(path)
    MIGRATIONS[0](db)
    db.execute("PRAGMA user_version=1")
    db.execute("INSERT INTO tasks(state, model, created_at, updated_at, data) VALUES('done','m',1,1,'{}')")
    db.commit()
    db.close()
    store = TaskStore(path)
    assert store.version == SCHEMA_VERSION
    store.kv_set("x", {"a": 1})
    assert store.kv_get("x") == {"a": 1}
    assert store.count() == 1


def test_store_refuses_a_newer_schema(tmp_path):
    path = tmp_path / "new.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 5}")
    db.close()
    with pytest.raises(Exception, match="newer version"):
        TaskStore(path)
