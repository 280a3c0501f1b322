"""``bailian-video``: the GUI by default; subcommands for headless use."""
from __future__ import annotations

import sys

HEADLESS = {"generate", "batch", "tasks", "models", "spend", "sequence", "sandbox"}
#: Headless commands that work in a data folder (and so log there); ``sandbox`` keeps its own console.
LOGGED = {"generate", "batch", "tasks", "spend", "sequence"}


def _cli_logging(argv: list[str]) -> None:
    """The log file in the command's data folder, warnings on stderr, and a one-line report of a bug."""
    import argparse

    from . import logs
    from .engine.paths import data_dir
    p = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    p.add_argument("--data-dir")
    p.add_argument("--debug", action="store_true")
    try:
        known = p.parse_known_args(argv[1:])[0]
        value, debug = known.data_dir, known.debug
    except argparse.ArgumentError:   # the command's own parser says what is wrong
        value, debug = None, False
    path = logs.setup_logging(data_dir(value), console=True, debug=debug)
    logs.install_cli_excepthook(path)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in HEADLESS:
        if argv[0] in LOGGED:
            _cli_logging(argv)
        from .cli import main as cli_main
        return cli_main(argv)
    if "-h" in argv[:1] or "--help" in argv[:1]:
        from .cli import build_parser
        print("bailian-video [--sandbox] [--data-dir D] [--lang zh|en] [--debug] [--smoke-test]   # the desktop app")
        build_parser().print_help()
        return 0
    from .ui.app import main as gui_main
    from .ui.app import smoke_test
    if "--smoke-test" in argv:
        return smoke_test([a for a in argv if a != "--smoke-test"])
    return gui_main(argv)


if __name__ == "__main__":
    sys.exit(main())
