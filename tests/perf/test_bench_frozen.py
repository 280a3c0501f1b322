"""The frozen app's size on disk (target < 400 MB), from the last ``python3 scripts/dev.py package``."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET_MB = 400.0


def _size(folder: Path) -> tuple[float, int]:
    total, files = 0, 0
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            p = Path(dirpath, name)
            if not p.is_symlink():
                total += p.stat().st_size
                files += 1
    return total / 1e6, files


def test_frozen_app_size_on_disk():
    folder = ROOT / "dist" / "bailian-video"
    if not folder.is_dir():
        print("\n[bench] frozen app: not built here — run `python3 scripts/dev.py package` first   target < 400 MB")
        return
    mb, files = _size(folder)
    archives = sorted(p for p in (ROOT / "dist").iterdir() if p.is_file() and p.suffix in (".gz", ".exe", ".dmg", ".deb"))
    extra = "; ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in archives) or "no installer in dist/"
    print(f"\n[bench] frozen app: {mb:.1f} MB on disk in {files} files   target < {TARGET_MB:.0f} MB   "
          f"({'met' if mb < TARGET_MB else 'OVER'}; {extra})")
    assert files > 0
