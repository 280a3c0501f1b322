"""``bailian-video sandbox``: first line is the base URL, SIGTERM stops it cleanly."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from bailian_video.sandbox.cli import build_parser
from bailian_video.sandbox.testing import auth_headers

DESKTOP = Path(__file__).resolve().parents[2] / "desktop"


def test_cli_serves_until_sigterm(tmp_path):
    code = "import sys; from bailian_video.sandbox.cli import main; sys.exit(main(sys.argv[1:]))"
    env = {**os.environ, "PYTHONPATH": str(DESKTOP)}
    proc = subprocess.Popen([sys.executable, "-c", code, "--task-seconds", "0.3", "--faults", "5xx@list*1",
                             "--data-dir", str(tmp_path / "data"), "--url-ttl", "60"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = proc.stdout.readline().strip()
        assert first.startswith("base_url=http://127.0.0.1:") and first.endswith("/api/v1"), first
        base = first.split("=", 1)[1]
        assert httpx.get(f"{base}/tasks", headers=auth_headers()).status_code == 500
        assert httpx.get(f"{base}/tasks", headers=auth_headers()).status_code == 200
        stats = httpx.get(base.rsplit("/api/v1", 1)[0] + "/sandbox/stats").json()
        assert stats["requests"]["list"] == 2
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert (tmp_path / "data" / "results").is_dir()


def test_cli_rejects_a_bad_fault_spec(capsys):
    from bailian_video.sandbox.cli import main
    assert main(["--faults", "nonsense"]) == 2
    assert "unknown fault kind" in capsys.readouterr().err
    args = build_parser().parse_args(["--port", "8123", "--host", "127.0.0.1"])
    assert args.port == 8123 and args.url_ttl == 24 * 3600
