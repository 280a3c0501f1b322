"""Bad input and a sick machine, the way a CLI user meets them: every case gets a message that names the
problem and the fix, and nothing is charged (creations counted on the service's side)."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bailian_video.engine import State, TaskStore
from bailian_video.engine.store import list_backups
from bailian_video.media.samples import make_audio, make_image
from bailian_video.sandbox.testing import running_sandbox

T2V = "wan2.2-t2v-plus"
FAST = ["--poll-min", "0.1", "--expect-seconds", "1", "--reconcile-settle", "3", "--reconcile-interval", "0.3"]


def run_cli(*args: str, sb=None, data: Path, timeout: float = 180) -> subprocess.CompletedProcess:
    env = dict(os.environ, DASHSCOPE_API_KEY="sk-bad-input", PYTHONUNBUFFERED="1", BAILIAN_VIDEO_LANG="en")
    extra = ["--base-url", sb.base_url] if sb is not None else []
    return subprocess.run([sys.executable, "-m", "bailian_video", *args, *extra, "--data-dir", str(data), *FAST],
                          capture_output=True, text=True, timeout=timeout, env=env)


def t2v(*more: str) -> list[str]:
    return ["generate", "--model", T2V, "--prompt", "a red balloon", "--param", "size=832*480", *more]


@pytest.fixture
def paid(tmp_path):
    """The sandbox standing in for the paid service (so every creation is counted)."""
    with running_sandbox(task_seconds=0.5, data_dir=tmp_path / "svc") as sb:
        yield sb


def stored(data: Path) -> list:
    store = TaskStore(data / "tasks.sqlite3")
    try:
        return store.all()
    finally:
        store.close()


# -- the destination is checked before paying -----------------------------------------------------
def test_an_unusable_output_folder_is_refused_before_paying(tmp_path, paid):
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    for out in (a_file, Path("/proc/bv-out")):
        r = run_cli(*t2v("--out", str(out)), sb=paid, data=tmp_path / "d")
        assert r.returncode == 2, r.stderr
        assert "Cannot save into the output folder" in r.stderr and "nothing was submitted or charged" in r.stderr
    assert paid.creations() == 0 and not (tmp_path / "d" / "tasks.sqlite3").exists() or stored(tmp_path / "d") == []


def test_a_full_disk_is_refused_before_paying(tmp_path, paid):
    full = tmp_path / "tiny"
    full.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(full)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        r = run_cli(*t2v("--out", str(full)), sb=paid, data=tmp_path / "d")
        assert r.returncode == 2 and "MB free" in r.stderr and "Free some space" in r.stderr, r.stderr
        assert paid.creations() == 0
    finally:
        subprocess.run(["umount", str(full)], check=False)


def test_a_paid_video_that_could_not_be_saved_is_collected_elsewhere_for_free(tmp_path):
    out, elsewhere, data = tmp_path / "out", tmp_path / "elsewhere", tmp_path / "d"
    with running_sandbox(task_seconds=3.0, data_dir=tmp_path / "svc") as sb:
        env = dict(os.environ, DASHSCOPE_API_KEY="sk-bad-input", PYTHONUNBUFFERED="1", BAILIAN_VIDEO_LANG="en")
        proc = subprocess.Popen([sys.executable, "-m", "bailian_video", *t2v("--out", str(out)), "--base-url",
                                 sb.base_url, "--data-dir", str(data), *FAST], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        end = time.monotonic() + 30
        while time.monotonic() < end and not (data.exists() and stored(data) and stored(data)[0].task_id):
            time.sleep(0.1)
        out.rmdir()
        out.write_text("the folder became a file while the video was being made")
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 1 and "Cannot write to the output folder" in err
        rec = stored(data)[0]
        assert rec.state == State.FAILED and rec.error_code == "OutputNotWritable" and sb.creations() == 1
        r = run_cli("tasks", "retry-download", str(rec.id), "--out", str(elsewhere), sb=sb, data=data)
        assert r.returncode == 0, r.stderr
        assert Path(r.stdout.strip().splitlines()[-1]).parent == elsewhere
        assert len(list(elsewhere.glob("*.mp4"))) == 1 and sb.creations() == 1


# -- batch files ----------------------------------------------------------------------------------
BAD_BATCHES = {
    "badcount.csv": ("model,prompt,param.size,count\n" + f"{T2V},good one,832*480,1\n{T2V},bad,832*480,two\n"
                     f"{T2V},good two,832*480,1\n", "line 3: count must be a whole number"),
    "extracol.csv": ("model,prompt,param.size\n" + f"{T2V},good,832*480\n{T2V},a, unquoted comma,832*480\n",
                     "line 3: 4 fields, but the header has 3"),
    "array.jsonl": (json.dumps({"model": T2V, "prompt": "good", "params": {"size": "832*480"}}) + "\n[1, 2]\n",
                    "line 2: a row must be a JSON object"),
    "inputsstr.jsonl": (json.dumps({"model": T2V, "prompt": "good", "params": {"size": "832*480"}}) + "\n" +
                        json.dumps({"model": T2V, "prompt": "x", "inputs": "oops"}) + "\n",
                        "line 2: 'inputs' must be an object"),
    "paramslist.jsonl": (json.dumps({"model": T2V, "prompt": "x", "params": ["size", "832*480"]}) + "\n",
                         "line 1: 'params' must be an object"),
    "header.csv": ("MODEL,Prompt\n" + f"{T2V},x\n", "the header has no 'model' column (column names are lower case"),
    "badsize.csv": ("model,prompt,param.size\n" + f"{T2V},good,832*480\n{T2V},bad size,123*456\n",
                    "line 3: "),
}


@pytest.mark.parametrize("name", sorted(BAD_BATCHES))
def test_a_batch_with_a_bad_row_queues_nothing_and_names_the_line(tmp_path, paid, name):
    text, message = BAD_BATCHES[name]
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    r = run_cli("batch", str(f), "--out", str(tmp_path / "out"), sb=paid, data=tmp_path / "d")
    assert r.returncode == 2, r.stderr
    assert message in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert paid.creations() == 0
    assert not (tmp_path / "d" / "tasks.sqlite3").exists() or stored(tmp_path / "d") == []


def test_skip_bad_rows_runs_only_the_good_ones(tmp_path, paid):
    f = tmp_path / "mixed.csv"
    f.write_text(BAD_BATCHES["badcount.csv"][0], encoding="utf-8")
    r = run_cli("batch", str(f), "--skip-bad-rows", "--out", str(tmp_path / "out"), sb=paid, data=tmp_path / "d")
    assert r.returncode == 2 and "line 3" in r.stderr          # still says what was skipped
    assert sorted(t.prompt for t in paid.tasks.all()) == ["good one", "good two"]


def test_a_latin1_batch_file_is_explained(tmp_path, paid):
    f = tmp_path / "latin1.csv"
    f.write_bytes(f"model,prompt,param.size\n{T2V},caf\u00e9 au lait,832*480\n".encode("latin-1"))
    r = run_cli("batch", str(f), sb=paid, data=tmp_path / "d")
    assert r.returncode == 2 and "is not UTF-8 (near line 2)" in r.stderr and "CSV UTF-8" in r.stderr
    assert paid.creations() == 0


# -- spending needs consent ----------------------------------------------------------------------
def test_many_videos_need_yes_and_the_total_is_shown(tmp_path, paid):
    r = run_cli(*t2v("--count", "5", "--no-wait"), sb=paid, data=tmp_path / "d")
    assert r.returncode == 2 and "This makes 5 videos for about ¥3.50" in r.stderr and "--yes" in r.stderr
    f = tmp_path / "forty.csv"
    f.write_text(f"model,prompt,param.size,count\n{T2V},forty,832*480,40\n", encoding="utf-8")
    r = run_cli("batch", str(f), "--no-wait", sb=paid, data=tmp_path / "d")
    assert r.returncode == 2 and "This makes 40 videos" in r.stderr
    assert paid.creations() == 0
    r = run_cli(*t2v("--count", "5", "--yes", "--out", str(tmp_path / "out")), sb=paid, data=tmp_path / "d")
    assert r.returncode == 0, r.stderr
    assert paid.creations() == 5


def test_a_fixed_seed_with_several_videos_is_refused(tmp_path, paid):
    r = run_cli(*t2v("--count", "3", "--param", "seed=42"), sb=paid, data=tmp_path / "d")
    assert r.returncode == 2 and "the 3 videos would be identical" in r.stderr
    assert paid.creations() == 0


def test_the_cli_estimate_counts_the_input_duration(tmp_path, paid):
    face, voice = tmp_path / "face.png", tmp_path / "voice.wav"
    make_image(face, 512, 512, text="face")
    make_audio(voice, 5.0)
    r = run_cli("generate", "--model", "emo-v1", "--input", f"image_url={face}", "--input", f"audio_url={voice}",
                "--no-wait", sb=paid, data=tmp_path / "d")
    assert r.returncode == 0, r.stderr
    line = [x for x in r.stderr.splitlines() if "Estimated cost" in x][0]
    assert "¥0.00" not in line and float(line.split("¥")[1].split()[0]) >= 0.4


# -- exit codes and output -----------------------------------------------------------------------
def test_malformed_arguments_exit_2_without_a_traceback(tmp_path):
    d = tmp_path / "d"
    for args, words in ((("generate", "--sandbox", "--model", T2V, "--param", "size"), "--param takes NAME=VALUE"),
                        (("generate", "--sandbox", "--model", T2V, "--input", "cat.png"), "--input takes"),
                        (("generate", "--sandbox", "--model", T2V, "--prompt", "x", "--count", "0"),
                         "at least 1"),
                        (("tasks", "show", "abc"), "A task number is a whole number")):
        r = run_cli(*args, data=d)
        assert r.returncode == 2, (args, r.stderr)
        assert words in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_tasks_list_keeps_one_line_per_task(tmp_path, paid):
    r = run_cli("generate", "--model", T2V, "--prompt", "line one\nline\ttwo", "--param", "size=832*480",
                "--out", str(tmp_path / "out"), sb=paid, data=tmp_path / "d")
    assert r.returncode == 0, r.stderr
    listed = run_cli("tasks", "list", data=tmp_path / "d").stdout.splitlines()
    assert len(listed) == 1 and listed[0].count("\t") == 5 and "line one line two" in listed[0]


# -- a damaged task database ------------------------------------------------------------------------
def _one_paid_unfinished_task(tmp_path, sb) -> Path:
    data = tmp_path / "d"
    r = run_cli(*t2v("--out", str(tmp_path / "out")), sb=sb, data=data)
    assert r.returncode == 0, r.stderr
    # an unfinished paid task, as a crash would leave it, then a later start makes the daily backup
    store = TaskStore(data / "tasks.sqlite3")
    rec = store.all()[0]
    rec.state, rec.output_path, rec.done_at = State.DOWNLOADING, None, None
    store.save(rec)
    store.close()
    for b in list_backups(data / "tasks.sqlite3"):
        b.unlink()
    TaskStore(data / "tasks.sqlite3").close()
    assert len(list_backups(data / "tasks.sqlite3")) == 1
    return data


@pytest.mark.parametrize("damage", ["empty", "garbage", "half"])
def test_a_damaged_database_is_explained_kept_and_restored_from_the_backup(tmp_path, paid, damage):
    data = _one_paid_unfinished_task(tmp_path, paid)
    db = data / "tasks.sqlite3"
    for side in ("-wal", "-shm"):
        Path(str(db) + side).unlink(missing_ok=True)
    size = db.stat().st_size
    if damage == "empty":
        db.write_bytes(b"")
    elif damage == "garbage":
        db.write_text("this is not a database\n" * 100)
    else:
        with open(db, "r+b") as f:
            f.truncate(size // 2)
            f.seek(100)
            f.write(os.urandom(4096))
    for cmd in (("tasks", "list"), ("tasks", "resume")):
        r = run_cli(*cmd, sb=paid, data=data)
        assert r.returncode == 1, r.stderr
        assert "The task database is damaged" in r.stderr and str(db) in r.stderr and "tasks restore" in r.stderr
        assert "Traceback" not in r.stderr
    assert db.exists()                                   # nothing replaced behind the person's back
    r = run_cli("tasks", "restore", sb=paid, data=data)
    assert r.returncode == 0 and "1 unfinished" in r.stderr, r.stderr
    assert list(data.glob("tasks.sqlite3.damaged-*"))    # the damaged file is kept
    r = run_cli("tasks", "resume", sb=paid, data=data)   # the paid task from the backup is collected
    assert r.returncode == 0, r.stderr
    assert [x.state for x in stored(data)] == [State.DONE] and paid.creations() == 1


def test_a_read_only_data_folder_still_lists_and_explains_writes(tmp_path, paid):
    data = tmp_path / "d"
    r = run_cli(*t2v("--out", str(tmp_path / "out")), sb=paid, data=data)
    assert r.returncode == 0, r.stderr
    ro = tmp_path / "ro"
    ro.mkdir()
    bound = subprocess.run(["mount", "--bind", "-o", "ro", str(data), str(ro)], capture_output=True)
    if bound.returncode != 0:
        pytest.skip(f"cannot bind-mount read-only here: {bound.stderr.decode().strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(ro)], check=False)
        listed = run_cli("tasks", "list", "--json", data=ro)
        assert listed.returncode == 0, listed.stderr
        assert [t["state"] for t in json.loads(listed.stdout)] == ["done"]
        r = run_cli(*t2v("--param", "seed=9", "--out", str(tmp_path / "out")), sb=paid, data=ro)
        assert r.returncode == 1 and "read-only" in r.stderr and "--data-dir" in r.stderr, r.stderr
    finally:
        subprocess.run(["umount", str(ro)], check=False)
    assert paid.creations() == 1


def test_the_store_keeps_a_daily_backup_and_one_before_a_schema_change(tmp_path):
    db = tmp_path / "tasks.sqlite3"
    old = sqlite3.connect(db)                      # a database as schema 2 left it
    from bailian_video.engine.store import SCHEMA_VERSION, _v1, _v2
    _v1(old)
    _v2(old)
    old.execute("PRAGMA user_version=2")
    old.commit()
    old.close()
    TaskStore(db).close()
    names = sorted(p.name for p in list_backups(db))
    assert any(f"before-schema-{SCHEMA_VERSION}" in n for n in names) and any(time.strftime("%Y-%m-%d") in n
                                                                              for n in names)


def test_inputs_that_would_fail_on_the_service_are_refused_here(tmp_path, paid):
    img = tmp_path / "cut.png"
    make_image(img, 480, 480, text="cut")
    img.write_bytes(img.read_bytes()[: img.stat().st_size // 3])        # a truncated PNG
    r = run_cli("generate", "--model", "wan2.2-i2v-flash", "--input", f"img_url={img}", "--param", "resolution=480P",
                sb=paid, data=tmp_path / "d")
    assert r.returncode == 2 and "incomplete or damaged" in r.stderr, r.stderr
    r = run_cli("generate", "--model", T2V, "--prompt", "   \t ", "--param", "size=832*480", sb=paid,
                data=tmp_path / "d")
    assert r.returncode == 2 and "empty" in r.stderr, r.stderr
    assert paid.creations() == 0


def test_a_key_with_a_line_break_or_plain_http_is_refused_with_a_reason(tmp_path, paid):
    env = dict(os.environ, DASHSCOPE_API_KEY="sk-abc\nX-Injected: 1", PYTHONUNBUFFERED="1", BAILIAN_VIDEO_LANG="en")
    cmd = [sys.executable, "-m", "bailian_video", *t2v(), "--base-url", paid.base_url, "--data-dir",
           str(tmp_path / "d")]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)
    assert r.returncode == 3 and "not a valid API key" in r.stderr and "X-Injected" not in r.stderr, r.stderr
    env["DASHSCOPE_API_KEY"] = "sk-plain-http-secret"
    cmd[cmd.index(paid.base_url)] = "http://dashscope.example.com/api/v1"
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)
    assert r.returncode == 3 and "clear text" in r.stderr and "sk-plain-http-secret" not in r.stderr, r.stderr
    assert paid.creations() == 0
