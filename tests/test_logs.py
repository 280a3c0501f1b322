"""The log a person can send: where it goes, what never reaches it, rotation, and the CLI's crash line."""
from __future__ import annotations

import logging
import logging.handlers
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from bailian_video import __version__, logs
from bailian_video.api.errors import register_secret

SIGNED_URL = ("https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/1d/ab/out.mp4"
              "?Expires=1767225600&OSSAccessKeyId=LTAI5tTESTACCESSKEY&Signature=q%2BTESTSIGNATURE%3D")

log = logging.getLogger("bailian_video.test")


@pytest.fixture(autouse=True)
def clean_logging():
    """setup_logging changes the root logger: put it back after each test."""
    root = logging.getLogger()
    level = root.level
    yield
    logs.shutdown_logging()
    root.setLevel(level)


@pytest.fixture
def secret() -> str:
    key = "sk-" + uuid.uuid4().hex       # an API key as the person typed it
    register_secret(key)
    return key


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_the_log_file_is_in_the_data_folder(tmp_path):
    path = logs.setup_logging(tmp_path / "data")
    assert path == tmp_path / "data" / "logs" / "bailian-video.log"
    log.info("hello from the test")
    assert logs.log_file() == path
    text = read(path)
    assert "INFO bailian_video.test: hello from the test" in text
    assert f" {os.getpid()} " in text          # several processes may share the file
    log.debug("not at INFO")
    assert "not at INFO" not in read(path)


def test_debug_logs_everything_and_mirrors_it_to_the_console(tmp_path, capsys):
    path = logs.setup_logging(tmp_path / "data", debug=True)
    log.debug("every detail")
    assert "every detail" in read(path)
    assert "every detail" in capsys.readouterr().err


def test_keys_and_signed_urls_never_reach_the_file(tmp_path, secret):
    path = logs.setup_logging(tmp_path / "data")
    shaped = "sk-" + "A1b2C3d4" * 3          # a key nobody registered, recognised by its shape
    log.info("submitting with %s (header Bearer %s), result at %s", secret, shaped, SIGNED_URL)
    try:
        raise ValueError(f"download of {SIGNED_URL} failed with key {secret}")
    except ValueError:
        log.exception("the download step failed")
    logging.getLogger("httpx").info("HTTP Request: GET %s", SIGNED_URL)   # httpx stays at WARNING
    text = read(path)
    assert "Traceback (most recent call last)" in text and "ValueError: download of" in text
    for leak in (secret, shaped, "Signature=q", "OSSAccessKeyId=LTAI", "Expires=1767", "HTTP Request"):
        assert leak not in text, leak
    assert text.count("out.mp4?…") == 2          # the message, and the traceback's last line
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING


def test_redaction_keeps_the_sentence_around_a_url_readable():
    got = logs.redact_text(f"see {SIGNED_URL}, then ({SIGNED_URL}) and {SIGNED_URL}；详情")
    assert got == ("see https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/1d/ab/out.mp4?…, then "
                   "(https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/1d/ab/out.mp4?…) and "
                   "https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/1d/ab/out.mp4?…；详情")
    # Signing parameters are masked even outside a URL (a dict, a header, a cut-off URL).
    assert logs.redact_text("{'Signature': 'x', 'q': 'Signature=abc&b=1'}") == "{'Signature': 'x', 'q': 'Signature=***&b=1'}"
    assert logs.redact_text("https://example.com/a.mp4 has no query") == "https://example.com/a.mp4 has no query"


def test_the_file_rotates_at_its_size_limit(tmp_path):
    path = logs.setup_logging(tmp_path / "data")
    line = "x" * 1000
    for i in range(logs.MAX_BYTES // 1000 + 50):
        log.info("%d %s", i, line)
    backup = path.with_name(path.name + ".1")
    assert backup.is_file()
    assert backup.stat().st_size <= logs.MAX_BYTES
    assert path.stat().st_size < logs.MAX_BYTES
    assert not path.with_name(path.name + f".{logs.BACKUP_COUNT + 1}").exists()


def test_setting_up_twice_does_not_duplicate_lines(tmp_path):
    first = logs.setup_logging(tmp_path / "a")
    assert logs.setup_logging(tmp_path / "a") == first
    log.info("once only")
    assert read(first).count("once only") == 1
    second = logs.setup_logging(tmp_path / "b")        # another data folder replaces the first file
    log.info("in the second folder")
    assert "in the second folder" in read(second) and "in the second folder" not in read(first)
    ours = [h for h in logging.getLogger().handlers if isinstance(h, logging.handlers.RotatingFileHandler)]
    assert [Path(h.baseFilename) for h in ours] == [second]


def test_an_unwritable_folder_falls_back_to_the_console(tmp_path, capsys):
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be", encoding="utf-8")
    path = logs.setup_logging(blocker)
    assert path == blocker / "logs" / "bailian-video.log"
    assert logs.log_file() is None
    log.info("still logged somewhere")
    err = capsys.readouterr().err
    assert "cannot write the log file" in err and "still logged somewhere" in err


def test_crash_report_says_what_we_need_and_nothing_secret(tmp_path, secret):
    try:
        raise RuntimeError(f"boom with {secret} at {SIGNED_URL}")
    except RuntimeError as e:
        report = logs.crash_report(type(e), e, e.__traceback__, tmp_path / "x.log")
    assert f"Bailian Video Studio {__version__}" in report
    assert "Python: " in report and "Platform: " in report and "Qt: " in report
    assert f"Log: {tmp_path / 'x.log'}" in report
    assert "Traceback (most recent call last)" in report and "RuntimeError: boom with ***" in report
    assert secret not in report and "Signature=" not in report


def _run(script: Path, code: str, *args: str) -> subprocess.CompletedProcess:
    """A tiny command in its own process (a file, so that the traceback shows its source lines)."""
    script.write_text(code, encoding="utf-8")
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, encoding="utf-8",
                          timeout=60, env=env)


CRASHING_COMMAND = """
import sys
from pathlib import Path
from bailian_video import logs
from bailian_video.api.errors import register_secret
register_secret(sys.argv[2])
logs.install_cli_excepthook(logs.setup_logging(Path(sys.argv[1]), console=True))
def step():
    raise ValueError("the answer had no video\\nfrom " + sys.argv[3] + " with " + sys.argv[2])
step()
"""


def test_a_cli_crash_prints_one_line_and_logs_the_traceback(tmp_path, secret):
    r = _run(tmp_path / "command.py", CRASHING_COMMAND, str(tmp_path / "data"), secret, SIGNED_URL)
    assert r.returncode == 1
    path = tmp_path / "data" / "logs" / "bailian-video.log"
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("内部错误：ValueError: the answer had no video from https://")
    assert f"详情见日志 {path} / Internal error: ValueError: the answer had no video from https://" in lines[0]
    assert lines[0].endswith(f"; details in {path}")
    assert secret not in r.stderr and "?…" in r.stderr and "Signature=" not in r.stderr
    text = read(path)
    assert "CRITICAL bailian_video: unhandled exception" in text
    assert 'in step\n    raise ValueError("the answer had no video' in text
    assert "ValueError: the answer had no video\nfrom https://" in text and "out.mp4?… with ***" in text
    assert secret not in text and "Signature=" not in text


def test_ctrl_c_in_the_cli_keeps_pythons_own_message(tmp_path):
    code = ("import sys; from pathlib import Path; from bailian_video import logs; "
            "logs.install_cli_excepthook(logs.setup_logging(Path(sys.argv[1]))); raise KeyboardInterrupt")
    r = _run(tmp_path / "command.py", code, str(tmp_path / "data"))
    assert r.returncode != 0
    assert "KeyboardInterrupt" in r.stderr and "Internal error" not in r.stderr
