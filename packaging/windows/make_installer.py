#!/usr/bin/env python3
"""Compile the Windows installer (Inno Setup) and prove that it installs and uninstalls.

    python packaging/windows/make_installer.py                # compile from dist/bailian-video
    python packaging/windows/make_installer.py --verify       # … then install, check, uninstall, check
    python packaging/windows/make_installer.py --stand-in --verify   # here: under wine

On Windows it runs the Inno Setup compiler (ISCC.exe, installed with Chocolatey when missing) on
the frozen folder PyInstaller built. Elsewhere it runs the same compiler under wine (Debian:
``wine`` and ``wine32:i386``; the compiler comes from the npm package ``innosetup``) on a
*stand-in* folder: the Windows build's file names, derived from the spec's own table of contents
(build/bailian-video/COLLECT-00.toc) by the rules in :func:`windows_name`, each file a few bytes.
The installer is then real; only what it carries is not.

``--verify`` installs the setup silently for the current user (``/VERYSILENT /CURRENTUSER``),
checks the program folder, the Start-menu entry, the uninstaller and its registration (version
and publisher from pyproject.toml), installs again with the desktop-shortcut task and checks the
shortcut follows it, then uninstalls silently and checks that nothing is left. Under wine all of
this happens in a private prefix under build/wine (its own HOME, so the real desktop is never
touched) with a private Xvfb display: Inno Setup's wizard needs a display even when silent.

Signing: with ``WINDOWS_CERTIFICATE`` (base64 .pfx) and ``WINDOWS_CERTIFICATE_PASSWORD`` set, the
setup and its uninstaller are signed through ``sign.ps1`` on Windows; elsewhere the setup is
signed with ``osslsigncode`` when it is installed. Without a certificate the step says it is
skipped and the installer is unsigned.
"""
from __future__ import annotations

import argparse
import ast
import base64
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import build  # noqa: E402  (packaging/build.py)

ROOT = build.ROOT
ISS = HERE / "installer.iss"
IS_WIN = sys.platform == "win32"
INNOSETUP_NPM = "innosetup@6.4.1"          # bundles ISCC.exe 6.4.1 (a 32-bit program)
TOOLS = ROOT / "build" / "tools"
WINE_HOME = ROOT / "build" / "wine"
DISPLAY_NAME = "Bailian Video Studio"       # AppName in installer.iss
CHINESE_NAME = "百炼视频工作室"              # its Start-menu entry in Chinese (AppMenuName)
EXE_NAME = f"{build.APP_NAME}.exe"
# What a user installing per user gets on real Windows for {autopf}; wine 8 cannot expand
# {autopf} (installer.iss explains), so the wine run names the same folder explicitly.
WINE_INSTALL_ROOT = r"{localappdata}\Programs"


say, publisher = build.say, build.publisher


def app_id() -> str:
    """The AppId GUID from installer.iss (the uninstall key is ``{GUID}_is1``)."""
    m = re.search(r"^AppId=\{\{([0-9A-F-]{36})\}", ISS.read_text(encoding="utf-8"), re.MULTILINE)
    if not m:
        raise SystemExit("[package] installer.iss has no AppId={{GUID}")
    return m.group(1)


# ---------------------------------------------------------------------------------------------
# The stand-in folder: the Windows build's layout, from the spec's table of contents.
PY_EXT = re.compile(r"^(?P<stem>.+?)\.(?:cpython-(?P<abi>\d+)-[^.]+|abi3)\.so$")
SO_NAME = re.compile(r"^(?:lib)?(?P<stem>.+?)(?:-[0-9a-f]{8})?\.so(?:\.[0-9.]+)?$")
# Linux-only libraries (X11, xcb, Wayland, D-Bus, GLib, ALSA/Pulse, fontconfig …) and Qt's
# Linux-only plugins: the Windows build has no counterpart for these.
LINUX_ONLY = re.compile(
    r"(^|/)lib(X|xcb|xkbcommon|wayland|dbus|glib|gobject|gio|gthread|gmodule|asound|pulse|asyncns|sndfile|FLAC"
    r"|vorbis|ogg|opus|mp3lame|EGL|GL|GLX|OpenGL|fontconfig|freetype|png16|expat|uuid|gcc_s|stdc\+\+|z\.so"
    r"|ICE|SM|va|drm|bsd|md|systemd|cap|gcrypt|gpg-error|lzma|lz4|zstd|bz2|selinux|pcre|mount|blkid|ffi|"
    r"Qt6(XcbQpa|WaylandClient|WaylandEglClientHwIntegration|WlShellIntegration|EglFS|EglFsKmsSupport|DBus)"
    r"|Qt6FFmpegStub-va)"
    r"|/(xcbglintegrations|wayland-[^/]+|platformthemes|platforminputcontexts|egldeviceintegrations)/"
    r"|/platforms/libq(xcb|wayland|eglfs|linuxfb|vnc|vkkhrdisplay)",
    re.IGNORECASE,
)
# Files every Windows build of CPython 3.11 + PySide6 carries that have no Linux counterpart.
WINDOWS_ONLY = [
    "_internal/python3.dll", "_internal/VCRUNTIME140.dll", "_internal/VCRUNTIME140_1.dll",
    "_internal/PySide6/MSVCP140.dll", "_internal/PySide6/MSVCP140_1.dll",
    "_internal/PySide6/plugins/platforms/qwindows.dll", "_internal/PySide6/plugins/styles/qmodernwindowsstyle.dll",
    "_internal/PySide6/opengl32sw.dll", "_internal/PySide6/d3dcompiler_47.dll",
]


def windows_name(dest: str, kind: str) -> str | None:
    """Where the Windows build puts what the Linux TOC entry ``(dest, kind)`` stands for, relative to
    the frozen folder; None where Windows has no counterpart.

    The rules follow PyInstaller's one-folder layout on Windows: the executables at the top (``.exe``,
    and the console ``-cli.exe`` the spec adds on Windows), everything else in ``_internal``; CPython's
    own extension modules (lib-dynload on Linux) beside python311.dll as ``name.pyd``, other extension
    modules as ``name.cp311-win_amd64.pyd`` (``name.pyd`` for the stable ABI); PySide6's wheel keeps
    Qt's DLLs and plugins directly in ``PySide6/`` (no ``Qt/lib``); shared libraries become DLLs.
    """
    if kind == "EXECUTABLE":
        return f"{Path(dest).name}.exe"
    if kind == "SYMLINK":
        return None                                 # Windows builds copy, they do not link
    parts = dest.split("/")
    name = parts[-1]
    if kind in ("BINARY", "EXTENSION") and LINUX_ONLY.search("/" + dest):
        return None
    if kind == "EXTENSION":
        m = PY_EXT.match(name)
        if m:
            if parts[0] == "lib-dynload":
                return f"_internal/{m['stem']}.pyd"
            suffix = f".cp{m['abi']}-win_amd64.pyd" if m["abi"] else ".pyd"
            return "/".join(["_internal", *parts[:-1], m["stem"] + suffix])
    if kind == "BINARY":
        if name.startswith("libpython3"):
            major_minor = re.search(r"python(\d+)\.(\d+)", name)
            return f"_internal/python{major_minor[1]}{major_minor[2]}.dll" if major_minor else None
        if parts[:3] == ["PySide6", "Qt", "lib"]:
            parts = ["PySide6"]
        elif parts[:3] == ["PySide6", "Qt", "plugins"]:
            parts = ["PySide6", "plugins", *parts[3:-1]]
        else:
            parts = parts[:-1]
        m = SO_NAME.match(name)
        stem = m["stem"] if m else name
        return "/".join(["_internal", *parts, f"{stem}.dll"])
    if parts[:3] == ["PySide6", "Qt", "translations"]:
        return "/".join(["_internal", "PySide6", "translations", *parts[3:]])
    return "/".join(["_internal", *parts])


def collected_toc(work: Path, frozen: Path) -> list[tuple[str, str]]:
    """(dest, kind) of everything the spec collected: COLLECT-00.toc when the build left it,
    else the frozen folder itself (the executable at its top, the rest in _internal)."""
    toc = work / build.APP_NAME / "COLLECT-00.toc"
    if toc.is_file():
        entries = ast.literal_eval(toc.read_text(encoding="utf-8"))[0]
        items = [(dest, kind) for dest, _src, kind in entries]
        if not any(kind == "EXECUTABLE" for _d, kind in items):
            items.append((build.APP_NAME, "EXECUTABLE"))
        return items
    if not frozen.is_dir():
        raise SystemExit(f"[package] neither {toc} nor {frozen} exists: build the frozen app first "
                         "(python packaging/build.py --no-smoke)")
    items = [(build.APP_NAME, "EXECUTABLE")]
    internal = frozen / "_internal"
    for p in sorted(internal.rglob("*")):
        if p.is_symlink():
            items.append((p.relative_to(internal).as_posix(), "SYMLINK"))
        elif p.is_file():
            rel = p.relative_to(internal).as_posix()
            kind = "EXTENSION" if PY_EXT.match(p.name) else "BINARY" if ".so" in p.name else "DATA"
            items.append((rel, kind))
    return items


def make_stand_in(work: Path, frozen: Path, out: Path) -> list[str]:
    """Write the stand-in folder at ``out``; return its files (relative, forward slashes)."""
    shutil.rmtree(out, ignore_errors=True)
    names: dict[str, str] = {}
    for dest, kind in collected_toc(work, frozen):
        win = windows_name(dest, kind)
        if win is not None:
            names.setdefault(win.lower(), win)      # Windows file names are case-insensitive
            if kind == "EXECUTABLE":
                cli = win.replace(".exe", "-cli.exe")
                names.setdefault(cli.lower(), cli)
    for extra in WINDOWS_ONLY:
        names.setdefault(extra.lower(), extra)
    files = sorted(names.values())
    for rel in files:
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"stand-in for {rel} (Bailian Video Studio's Windows build)\n", encoding="utf-8")
    return files


# ---------------------------------------------------------------------------------------------
# Running Windows programs: natively, or under wine with a private prefix and display.
@dataclass
class Windows:
    wine: str | None = None
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))

    def run(self, exe: Path | str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        cmd = [self.wine, str(exe), *args] if self.wine else [str(exe), *args]
        return subprocess.run(cmd, env=self.env, capture_output=True, text=True, encoding="utf-8",
                              errors="replace", timeout=timeout, check=False, stdin=subprocess.DEVNULL)

    def path(self, p: Path) -> str:
        """A path as Windows programs see it (wine maps / to drive Z:)."""
        return str(PureWindowsPath("Z:\\", *p.resolve().parts[1:])) if self.wine else str(p)

    def local(self, windows_path: str) -> Path:
        """A Windows path as a path here."""
        if not self.wine:
            return Path(windows_path)
        r = subprocess.run(["winepath", "-u", windows_path], env=self.env, capture_output=True, text=True,
                           check=True, timeout=60)
        return Path(r.stdout.strip())

    def folder(self, variable: str) -> Path:
        """A folder named by an environment variable, e.g. LOCALAPPDATA, APPDATA, USERPROFILE."""
        if not self.wine:
            return Path(os.environ[variable])
        r = self.run("cmd", "/c", "echo", f"%{variable}%", timeout=120)
        return self.local(r.stdout.strip().splitlines()[-1].strip())

    def settle(self) -> None:
        """Wait until every program started has exited (the uninstaller re-launches itself from TEMP)."""
        if self.wine:
            subprocess.run(["wineserver", "-w"], env=self.env, check=False, timeout=300)

    def registry(self, key: str) -> dict[str, str]:
        """The string values of a registry key ({} when it does not exist)."""
        r = self.run("reg", "query", key, timeout=120)
        values = {}
        for line in r.stdout.splitlines():
            m = re.match(r"^\s+(\S.*?)\s+REG_(?:SZ|EXPAND_SZ|DWORD)\s+(.*)$", line)
            if m:
                values[m[1]] = m[2].strip()
        return values if r.returncode == 0 else {}


@contextlib.contextmanager
def _display() -> Iterator[str | None]:
    """A private Xvfb display for the run (its number), or the current one, or None."""
    xvfb = shutil.which("Xvfb")
    if not xvfb:
        yield os.environ.get("DISPLAY")
        return
    read, write = os.pipe()
    proc = subprocess.Popen([xvfb, "-displayfd", str(write), "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        with os.fdopen(read) as f:
            number = f.readline().strip()
        yield f":{number}" if number else os.environ.get("DISPLAY")
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)


@contextlib.contextmanager
def windows() -> Iterator[Windows]:
    """Natively on Windows; elsewhere wine with a prefix under build/wine, its own HOME and display."""
    if IS_WIN:
        yield Windows()
        return
    wine = shutil.which("wine")
    if not wine:
        raise SystemExit("[package] wine is not installed: on Debian run\n"
                         "    dpkg --add-architecture i386 && apt-get update && "
                         "apt-get install wine wine32:i386 wine64 xvfb")
    home = WINE_HOME / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, WINEPREFIX=str(WINE_HOME / "prefix"), HOME=str(home), WINEDEBUG="-all",
               # no Mono/Gecko download prompts: nothing here needs .NET or a browser engine
               WINEDLLOVERRIDES="mscoree,mshtml=", LC_ALL="C.UTF-8")
    with _display() as display:
        if display:
            env["DISPLAY"] = display
        win = Windows(wine=wine, env=env)
        try:
            if not (WINE_HOME / "prefix" / "system.reg").exists():
                say("creating the wine prefix (once, ~15 s)")
                t0 = time.monotonic()
                subprocess.run(["wineboot", "-i"], env=env, check=True, timeout=300, capture_output=True)
                # A new wine 8 prefix says it is Windows 7; the installer requires Windows 10 (MinVersion).
                subprocess.run([wine, "winecfg", "-v", "win10"], env=env, check=True, timeout=300,
                               capture_output=True)
                win.settle()
                say(f"wine prefix ready in {time.monotonic() - t0:.0f} s")
            yield win
        finally:
            with contextlib.suppress(Exception):
                subprocess.run(["wineserver", "-k"], env=env, check=False, timeout=60)


# ---------------------------------------------------------------------------------------------
# The compiler.
def find_iscc() -> Path:
    if IS_WIN:
        found = shutil.which("iscc") or shutil.which("ISCC.exe")
        candidates = [Path(found)] if found else []
        for base in (os.environ.get("ProgramFiles(x86)"), os.environ.get("ProgramFiles")):
            if base:
                candidates.append(Path(base) / "Inno Setup 6" / "ISCC.exe")
        for c in candidates:
            if c.is_file():
                return c
        choco = shutil.which("choco")
        if choco:
            say("Inno Setup not found: installing it with Chocolatey")
            subprocess.run([choco, "install", "innosetup", "-y", "--no-progress"], check=True)
            for c in candidates[-2:]:
                if c.is_file():
                    return c
        raise SystemExit("[package] Inno Setup 6 is not installed: get it from https://jrsoftware.org/isdl.php "
                         "or `choco install innosetup`")
    iscc = TOOLS / "innosetup" / "node_modules" / "innosetup" / "bin" / "ISCC.exe"
    if not iscc.is_file():
        npm = shutil.which("npm")
        if not npm:
            raise SystemExit("[package] npm is needed to fetch the Inno Setup compiler (package innosetup): "
                             "install Node.js and npm")
        say(f"fetching the Inno Setup compiler: npm install {INNOSETUP_NPM}")
        (TOOLS / "innosetup").mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--prefix", str(TOOLS / "innosetup"), "--no-audit", "--no-fund",
                        "--loglevel", "error", INNOSETUP_NPM], check=True, timeout=600)
    return iscc


def chinese_isl(iscc: Path, fetch: bool) -> Path | None:
    """Simplified Chinese for the wizard: an unofficial Inno Setup translation, so it may be missing from
    the compiler's Languages folder (the npm package lacks it). ``fetch`` downloads it (the release
    workflow can reach GitHub; this machine cannot). None: the installer is English only."""
    bundled = iscc.parent / "Languages" / "ChineseSimplified.isl"
    if bundled.is_file():
        return None                                 # installer.iss finds it by itself
    given = os.environ.get("INNO_CHINESE_ISL")
    if given and Path(given).is_file():
        return Path(given)
    if not fetch:
        return None
    import urllib.request
    url = "https://raw.githubusercontent.com/jrsoftware/issrc/main/Files/Languages/Unofficial/ChineseSimplified.isl"
    dest = ROOT / "build" / "ChineseSimplified.isl"
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            dest.write_bytes(r.read())
        return dest
    except OSError as e:
        say(f"ChineseSimplified.isl could not be downloaded ({e}): the installer is English only")
        return None


def have_certificate() -> bool:
    return bool(os.environ.get("WINDOWS_CERTIFICATE") and os.environ.get("WINDOWS_CERTIFICATE_PASSWORD"))


def compile_installer(win: Windows, source: Path, out_dir: Path, *, install_root: str | None = None,
                      fetch_languages: bool = False) -> Path:
    """Run ISCC on installer.iss; return the setup .exe. Exits with ISCC's output when it fails."""
    iscc = find_iscc()
    icons = ROOT / "build" / "icons"
    sys.path.insert(0, str(ROOT / "packaging" / "icons"))
    import make_icons  # Pillow: the .ico from app.png, as the spec does
    ico, _icns = make_icons.derive(icons)
    out_dir.mkdir(parents=True, exist_ok=True)
    version = build.version()
    defines = [f"/DAppVersion={version}", f"/DAppPublisher={publisher()}", f"/DSourceDir={win.path(source)}",
               f"/DOutputDir={win.path(out_dir)}", f"/DIconFile={win.path(ico)}"]
    if install_root:
        defines.append(f"/DInstallRoot={install_root}")
    isl = chinese_isl(iscc, fetch_languages)
    if isl:
        defines.append(f"/DChineseIsl={win.path(isl)}")
    sign: list[str] = []
    if have_certificate() and IS_WIN:
        script = HERE / "sign.ps1"
        sign = [f'/Sbvsign=powershell.exe -NoProfile -ExecutionPolicy Bypass -File "{script}" $f', "/DSignTool=bvsign"]
    say("compiling: ISCC " + " ".join(defines + sign) + " installer.iss" + (" (under wine)" if win.wine else ""))
    t0 = time.monotonic()
    r = win.run(iscc, "/Qp", *defines, *sign, win.path(ISS), timeout=1800)
    seconds = time.monotonic() - t0
    output = (r.stdout + r.stderr).strip()
    if output:
        print(output, flush=True)
    setup = out_dir / f"BailianVideoStudio-{version}-windows-x64-setup.exe"
    if r.returncode != 0 or not setup.is_file():
        raise SystemExit(f"[package] the Inno Setup compiler failed (exit {r.returncode}) after {seconds:.0f} s")
    say(f"compiled {setup.name} in {seconds:.1f} s: {setup.stat().st_size / 1e6:.1f} MB")
    if have_certificate() and not IS_WIN:
        sign_elsewhere(setup)
    elif not have_certificate():
        say("signing skipped: WINDOWS_CERTIFICATE and WINDOWS_CERTIFICATE_PASSWORD are not set "
            "(the installer is unsigned; SmartScreen will warn until it earns reputation)")
    return setup


def sign_elsewhere(setup: Path) -> None:
    """Sign the setup with osslsigncode (Linux, macOS). The uninstaller inside stays unsigned: only
    Inno Setup's sign-tool hook, which runs on Windows, can sign it."""
    tool = shutil.which("osslsigncode")
    if not tool:
        say("signing skipped: a certificate is set but osslsigncode is not installed (apt-get install osslsigncode)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        pfx = Path(tmp) / "cert.pfx"
        pfx.write_bytes(base64.b64decode(os.environ["WINDOWS_CERTIFICATE"]))
        signed = Path(tmp) / setup.name
        cmd = [tool, "sign", "-pkcs12", str(pfx), "-pass", os.environ["WINDOWS_CERTIFICATE_PASSWORD"],
               "-h", "sha256", "-n", DISPLAY_NAME, "-in", str(setup), "-out", str(signed)]
        if os.environ.get("WINDOWS_TIMESTAMP_URL"):
            cmd[2:2] = ["-ts", os.environ["WINDOWS_TIMESTAMP_URL"]]
        r = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if r.returncode != 0:
            # The password is an argument of the command, never of the message.
            raise SystemExit(f"[package] osslsigncode could not sign {setup.name}: {r.stderr.strip() or r.stdout.strip()}")
        shutil.move(signed, setup)
    say(f"signed {setup.name} with osslsigncode")


# ---------------------------------------------------------------------------------------------
# Install, check, uninstall, check.
def _links_to(lnk: Path, exe_name: str) -> bool:
    """A Windows shortcut names its target in ANSI or UTF-16 text; look for the executable's name."""
    data = lnk.read_bytes()
    return exe_name.encode() in data or exe_name.encode("utf-16-le") in data


def version_strings(exe: Path) -> dict[str, str]:
    """The Details-tab strings of a Windows executable (its VS_VERSIONINFO StringFileInfo): each is a
    UTF-16 key, NUL, padding to a 4-byte boundary, then the UTF-16 value up to its NUL."""
    data = exe.read_bytes()
    found = {}
    for key in ("CompanyName", "FileDescription", "FileVersion", "ProductName", "ProductVersion"):
        at = data.find(key.encode("utf-16-le") + b"\0\0")
        if at < 0:
            continue
        i = at + 2 * len(key) + 2
        i += (-i) % 4                               # the value starts on a 32-bit boundary
        end = i
        while end + 1 < len(data) and data[end:end + 2] != b"\0\0":
            end += 2
        found[key] = data[i:end].decode("utf-16-le", "replace").strip()   # Inno Setup pads with spaces
    return found


def _check(problems: list[str], ok: bool, what: str, why: str) -> None:
    print(f"ok   {what}" if ok else f"FAIL {what}: {why}", flush=True)
    if not ok:
        problems.append(f"{what}: {why}")


def verify_installer(win: Windows, setup: Path, expected_files: list[str]) -> list[str]:
    """Install ``setup`` silently for this user, check it, uninstall it, check nothing is left."""
    problems: list[str] = []
    version = build.version()
    local = win.folder("LOCALAPPDATA")
    app_dir = local / "Programs" / DISPLAY_NAME
    start_menu = win.folder("APPDATA") / "Microsoft" / "Windows" / "Start Menu" / "Programs"
    desktop = win.folder("USERPROFILE") / "Desktop"
    menu_lnk, desk_lnk = start_menu / f"{DISPLAY_NAME}.lnk", desktop / f"{DISPLAY_NAME}.lnk"
    uninstall_key = rf"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\{{{app_id()}}}_is1"
    log_dir = ROOT / "build" / "installer-logs"
    log_dir.mkdir(parents=True, exist_ok=True)

    def install(tasks: str, log: str, language: str = "english") -> None:
        t0 = time.monotonic()
        r = win.run(setup, "/VERYSILENT", "/CURRENTUSER", "/SUPPRESSMSGBOXES", "/NORESTART", f"/TASKS={tasks}",
                    f"/LANG={language}", f"/LOG={win.path(log_dir / log)}", timeout=900)
        win.settle()
        _check(problems, r.returncode == 0,
               f"silent install (/LANG={language} /TASKS=\"{tasks}\") in {time.monotonic() - t0:.1f} s",
               f"setup exited {r.returncode}; its log: {log_dir / log}")

    def uninstall(log: str) -> None:
        t0 = time.monotonic()
        r = win.run(uninstaller, "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", f"/LOG={win.path(log_dir / log)}",
                    timeout=900)
        win.settle()
        # The uninstaller copies itself to TEMP, starts the copy and exits: under wine settle() waits for
        # the copy; on Windows wait until it has removed itself.
        deadline = time.monotonic() + 300
        while uninstaller.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        _check(problems, r.returncode == 0, f"silent uninstall in {time.monotonic() - t0:.1f} s",
               f"the uninstaller exited {r.returncode}; its log: {log_dir / log}")

    info = version_strings(setup)
    _check(problems, info.get("ProductVersion") == version and info.get("CompanyName") == publisher(),
           f"setup's file details: version {info.get('ProductVersion')!r}, company {info.get('CompanyName')!r}",
           f"expected {version!r} and {publisher()!r} from pyproject.toml")
    install("", "install.log")
    present = {p.relative_to(app_dir).as_posix().lower() for p in app_dir.rglob("*") if p.is_file()} \
        if app_dir.is_dir() else set()
    missing = [f for f in expected_files if f.lower() not in present]
    _check(problems, app_dir.is_dir() and not missing,
           f"{len(expected_files)} files in the per-user program folder ({app_dir.name} under LOCALAPPDATA\\Programs)",
           f"missing {len(missing)}, e.g. {missing[:3]}" if app_dir.is_dir() else f"{app_dir} does not exist")
    _check(problems, (app_dir / EXE_NAME).is_file() and (app_dir / f"{build.APP_NAME}-cli.exe").is_file(),
           "both executables installed", f"{EXE_NAME} or {build.APP_NAME}-cli.exe is missing")
    _check(problems, menu_lnk.is_file() and _links_to(menu_lnk, EXE_NAME),
           f"Start-menu entry {menu_lnk.name} → {EXE_NAME}", f"{menu_lnk} is missing or names another target")
    _check(problems, not desk_lnk.exists(), "no desktop shortcut without the desktopicon task",
           f"{desk_lnk} exists although the task was not chosen")
    uninstaller = app_dir / "unins000.exe"
    _check(problems, uninstaller.is_file() and (app_dir / "unins000.dat").is_file(), "uninstaller installed",
           f"{uninstaller} or unins000.dat is missing")
    reg = win.registry(uninstall_key)
    _check(problems, reg.get("DisplayVersion") == version, f"registered version {reg.get('DisplayVersion')!r}",
           f"expected {version!r} (pyproject.toml) under {uninstall_key}")
    _check(problems, reg.get("Publisher") == publisher(), f"registered publisher {reg.get('Publisher')!r}",
           f"expected {publisher()!r} (pyproject.toml authors)")
    _check(problems, reg.get("DisplayName") == DISPLAY_NAME and "unins000.exe" in reg.get("QuietUninstallString", ""),
           "listed under Apps with a quiet uninstall command", f"uninstall key values: {sorted(reg)}")

    install("desktopicon", "install-desktop.log")
    _check(problems, desk_lnk.is_file() and _links_to(desk_lnk, EXE_NAME),
           "desktop shortcut with the desktopicon task", f"{desk_lnk} is missing")

    uninstall("uninstall.log")
    left = [p for p in (app_dir, menu_lnk, desk_lnk) if p.exists()]
    _check(problems, not left, "nothing left: program folder, Start-menu entry and desktop shortcut gone",
           f"left behind: {[str(p) for p in left]}")
    _check(problems, not win.registry(uninstall_key), "uninstall registration removed", f"{uninstall_key} remains")

    # Chinese first: the same installer in Simplified Chinese names the Start-menu entry in Chinese.
    zh_lnk = start_menu / f"{CHINESE_NAME}.lnk"
    install("", "install-zh.log", language="chinesesimplified")
    log = (log_dir / "install-zh.log").read_text(encoding="utf-8", errors="replace") \
        if (log_dir / "install-zh.log").is_file() else ""
    _check(problems, "chinesesimplified" in log and zh_lnk.is_file() and _links_to(zh_lnk, EXE_NAME),
           f"in Chinese: Start-menu entry {zh_lnk.name}", f"{zh_lnk} is missing or the log names another language")
    uninstall("uninstall-zh.log")
    left = [p for p in (app_dir, zh_lnk) if p.exists()]
    _check(problems, not left and not win.registry(uninstall_key), "nothing left after the Chinese install either",
           f"left behind: {[str(p) for p in left]}")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Compile the Windows installer and check it installs and uninstalls.")
    ap.add_argument("--frozen", type=Path, default=ROOT / "dist" / build.APP_NAME,
                    help="the frozen folder (default: dist/bailian-video)")
    ap.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller's work folder (for the TOC)")
    ap.add_argument("--out", type=Path, default=ROOT / "dist",
                    help="where the setup .exe goes (default: dist/; a stand-in's goes to build/windows-stand-in, "
                         "never among the release's files)")
    ap.add_argument("--stand-in", action="store_true",
                    help="compile against a stand-in of the Windows build (the default when not on Windows)")
    ap.add_argument("--verify", action="store_true", help="install silently, check, uninstall, check")
    ap.add_argument("--fetch-languages", action="store_true",
                    help="download Inno Setup's Simplified Chinese translation when the compiler lacks it")
    args = ap.parse_args(argv)
    stand_in = args.stand_in or not IS_WIN
    with windows() as win:
        if stand_in:
            source = ROOT / "build" / "windows-stand-in" / build.APP_NAME
            files = make_stand_in(args.work.resolve(), args.frozen.resolve(), source)
            say(f"stand-in of the Windows build: {len(files)} files in {source.relative_to(ROOT)}")
        else:
            source = args.frozen.resolve()
            files = [p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file()]
        out = args.out.resolve() if not stand_in else ROOT / "build" / "windows-stand-in"
        setup = compile_installer(win, source, out,
                                  install_root=WINE_INSTALL_ROOT if win.wine else None,
                                  fetch_languages=args.fetch_languages)
        print(f"[artefact] windows installer{' (stand-in contents)' if stand_in else ''}: {setup} "
              f"{setup.stat().st_size / 1e6:.1f} MB", flush=True)
        if not args.verify:
            return 0
        problems = verify_installer(win, setup, files)
    if problems:
        say("Windows installer check FAILED: " + "; ".join(problems))
        return 1
    say("Windows installer check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
