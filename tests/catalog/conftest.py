from __future__ import annotations

import pytest

from bailian_video.i18n import set_language


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English; a test that switches language leaves English behind."""
    set_language("en")
    yield
    set_language("en")
