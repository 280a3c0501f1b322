"""`bailian-video spend` and the spending guards of generate and batch, as a person meets them: real
processes against the sandbox standing in for the paid service, so every creation is counted there."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bailian_video.engine.budget import CSV_COLUMNS
from bailian_video.sandbox.testing import running_sandbox

T2V = "wan2.2-t2v-plus"          # 5 s at 480P: ¥0.70 a video
HELD = 5                         # the exit code of a held command


@pytest.fixture
def paid(tmp_path):
    with running_sandbox(task_seconds=0.3, data_dir=tmp_path / "svc") as sb:
        yield sb


def bv(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DASHSCOPE_API_KEY="sk-spend", PYTHONUNBUFFERED="1", BAILIAN_VIDEO_LANG="en")
    return subprocess.run([sys.executable, "-m", "bailian_video", *args, "--data-dir", str(tmp_path / "d")],
                          capture_output=True, text=True, timeout=120, env=env)


def make(tmp_path: Path, sb, *args: str) -> subprocess.CompletedProcess:
    """generate/batch on the sandbox, fast."""
    return bv(tmp_path, *args, "--base-url", sb.base_url, "--poll-min", "0.1", "--expect-seconds", "0.3",
              "--out", str(tmp_path / "out"))


def t2v(*more: str) -> list[str]:
    return ["generate", "--model", T2V, "--prompt", "a red balloon", "--param", "size=832*480", *more]


def spend(tmp_path: Path, *args: str) -> dict:
    r = bv(tmp_path, "spend", "--json", *args)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_spend_shows_today_by_model_and_writes_every_task_to_csv(tmp_path, paid):
    assert spend(tmp_path)["today"] == 0.0
    r = make(tmp_path, paid, *t2v("--count", "2"))
    assert r.returncode == 0, r.stderr
    tasks = json.loads(bv(tmp_path, "tasks", "list", "--json").stdout)
    assert len(tasks) == 2 and paid.creations() == 2
    total = sum(t["cost"] if t["cost"] is not None else t["cost_estimate"] for t in tasks)
    s = spend(tmp_path)
    assert s["today"] == s["month"] == pytest.approx(total) == pytest.approx(1.40)
    assert s["limits"] == {"daily": None, "monthly": None} and s["backend"] == "service"
    [row] = s["by_model"]
    assert row["model"] == T2V and row["tasks"] == 2 and row["seconds"] == 10.0
    assert row["spent"] == pytest.approx(total) and row["free_left"] == s["free_left"][T2V] == 40.0
    text = bv(tmp_path, "spend", "--month").stdout.splitlines()
    assert text[0] == "Spending — paid service (cn-beijing)"
    assert text[2].split() == ["Today", "¥1.40", "no", "limit"]
    assert text[3].split() == ["This", "month", "¥1.40", "no", "limit"]
    assert text[5].startswith("By model, this month")
    assert text[6].split() == [T2V, "2", "10", "¥1.40", "40s"]
    # the sandbox's own store has spent nothing
    assert spend(tmp_path, "--sandbox")["today"] == 0.0

    r = bv(tmp_path, "spend", "--csv", str(tmp_path / "spending.csv"))
    assert r.returncode == 0 and f"Wrote 2 rows of spending to {tmp_path / 'spending.csv'}" in r.stdout
    with open(tmp_path / "spending.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
        assert tuple(rows[0]) == CSV_COLUMNS
    assert sorted(x["task_id"] for x in rows) == sorted(t["task_id"] for t in tasks)
    assert {(x["model"], x["seconds"], x["tier"], x["state"]) for x in rows} == {(T2V, "5", "480P", "done")}
    assert sum(float(x["actual"] or x["estimate"]) for x in rows) == pytest.approx(total)


def test_a_daily_limit_holds_generate_until_submitted_anyway(tmp_path, paid):
    r = bv(tmp_path, "spend", "--set-daily", "0.5", "--set-monthly", "300")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[2].split() == ["Today", "¥0.00", "¥0.50", "¥0.50"]
    r = make(tmp_path, paid, *t2v())
    assert r.returncode == HELD, r.stderr
    assert "Held, not submitted: this costs about ¥0.70" in r.stderr and "daily limit of ¥0.50" in r.stderr
    assert "bailian-video spend --set-daily 1" in r.stderr and "--over-budget" in r.stderr
    assert paid.creations() == 0 and json.loads(bv(tmp_path, "tasks", "list", "--json").stdout) == []
    r = make(tmp_path, paid, *t2v("--over-budget"))
    assert r.returncode == 0, r.stderr
    assert paid.creations() == 1
    s = spend(tmp_path)
    assert s["today"] == pytest.approx(0.70) and s["limits"] == {"daily": 0.5, "monthly": 300.0}
    assert spend(tmp_path, "--set-daily", "off")["limits"] == {"daily": None, "monthly": 300.0}
    assert spend(tmp_path, "--clear")["limits"] == {"daily": None, "monthly": None}
    r = bv(tmp_path, "spend", "--set-daily", "lots")
    assert r.returncode == 2 and "a limit in yuan" in r.stderr


def test_budget_and_limits_hold_a_whole_batch_before_any_row(tmp_path, paid):
    jobs = tmp_path / "jobs.csv"
    jobs.write_text(f"model,prompt,param.size\n{T2V},first,832*480\n{T2V},second,832*480\n", encoding="utf-8")
    r = make(tmp_path, paid, "batch", str(jobs), "--budget", "1")
    assert r.returncode == HELD, r.stderr
    assert "2 videos, about ¥1.40" in r.stderr
    assert "Held, not submitted: this costs about ¥1.40 in total, over --budget ¥1.00" in r.stderr
    r = make(tmp_path, paid, *t2v("--count", "2", "--budget", "1.39"))
    assert r.returncode == HELD and "over --budget ¥1.39" in r.stderr
    assert paid.creations() == 0

    assert spend(tmp_path, "--set-monthly", "1")["limits"]["monthly"] == 1.0
    r = make(tmp_path, paid, "batch", str(jobs), "--budget", "2")
    assert r.returncode == HELD, r.stderr
    assert "this month's spending to ¥1.40, over your monthly limit of ¥1.00" in r.stderr
    assert paid.creations() == 0 and json.loads(bv(tmp_path, "tasks", "list", "--json").stdout) == []
    r = make(tmp_path, paid, "batch", str(jobs), "--budget", "2", "--over-budget")
    assert r.returncode == 0, r.stderr
    assert paid.creations() == 2 and len([p for p in r.stdout.splitlines() if p.endswith(".mp4")]) == 2
    assert spend(tmp_path)["month"] == pytest.approx(1.40)
