"""Fixtures for the sandbox tests: a fresh sandbox per test, an httpx client, sample media."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from bailian_video.sandbox import Sandbox
from bailian_video.sandbox.testing import running_sandbox, static_server


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    """A running sandbox with fast tasks (0.3 s) and its own data folder (renders cached per session)."""
    with running_sandbox(task_seconds=0.3, data_dir=tmp_path / "sandbox") as sb:
        yield sb


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.base_url, timeout=30) as c:
        yield c


@pytest.fixture(scope="session")
def assets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Small sample inputs, made once per session with ``media.samples``."""
    from bailian_video.media import samples
    d = tmp_path_factory.mktemp("assets")
    samples.make_image(d / "face.png", 512, 512, text="face", color=(200, 160, 120))
    samples.make_image(d / "person.png", 480, 800, text="person", color=(90, 140, 200))
    samples.make_image(d / "noface.png", 512, 512, text="nobody", color=(120, 200, 120))
    Image.new("RGB", (512, 512), (4, 4, 6)).save(d / "dark.png")
    samples.make_image(d / "wide.png", 640, 360, text="first", color=(200, 80, 80))
    samples.make_image(d / "last.png", 640, 360, text="last", color=(80, 80, 200))
    samples.make_image(d / "tiny.png", 120, 120, text="tiny")
    samples.make_audio(d / "voice.wav", 2.0)
    samples.make_audio(d / "song.wav", 3.5, freq=330.0)
    samples.make_video(d / "clip.mp4", 640, 360, 2.0, fps=25, with_audio=True, text="clip")
    samples.make_video(d / "dance.mp4", 360, 640, 2.0, fps=25, with_audio=True, text="dance")
    samples.make_video(d / "speaker.mp4", 640, 640, 2.0, fps=25, with_audio=False, text="speaker")
    samples.make_video(d / "other.mp4", 480, 360, 2.0, fps=25, with_audio=False, text="other")
    samples.make_video(d / "kling.mp4", 720, 720, 3.0, fps=24, with_audio=True, text="base")   # Kling: ≥ 720 px, 3–10 s
    samples.make_image(d / "hat.png", 480, 480, text="hat", color=(230, 200, 60))
    (d / "notes.txt").write_text("not a media file")
    return d


@pytest.fixture(scope="session")
def asset_url(assets: Path) -> Iterator[Callable[[str], str]]:
    """``asset_url("face.png")`` -> a loopback http URL the sandbox can fetch."""
    with static_server(assets) as base:
        yield lambda name: f"{base}/{name}"
