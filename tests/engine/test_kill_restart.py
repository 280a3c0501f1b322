"""SIGKILL the CLI at random points during a 20-task batch; every request finishes exactly once."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from bailian_video.engine import State, TaskStore

MODELS = ["wan2.2-t2v-plus", "wan2.6-t2v", "wanx2.1-t2v-turbo", "wan2.5-t2v-preview"]
SIZES = {"wan2.2-t2v-plus": "832*480", "wan2.6-t2v": "1280*720", "wanx2.1-t2v-turbo": "832*480",
         "wan2.5-t2v-preview": "832*480"}


def test_sigkill_during_a_batch_loses_nothing_and_pays_nothing_twice(tmp_path):
    from bailian_video.sandbox.testing import running_sandbox

    batch = tmp_path / "batch.jsonl"
    lines = []
    for i in range(20):
        model = MODELS[i % len(MODELS)]
        params = {"size": SIZES[model], "seed": i}
        if model == "wan2.6-t2v":
            params["duration"] = 2
        lines.append(json.dumps({"model": model, "prompt": f"batch item {i:02d} 第{i}个", "params": params},
                                ensure_ascii=False))
    batch.write_text("\n".join(lines), encoding="utf-8")
    data, out = tmp_path / "data", tmp_path / "out"
    rng = random.Random(20261123)
    # lost@create drops some create responses after the task exists, so restarts meet uncertain submissions too
    with running_sandbox(task_seconds=1.0, data_dir=tmp_path / "sb", faults="lost@create~0.15") as sb:
        env = dict(os.environ, DASHSCOPE_API_KEY="sk-kill-test", PYTHONUNBUFFERED="1")
        cmd = [sys.executable, "-m", "bailian_video", "batch", str(batch), "--out", str(out), "--data-dir", str(data),
               "--base-url", sb.base_url, "--poll-min", "0.1", "--expect-seconds", "1", "--json", "--yes",
               "--reconcile-settle", "3", "--reconcile-interval", "0.3"]
        kills = 0
        for _attempt in range(40):
            proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if kills < 6:
                time.sleep(rng.uniform(0.3, 2.5))
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    proc.communicate()
                    kills += 1
                    continue
            stdout, stderr = proc.communicate(timeout=240)
            if proc.returncode == 0:
                break
            raise AssertionError(f"batch exited {proc.returncode}: {stderr.decode()[-2000:]}")
        assert kills >= 3, "the test must actually kill the process"
        store = TaskStore(data / "tasks.sqlite3")
        recs = store.all()
        store.close()
        prompts = [r.prompt for r in recs]
        # every request exactly once, done, with its video on disk
        assert sorted(prompts) == sorted(json.loads(line)["prompt"] for line in lines)
        assert all(r.state == State.DONE for r in recs), [(r.id, r.state, r.error_message) for r in recs]
        assert all(Path(r.output_path).exists() for r in recs)
        assert len({r.output_path for r in recs}) == 20
        assert len(list(out.glob("*.mp4"))) == 20
        # no request ever got a second task on the service
        assert sb.creations() == 20, sb.stats.snapshot()
        assert len({r.task_id for r in recs}) == 20
