"""Replaces PyInstaller's hook for PySide6.QtGui: same collection, minus Qt plugins this app never
loads. Dropping them here, before PyInstaller scans binaries for their dependencies, also keeps
out the system libraries only they need (the GTK 3 theme alone brings gtk's whole stack: cairo,
pango, atk, gdk-pixbuf …, which would then shadow the user's own, newer copies).

- platformthemes/libqgtk3: Qt falls back to its own widgets style and, on GNOME, to the xdg
  desktop portal theme (kept) for native file dialogs.
- platforms for embedded devices (eglfs, linuxfb, vnc, vkkhrdisplay, minimalegl) and the eglfs
  device integrations: a desktop app runs on xcb, wayland, cocoa or windows (and offscreen for
  the smoke test).
"""
import re

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

_UNUSED_PLUGIN = re.compile(
    r"(^|[/\\])plugins[/\\]("
    r"platformthemes[/\\][^/\\]*gtk3[^/\\]*"
    r"|platforms[/\\][^/\\]*q(eglfs|linuxfb|vnc|vkkhrdisplay|minimalegl)[^/\\]*"
    r"|egldeviceintegrations[/\\].*"
    r")$"
)

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(src, dest) for src, dest in binaries if not _UNUSED_PLUGIN.search(src)]
