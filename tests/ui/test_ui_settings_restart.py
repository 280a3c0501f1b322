"""Settings survive a restart: written by one process, read by another (Qt's INI writer once turned a
``general`` group into ``[%General]``, which a new process read back as ``General/…`` and lost), and
files written by older versions are moved to the new keys."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from bailian_video.ui.config import UiConfig

READ = """
import json, sys
from bailian_video.ui.config import UiConfig
c = UiConfig(sys.argv[1])
print(json.dumps(dict(backend=c.backend, language=c.language, region=c.region, out_dir=str(c.out_dir),
                      confirm_videos=c.confirm_videos, confirm_amount=c.confirm_amount, workspace=c.workspace)))
"""

WRITE = """
import sys
from bailian_video.ui.config import UiConfig
c = UiConfig(sys.argv[1])
c.backend = "sandbox"
c.language = "en"
c.region = "ap-southeast-1"
c.workspace = "ws-test-42"
c.confirm_videos = 6
c.confirm_amount = 35.5
c.sync()
"""


def python(code: str, data_dir: Path) -> str:
    """Run ``code`` in a new Python process (a restart of the app, as far as settings go)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code), str(data_dir)], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def read_back(data_dir: Path) -> dict:
    return json.loads(python(READ, data_dir).strip().splitlines()[-1])


def test_backend_language_and_region_survive_a_restart(data_dir: Path) -> None:
    python(WRITE, data_dir)
    text = (data_dir / "ui.ini").read_text(encoding="utf-8")
    assert "%General" not in text and "[app]" in text
    got = read_back(data_dir)
    assert got["backend"] == "sandbox"
    assert got["language"] == "en"
    assert got["region"] == "ap-southeast-1"          # a Singapore user stays in Singapore
    assert got["workspace"] == "ws-test-42"
    assert "workspace=ws-test-42" in text.split("[app]", 1)[1]       # with the other app settings
    assert (got["confirm_videos"], got["confirm_amount"]) == (6, 35.5)


def test_fresh_folder_has_the_defaults(data_dir: Path) -> None:
    got = read_back(data_dir)
    assert (got["backend"], got["language"], got["region"], got["workspace"]) == ("", "", "cn-beijing", "")
    assert (got["confirm_videos"], got["confirm_amount"]) == (4, 20.0)


OLD_STYLE = """\
[%General]
backend=sandbox
language=zh
region=ap-southeast-1

[output]
dir={out}

[window]
current_tab=i2v
"""


def test_an_old_settings_file_is_moved_to_the_new_keys(data_dir: Path, tmp_path: Path) -> None:
    """What version 1 wrote (``general/…`` saved as ``[%General]``): the values come back and move to ``app/``."""
    out = tmp_path / "my videos"
    (data_dir / "ui.ini").write_text(OLD_STYLE.format(out=out.as_posix()), encoding="utf-8")
    got = read_back(data_dir)                       # the first start of the new version migrates …
    assert (got["backend"], got["language"], got["region"]) == ("sandbox", "zh", "ap-southeast-1")
    assert got["out_dir"] == str(out)
    text = (data_dir / "ui.ini").read_text(encoding="utf-8")
    assert "%General" not in text and "[app]" in text and "current_tab=i2v" in text
    got = read_back(data_dir)                       # … and the next one finds the new keys
    assert (got["backend"], got["language"], got["region"]) == ("sandbox", "zh", "ap-southeast-1")
    assert UiConfig(data_dir).qs.value("window/current_tab") == "i2v"


def test_new_keys_win_over_leftover_old_ones(data_dir: Path) -> None:
    (data_dir / "ui.ini").write_text("[%General]\nbackend=service\nregion=cn-beijing\n\n"
                                     "[app]\nbackend=sandbox\nregion=ap-southeast-1\n", encoding="utf-8")
    got = read_back(data_dir)
    assert (got["backend"], got["region"]) == ("sandbox", "ap-southeast-1")
    assert "%General" not in (data_dir / "ui.ini").read_text(encoding="utf-8")
