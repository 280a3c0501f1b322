"""The frozen app's entry script.

PyInstaller needs a script file, and ``bailian_video/__main__.py`` uses relative imports, which
do not work in a file run as ``__main__``. This file also undoes two environment changes the
frozen runtime makes for itself, so that programs the app starts (``xdg-open`` → a file manager
or browser, ``explorer``, ``open``) do not inherit them:

- ``LD_LIBRARY_PATH`` (Linux): the bootloader puts the bundle's folder first. The dynamic loader
  read it when this process started, so changing it now only affects children, which would
  otherwise load the bundle's copies of glib, freetype, OpenSSL … and may crash.
- ``QT_PLUGIN_PATH`` / ``QML2_IMPORT_PATH`` (Linux): set by PyInstaller's PySide6 run-time hook.
  Qt finds its plugins through PySide6's embedded ``qt.conf`` without them; a Qt program started
  by the app (a KDE file manager) would otherwise load this bundle's Qt plugins and fail. On
  Windows and macOS the programs started (``explorer``, ``open``) are not affected, so the
  variables stay as PyInstaller set them.
"""
import os
import sys


def _clean_child_environment() -> None:
    if not getattr(sys, "frozen", False):
        return
    if not sys.platform.startswith("linux"):
        return
    original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if original is not None:
        os.environ["LD_LIBRARY_PATH"] = original
    else:
        os.environ.pop("LD_LIBRARY_PATH", None)
    for var in ("QT_PLUGIN_PATH", "QML2_IMPORT_PATH"):
        os.environ.pop(var, None)


if __name__ == "__main__":
    # A worker process the app starts (thumbnails are decoded in one) is this same program: hand it over
    # to multiprocessing before anything else runs.
    import multiprocessing
    multiprocessing.freeze_support()
    _clean_child_environment()
    from bailian_video.__main__ import main

    sys.exit(main())
