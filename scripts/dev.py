#!/usr/bin/env python3
"""One entry point for a newcomer: set everything up, then run the app or the tests.

    python3 scripts/dev.py run [app args...]    # launch Bailian Video Studio
    python3 scripts/dev.py test [pytest args...] # run the whole test suite
    python3 scripts/dev.py bench                 # run the benchmarks in tests/perf/
    python3 scripts/dev.py package               # frozen build + smoke test, .deb, Windows installer (wine),
                                                 # checks; sizes of each (packaging/package.py)

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
import time
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

# What `package` needs on top (packaging/package.py): Xvfb and wine for the Windows installer's check
# (Inno Setup's compiler is a 32-bit Windows program; its setup needs a display even when silent), and
# desktop-file-validate for the .deb's menu entry.
PACKAGING_PACKAGES = ["xvfb", "desktop-file-utils", "wine", "wine64", "wine32:i386"]


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


def as_root() -> list[str] | None:
    """The prefix that runs a command as root: nothing when we are root, ``sudo -n`` where that works
    without a password (a CI runner), None otherwise."""
    if not hasattr(os, "geteuid"):
        return None
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        return ["sudo", "-n"]
    return None


def ensure_system_libraries(extra: list[str] | None = None, required: bool = True) -> None:
    if not sys.platform.startswith("linux"):
        return
    wanted = list(LINUX_PACKAGES) + list(extra or [])
    try:
        import ensurepip  # noqa: F401  (Debian splits venv support into python3-venv)
    except ImportError:
        wanted.append(f"python3.{sys.version_info.minor}-venv")
    missing = missing_debian_packages(wanted)
    if not missing:
        return
    foreign = sorted({p.split(":", 1)[1] for p in missing if ":" in p})
    command = "".join(f"dpkg --add-architecture {a} && " for a in foreign) \
        + "apt-get update && apt-get install -y --no-install-recommends " + " ".join(missing)
    root = as_root()
    if root is not None:
        say(f"installing system packages: {' '.join(missing)}")
        started = time.monotonic()
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for arch in foreign:
            subprocess.run([*root, "dpkg", "--add-architecture", arch], check=True)
        subprocess.run([*root, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run([*root, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq",
                        "--no-install-recommends", *missing], check=True, env=env)
        say(f"system packages installed in {time.monotonic() - started:.0f} s")
        return
    message = ("These system packages are missing: " + " ".join(missing)
               + f"\n[dev] Install them, then run this command again:\n    sudo sh -c '{command}'")
    if required:
        sys.exit("[dev] " + message)
    say(message + "\n[dev] Going on without them: the steps that need them say they were skipped.")


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
    if what == "package" and missing_debian_packages(PACKAGING_PACKAGES) and shutil.which("apt-get"):
        ensure_system_libraries(PACKAGING_PACKAGES, required=False)
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
        return subprocess.call([str(py), str(ROOT / "packaging" / "package.py"), *rest], env=env, cwd=ROOT)
    if what == "bench":
        # A benchmark of 300 tasks runs ~5 min: the suite's per-test timeout (300 s) and its stack dump after
        # 240 s are for hung tests, not for benchmarks.
        return bench([str(py), "-m", "pytest", "-s", "-q", "-p", "no:cacheprovider", "-o", "timeout=3600",
                      "-o", "faulthandler_timeout=3600", str(ROOT / "tests" / "perf"), *rest], env)
    return subprocess.call([str(py), "-m", "pytest", "-q", *rest], env=env, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
