"""Disk trouble is calm, and odd file names work end to end."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from engine_helpers import assert_video_file, engine_context, run

from bailian_video.engine import Request, State
from bailian_video.media.samples import make_image
from bailian_video.sandbox.testing import running_sandbox

T2V = "wan2.2-t2v-plus"


def test_a_deleted_video_is_marked_not_downloaded_again_at_every_start(tmp_path, sandbox):
    async def first():
        async with engine_context(tmp_path, sandbox.base_url) as ctx:
            rec = (await ctx.engine.submit(Request(T2V, {"prompt": "keep or delete"}, {"size": "832*480"}))).tasks[0]
            rec = (await ctx.engine.wait([rec.id], timeout=60))[0]
            assert rec.state == State.DONE
            return rec.id, rec.output_path
    rid, path = run(first())
    Path(path).unlink()                       # the person deleted it on purpose
    downloads = sandbox.stats.snapshot()["downloads"]

    async def again():
        for _ in range(2):                    # two restarts: never a download on its own
            async with engine_context(tmp_path, sandbox.base_url) as ctx:
                rec = ctx.engine.get(rid)
                from engine_helpers import until
                await until(lambda rec=rec: rec.error_code == "FileMissing", timeout=5)
                assert rec.state == State.DONE and rec.error_code == "FileMissing"
                assert "Download it again (free until" in rec.error_message_en
        assert sandbox.stats.snapshot()["downloads"] == downloads and not Path(path).exists()
        async with engine_context(tmp_path, sandbox.base_url) as ctx:   # one click brings it back, free
            await ctx.engine.retry_download(rid)
            rec = (await ctx.engine.wait([rid], timeout=30))[0]
            assert rec.state == State.DONE and Path(rec.output_path).exists() and rec.error_code is None
    run(again())
    assert sandbox.creations() == 1


def test_a_full_disk_while_saving_fails_calmly_leaves_no_part_and_saves_elsewhere(tmp_path, sandbox, monkeypatch):
    out = tmp_path / "tiny"
    out.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(out)], capture_output=True).returncode:
        import pytest
        pytest.skip("cannot mount a tmpfs here")
    try:
        async def go():
            async with engine_context(tmp_path, sandbox.base_url) as ctx:
                ctx.engine.settings.out_dir = out
                # the check before paying sees room for a small file, then the real video does not fit
                from bailian_video.engine import intake
                monkeypatch.setattr(intake, "BYTES_PER_SECOND", 1000)
                rec = (await ctx.engine.submit(Request(T2V, {"prompt": "too big for the disk"},
                                                       {"size": "832*480"}))).tasks[0]
                rec = (await ctx.engine.wait([rec.id], timeout=60))[0]
                assert rec.state == State.FAILED and rec.error_code == "DiskFull"
                assert "Free some space" in rec.error_message_en
                assert not list(out.glob("*.part"))
                first_name = rec.output_path
                ctx.engine.settings.out_dir = tmp_path / "big"
                await ctx.engine.retry_download(rec.id, out_dir=str(tmp_path / "big"))
                rec = (await ctx.engine.wait([rec.id], timeout=60))[0]
                assert rec.state == State.DONE and rec.output_path != first_name
                assert_video_file(rec.output_path)
                # "Save to…" the full disk again: the finished task stays finished, and says why
                await ctx.engine.retry_download(rec.id, out_dir=str(out))
                from engine_helpers import until
                await until(lambda: rec.error_code == "DiskFull", timeout=30)
                assert rec.state == State.DONE and rec.error_code == "DiskFull"
                assert not list(out.glob("*.part"))
        run(go())
    finally:
        subprocess.run(["umount", str(out)], check=False)
    assert sandbox.creations() == 1


def test_a_file_name_that_is_not_utf8_works_end_to_end(tmp_path):
    weird = os.fsdecode(b"caf\xe9 photo.png")          # a Latin-1 name, e.g. from an old zip file
    img = tmp_path / weird
    make_image(img, 480, 480, text="cafe")
    data = tmp_path / "d"
    with running_sandbox(task_seconds=0.5, data_dir=tmp_path / "sb") as sb:
        env = dict(os.environ, DASHSCOPE_API_KEY="sk-names", PYTHONUNBUFFERED="1", BAILIAN_VIDEO_LANG="en")
        cmd = [sys.executable, "-m", "bailian_video", "generate", "--model", "wan2.2-i2v-flash", "--input",
               f"img_url={img}", "--param", "resolution=480P", "--out", str(tmp_path / "out"), "--data-dir",
               str(data), "--base-url", sb.base_url, "--poll-min", "0.1", "--expect-seconds", "1"]
        r = subprocess.run(cmd, capture_output=True, env=env, timeout=120)
        assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
        listed = subprocess.run([sys.executable, "-m", "bailian_video", "tasks", "list", "--data-dir", str(data)],
                                capture_output=True, env=env, timeout=60)
        assert listed.returncode == 0 and b"done" in listed.stdout
        assert sb.creations() == 1
    video = Path(os.fsdecode(r.stdout.strip().splitlines()[-1]))
    assert_video_file(video)
    sidecar = video.with_suffix(".json").read_text(encoding="utf-8")
    assert "caf\ufffd photo.png" in sidecar and str(tmp_path) not in sidecar   # the name, never the full path
