"""Download throughput: a 500 MB result over loopback, the app's download path against curl.

A benchmark: it prints figures next to their targets and asserts only that the runs completed.
Run with ``python3 scripts/dev.py bench``.

The sandbox runs in its own process and serves results from ``<data dir>/results/<object>.mp4``,
the file its render gave the task. There is no upload of results, so the benchmark does what a
slow render would do: after a task has finished, its result file is replaced on disk (a hard link
to a prepared file: the task's real MP4 followed by a ``free`` box up to the wanted size, so the
engine's MP4 check still passes). The signed link stays the same.

The app side is this file run as a script, in its own process so that its memory is its own: an
engine (``AppContext``) makes one real task against the sandbox, then, once the file behind its link
is the big one, the person's "Retry download" (``Engine.retry_download`` into a new folder) fetches
it: ``engine/downloads.py`` and ``DashScopeClient.download`` exactly as in the app, timed from the
click to the task being done (resume bookkeeping, fsync, rename, MP4 check, metadata, sidecar).
"""
from __future__ import annotations

import json
import os
import random
import statistics
import struct
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

MB = 1_000_000
CURL = "/usr/bin/curl"
MODEL = "wan2.6-t2v"
RUNS = 5


# -- the app, in its own process ----------------------------------------------------------------
def worker(base: str, out: Path) -> None:
    """Make one task, print its link, wait for "go", then download it again (the big file) and report."""
    import asyncio
    import resource

    from bailian_video.engine import EngineSettings, Request
    from bailian_video.services import AppContext

    def peak_rss_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0   # Linux: KiB

    async def run() -> None:
        settings = EngineSettings(out_dir=out / "first", service_limits=False, poll_min=0.2, expected_override=0.5)
        ctx = await AppContext.create(data_dir=out / "data", api_key="sk-bench", base_url=base, settings=settings,
                                      external_sandbox=True)
        try:
            res = await ctx.engine.submit(Request(MODEL, {"prompt": "download benchmark"},
                                                  {"size": "1280*720", "duration": 2, "seed": 1}), force=True)
            task = res.tasks[0].id
            (rec,) = await ctx.engine.wait([task], timeout=120)
            assert rec.state.value == "done", rec.error_message
            print(json.dumps({"url": rec.result_url}), flush=True)
            if (await asyncio.to_thread(sys.stdin.readline)).strip() != "go":
                return
            rss_before = peak_rss_mb()
            t0 = time.perf_counter()
            await ctx.engine.retry_download(task, out_dir=str(out / "big"))
            (rec,) = await ctx.engine.wait([task], timeout=600)
            seconds = time.perf_counter() - t0
            assert rec.state.value == "done" and rec.output_path, rec.error_message
            print(json.dumps({"seconds": seconds, "path": rec.output_path, "bytes": rec.bytes_done,
                              "rss_before_mb": round(rss_before, 1), "rss_peak_mb": round(peak_rss_mb(), 1)}),
                  flush=True)
        finally:
            await ctx.close()

    asyncio.run(run())


# -- the benchmark ------------------------------------------------------------------------------
def start_worker(base: str, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, __file__, base, str(out)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)


def padded_mp4(mp4: bytes, size: int, dest: Path) -> Path:
    """``mp4`` followed by a ``free`` box of incompressible bytes, ``size`` bytes in all."""
    block = random.Random(14).randbytes(MB)
    pad = size - len(mp4)
    with dest.open("wb") as f:
        f.write(mp4 + struct.pack(">I4s", pad, b"free"))
        left = pad - 8
        while left:
            left -= f.write(block[:min(left, len(block))])
    return dest


def app_download(base: str, out: Path, results: Path, big: Path) -> tuple[dict, str]:
    """One worker run: its task's result becomes ``big``; returns the worker's report and the link."""
    with start_worker(base, out) as proc:
        url = json.loads(proc.stdout.readline())["url"]
        served = results / Path(urlsplit(url).path).name
        served.unlink()
        os.link(big, served)
        os.sync()   # every run starts with no dirty pages waiting for the disk
        proc.stdin.write("go\n")
        proc.stdin.flush()
        report = json.loads(proc.stdout.readline())
        assert proc.wait(timeout=120) == 0
    got = Path(report["path"])
    # the engine appends its metadata box to the MP4: the download itself is the file's first bytes
    assert got.stat().st_size > big.stat().st_size
    got.unlink()
    return report, url


def curl_download(url: str, dest: Path, size: int) -> tuple[float, float]:
    """Seconds for curl to write the file, and for curl plus flushing it to disk: the app fsyncs a result
    before it calls it saved (a paid video must survive a power cut), curl does not."""
    os.sync()
    t0 = time.perf_counter()
    subprocess.run([CURL, "-s", "-o", str(dest), url], check=True)
    seconds = time.perf_counter() - t0
    fd = os.open(dest, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    durable = time.perf_counter() - t0
    assert dest.stat().st_size == size
    dest.unlink()
    return seconds, durable


def test_download_500mb_app_vs_curl(tmp_path):
    data = tmp_path / "sandbox"
    from test_bench_service import sandbox_process  # the sandbox in its own process

    with sandbox_process(data, 0.2) as base:
        # a first task gives a real MP4 to pad
        with start_worker(base, tmp_path / "warm") as proc:
            url = json.loads(proc.stdout.readline())["url"]
            mp4 = (data / "results" / Path(urlsplit(url).path).name).read_bytes()
            proc.communicate("stop\n", timeout=60)
        files = {n: padded_mp4(mp4, n * MB, tmp_path / f"result-{n}.mp4") for n in (100, 500)}

        small, _ = app_download(base, tmp_path / "app-100", data / "results", files[100])
        app, curl, synced, peaks = [], [], [], []
        for i in range(RUNS):
            report, url = app_download(base, tmp_path / f"app-500-{i}", data / "results", files[500])
            app.append(500 / report["seconds"])
            peaks.append(report["rss_peak_mb"])
            plain, durable = curl_download(url, tmp_path / "curl.mp4", 500 * MB)
            curl.append(500 / plain)
            synced.append(500 / durable)
    a, c, cs = statistics.median(app), statistics.median(curl), statistics.median(synced)

    def runs(xs: list[float]) -> str:
        return ", ".join(f"{x:.0f}" for x in xs)
    print(f"\n[bench] download 500 MB (the app's time includes the fsync that makes the file safe): "
          f"app {a:.0f} MB/s, curl {c:.0f} MB/s, ratio {a / c:.2f} (target ≥ 0.80); "
          f"curl then fsync {cs:.0f} MB/s, ratio {a / cs:.2f}; "
          f"peak RSS 100 MB file {small['rss_peak_mb']:.0f} MB, 500 MB file {statistics.median(peaks):.0f} MB "
          f"(flat; {small['rss_before_mb']:.0f} MB before the download)   "
          f"(runs, MB/s: app {runs(app)}; curl {runs(curl)}; curl + fsync {runs(synced)})")


if __name__ == "__main__":
    worker(sys.argv[1], Path(sys.argv[2]))
