"""Benchmarks for the sandbox, the client and the engine. They print figures; they assert only
that the runs completed. Run with ``python3 scripts/dev.py bench``."""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

HERE = Path(__file__).parent


@contextmanager
def sandbox_process(tmp: Path, task_seconds: float):
    """The sandbox in its own process, so the clients' CPU figures are their own."""
    proc = subprocess.Popen([sys.executable, "-m", "bailian_video", "sandbox", "--task-seconds", str(task_seconds),
                             "--data-dir", str(tmp / "sb")], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    assert line.startswith("base_url="), line
    try:
        yield line.split("=", 1)[1]
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def stats(base: str) -> dict:
    return httpx.get(f"{base}/sandbox/stats", headers={"Authorization": "Bearer sk-bench"}).json()


def worker(kind: str, base: str, n: int, out: Path, *extra: str) -> dict:
    r = subprocess.run([sys.executable, str(HERE / "bench_worker.py"), kind, base, str(n), str(out), *extra],
                       capture_output=True, text=True, timeout=3600, env=dict(os.environ))
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def requests_per_task(before: dict, after: dict, n: int) -> float:
    total = sum(after["requests"].values()) - sum(before["requests"].values())
    return round(total / n, 2)


def test_sandbox_render_time_per_second_of_1080p(tmp_path):
    from bailian_video.media import render

    times = []
    for i in range(3):
        t0 = time.perf_counter()
        res = render.render_text(tmp_path / f"r{i}.mp4", f"渲染基准 render benchmark {i}", 1920, 1080, 5.0, 30)
        times.append((time.perf_counter() - t0) / res.duration)
    print(f"\n[bench] sandbox render, text-to-video 1920x1080@30: median {statistics.median(times):.3f} s "
          f"per second of video (runs: {', '.join(f'{t:.3f}' for t in times)})")
    times = []
    img = tmp_path / "in.png"
    from bailian_video.media.samples import make_image
    make_image(img, 1920, 1080, text="bench")
    for i in range(3):
        t0 = time.perf_counter()
        res = render.render_image_motion(tmp_path / f"m{i}.mp4", img, 1920, 1080, 5.0, 30)
        times.append((time.perf_counter() - t0) / res.duration)
    print(f"[bench] sandbox render, image-to-video 1920x1080@30: median {statistics.median(times):.3f} s "
          f"per second of video")


def test_client_cpu_per_task_200_tasks_concurrency_20(tmp_path):
    with sandbox_process(tmp_path, 0) as base:
        before = stats(base)
        r = worker("client", base, 200, tmp_path / "client", "--concurrency", "20")
        after = stats(base)
    print(f"\n[bench] client, 200 tasks at concurrency 20, --task-seconds 0: {r['cpu_per_task_ms']} ms CPU per task, "
          f"{requests_per_task(before, after, 200)} requests per task, wall {r['wall_s']} s, peak RSS {r['peak_rss_mb']} MB")


def test_engine_vs_official_sdk_500_tasks(tmp_path):
    n = int(os.environ.get("BENCH_TASKS", "500"))
    rows = []
    with sandbox_process(tmp_path, 30) as base:
        for kind, extra in (("engine", ["--qps", "15", "--expect", "30"]),
                            ("engine", ["--qps", "100", "--expect", "30"]),
                            ("sdk", ["--concurrency", str(n)])):
            before = stats(base)
            r = worker(kind, base, n, tmp_path / f"{kind}-{len(rows)}", *extra)
            after = stats(base)
            r["requests_per_task"] = requests_per_task(before, after, n)
            r["label"] = f"{kind} {' '.join(extra)}"
            rows.append(r)
    print(f"\n[bench] {n} tasks through the sandbox (--task-seconds 30), all in flight at once")
    print(f"{'client':<34}{'req/task':>9}{'CPU s/task':>12}{'peak MB':>9}{'delay med':>11}{'delay p95':>11}{'wall s':>8}")
    for r in rows:
        print(f"{r['label']:<34}{r['requests_per_task']:>9}{r['cpu_per_task_ms'] / 1000:>12.4f}{r['peak_rss_mb']:>9}"
              f"{r['delay_median_s']:>11}{r['delay_p95_s']:>11}{r['wall_s']:>8}")
