"""The headless CLI, run as a user would: a real process, the sandbox, real files."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bailian_video.media.probe import probe
from bailian_video.media.samples import make_audio, make_image


def cli(*args: str, env: dict | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    e = dict(os.environ, PYTHONUNBUFFERED="1", BAILIAN_VIDEO_LANG="en")
    e.pop("DASHSCOPE_API_KEY", None)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "bailian_video", *args], capture_output=True, text=True,
                          timeout=timeout, env=e)


def test_generate_with_the_embedded_sandbox_prints_the_video_path(tmp_path):
    r = cli("generate", "--sandbox", "--sandbox-task-seconds", "0.5", "--poll-min", "0.1", "--data-dir",
            str(tmp_path / "d"), "--model", "wan2.2-t2v-plus", "--prompt", "一只小猫在月光下奔跑",
            "--param", "size=832*480", "--param", "seed=42", "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    path = Path(r.stdout.strip().splitlines()[-1])
    assert path.exists() and path.name.endswith("_wan2.2-t2v-plus_一只小猫在月光下奔跑_seed42.mp4")
    assert probe(path).width == 832
    assert "Estimated cost ¥0.70" in r.stderr


def test_emo_chain_from_local_files_with_json_output(tmp_path):
    face, voice = tmp_path / "face.png", tmp_path / "voice.mp3"
    make_image(face, 512, 512, text="face")
    make_audio(voice, 2.5)
    r = cli("generate", "--sandbox", "--sandbox-task-seconds", "0.5", "--poll-min", "0.1", "--data-dir",
            str(tmp_path / "d"), "--model", "emo-v1", "--input", f"image_url={face}", "--input",
            f"audio_url={voice}", "--out", str(tmp_path / "out"), "--json")
    assert r.returncode == 0, r.stderr
    task = json.loads(r.stdout)["tasks"][0]
    assert task["state"] == "done" and task["task_id"]
    assert probe(task["output_path"]).has_audio


def test_invalid_parameter_exits_2_naming_the_field_and_choices(tmp_path):
    r = cli("generate", "--sandbox", "--data-dir", str(tmp_path / "d"), "--model", "wan2.2-t2v-plus",
            "--prompt", "x", "--param", "size=1280*720")
    assert r.returncode == 2
    assert "parameters.size: wan2.2-t2v-plus has no 720P sizes; choose one of 832*480" in r.stderr


def test_failure_exits_nonzero_with_code_and_plain_words(tmp_path):
    from bailian_video.sandbox.testing import running_sandbox
    with running_sandbox(task_seconds=0.3, faults="moderation") as sb:
        r = cli("generate", "--base-url", sb.base_url, "--poll-min", "0.1", "--expect-seconds", "0.3", "--data-dir",
                str(tmp_path / "d"), "--model", "wan2.2-t2v-plus", "--prompt", "x", "--param", "size=832*480",
                env={"DASHSCOPE_API_KEY": "sk-cli"})
    assert r.returncode == 1
    assert "[DataInspectionFailed]" in r.stderr and "content safety check" in r.stderr


def test_missing_key_explains_what_to_do(tmp_path):
    r = cli("generate", "--data-dir", str(tmp_path / "d"), "--model", "wan2.2-t2v-plus", "--prompt", "x",
            env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert r.returncode == 3 and "DASHSCOPE_API_KEY" in r.stderr and "--sandbox" in r.stderr


def test_batch_csv_then_tasks_list_and_show(tmp_path):
    img = tmp_path / "cat.png"
    make_image(img, 480, 320, text="cat")
    (tmp_path / "jobs.csv").write_text(
        "model,prompt,input.img_url,param.resolution,param.size,param.seed\n"
        "wan2.2-t2v-plus,第一个,,,832*480,1\n"
        "wan2.2-i2v-flash,跑起来,cat.png,480P,,2\n", encoding="utf-8")
    d = str(tmp_path / "d")
    r = cli("batch", str(tmp_path / "jobs.csv"), "--sandbox", "--sandbox-task-seconds", "0.5", "--poll-min", "0.1",
            "--data-dir", d, "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert len([p for p in r.stdout.splitlines() if p.endswith(".mp4")]) == 2
    # sandbox tasks live in the sandbox's own store: the paid store knows nothing of them
    assert json.loads(cli("tasks", "list", "--data-dir", d, "--json").stdout) == []
    listed = json.loads(cli("tasks", "list", "--sandbox", "--data-dir", d, "--json").stdout)
    assert [t["state"] for t in listed] == ["done", "done"]
    shown = json.loads(cli("tasks", "show", str(listed[1]["id"]), "--sandbox", "--data-dir", d).stdout)
    assert shown["model"] == "wan2.2-i2v-flash" and shown["output_path"].endswith(".mp4")
    # the same batch again pays nothing: with their seeds fixed, both rows are finished videos already
    again = cli("batch", str(tmp_path / "jobs.csv"), "--sandbox", "--data-dir", d, "--out", str(tmp_path / "out"))
    assert again.returncode == 0 and sorted(again.stdout.split()) == sorted(t["output_path"] for t in listed)


def test_tasks_list_while_the_owner_is_still_creating_the_database(tmp_path):
    """The owner has made the file but not yet its tables (a moment, at first start): the history
    is empty, not an internal error."""
    import sqlite3
    data = tmp_path / "d"
    data.mkdir()
    db = sqlite3.connect(data / "tasks.sqlite3")
    db.execute("PRAGMA journal_mode=WAL")
    db.close()
    r = cli("tasks", "list", "--json", "--data-dir", str(data))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == []
    shown = cli("tasks", "show", "1", "--data-dir", str(data))
    assert shown.returncode == 2 and "no task #1" in shown.stderr
