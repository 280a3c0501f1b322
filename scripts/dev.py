#!/usr/bin/env python3
"""One entry point for a newcomer: set everything up, then run the app or the tests.

    python3 scripts/dev.py run [app args...]    # launch Bailian Video Studio
    python3 scripts/dev.py test [pytest args...] # run the whole test suite
    python3 scripts/dev.py bench                 # run the benchmarks in tests/perf/
    python3 scripts/dev.py package               # frozen build (PyInstaller) + its smoke test

Set-up is idempotent: a virtual environment in .venv, the package and its test
dependencies installed into it (re-installed when pyproject.toml changes), and on
Linux the system libraries Qt needs. Uses only the standard library.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed-pyproject.sha256"

# Debian/Ubuntu packages a fresh machine lacks for PySide6 (widgets, offscreen and
# xcb platforms, Qt Multimedia's FFmpeg backend) and for Chinese text on screen.
LINUX_PACKAGES = [
    "libpulse0",          # Qt Multimedia links it even when no sound server runs
    "libegl1", "libgl1", "libopengl0",
    "libxkbcommon0", "libxkbcommon-x11-0",
    "libfontconfig1", "libfreetype6", "libglib2.0-0", "libdbus-1-3",
    "libx11-xcb1", "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1",
    "libxcb-shape0", "libxcb-xinerama0", "libxcb-randr0", "libxcb-render-util0",
    "libxcb-image0", "libxrender1", "libxi6", "libsm6", "libice6",
    "fonts-noto-cjk",     # Simplified Chinese glyphs for the UI and the sandbox's renders
    "binutils",           # strip: the frozen build drops debugging sections (packaging/bailian-video.spec)
]


def say(msg: str) -> None:
    print(f"[dev] {msg}", flush=True)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def check_python() -> None:
    if not ((3, 11) <= sys.version_info[:2] < (3, 14)):
        sys.exit(f"[dev] Python 3.11–3.13 is required (qasync and PySide6); this is {sys.version.split()[0]}.")


def missing_debian_packages(packages: list[str]) -> list[str]:
    if not shutil.which("dpkg-query"):
        return []
    missing = []
    for pkg in packages:
        r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True)
        if "install ok installed" not in r.stdout:
            missing.append(pkg)
    return missing


def ensure_system_libraries() -> None:
    if not sys.platform.startswith("linux"):
        return
    wanted = list(LINUX_PACKAGES)
    try:
        import ensurepip  # noqa: F401  (Debian splits venv support into python3-venv)
    except ImportError:
        wanted.append(f"python3.{sys.version_info.minor}-venv")
    missing = missing_debian_packages(wanted)
    if not missing:
        return
    command = "apt-get update && apt-get install -y --no-install-recommends " + " ".join(missing)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        say(f"installing system libraries: {' '.join(missing)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
                       check=True, env=env)
        return
    sys.exit("[dev] These system libraries are missing: " + " ".join(missing)
             + f"\n[dev] Install them, then run this command again:\n    sudo sh -c '{command}'")


def ensure_venv() -> Path:
    py = venv_python()
    if not py.exists():
        say("creating virtual environment in .venv")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != digest:
        say("installing the app and its test dependencies into .venv (first run takes a few minutes)")
        subprocess.run([str(py), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "-e", f"{ROOT}[test,packaging]"], check=True)
        STAMP.write_text(digest)
    return py


def bench(command: list[str], env: dict[str, str]) -> int:
    """Run the benchmarks, showing their output as it comes, then every ``[bench]`` figure once more,
    together: each next to its target and what it is compared with."""
    figures = []
    with subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, encoding="utf-8", errors="replace") as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            if line.lstrip(".sF").startswith("[bench]"):
                figures.append(line.lstrip(".sF").rstrip())
        code = proc.wait()
    print("\n" + "=" * 30 + " figures, next to their targets " + "=" * 30)
    print("\n".join(figures) if figures else "(no figures: see the output above)")
    return code


def main(argv: list[str]) -> int:
    check_python()
    if not argv or argv[0] not in {"run", "test", "bench", "package", "setup"}:
        print(__doc__)
        return 2
    what, rest = argv[0], argv[1:]
    ensure_system_libraries()
    py = ensure_venv()
    env = dict(os.environ)
    if what == "setup":
        return 0
    if what == "run":
        if sys.platform.startswith("linux") and not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY") \
                and not env.get("QT_QPA_PLATFORM"):
            say("no display found; starting offscreen (set DISPLAY to see the window)")
            env["QT_QPA_PLATFORM"] = "offscreen"
        return subprocess.call([str(py), "-m", "bailian_video", *rest], env=env)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    if what == "package":
        return subprocess.call([str(py), str(ROOT / "packaging" / "build.py"), *rest], env=env, cwd=ROOT)
    if what == "bench":
        return bench([str(py), "-m", "pytest", "-s", "-q", "-p", "no:cacheprovider", str(ROOT / "tests" / "perf"),
                      *rest], env)
    return subprocess.call([str(py), "-m", "pytest", "-q", *rest], env=env, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
