"""Benchmark of the UI thread under load. It prints figures next to their targets; nothing here asserts a time.

The sandbox runs in its own process at a lower priority, like a remote service (30 s tasks, every
download held back 2.5 s); the app in another, offscreen, over a history of 10,000 finished tasks (each
with its own MP4 file, hard links to one video, so every tile needs its own thumbnail). The app submits 500 tasks at once (no per-model limits, 500 may
be in flight, 5 downloads at a time), shows the queue, opens the Library page and scrolls its grid by a
page every 100 ms (down, then back up) while the tasks are polled, finish and download.

A 5 ms QTimer probe measures the UI thread: the longest gap between its ticks, the 99th percentile and the
median. A watchdog thread samples the main thread's Python stack every ~2 ms while a tick is overdue, so
each stall longer than 16 ms is attributed to the code it was spent in (when that is Qt's C++ code, the
samples say which other threads were running Python meanwhile: none means Qt itself was busy). Every run is a fresh pair of
processes; the figures are medians of 3 runs. The UI thread's time in a few named functions (the engine's
and the window's as well as the item models') and in garbage collection is printed too.

    .venv/bin/python -m pytest -s tests/perf/test_bench_stall.py       (or python tests/perf/test_bench_stall.py)
"""
from __future__ import annotations

import collections
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, QT_QPA_PLATFORM="offscreen", BAILIAN_VIDEO_LANG="en", PYTHONUNBUFFERED="1")
ENV.pop("DASHSCOPE_API_KEY", None)
HISTORY = 10_000
TASKS = 500
DURATION = float(os.environ.get("BENCH_STALL_SECONDS", "40"))
RUNS = int(os.environ.get("BENCH_STALL_RUNS", "3"))
LONGEST_MS, P99_MS = 50.0, 16.0

#: functions timed on the UI thread (module:qualified name)
TRACED = [
    "bailian_video.ui.session:Session._on_event",
    "bailian_video.engine.engine:Engine._save",
    "bailian_video.engine.engine:Engine._pull_changes",
    "bailian_video.engine.store:TaskStore.save",
    "bailian_video.engine.budget:spend",
    "bailian_video.ui.budget_ui:SpendBadge.refresh",
    "bailian_video.ui.main_window:MainWindow._task_event",
    "bailian_video.ui.queue_model:QueueModel.on_added",
    "bailian_video.ui.queue_model:QueueModel.on_changed",
    "bailian_video.ui.queue_model:QueueModel._flush_dirty",
    "bailian_video.ui.queue_model:QueueModel._tick_active",
    "bailian_video.ui.queue_view:QueueDock._update_summary",
    "bailian_video.ui.queue_view:QueueDock._data_changed",
    "bailian_video.ui.library_model:LibraryModel.flush",
    "bailian_video.ui.library_model:LibraryModel._thumb_ready",
    "bailian_video.ui.library_view:LibraryView.update_actions",
    "bailian_video.ui.library_view:LibraryView._fill_models",
    "bailian_video.ui.library_view:TileDelegate.paint",
]

APP = textwrap.dedent("""
    import asyncio, json, sys, threading, time
    from pathlib import Path
    import qasync
    from PySide6.QtCore import QTimer
    from bailian_video.engine import Request, State
    from bailian_video.ui.app import make_application
    from bailian_video.ui import translations
    from bailian_video.ui.config import UiConfig
    from bailian_video.ui.session import Session
    from bailian_video.ui.main_window import MainWindow

    data, duration, count = Path(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    TRACED = json.loads(sys.argv[4])

    class BenchSession(Session):
        def engine_settings(self):
            s = super().engine_settings()
            s.service_limits = False          # the local sandbox has no per-model limits
            s.global_concurrency = 500
            s.download_workers = 5
            s.expected_override = 30.0        # the sandbox's task length
            return s

    # Time spent on the UI thread in a few named functions (and in garbage collection): the causes of stalls.
    import functools, gc, importlib
    main_id = threading.main_thread().ident
    calls = {}
    def timed(name, fn):
        @functools.wraps(fn)
        def wrapper(*a, **k):
            if threading.get_ident() != main_id:
                return fn(*a, **k)
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                d = (time.perf_counter() - t) * 1000
                c = calls.setdefault(name, [0, 0.0, 0.0, 0])
                c[0] += 1; c[1] += d; c[2] = max(c[2], d); c[3] += d > 16
        return wrapper
    for dotted in TRACED:
        mod, _, attr = dotted.rpartition(":")
        owner_name, _, fn_name = attr.rpartition(".")
        owner = importlib.import_module(mod)
        if owner_name:
            owner = getattr(owner, owner_name)
        name = attr if owner_name else mod.rsplit(".", 1)[-1] + "." + fn_name
        setattr(owner, fn_name, timed(name, getattr(owner, fn_name)))
    gc_start = [0.0]
    def on_gc(phase, info):
        if threading.get_ident() != main_id:
            return
        if phase == "start":
            gc_start[0] = time.perf_counter()
        else:
            d = (time.perf_counter() - gc_start[0]) * 1000
            c = calls.setdefault(f"gc generation {info['generation']}", [0, 0.0, 0.0, 0])
            c[0] += 1; c[1] += d; c[2] = max(c[2], d); c[3] += d > 16
    gc.callbacks.append(on_gc)

    app = make_application([])
    config = UiConfig(data)
    config.backend = "service"
    config.out_dir = data / "videos"
    translations.apply_language("en")

    ticks = []                 # monotonic time of every probe tick
    samples = []               # (monotonic time, main thread's stack) while a tick is overdue
    last = [time.monotonic()]
    stop = threading.Event()

    IDLE = ("wait", "select", "_worker", " get", "acquire", "sleep", "read")
    OTHERS = "other threads in Python: "

    def stack_of(frame):
        out = []
        while frame is not None and len(out) < 40:
            co = frame.f_code
            name = co.co_filename
            i = name.find("bailian_video")
            short = name[i:] if i >= 0 else "/".join(name.split("/")[-2:])
            out.append(f"{short}:{frame.f_lineno} {co.co_name}")
            frame = frame.f_back
        return out

    def watchdog():
        while not stop.wait(0.002):
            if time.monotonic() - last[0] > 0.012:
                try:
                    frames = sys._current_frames()
                    st = stack_of(frames.get(main_id))
                    if st and "run_forever" in st[0]:
                        # The UI thread is in Qt's C++ code or waits for the GIL: which other threads are in
                        # the middle of Python code (not parked in a wait, a select or a queue)?
                        busy = []
                        for tid, f in frames.items():
                            if tid in (main_id, threading.get_ident()):
                                continue
                            o = stack_of(f)
                            if o and not any(w in o[0] for w in IDLE):
                                busy.append(" < ".join(o[:3]))
                        st = st + [OTHERS + (" | ".join(busy) if busy else "none")]
                    samples.append((time.monotonic(), st))
                except Exception as e:  # the benchmark must not lose its watchdog
                    samples.append((time.monotonic(), [f"watchdog: {e!r}"]))

    def tick():
        now = time.monotonic()
        ticks.append(now)
        last[0] = now

    async def main():
        session = BenchSession(config)
        w = MainWindow(session, config)
        w.resize(1280, 860)
        w.show()
        await session.load_key()
        await session.start("service")
        assert len(session.tasks()) >= 10_000, len(session.tasks())
        w.queue.show()
        w.show_page("library")
        lib = w.library
        await asyncio.sleep(1.0)
        probe = QTimer()
        probe.setInterval(5)
        probe.timeout.connect(tick)
        threading.Thread(target=watchdog, daemon=True).start()
        last[0] = time.monotonic()
        probe.start()
        calls.clear()
        bar = lib.grid.verticalScrollBar()
        step = [1]
        pages = [0]
        def scroll():
            if bar.value() >= bar.maximum():
                step[0] = -1
            pages[0] += 1
            v = bar.value() + step[0] * bar.pageStep()
            bar.setValue(max(bar.minimum(), min(bar.maximum(), v)))
        scroller = QTimer()
        scroller.setInterval(100)
        scroller.timeout.connect(scroll)
        scroller.start()
        req = Request("wan2.2-t2v-plus", {"prompt": "benchmark: a lighthouse in the fog"}, {"size": "832*480"})
        t0 = time.monotonic()
        res = await session.engine.submit(req, count=count)
        submit_s = time.monotonic() - t0
        ids = [r.id for r in res.tasks]
        peak = {"in_flight": 0, "downloading": 0}
        both = 0
        turned = False
        end = time.monotonic() + duration
        while time.monotonic() < end:
            await asyncio.sleep(0.25)
            if not turned and time.monotonic() > end - duration / 2:
                step[0], turned = -1, True            # back up for the second half
            states = [session.engine.get(i).state for i in ids]
            flying = sum(s in (State.SUBMITTING, State.QUEUED, State.RUNNING) for s in states)
            down = sum(s == State.DOWNLOADING for s in states)
            peak["in_flight"] = max(peak["in_flight"], flying)
            peak["downloading"] = max(peak["downloading"], down)
            both += flying >= 400 and down >= 5
        probe.stop()
        scroller.stop()
        stop.set()
        states = [session.engine.get(i).state for i in ids]
        gaps = [(b - a, b) for a, b in zip(ticks, ticks[1:])]
        big = sorted((g for g in gaps if g[0] > 0.016), reverse=True)
        stalls = []
        for g, at in big:
            inside = [s for t, s in samples if at - g <= t <= at]
            stalls.append({"ms": g * 1000, "at": at - t0, "samples": inside})
        ms = sorted(g * 1000 for g, _ in gaps)
        out = {"submit_s": submit_s, "ticks": len(ms), "longest": ms[-1], "p99": ms[int(len(ms) * 0.99)],
               "median": ms[len(ms) // 2], "over16": sum(x > 16 for x in ms), "over50": sum(x > 50 for x in ms),
               "peak": peak, "samples_400_and_5": both, "done": sum(s == State.DONE for s in states),
               "pages": pages[0], "stalls": stalls,
               "thumbs_made": lib.model.thumbs.made, "calls": calls, "thumbs_loaded": lib.model.thumbs.loaded}
        print("RESULT " + json.dumps(out), flush=True)
        w.close()
        await session.close()

    qasync.run(main())
""")


def write_history(data: Path, n: int, video: Path) -> None:
    """``n`` finished tasks, each with its own file (a hard link to ``video``), written through the store."""
    from bailian_video.engine import Request, State, TaskRecord, TaskStore
    files = data / "history"
    files.mkdir(parents=True)
    store = TaskStore(data / "tasks.sqlite3")
    start = time.time() - n * 60
    prompts = ["一只小猫在月光下奔跑", "A paper boat on a calm lake at sunrise", "城市夜景延时摄影，车流如织",
               "A lighthouse in the fog, waves crashing"]
    for i in range(n):
        created = start + i * 60
        path = files / f"video-{i:05d}.mp4"
        os.link(video, path)
        store.add(TaskRecord(id=0, request=Request("wan2.2-t2v-plus", {"prompt": f"{prompts[i % 4]} #{i}"},
                                                   {"size": "832*480", "seed": i}),
                             state=State.DONE, family="t2v", request_key=f"k{i}", task_id=f"task-{i:06d}",
                             request_ids=[f"req-{i:06d}"], created_at=created, submitted_at=created + 1,
                             running_since=created + 2, finished_at=created + 40, done_at=created + 42,
                             usage={"duration": 5, "SR": 480}, cost_estimate=0.7, cost_actual=0.7,
                             output_path=str(path), expected_seconds=100))
    store.close()


def culprit(stack: list[str]) -> str:
    """The innermost frame, then the app's own innermost frames (the event loop's plumbing left out). Only
    the event loop on the stack: the UI thread was in Qt's C++ code or waiting for the GIL."""
    if not stack:
        return "(no sample)"
    others = stack[-1] if stack[-1].startswith("other threads in Python: ") else ""
    if others:
        stack = stack[:-1]
    own = [f for f in stack if "bailian_video" in f and "bailian_video/ui/app.py" not in f]
    if not own:
        return " < ".join(stack[:2]) + "  [Qt/C++ or waiting for the GIL; " + others[:200] + "]"
    inner = [] if stack[0] == own[0] else [stack[0]]
    return " < ".join(inner + own[:4])


def _lower_priority() -> None:
    """The sandbox stands in for a remote service: on this machine's two cores it must not take the UI
    thread's CPU (rendering and answering 500 tasks keeps a core ~80 % busy)."""
    os.nice(10)


def run_once(tmp: Path, history: Path) -> dict:
    sb = subprocess.Popen([sys.executable, "-m", "bailian_video", "sandbox", "--task-seconds", "30",
                           "--faults", "slow@download=2.5", "--data-dir", str(tmp / "sandbox")],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=ENV, cwd=ROOT,
                          preexec_fn=_lower_priority if hasattr(os, "nice") else None)
    try:
        base = ""
        while not base:
            line = sb.stdout.readline() if sb.stdout else ""
            assert line, "the sandbox did not start"
            if line.startswith("base_url="):
                base = line.strip().split("=", 1)[1]
        env = dict(ENV, DASHSCOPE_HTTP_BASE_URL=base, DASHSCOPE_API_KEY="sk-bench")
        data = tmp / "data"
        data.mkdir()
        for f in history.glob("tasks.sqlite3*"):       # a fresh copy of the store (its videos are shared)
            shutil.copy2(f, data / f.name)
        out = subprocess.run([sys.executable, "-c", APP, str(data), str(DURATION), str(TASKS),
                              json.dumps(TRACED)], capture_output=True,
                             text=True, env=env, cwd=ROOT, timeout=DURATION + 240)
    finally:
        sb.terminate()
        sb.communicate(timeout=10)
    line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
    assert line, out.stdout[-2000:] + out.stderr[-4000:]
    dump = os.environ.get("BENCH_STALL_DUMP")       # the raw figures and stack samples, for a closer look
    if dump:
        Path(dump).write_text(line[7:], encoding="utf-8")
    return dict(json.loads(line[7:]))


def run_benchmark(tmp: Path) -> list[dict]:
    from bailian_video.media.samples import make_video
    video = make_video(tmp / "done.mp4", 640, 360, 2.0, text="history")
    history = tmp / "history"
    t = time.monotonic()
    write_history(history, HISTORY, video)
    print(f"\n[stall] wrote {HISTORY:,} finished tasks (one file each) in {time.monotonic() - t:.1f} s")
    runs = []
    for i in range(RUNS):
        run_dir = tmp / f"run{i}"
        run_dir.mkdir()
        runs.append(run_once(run_dir, history))
    return runs


def report(runs: list[dict]) -> None:
    med = {k: statistics.median(r[k] for r in runs) for k in ("longest", "p99", "median", "over16", "over50")}
    peak_f = statistics.median(r["peak"]["in_flight"] for r in runs)
    peak_d = statistics.median(r["peak"]["downloading"] for r in runs)
    each = ", ".join(f"{r['longest']:.0f}/{r['p99']:.1f}" for r in runs)

    def per_run(fmt: str) -> str:
        return ", ".join(fmt.format(**r) for r in runs)
    print(f"[stall] per run: submit {per_run('{submit_s:.2f} s')}; done in the window {per_run('{done}')}; "
          f"probe ticks {per_run('{ticks}')}; quarter-seconds with ≥400 in flight and 5 downloading "
          f"{per_run('{samples_400_and_5}')}; pages scrolled {per_run('{pages}')}; "
          f"thumbnails made {per_run('{thumbs_made}')}")
    print(f"[bench] UI stall under load: longest {med['longest']:.0f} ms (target < {LONGEST_MS:.0f}), "
          f"p99 {med['p99']:.1f} ms (target < {P99_MS:.0f}), median {med['median']:.1f} ms   "
          f"{'ok' if med['longest'] < LONGEST_MS and med['p99'] < P99_MS else 'OVER'}   "
          f"(peak {peak_f:.0f} in flight, {peak_d:.0f} downloading; gaps > 16 ms {med['over16']:.0f}, "
          f"> 50 ms {med['over50']:.0f}; {HISTORY:,} in history, grid scrolled; runs longest/p99: {each})")
    # Where the stalls went: every sample of every gap > 16 ms, by the code it was in.
    spent: collections.Counter[str] = collections.Counter()
    for r in runs:
        for s in r["stalls"]:
            n = max(1, len(s["samples"]))
            for stack in s["samples"] or [[]]:
                spent[culprit(stack)] += s["ms"] / n
    total = sum(spent.values())
    print(f"[stall] time in gaps > 16 ms, all runs together ({total:.0f} ms), by where the UI thread was:")
    for where, ms in spent.most_common(15):
        print(f"[stall]   {ms:7.0f} ms  {where}")
    print("[stall] UI-thread time in named functions, median run (calls, total ms, longest ms, calls > 16 ms):")
    mid = sorted(runs, key=lambda r: r["longest"])[len(runs) // 2]
    for name, (n, tot, top, over) in sorted(mid["calls"].items(), key=lambda kv: -kv[1][1]):
        print(f"[stall]   {name:<40} {n:7d} {tot:9.0f} {top:8.1f} {over:5d}")
    print("[stall] the longest gaps of the median run (s after submit, ms, where):")
    for s in mid["stalls"][:10]:
        where = collections.Counter(culprit(x) for x in s["samples"]).most_common(2)
        print(f"[stall]   {s['at']:6.1f} s {s['ms']:6.1f} ms  {where}")


@pytest.mark.timeout(RUNS * (DURATION + 300) + 300)
def test_ui_stall_under_load(tmp_path):
    runs = run_benchmark(tmp_path)
    report(runs)
    assert all(r["ticks"] > 0 for r in runs)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as d:
        report(run_benchmark(Path(d)))
