"""``bailian-video sandbox``: run the local DashScope look-alike until interrupted."""
from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from .faults import FaultPlan, FaultSpecError
from .server import Sandbox


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bailian-video sandbox",
                                description="Serve a local DashScope-compatible video API on loopback.")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="API port (default: any free port)")
    p.add_argument("--task-seconds", type=float, default=5.0, help="how long each task takes (default 5)")
    p.add_argument("--faults", default="", help="fault spec, e.g. 'throttle@create*2,truncate~0.5'")
    p.add_argument("--seed", type=int, default=0, help="seed for probabilistic faults")
    p.add_argument("--data-dir", type=Path, default=None, help="where inputs, uploads and renders go "
                                                               "(default: a temporary folder)")
    p.add_argument("--url-ttl", type=float, default=24 * 3600.0, help="result URL lifetime in seconds")
    p.add_argument("--task-ttl", type=float, default=24 * 3600.0, help="how long tasks stay queryable")
    p.add_argument("--queue", action="store_true",
                   help="model the service's queue: each model processes at most its documented number of "
                        "tasks at once; the others wait as PENDING, in order")
    p.add_argument("--account-qps", type=float, default=None,
                   help="refuse task query/list/cancel requests beyond this many per second with a 429, "
                        "as the service does at 20 (default: no limit; the peak is in /sandbox/stats)")
    p.add_argument("--api-key", action="append", default=None,
                   help="accept only this key (repeatable; default: any sk-… key)")
    return p


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        plan = FaultPlan.parse(args.faults, seed=args.seed)
    except FaultSpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sb = Sandbox(host=args.host, port=args.port, task_seconds=args.task_seconds, faults=plan,
                 data_dir=args.data_dir, api_keys=set(args.api_key) if args.api_key else None,
                 url_ttl=args.url_ttl, task_ttl=args.task_ttl, seed=args.seed, queue=args.queue,
                 account_qps=args.account_qps)
    try:
        base = sb.start()
    except OSError as exc:
        print(f"error: cannot start the sandbox: {exc}", file=sys.stderr)
        return 1
    print(f"base_url={base}", flush=True)
    print(f"upload_host={sb.upload_origin}", flush=True)
    print(f"result_host={sb.result_origin}", flush=True)
    print(f"data_dir={sb.data_dir}", flush=True)
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sb.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
