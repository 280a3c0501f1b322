"""Benchmarks of the desktop app. They print their figures; nothing here asserts a time.

* start-up to the first painted main window, median of 5, next to a bare PySide6 window, as a ratio;
* the longest stall of the UI thread (a 5 ms timer probe) while 200 tasks sit in the queue, 20 are
  polling and 5 are downloading from the sandbox (a separate process, like the real service);
* memory and time to open the app with 10,000 finished tasks in its history.

Every measurement runs in a fresh subprocess, offscreen, so one cannot warm the next.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, QT_QPA_PLATFORM="offscreen", BAILIAN_VIDEO_LANG="en", PYTHONUNBUFFERED="1")
ENV.pop("DASHSCOPE_API_KEY", None)

STARTUP = textwrap.dedent("""
    import os, sys, time
    t0 = float(sys.argv[2])
    mode, data = sys.argv[1], sys.argv[3]
    if mode == "bare":
        from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
        app = QApplication([])
        w = QMainWindow()
        w.setCentralWidget(QLabel("hello"))
    else:
        from pathlib import Path
        from bailian_video.ui.app import make_application
        from bailian_video.ui import translations
        from bailian_video.ui.config import UiConfig
        from bailian_video.ui.session import Session
        from bailian_video.ui.main_window import MainWindow
        app = make_application([])
        config = UiConfig(Path(data))
        translations.apply_language(config.language or "en")
        w = MainWindow(Session(config), config)
    from PySide6.QtCore import QEvent, QObject
    class FirstPaint(QObject):
        def eventFilter(self, obj, ev):
            if ev.type() == QEvent.Type.Paint:
                print(f"painted {time.monotonic() - t0:.4f}", flush=True)
                os._exit(0)
            return False
    f = FirstPaint()
    w.installEventFilter(f)
    w.resize(1280, 860)
    w.show()
    app.exec()
""")


def _startup_once(mode: str, data: Path) -> float:
    t0 = time.monotonic()
    out = subprocess.run([sys.executable, "-c", STARTUP, mode, repr(t0), str(data)], capture_output=True, text=True,
                         env=ENV, cwd=ROOT, timeout=120)
    line = next((x for x in out.stdout.splitlines() if x.startswith("painted ")), None)
    assert line, out.stdout + out.stderr
    return float(line.split()[1])


def test_startup_to_first_painted_window(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    _startup_once("app", data)          # compile .pyc files first, as an installed app has them
    _startup_once("bare", data)
    bare = [_startup_once("bare", data) for _ in range(5)]
    app = [_startup_once("app", data) for _ in range(5)]
    mb, ma = statistics.median(bare), statistics.median(app)
    print(f"\n[startup] bare PySide6 window: median {mb * 1000:.0f} ms  (runs: "
          f"{', '.join(f'{x * 1000:.0f}' for x in bare)})")
    print(f"[startup] Bailian Video Studio: median {ma * 1000:.0f} ms  (runs: "
          f"{', '.join(f'{x * 1000:.0f}' for x in app)})")
    print(f"[startup] ratio app / bare: {ma / mb:.2f}×")


STALL = textwrap.dedent("""
    import asyncio, json, os, sys, time
    from pathlib import Path
    import qasync
    from PySide6.QtCore import QTimer
    from bailian_video.engine import Request, State
    from bailian_video.ui.app import make_application
    from bailian_video.ui import translations
    from bailian_video.ui.config import UiConfig
    from bailian_video.ui.session import Session
    from bailian_video.ui.main_window import MainWindow

    data = Path(sys.argv[1]); duration = float(sys.argv[2])

    class BenchSession(Session):
        def engine_settings(self):
            s = super().engine_settings()
            s.service_limits = False          # the local sandbox has no per-model limits
            s.global_concurrency = 20
            s.download_workers = 5
            s.poll_min, s.poll_max, s.expected_override = 0.5, 2.0, 6.0
            return s

    app = make_application([])
    config = UiConfig(data)
    config.backend = "service"
    config.out_dir = data / "videos"
    translations.apply_language("en")

    async def main():
        session = BenchSession(config)
        w = MainWindow(session, config)
        w.show()
        await session.load_key()
        await session.start("service")
        gaps = []
        t_submit = time.monotonic()
        last = [time.monotonic()]
        big = []
        def tick():
            now = time.monotonic()
            gaps.append(now - last[0])
            if now - last[0] > 0.025:
                big.append((round(now - t_submit, 2), round((now - last[0]) * 1000, 1)))
            last[0] = now
        probe = QTimer()
        probe.setInterval(5)
        probe.timeout.connect(tick)
        probe.start()
        req = Request("wan2.2-t2v-plus", {"prompt": "benchmark: a lighthouse in the fog"}, {"size": "832*480"})
        t_submit = time.monotonic()
        res = await session.engine.submit(req, count=200)
        submit_s = time.monotonic() - t_submit
        w.queue.table.scrollToTop()
        peak = {"remote": 0, "downloading": 0, "waiting": 0}
        both = 0
        end = time.monotonic() + duration
        while time.monotonic() < end:
            await asyncio.sleep(0.25)
            states = [r.state for r in session.engine.tasks()]
            remote = sum(s in (State.QUEUED, State.RUNNING) for s in states)
            down = sum(s == State.DOWNLOADING for s in states)
            waiting = sum(s == State.WAITING for s in states)
            peak["remote"] = max(peak["remote"], remote)
            peak["downloading"] = max(peak["downloading"], down)
            peak["waiting"] = max(peak["waiting"], waiting)
            if remote >= 15 and down >= 5:
                both += 1
        probe.stop()
        done = sum(r.state == State.DONE for r in session.engine.tasks())
        gaps.sort()
        out = {"tasks": len(res.tasks), "submit_s": submit_s, "ticks": len(gaps),
               "max_gap_ms": gaps[-1] * 1000, "p99_gap_ms": gaps[int(len(gaps) * 0.99)] * 1000,
               "median_gap_ms": gaps[len(gaps) // 2] * 1000, "peak": peak, "samples_with_20_and_5": both,
               "done": done, "rows": w.queue.model.rowCount(), "big_gaps": big[:15]}
        print("RESULT " + json.dumps(out), flush=True)
        w.close()
        await session.close()

    qasync.run(main())
""")


def test_ui_stall_with_200_tasks_20_polling_5_downloading(tmp_path):
    sb = subprocess.Popen([sys.executable, "-m", "bailian_video", "sandbox", "--task-seconds", "6",
                           "--faults", "slow@download=2.5", "--data-dir", str(tmp_path / "sandbox")],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=ENV, cwd=ROOT)
    try:
        base = ""
        while not base:
            line = sb.stdout.readline()
            assert line, "the sandbox did not start"
            if line.startswith("base_url="):
                base = line.strip().split("=", 1)[1]
        env = dict(ENV, DASHSCOPE_HTTP_BASE_URL=base, DASHSCOPE_API_KEY="sk-bench")
        data = tmp_path / "data"
        data.mkdir()
        out = subprocess.run([sys.executable, "-c", STALL, str(data), "30"], capture_output=True, text=True,
                             env=env, cwd=ROOT, timeout=300)
    finally:
        sb.terminate()
        sb.communicate(timeout=10)
    line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
    assert line, out.stdout[-2000:] + out.stderr[-4000:]
    r = json.loads(line[7:])
    print(f"\n[stall] {r['tasks']} tasks submitted in {r['submit_s'] * 1000:.0f} ms; over 30 s: peak "
          f"{r['peak']['remote']} polling, {r['peak']['downloading']} downloading, {r['peak']['waiting']} waiting; "
          f"{r['samples_with_20_and_5']} quarter-second samples had ≥15 polling and 5 downloading at once")
    print(f"[stall] big gaps (s after submit, ms): {r.get('big_gaps')}")
    print(f"[stall] UI timer probe (5 ms): longest gap {r['max_gap_ms']:.1f} ms, p99 {r['p99_gap_ms']:.1f} ms, "
          f"median {r['median_gap_ms']:.1f} ms over {r['ticks']} ticks; {r['done']} done, {r['rows']} rows shown")


HISTORY = textwrap.dedent("""
    import asyncio, json, os, resource, sys, time
    t0 = float(sys.argv[2])
    from pathlib import Path
    import qasync
    from PySide6.QtCore import QEvent, QObject
    from bailian_video.ui.app import make_application
    from bailian_video.ui import translations
    from bailian_video.ui.config import UiConfig
    from bailian_video.ui.session import Session
    from bailian_video.ui.main_window import MainWindow

    def rss_mb():
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    data = Path(sys.argv[1])
    app = make_application([])
    config = UiConfig(data)
    config.backend = "service"
    translations.apply_language("en")
    marks = {}

    class FirstPaint(QObject):
        def eventFilter(self, obj, ev):
            if ev.type() == QEvent.Type.Paint and "painted" not in marks:
                marks["painted"] = time.monotonic() - t0
            return False

    async def main():
        session = Session(config)
        w = MainWindow(session, config)
        f = FirstPaint()
        w.installEventFilter(f)
        w.show()
        while "painted" not in marks:
            await asyncio.sleep(0.001)
        from PySide6.QtCore import QTimer
        gaps = [0.0]
        last = [time.monotonic()]
        def tick():
            now = time.monotonic()
            gaps.append(now - last[0])
            last[0] = now
        probe = QTimer()
        probe.setInterval(5)
        probe.timeout.connect(tick)
        probe.start()
        await session.load_key()
        await session.start("service")
        marks["queue_filled"] = time.monotonic() - t0
        await asyncio.sleep(0.05)
        probe.stop()
        marks["open_stall_ms"] = max(gaps) * 1000
        rows = w.queue.model.rowCount()
        await asyncio.sleep(0.3)
        t = time.monotonic()
        w.queue.table.scrollToBottom()
        w.queue.table.viewport().repaint()
        marks["scroll_repaint_ms"] = (time.monotonic() - t) * 1000
        t = time.monotonic()
        if rows:
            w.queue.select_task(w.queue.model.record(rows // 2).id)
        marks["select_ms"] = (time.monotonic() - t) * 1000
        marks["rows"] = rows
        marks["rss_mb"] = rss_mb()
        print("RESULT " + json.dumps(marks), flush=True)
        w.close()
        await session.close()

    qasync.run(main())
""")


def _write_history(data: Path, n: int, video: Path) -> None:
    from bailian_video.engine import Request, State, TaskRecord, TaskStore
    store = TaskStore(data / "tasks.sqlite3")
    now = time.time() - n * 60
    prompts = ["一只小猫在月光下奔跑", "A paper boat on a calm lake at sunrise", "城市夜景延时摄影，车流如织",
               "A lighthouse in the fog, waves crashing"]
    for i in range(n):
        created = now + i * 60
        rec = TaskRecord(id=0, request=Request("wan2.2-t2v-plus", {"prompt": prompts[i % 4] + f" #{i}"},
                                               {"size": "832*480", "seed": i}),
                         state=State.DONE, family="t2v", request_key=f"k{i}", task_id=f"task-{i:06d}",
                         request_ids=[f"req-{i:06d}"], created_at=created, submitted_at=created + 1,
                         running_since=created + 2, finished_at=created + 40, done_at=created + 42,
                         usage={"duration": 5, "SR": 480}, cost_estimate=0.7, cost_actual=0.7,
                         output_path=str(video), expected_seconds=100)
        store.add(rec)
    store.close()


@pytest.mark.parametrize("n", [0, 10_000])
def test_memory_and_open_time_with_history(tmp_path, n):
    from bailian_video.media.samples import make_video
    video = tmp_path / "done.mp4"
    make_video(video, 320, 180, 1.0)
    data = tmp_path / "data"
    data.mkdir()
    t = time.monotonic()
    _write_history(data, n, video)
    write_s = time.monotonic() - t
    env = dict(ENV, DASHSCOPE_API_KEY="sk-bench", DASHSCOPE_HTTP_BASE_URL="http://127.0.0.1:9/api/v1")
    runs = []
    for _ in range(3):
        t0 = time.monotonic()
        out = subprocess.run([sys.executable, "-c", HISTORY, str(data), repr(t0)], capture_output=True, text=True,
                             env=env, cwd=ROOT, timeout=300)
        line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
        assert line, out.stdout[-2000:] + out.stderr[-4000:]
        runs.append(json.loads(line[7:]))
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"\n[history {n}] wrote {n} finished tasks in {write_s:.1f} s; opening (median of 3): first paint "
          f"{med['painted'] * 1000:.0f} ms, queue filled ({int(med['rows'])} rows) {med['queue_filled'] * 1000:.0f} ms, "
          f"longest UI stall while loading {med['open_stall_ms']:.0f} ms, "
          f"scroll to the end + repaint {med['scroll_repaint_ms']:.1f} ms, select a row {med['select_ms']:.1f} ms, "
          f"resident memory {med['rss_mb']:.0f} MB")
