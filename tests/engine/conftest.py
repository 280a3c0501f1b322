from __future__ import annotations

import pytest


@pytest.fixture
def sandbox(tmp_path):
    from bailian_video.sandbox.testing import running_sandbox
    with running_sandbox(task_seconds=0.6, data_dir=tmp_path / "sandbox") as sb:
        yield sb
