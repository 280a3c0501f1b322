"""One benchmark client in its own process, so its CPU time and memory are its own.

    python bench_worker.py engine|sdk|client|query BASE_URL N OUT_DIR [--qps Q] [--concurrency C] [--expect S] [--mix]

Prints one JSON line: wall, cpu seconds, peak RSS, per-task delays from the service
finishing a task to its file being on disk.

``--mix``: the N tasks are spread over every text-to-video model of the catalogue in proportion to
its documented concurrency (a shared pool's limit split among its models), each at its smallest
size and shortest length — so every model's submit rate gets its share to the service in seconds,
and every model's queue at the service empties at about the same time.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

CN = timezone(timedelta(hours=8))
MODEL = "wan2.6-t2v"
PROMPT = "benchmark: a paper boat on a river"
PARAMS = {"size": "1280*720", "duration": 2, "seed": 1}


def mix(n: int) -> list[tuple[str, dict]]:
    """(model, parameters) for each of ``n`` tasks; see the module's doc."""
    from bailian_video import catalog

    models = [m for m in catalog.all_models()
              if m.family == "t2v" and not m.sync and m.available_in(catalog.BEIJING) and m.concurrency]
    members: dict[str, int] = {}
    for m in models:
        members[m.pool or m.name] = members.get(m.pool or m.name, 0) + 1
    share = {m.name: m.concurrency / members[m.pool or m.name] for m in models}
    total = sum(share.values())
    counts = {name: int(n * s / total) for name, s in share.items()}
    for name in sorted(share, key=lambda k: -share[k])[: n - sum(counts.values())]:
        counts[name] += 1
    out = []
    for m in models:
        params: dict = {}
        for p in m.params:
            values = p.choice_values()
            if p.name in ("size", "resolution", "duration") and values:
                params[p.name] = values[0]
            elif p.name == "duration" and p.min is not None:
                params[p.name] = int(p.min) if float(p.min).is_integer() else p.min
        if m.param("seed") is not None:
            params["seed"] = 1
        while catalog.validate(m, {"prompt": PROMPT}, params) and params:
            params.pop(next(reversed(params)))        # drop what this model does not take, last first
        out.extend([(m.name, params)] * counts[m.name])
    return out


def service_end(s: str) -> float:
    return datetime.strptime(s, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=CN).timestamp()


def usage() -> tuple[float, float]:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime, r.ru_maxrss / 1024.0   # cpu s, MB (Linux reports KiB)


async def run_engine(base: str, n: int, out: Path, qps: float, expect: float, defaults: bool,
                     tasks: list[tuple[str, dict]]) -> list[float]:
    from bailian_video.engine import EngineSettings, Request
    from bailian_video.services import AppContext

    if defaults:      # the app as it ships: nothing set but where the videos go
        settings = EngineSettings(out_dir=out)
    else:
        settings = EngineSettings(out_dir=out, global_concurrency=n, service_limits=False, query_qps=qps,
                                  expected_override=expect, poll_min=1.0, download_workers=8)
    ctx = await AppContext.create(data_dir=out / "data", api_key="sk-bench", base_url=base, settings=settings)
    WATCH["cpu_start_s"] = round(usage()[0], 3)
    try:
        ids = []
        for model, params in tasks:
            req = Request(model, {"prompt": PROMPT}, dict(params))
            res = await ctx.engine.submit(req, force=True)
            ids.extend(r.id for r in res.tasks)
        WATCH["cpu_queued_s"] = round(usage()[0], 3)
        WATCH.update(ctx.engine.watch.counts)
        recs = await ctx.engine.wait(ids, timeout=3600)
        bad = [r for r in recs if r.state.value != "done"]
        if bad:
            raise SystemExit(f"{len(bad)} tasks not done: {bad[0].state} {bad[0].error_message}")
        WATCH.update(ctx.engine.watch.counts)
        return [r.done_at - r.finished_at for r in recs]
    finally:
        await ctx.close()


WATCH: dict = {}


async def run_client(base: str, n: int, out: Path, concurrency: int) -> list[float]:
    """The bare client: create → poll every 0.2 s → download, ``concurrency`` at a time."""
    from bailian_video import catalog
    from bailian_video.api.client import DashScopeClient

    spec = catalog.require(MODEL)
    sem = asyncio.Semaphore(concurrency)
    delays: list[float] = []
    async with DashScopeClient("sk-bench", base_url=base) as client:
        async def one(i: int) -> None:
            async with sem:
                created = await client.create_task(MODEL, {"prompt": PROMPT}, dict(PARAMS), endpoint=spec.endpoint)
                while True:
                    info = await client.get_task(created.task_id, model=MODEL)
                    if info.status.terminal:
                        break
                    await asyncio.sleep(0.2)
                await client.download(info.result_url, out / f"{i}.mp4")
                delays.append(time.time() - info.end_time.timestamp())
        await asyncio.gather(*(one(i) for i in range(n)))
    return delays


async def run_queries(base: str, n: int) -> dict:
    """CPU for one task query, the request both sides repeat most: the app's ``DashScopeClient.get_task``
    (httpx, async) and the SDK's ``VideoSynthesis.fetch`` (what its ``wait()`` calls each round), on the same
    task, one after the other, in rounds that alternate which side goes first. Medians of the rounds."""
    import dashscope
    from dashscope import VideoSynthesis

    from bailian_video import catalog
    from bailian_video.api.client import DashScopeClient

    dashscope.base_http_api_url = base
    spec = catalog.require(MODEL)
    app: list[float] = []
    sdk: list[float] = []
    async with DashScopeClient("sk-bench", base_url=base) as client:
        task = (await client.create_task(MODEL, {"prompt": PROMPT}, dict(PARAMS), endpoint=spec.endpoint)).task_id

        async def app_round(k: int) -> float:
            c0 = usage()[0]
            for _ in range(k):
                await client.get_task(task, model=MODEL)
            return (usage()[0] - c0) / k * 1000

        def sdk_round(k: int) -> float:
            c0 = usage()[0]
            for _ in range(k):
                got = VideoSynthesis.fetch(task, api_key="sk-bench")
                assert got.status_code == 200, got
            return (usage()[0] - c0) / k * 1000

        await app_round(20)
        sdk_round(20)
        per_round = max(1, n // 5)
        for i in range(5):
            if i % 2:
                sdk.append(sdk_round(per_round))
                app.append(await app_round(per_round))
            else:
                app.append(await app_round(per_round))
                sdk.append(sdk_round(per_round))
    return {"app_ms": round(statistics.median(app), 3), "sdk_ms": round(statistics.median(sdk), 3),
            "app_runs": [round(x, 3) for x in app], "sdk_runs": [round(x, 3) for x in sdk]}


def run_sdk(base: str, n: int, out: Path, workers: int, tasks: list[tuple[str, dict]]) -> list[float]:
    import urllib.request

    import dashscope
    from dashscope import VideoSynthesis

    dashscope.base_http_api_url = base
    delays: list[float] = []

    def one(i: int) -> None:
        model, params = tasks[i]
        task = VideoSynthesis.async_call(model=model, prompt=PROMPT, api_key="sk-bench", **params)
        if task.status_code != 200:
            raise RuntimeError(f"SDK create failed: {task}")
        result = VideoSynthesis.wait(task, api_key="sk-bench")
        if result.status_code != 200 or result.output.task_status != "SUCCEEDED":
            raise RuntimeError(f"SDK task failed: {result}")
        urllib.request.urlretrieve(result.output.video_url, out / f"sdk-{i}.mp4")
        delays.append(time.time() - service_end(result.output.end_time))

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, range(n)))
    return delays


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["engine", "sdk", "client", "query"])
    ap.add_argument("base")
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--qps", type=float, default=15.0)
    ap.add_argument("--concurrency", type=int, default=20)
    ap.add_argument("--expect", type=float, default=30.0)
    ap.add_argument("--defaults", action="store_true", help="engine: the app's default settings")
    ap.add_argument("--mix", action="store_true", help="spread over the text-to-video models")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    if a.kind == "query":
        print(json.dumps(asyncio.run(run_queries(a.base, a.n))), flush=True)
        return
    tasks = mix(a.n) if a.mix else [(MODEL, dict(PARAMS))] * a.n
    t0, (c0, _) = time.perf_counter(), usage()
    if a.kind == "engine":
        delays = asyncio.run(run_engine(a.base, a.n, a.out, a.qps, a.expect, a.defaults, tasks))
    elif a.kind == "client":
        delays = asyncio.run(run_client(a.base, a.n, a.out, a.concurrency))
    else:
        delays = run_sdk(a.base, a.n, a.out, a.concurrency, tasks)
    wall = time.perf_counter() - t0
    cpu, rss = usage()
    delays.sort()
    print(json.dumps({
        "kind": a.kind, "n": a.n, "wall_s": round(wall, 2), "cpu_s": round(cpu - c0, 3),
        "cpu_per_task_ms": round((cpu - c0) / a.n * 1000, 2), "peak_rss_mb": round(rss, 1),
        "delay_median_s": round(statistics.median(delays), 3),
        "delay_p95_s": round(delays[min(len(delays) - 1, int(0.95 * len(delays)))], 3),
        "delay_max_s": round(delays[-1], 3), "watch": WATCH,
    }), flush=True)


if __name__ == "__main__":
    sys.exit(main())
