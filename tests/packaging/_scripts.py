"""The packaging scripts as modules for the tests: they live in folders that are not packages
(packaging/, packaging/linux/ …) and run as scripts on release runners."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def load(relative: str, name: str) -> ModuleType:
    """packaging/<relative> as the module ``name`` (registered in sys.modules, which dataclasses need)."""
    spec = importlib.util.spec_from_file_location(name, PACKAGING / relative)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
