#!/usr/bin/env python3
"""Package the frozen app as a .deb for Debian, Ubuntu, Deepin, UOS and Kylin, and check it installs.

    python packaging/linux/make_deb.py                       # dist/bailian-video → dist/*.deb
    python packaging/linux/make_deb.py --frozen F --out D    # another frozen folder / output folder
    python packaging/linux/make_deb.py --verify              # then install it, smoke-test, remove it
    python packaging/linux/make_deb.py --verify-only DEB     # check a .deb built earlier

The package ``bailian-video-studio`` puts the frozen one-folder build under /opt/bailian-video,
links /usr/bin/bailian-video to its executable, and adds a menu entry (.desktop) and the icon in
the hicolor theme. Its Depends are computed, not written by hand: every ELF file in the folder
names the libraries it needs (DT_NEEDED); those the folder does not ship come from the system and
are mapped to their Debian packages with ``dpkg -S`` (or, for a library not installed here, by
Debian's library naming rule, checked with ``apt-cache``). libc6 gets the lowest version that has
every GLIBC_x.y symbol version the files ask for. A few run-time needs no DT_NEEDED shows (data
files the bundled libraries read, fonts for Chinese, xdg-open) are listed in RUNTIME_NEEDS.

--verify needs root or passwordless sudo: it installs the .deb with apt-get (which resolves the
Depends from the archive), checks the installed files and the menu entry, runs the smoke test with
the menu entry's command line, removes the package and checks that nothing is left behind.

Standard library only (Pillow, if importable, draws the smaller icon sizes); needs dpkg-deb.
"""
from __future__ import annotations

import argparse
import configparser
import math
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

LINUX_DIR = Path(__file__).resolve().parent
PACKAGING_DIR = LINUX_DIR.parent
sys.path.insert(0, str(PACKAGING_DIR))
import build  # noqa: E402

PACKAGE = "bailian-video-studio"
INSTALL_DIR = f"/opt/{build.APP_NAME}"                 # the frozen folder, as it is
BIN_LINK = f"/usr/bin/{build.APP_NAME}"                 # → INSTALL_DIR/bailian-video
DESKTOP_FILE = f"/usr/share/applications/{build.APP_NAME}.desktop"
ICON_NAME = build.APP_NAME
ICON_THEME_DIR = "/usr/share/icons/hicolor"
ICON_PNG = PACKAGING_DIR / "icons" / "app.png"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)   # hicolor's apps folders up to its largest
DESKTOP_TEMPLATE = LINUX_DIR / "bailian-video.desktop"
# The X11 WM_CLASS class of the window: Qt's xcb plugin takes it from QCoreApplication.applicationName(),
# which ui/app.py sets to "Bailian Video Studio" (the instance part is argv[0]'s name, "bailian-video").
# On Wayland Qt's app_id is the executable's name, "bailian-video", which matches the .desktop file's name.
WM_CLASS = "Bailian Video Studio"



def maintainer() -> str:
    """Debian's Maintainer field, "name <email>", from pyproject.toml's authors. The project has published
    no address yet: until an author has an email there, the address is in the reserved .invalid
    domain (RFC 2606), so nobody's mailbox is named by mistake."""
    email = ((build.project().get("authors") or [{}])[0]).get("email")
    return f"{build.publisher()} <{email or 'maintainers@bailian-video-studio.invalid'}>"


def homepage() -> str:
    """pyproject.toml's [project.urls] Homepage, if it has one (the field is left out otherwise)."""
    return (build.project().get("urls") or {}).get("Homepage", "")


SECTION, PRIORITY = "video", "optional"
DESCRIPTION = """\
Desktop studio for Alibaba Cloud Model Studio (Bailian) video generation
 Bailian Video Studio makes videos with the Model Studio (DashScope) video
 models: text to video, image to video, first and last frame, reference and
 video editing. It queues and tracks tasks, downloads the results, keeps the
 settings of every video so it can be made again, and exports sequences to
 OpenTimelineIO, Final Cut Pro XML, EDL and JianYing (CapCut) drafts.
 .
 A built-in sandbox lets you try the whole app for free without an API key.
 The interface is in Chinese and English."""

# xz and gzip: every dpkg reads them (zstd needs dpkg >= 1.21.18, newer than Deepin 20, UOS 20 and
# Kylin V10 have). xz at level 6 makes the smallest package; see the report for seconds and sizes.
COMPRESSION = "xz"
COMPRESSIONS = ("xz", "gzip", "zstd", "none")

# Libraries that belong to the bundle: a file needing one the folder does not have is a broken part of
# the build (Debian's Qt or Python would not fit the bundle's), never a Depends.
BUNDLE_ONLY = re.compile(r"^lib(Qt6|pyside6|shiboken6|python3)")

# Run-time needs no DT_NEEDED shows: (field, dependency, when the folder ships this file name, why).
RUNTIME_NEEDS: list[tuple[str, str, str | None, str]] = [
    ("Depends", "fontconfig-config", "libfontconfig.so.1",
     "the bundled libfontconfig reads /etc/fonts/fonts.conf, and the package brings at least one font"),
    ("Depends", "xkb-data", "libxkbcommon.so.0",
     "the bundled libxkbcommon builds the keyboard map from /usr/share/X11/xkb"),
    ("Depends", "libx11-data", "libX11.so.6",
     "the bundled libX11 reads its locale and compose tables from /usr/share/X11/locale"),
    ("Recommends", "fonts-noto-cjk | fonts-wqy-microhei | fonts-wqy-zenhei", None,
     "Chinese text (the interface and prompts) needs a CJK font"),
    ("Recommends", "xdg-utils", None, "xdg-open shows the videos and their folder in the desktop's own apps"),
    ("Suggests", "gnome-keyring", None,
     "a Secret Service keeps the API key between sessions (otherwise it is kept for the session only)"),
]

# Packages Ubuntu 24.04 and Debian 13 renamed with a t64 suffix (64-bit time_t); a Depends on one of
# them is written as "<name>t64 | <name>" so it installs on the releases before and after the rename.
T64_RENAMED = {
    "libasound2", "libglib2.0-0", "libssl3", "libcups2", "libpng16-16", "libgtk-3-0", "libatk1.0-0",
    "libatk-bridge2.0-0", "libatspi2.0-0", "libcurl4", "libgnutls30",
}

# desktop-file-validate lives in this Debian package (the package step installs it for --verify).
VALIDATOR_PACKAGE = "desktop-file-utils"


class DebError(RuntimeError):
    """The .deb cannot be built: the message names the problem and the fix."""


say = build.say


def architecture() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], check=True, capture_output=True,
                          text=True).stdout.strip()


def deb_name(arch: str) -> str:
    return f"{PACKAGE}_{build.version()}_{arch}.deb"


# -- ELF files: what each one needs ------------------------------------------------------------
@dataclass
class Elf:
    needed: list[str]                                          # DT_NEEDED, in order
    versions: dict[str, set[str]] = field(default_factory=dict)  # library → symbol versions asked of it
    program: bool = False                                      # has an interpreter: an executable


def read_elf(path: Path) -> Elf | None:
    """The dynamic-linking facts of a 64-bit little-endian ELF file (amd64, arm64), or None for any other
    file. Raises DebError for an ELF file it cannot read."""
    try:
        return _read_elf(path)
    except (struct.error, ValueError, IndexError) as e:
        raise DebError(f"{path} looks like an ELF file but cannot be read ({e}): is it damaged?") from e


def _read_elf(path: Path) -> Elf | None:
    with path.open("rb") as f:
        head = f.read(64)
        if len(head) < 64 or head[:4] != b"\x7fELF" or head[4:6] != b"\x02\x01":
            return None
        phoff, shoff = struct.unpack_from("<QQ", head, 0x20)
        phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", head, 0x36)
        f.seek(phoff)
        headers = f.read(phentsize * phnum)
        program = any(struct.unpack_from("<I", headers, i * phentsize)[0] == 3 for i in range(phnum))  # PT_INTERP
        f.seek(shoff)
        table = f.read(shentsize * shnum) if shoff else b""
        # (type, offset, size, link, info) of every section
        sections = [struct.unpack_from("<4xI16xQQII", table, i * shentsize) for i in range(len(table) // shentsize)]

        def data(index: int) -> bytes:
            f.seek(sections[index][1])
            return f.read(sections[index][2])

        def text(strings: bytes, at: int) -> str:
            return strings[at:strings.index(b"\0", at)].decode("utf-8", "replace")

        if not sections and any(struct.unpack_from("<I", headers, i * phentsize)[0] == 2     # PT_DYNAMIC
                                for i in range(phnum)):
            raise DebError(f"{path} is a dynamic ELF file without section headers: its needs cannot be read")
        elf = Elf(needed=[], program=program)
        for index, (kind, _offset, _size, link, info) in enumerate(sections):
            if kind == 6:                                        # SHT_DYNAMIC
                strings, dynamic = data(link), data(index)
                for at in range(0, len(dynamic) - 15, 16):
                    tag, value = struct.unpack_from("<qQ", dynamic, at)
                    if tag == 0:
                        break
                    if tag == 1:                                 # DT_NEEDED
                        elf.needed.append(text(strings, value))
            elif kind == 0x6FFFFFFE:                             # SHT_GNU_verneed: versions asked per library
                strings, entries = data(link), data(index)
                at = 0
                for _ in range(info):
                    _version, count, file_at, aux, following = struct.unpack_from("<HHIII", entries, at)
                    wanted = elf.versions.setdefault(text(strings, file_at), set())
                    item = at + aux
                    for _ in range(count):
                        _hash, _flags, _other, name_at, next_item = struct.unpack_from("<IHHII", entries, item)
                        wanted.add(text(strings, name_at))
                        item += next_item
                    if not following:
                        break
                    at += following
        return elf


def scan_folder(folder: Path) -> dict[Path, Elf]:
    """Every ELF file in the folder (symlinks not followed), by path."""
    found: dict[Path, Elf] = {}
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(dirpath) / name
            if not path.is_symlink():
                elf = read_elf(path)
                if elf is not None:
                    found[path] = elf
    return found


def shipped_names(folder: Path) -> set[str]:
    """The file names in the folder (symlinks included): a DT_NEEDED with one of these names is shipped."""
    return {name for _dirpath, dirs, files in os.walk(folder) for name in (*files, *dirs)}


# -- libraries → Debian packages ----------------------------------------------------------------
@dataclass
class Dependency:
    package: str                         # e.g. "libxcb1"
    relation: str = "Depends"            # or Recommends, Suggests
    version: str | None = None           # a ">=" bound, or none
    libraries: set[str] = field(default_factory=set)
    source: str = ""                     # where the name came from, for the log

    def entry(self) -> str:
        names = [f"{self.package}t64", self.package] if self.package in T64_RENAMED else \
            [self.package, self.package[:-3]] if self.package.endswith("t64") else [self.package]
        bound = f" (>= {self.version})" if self.version else ""
        return " | ".join(f"{name}{bound}" for name in names)


def _ldconfig_paths() -> dict[str, list[str]]:
    """soname → paths the dynamic loader's cache has for it (this architecture's first)."""
    ldconfig = shutil.which("ldconfig") or next((p for p in ("/sbin/ldconfig", "/usr/sbin/ldconfig")
                                                 if os.path.exists(p)), None)
    if ldconfig is None:
        return {}
    out = subprocess.run([ldconfig, "-p"], capture_output=True, text=True, check=False).stdout
    multiarch = getattr(sys.implementation, "_multiarch", "") or ""
    paths: dict[str, list[str]] = {}
    for m in re.finditer(r"^\s*(\S+) \(([^)]*)\) => (\S+)$", out, re.MULTILINE):
        paths.setdefault(m.group(1), []).append(m.group(3))
    for found in paths.values():
        found.sort(key=lambda p: (multiarch not in p, p))
    return paths


def _aliases(path: str) -> list[str]:
    """The names dpkg may have recorded a library under: merged-/usr twins and the symlink's target."""
    names: list[str] = []
    for p in (path, os.path.realpath(path)):
        twin = p[4:] if p.startswith("/usr/lib") else "/usr" + p if p.startswith("/lib") else None
        names += [n for n in (p, twin) if n and n not in names]
    return names


def _dpkg_owners(paths: list[str]) -> dict[str, str]:
    """path → the package that installed it, for those dpkg knows."""
    if not paths:
        return {}
    out = subprocess.run(["dpkg", "-S", *paths], capture_output=True, text=True, check=False,
                         env={**os.environ, "LC_ALL": "C"}).stdout
    owners: dict[str, str] = {}
    for m in re.finditer(r"^([^\s:,]+)(?::[a-z0-9]+)?: (/\S+)$", out, re.MULTILINE):
        owners[m.group(2)] = m.group(1)
    return owners


def debian_library_package(soname: str) -> str | None:
    """The package name Debian policy (8.1) derives from a soname: libfoo.so.1 → libfoo1,
    libfoo-2.so.0 → libfoo-2-0. None for names without a version."""
    m = re.match(r"^(lib.+)\.so\.(\d+)", soname)
    if not m:
        return None
    name, major = m.group(1).lower().replace("_", "-"), m.group(2)
    return f"{name}-{major}" if name[-1].isdigit() else f"{name}{major}"


def _apt_knows(package: str) -> bool:
    if not shutil.which("apt-cache"):
        return False
    proc = subprocess.run(["apt-cache", "show", "--no-all-versions", package], capture_output=True, text=True,
                          check=False)
    return proc.returncode == 0 and f"Package: {package}" in proc.stdout


def _glibc_version(versions: set[str]) -> str | None:
    nums = [tuple(int(x) for x in m.group(1).split(".")) for v in versions
            if (m := re.fullmatch(r"GLIBC_(\d+(?:\.\d+)*)", v))]
    return ".".join(map(str, max(nums))) if nums else None


def compute_dependencies(folder: Path) -> tuple[list[Dependency], list[str]]:
    """(the package's dependencies, warnings). Raises DebError for a library no package provides."""
    elves = scan_folder(folder)
    if not elves:
        raise DebError(f"no ELF files in {folder}: is it the frozen Linux build?")
    shipped = shipped_names(folder)
    system: dict[str, set[str]] = {}            # soname → symbol versions asked of it
    users: dict[str, list[Path]] = {}
    warnings: list[str] = []
    for path, elf in elves.items():
        for lib in elf.needed:
            if lib in shipped:
                continue
            if BUNDLE_ONLY.match(lib):
                warnings.append(f"{path.relative_to(folder)} needs {lib}, which the folder does not ship: it "
                                f"cannot load (drop it from the build, or ship {lib}); not a Depends")
                continue
            system.setdefault(lib, set()).update(elf.versions.get(lib, set()))
            users.setdefault(lib, []).append(path.relative_to(folder))
    say(f"{len(elves)} ELF files in {folder.name}: {len(system)} libraries come from the system")

    loader = _ldconfig_paths()
    candidates = {lib: _aliases(loader[lib][0]) if lib in loader else [] for lib in system}
    owners = _dpkg_owners(sorted({p for paths in candidates.values() for p in paths}))
    deps: dict[str, Dependency] = {}
    unresolved: list[str] = []
    for lib in sorted(system):
        owner = next((owners[p] for p in candidates[lib] if p in owners), None)
        if owner is not None:
            source = f"dpkg -S {candidates[lib][0]}"
        else:
            guess = debian_library_package(lib)
            if guess and _apt_knows(guess):
                owner, source = guess, "not installed here: Debian's soname rule, known to apt-cache"
            else:
                unresolved.append(f"{lib} (needed by {users[lib][0]}"
                                  f"{f' and {len(users[lib]) - 1} more' if len(users[lib]) > 1 else ''})")
                continue
        dep = deps.setdefault(owner, Dependency(owner, source=source))
        dep.libraries.add(lib)
        if owner == "libc6":                    # the lowest glibc with every GLIBC_x.y asked for
            wanted = _glibc_version(system[lib])
            if wanted and (dep.version is None or _version_key(wanted) > _version_key(dep.version)):
                dep.version = wanted
    if unresolved:
        raise DebError("no Debian package provides " + ", ".join(unresolved) +
                       ": install the library on this machine (so dpkg -S can name its package) or ship it "
                       "in the frozen folder")
    result = sorted(deps.values(), key=lambda d: d.package)
    for relation, entry, when, why in RUNTIME_NEEDS:
        if when is None or when in shipped:
            result.append(Dependency(entry, relation=relation, source=why))
    return result, warnings


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in version.split("."))


def _field(deps: list[Dependency], name: str) -> str:
    entries: list[str] = []
    for d in deps:
        if d.relation == name and d.entry() not in entries:
            entries.append(d.entry())
    return ", ".join(entries)


# -- staging ------------------------------------------------------------------------------------
def _mode(path: Path, elf: Elf | None) -> int:
    """0755 for programs (an executable bit and, if ELF, an interpreter), 0644 for the rest: shared
    libraries and data need no executable bit."""
    executable = bool(path.stat().st_mode & 0o111)
    return 0o755 if executable and (elf is None or elf.program) else 0o644


def _copy_tree(source: Path, target: Path) -> None:
    """The folder with its symlinks, directories 0755 and files 0644/0755 whatever the source's modes."""
    target.mkdir(parents=True)
    os.chmod(target, 0o755)
    for dirpath, dirs, files in os.walk(source):
        here = Path(dirpath)
        there = target / here.relative_to(source)
        for name in sorted(dirs + files):
            src, dst = here / name, there / name
            if src.is_symlink():
                os.symlink(os.readlink(src), dst)
                if name in dirs:
                    dirs.remove(name)                      # os.walk does not enter it either
            elif src.is_dir():
                dst.mkdir()
                os.chmod(dst, 0o755)
            else:
                shutil.copy2(src, dst)
                os.chmod(dst, _mode(src, read_elf(src)))


def _desktop_entry() -> str:
    text = DESKTOP_TEMPLATE.read_text(encoding="utf-8")
    text = text.replace("@EXEC@", build.APP_NAME).replace("@ICON@", ICON_NAME).replace("@WMCLASS@", WM_CLASS)
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise DebError(f"{DESKTOP_TEMPLATE} has placeholders make_deb.py does not fill: {', '.join(left)}")
    return text


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise DebError(f"{path} is not a PNG file")
    return struct.unpack(">II", head[16:24])


def _write_icons(root: Path) -> list[str]:
    """The icon in the hicolor theme: every size of ICON_SIZES with Pillow, else app.png as it is."""
    width, height = _png_size(ICON_PNG)
    try:
        from PIL import Image
    except ImportError:
        Image = None  # noqa: N806
    made: list[str] = []
    if Image is None:
        # hicolor has no folder above 512x512; a larger picture goes there and is scaled when shown.
        size = width if width in ICON_SIZES else max(ICON_SIZES)
        dst = root / ICON_THEME_DIR.lstrip("/") / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ICON_PNG, dst)
        os.chmod(dst, 0o644)
        say(f"Pillow is not importable: one icon, {width}x{height} ({ICON_PNG.name} as it is), in {size}x{size}")
        return [str(dst.relative_to(root))]
    with Image.open(ICON_PNG) as im:
        picture = im.convert("RGBA")
    for size in ICON_SIZES:
        dst = root / ICON_THEME_DIR.lstrip("/") / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"
        dst.parent.mkdir(parents=True, exist_ok=True)
        picture.resize((size, size), Image.Resampling.LANCZOS).save(dst, optimize=True)
        os.chmod(dst, 0o644)
        made.append(str(dst.relative_to(root)))
    return made


def _installed_size_kib(root: Path) -> int:
    """Like dpkg-gencontrol: each file's size in KiB rounded up, plus one per directory and symlink."""
    total = 0
    for dirpath, dirs, files in os.walk(root):
        if Path(dirpath) == root / "DEBIAN":
            dirs[:] = []
            continue
        for name in files:
            p = Path(dirpath) / name
            total += 1 if p.is_symlink() else max(1, math.ceil(p.stat().st_size / 1024))
        total += len(dirs)
    return total


def _chmod_dirs(root: Path) -> None:
    for dirpath, _dirs, _files in os.walk(root):
        os.chmod(dirpath, 0o755)


def build_deb(frozen: Path, out_dir: Path, work: Path | None = None, compression: str = COMPRESSION) -> Path:
    """Build the .deb from the frozen folder into out_dir; return its path. Raises DebError when it cannot."""
    if shutil.which("dpkg-deb") is None:
        raise DebError("dpkg-deb is not installed: apt-get install dpkg (it comes with every Debian and Ubuntu)")
    frozen = frozen.resolve()
    exe = frozen / build.APP_NAME
    if not exe.is_file():
        raise DebError(f"no executable at {exe}: build the frozen app first (python packaging/build.py)")
    if compression not in COMPRESSIONS:
        raise DebError(f"unknown compression {compression!r}: use one of {', '.join(COMPRESSIONS)}")
    arch = architecture()
    work = (work or build.ROOT / "build" / "deb").resolve()
    root = work / f"{PACKAGE}_{build.version()}_{arch}"
    t0 = time.monotonic()
    if root.exists():
        shutil.rmtree(root)
    say(f"staging {root}")
    _copy_tree(frozen, root / INSTALL_DIR.lstrip("/"))
    link = root / BIN_LINK.lstrip("/")
    link.parent.mkdir(parents=True)
    link.symlink_to(f"{INSTALL_DIR}/{build.APP_NAME}")
    desktop = root / DESKTOP_FILE.lstrip("/")
    desktop.parent.mkdir(parents=True)
    desktop.write_text(_desktop_entry(), encoding="utf-8")
    os.chmod(desktop, 0o644)
    icons = _write_icons(root)
    say(f"icons: {', '.join(Path(i).parts[-3] for i in icons)}")

    deps, warnings = compute_dependencies(frozen)
    for w in warnings:
        say(f"warning: {w}")
    say("dependencies (package ← libraries / reason: where the name came from):")
    for d in deps:
        what = ", ".join(sorted(d.libraries)) if d.libraries else d.source
        where = f"  [{d.source}]" if d.libraries else ""
        say(f"  {d.relation:<10} {d.entry():<44} ← {what}{where}")

    control = root / "DEBIAN" / "control"
    control.parent.mkdir()
    fields = {
        "Package": PACKAGE,
        "Version": build.version(),
        "Architecture": arch,
        "Maintainer": maintainer(),
        "Installed-Size": str(_installed_size_kib(root)),
        "Depends": _field(deps, "Depends"),
        "Recommends": _field(deps, "Recommends"),
        "Suggests": _field(deps, "Suggests"),
        "Section": SECTION,
        "Priority": PRIORITY,
        "Homepage": homepage(),
        "Description": DESCRIPTION,
    }
    control.write_text("".join(f"{k}: {v}\n" for k, v in fields.items() if v), encoding="utf-8")
    os.chmod(control, 0o644)
    _chmod_dirs(root)
    say(f"staged in {time.monotonic() - t0:.1f} s")

    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir.resolve() / deb_name(arch)
    deb.unlink(missing_ok=True)
    cmd = ["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(root), str(deb)]
    say(" ".join(cmd))
    t1 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    print(proc.stdout + proc.stderr, end="", flush=True)
    if proc.returncode != 0:
        raise DebError(f"dpkg-deb --build failed (exit {proc.returncode}): {proc.stderr.strip()}")
    say(f"built {deb.name}: {deb.stat().st_size / 1e6:.1f} MB ({compression}) in {time.monotonic() - t1:.1f} s")
    problems = sanity_check(deb)
    if problems:
        raise DebError(f"{deb.name} is not right: " + "; ".join(problems))
    return deb


# -- checks of the built file -------------------------------------------------------------------
@dataclass
class Entry:
    mode: str
    owner: str
    path: str            # "/opt/…", without the leading "."
    target: str | None


def list_contents(deb: Path) -> list[Entry]:
    out = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
    entries = []
    for line in out.splitlines():
        mode, owner, _size, _date, _time, rest = line.split(None, 5)
        path, _, target = rest.partition(" -> ")
        entries.append(Entry(mode, owner, path[1:].rstrip("/") or "/", target or None))
    return entries


def sanity_check(deb: Path) -> list[str]:
    """dpkg-deb -I and -c: the control fields, the layout, owners and modes. Problems as sentences."""
    info = subprocess.run(["dpkg-deb", "-I", str(deb)], capture_output=True, text=True, check=False)
    print(info.stdout + info.stderr, end="", flush=True)
    problems = [] if info.returncode == 0 else [f"dpkg-deb -I failed: {info.stderr.strip()}"]
    entries = list_contents(deb)
    by_path = {e.path: e for e in entries}
    outside = [e for e in entries if not e.path.startswith(INSTALL_DIR + "/")]
    say(f"dpkg-deb -c: {len(entries)} entries, {len(entries) - len(outside)} under {INSTALL_DIR}/; the rest:")
    for e in outside:
        print(f"    {e.mode} {e.owner} {e.path}{f' -> {e.target}' if e.target else ''}", flush=True)
    exe = by_path.get(f"{INSTALL_DIR}/{build.APP_NAME}")
    if exe is None or exe.mode != "-rwxr-xr-x":
        problems.append(f"{INSTALL_DIR}/{build.APP_NAME} is {exe.mode if exe else 'missing'}, not -rwxr-xr-x")
    link = by_path.get(BIN_LINK)
    if link is None or link.target != f"{INSTALL_DIR}/{build.APP_NAME}":
        problems.append(f"{BIN_LINK} is not a link to {INSTALL_DIR}/{build.APP_NAME}")
    if DESKTOP_FILE not in by_path:
        problems.append(f"no {DESKTOP_FILE}")
    if not any(p.startswith(ICON_THEME_DIR) and p.endswith(f"/apps/{ICON_NAME}.png") for p in by_path):
        problems.append(f"no icon under {ICON_THEME_DIR}")
    owners = sorted({e.owner for e in entries})
    if owners != ["root/root"]:
        problems.append(f"files are owned by {', '.join(owners)}, not root/root")
    odd = [e for e in entries if e.mode not in ("drwxr-xr-x", "-rw-r--r--", "-rwxr-xr-x", "lrwxrwxrwx")]
    if odd:
        problems.append(f"{len(odd)} entries have modes other than 0755/0644, e.g. {odd[0].mode} {odd[0].path}")
    for p in problems:
        say(f"FAIL {p}")
    return problems


# -- install, smoke-test, remove ----------------------------------------------------------------
def _as_root() -> list[str] | None:
    """The prefix that runs a command as root: [] when root, sudo -n when that works, else None."""
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True,
                                               check=False).returncode == 0:
        return ["sudo", "-n"]
    return None


def _run(cmd: list[str], timeout: float) -> tuple[int | None, str]:
    """Run a command, print its output, return (exit code or None on time-out, output)."""
    print("$ " + " ".join(cmd), flush=True)
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=timeout, check=False, env={**os.environ, "LC_ALL": "C"})
        code, out = proc.returncode, proc.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        code, out = None, (e.stdout or b"").decode("utf-8", "replace")
    if out:
        print(out, end="" if out.endswith("\n") else "\n", flush=True)
    return code, out


def exec_command(desktop_text: str) -> list[str]:
    """The command line of a .desktop file's Exec key, field codes dropped (%f %F %u %U …, %% is a %)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(desktop_text)
    words = shlex.split(parser["Desktop Entry"]["Exec"])
    return [w.replace("%%", "%") for w in words if not re.fullmatch(r"%[fFuUdDnNickvm]", w)]


def missing_libraries(folder: Path) -> list[str]:
    """Libraries the folder's ELF files need that neither the folder nor the loader's cache has."""
    shipped, loader = shipped_names(folder), _ldconfig_paths()
    missing: dict[str, Path] = {}
    for path, elf in scan_folder(folder).items():
        for lib in elf.needed:
            if lib not in shipped and lib not in loader and not BUNDLE_ONLY.match(lib):
                missing.setdefault(lib, path.relative_to(folder))
    return [f"{lib} (needed by {user})" for lib, user in sorted(missing.items())]


def _leftovers(paths: list[str]) -> list[str]:
    """What the package installed (or the app wrote under INSTALL_DIR) that is still there."""
    left = [p for p in paths if not os.path.isdir(p) and os.path.lexists(p)]
    if os.path.lexists(INSTALL_DIR):
        for dirpath, dirs, files in os.walk(INSTALL_DIR):
            left += [os.path.join(dirpath, n) for n in (*dirs, *files)]
        left.append(INSTALL_DIR)
    return sorted(set(left), key=lambda p: (os.path.isdir(p) and not os.path.islink(p), p))   # files first


def verify_deb(deb: Path, timeout: float = 600) -> list[str]:
    """Install the .deb with apt-get (Depends from the archive; Recommends left out, so the Depends alone must
    be enough), check what it installed, smoke-test the menu entry's command with a fresh HOME, remove it and
    check nothing is left. Returns the problems ([] = passed)."""
    problems: list[str] = []

    def check(what: str, why: str | None) -> None:
        if why is None:
            say(f"ok   {what}")
        else:
            say(f"FAIL {what}: {why}")
            problems.append(f"{what}: {why}")

    deb = deb.resolve()
    if not deb.is_file():
        check("the package", f"no file at {deb} (build it first: python packaging/linux/make_deb.py)")
        return problems
    root = _as_root()
    if root is None:
        check("root", "installing needs root or passwordless sudo (sudo -n); run it as root or on the release "
                      "runner")
        return problems
    read = subprocess.run(["dpkg-deb", "-f", str(deb), "Package"], capture_output=True, text=True, check=False)
    package = read.stdout.strip()
    if read.returncode != 0 or not package:
        check("the package", f"dpkg-deb cannot read {deb.name}: {read.stderr.strip() or 'no Package field'}")
        return problems
    if _status(package) == "installed":
        say(f"note: {package} was installed before this check; it is replaced, then removed")
    apt = [*root, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "-o", "DPkg::Lock::Timeout=300", "-y"]
    t0 = time.monotonic()
    code, out = _run([*apt, "install", "--no-install-recommends", str(deb)], timeout)
    check(f"apt-get install {deb.name} ({time.monotonic() - t0:.0f} s)",
          None if code == 0 else "timed out" if code is None else f"exit code {code}")
    try:
        if code == 0:
            _check_installed(package, check, timeout)
    finally:
        listed = _listed(package)
        t1 = time.monotonic()
        code, _ = _run([*apt, "remove", "--purge", package], timeout)
        check(f"apt-get remove --purge {package} ({time.monotonic() - t1:.0f} s)",
              None if code == 0 else "timed out" if code is None else f"exit code {code}")
        left = _leftovers(listed)
        shown = ", ".join(left[:8]) + (f" and {len(left) - 8} more" if len(left) > 8 else "")
        check(f"nothing left of the {len(listed)} paths it installed, and no {INSTALL_DIR}",
              f"left behind after removal: {shown}" if left else None)
        status = _status(package)
        check("dpkg says not installed", None if status in ("", "not-installed") else f"its status is {status!r}")
    return problems


def _status(package: str) -> str:
    """dpkg's word for the package's state ("installed", "not-installed", "config-files" …; "" if unknown)."""
    return subprocess.run(["dpkg-query", "-W", "-f=${db:Status-Status}", package], capture_output=True,
                          text=True, check=False).stdout.strip()


def _listed(package: str) -> list[str]:
    proc = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, check=False)
    return [line for line in proc.stdout.splitlines() if line.startswith("/")] if proc.returncode == 0 else []


def _check_installed(package: str, check: Callable[[str, str | None], None], timeout: float) -> None:
    """The installed files, the libraries, the menu entry and its smoke test (each reported by ``check``)."""
    listed = _listed(package)
    status = _status(package)
    check(f"dpkg says {package} is installed", None if status == "installed" else f"its status is {status!r}")
    want = [f"{INSTALL_DIR}/{build.APP_NAME}", BIN_LINK, DESKTOP_FILE]
    absent = [p for p in want if p not in listed or not os.path.lexists(p)]
    check(f"dpkg -L lists {len(listed)} paths, among them {', '.join(want)}",
          f"missing: {', '.join(absent)}" if absent else None)
    target = os.path.realpath(BIN_LINK)
    check(f"{BIN_LINK} → {target}", None if target == f"{INSTALL_DIR}/{build.APP_NAME}" and
          os.access(target, os.X_OK) else "does not lead to the executable")
    icons = [p for p in listed if p.startswith(ICON_THEME_DIR) and p.endswith(f"/apps/{ICON_NAME}.png")
             and os.path.isfile(p)]
    check(f"icon {ICON_NAME} in hicolor at {len(icons)} sizes", None if icons else f"no icon under {ICON_THEME_DIR}")
    missing = missing_libraries(Path(INSTALL_DIR))
    check("every library the ELF files need is shipped or installed",
          f"not found: {', '.join(missing)}" if missing else None)

    if shutil.which("desktop-file-validate"):
        code, out = _run(["desktop-file-validate", DESKTOP_FILE], 60)
        complaints = [line for line in out.splitlines() if "error:" in line or "warning:" in line]
        check(f"desktop-file-validate {DESKTOP_FILE}",
              None if code == 0 and not complaints else "; ".join(complaints) or f"exit code {code}")
    else:
        say(f"skip desktop-file-validate: not installed (apt-get install {VALIDATOR_PACKAGE})")

    try:
        command = exec_command(Path(DESKTOP_FILE).read_text(encoding="utf-8"))
    except (OSError, KeyError, ValueError, configparser.Error) as e:
        check("the menu entry's Exec line", f"cannot read it: {e}")
        return
    with tempfile.TemporaryDirectory(prefix="bailian-deb-home-") as home:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("XDG_", "BAILIAN_VIDEO_", "QT_", "LD_", "PYTHON"))}
        env.update(HOME=home, QT_QPA_PLATFORM="offscreen")
        env["PATH"] = env.get("PATH") or "/usr/local/bin:/usr/bin:/bin"
        passed, _out, seconds, smoke_problems = build.smoke_command(command, Path(home), timeout, env)
        check(f"smoke test of the menu entry's command {' '.join(command)!r} ({seconds:.0f} s)",
              None if passed else "; ".join(smoke_problems))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Package the frozen app as a .deb and optionally verify it.")
    ap.add_argument("--frozen", type=Path, default=build.ROOT / "dist" / build.APP_NAME,
                    help="the frozen one-folder build (default: dist/bailian-video)")
    ap.add_argument("--out", type=Path, default=build.ROOT / "dist", help="where the .deb goes (default: dist/)")
    ap.add_argument("--work", type=Path, default=build.ROOT / "build" / "deb",
                    help="staging folder (default: build/deb/)")
    ap.add_argument("--compression", choices=COMPRESSIONS, default=COMPRESSION,
                    help=f"dpkg-deb -Z (default: {COMPRESSION}; zstd is not readable by older dpkg)")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--verify", action="store_true", help="then install, smoke-test and remove it (root)")
    mode.add_argument("--verify-only", type=Path, metavar="DEB", help="only verify this .deb")
    ap.add_argument("--timeout", type=float, default=600, help="seconds each install/smoke step may take")
    args = ap.parse_args(argv)

    if args.verify_only:
        deb = args.verify_only
    else:
        try:
            deb = build_deb(args.frozen, args.out, args.work, args.compression)
        except DebError as e:
            say(f"FAILED: {e}")
            return 1
    if args.verify or args.verify_only:
        t0 = time.monotonic()
        problems = verify_deb(deb, args.timeout)
        say(f"verify {deb.name}: {'passed' if not problems else 'FAILED'} in {time.monotonic() - t0:.0f} s")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
