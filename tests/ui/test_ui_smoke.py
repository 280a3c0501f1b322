"""``bailian-video --smoke-test`` (what packaging runs) and the translation catalogue."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QTranslator

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "resources" / "translations"


def smoke(*args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "bailian_video", "--smoke-test", *args], capture_output=True,
                          text=True, timeout=timeout, env=env)


def test_smoke_test_reports_what_it_found_and_exits_0(tmp_path):
    r = smoke("--data-dir", str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    for name in ("qt:", "translations:", "keyring:", "main window:", "multimedia:"):
        assert any(line.startswith("ok") and name in line for line in lines), (name, r.stdout)
    assert "14 tabs" in r.stdout and lines[-1].startswith("PASSED")


def test_smoke_test_with_the_sandbox_runs_a_real_task(tmp_path):
    r = smoke("--sandbox", "--data-dir", str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    line = next(x for x in r.stdout.splitlines() if "sandbox task:" in x)
    path = Path(line.split("sandbox task: ", 1)[1].split(" (", 1)[0])
    assert line.startswith("ok") and path.suffix == ".mp4" and path.is_file()
    assert path.parent == tmp_path / "smoke-test" / "videos"


def test_every_ui_string_has_a_chinese_translation_and_the_catalogue_is_compiled():
    r = subprocess.run([sys.executable, str(TRANSLATIONS / "update.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout
    ts, qm = TRANSLATIONS / "bailian_video_zh_CN.ts", TRANSLATIONS / "bailian_video_zh_CN.qm"
    assert qm.stat().st_mtime >= ts.stat().st_mtime - 1, "run resources/translations/update.py to rebuild the .qm"
    t = QTranslator()
    assert t.load(str(qm))
    assert t.translate("FamilyTab", "Generate") == "生成"
    assert t.translate("SettingsDialog", "&Workspace ID:") == "业务空间 ID(&W)："
