"""``bailian-video``: the GUI by default; subcommands for headless use."""
from __future__ import annotations

import sys

HEADLESS = {"generate", "batch", "tasks", "sandbox"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    import logging
    # httpx logs full URLs at INFO, and result URLs carry signatures: keep them out of logs.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    if argv and argv[0] in HEADLESS:
        from .cli import main as cli_main
        return cli_main(argv)
    if "-h" in argv[:1] or "--help" in argv[:1]:
        from .cli import build_parser
        print("bailian-video [--sandbox] [--data-dir D] [--lang zh|en] [--smoke-test]   # the desktop app")
        build_parser().print_help()
        return 0
    from .ui.app import main as gui_main
    from .ui.app import smoke_test
    if "--smoke-test" in argv:
        return smoke_test([a for a in argv if a != "--smoke-test"])
    return gui_main(argv)


if __name__ == "__main__":
    sys.exit(main())
