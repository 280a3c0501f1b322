"""The sketch the window shows before its content is built: every part inside the window, where the real
part will be, at the sizes people use."""
from __future__ import annotations

import pytest

from bailian_video.ui.skeleton import dock_height, pieces, studio_split


@pytest.mark.parametrize("size", [(800, 600), (1024, 700), (1280, 860), (1920, 1080)])
def test_every_part_of_the_sketch_is_inside_the_window_and_in_its_place(size):
    w, h = size
    line = 17
    parts = pieces(w, h, line)
    for kind, x, y, pw, ph in parts:
        assert 0 <= x and 0 <= y and x + pw <= w and y + ph <= h, (kind, x, y, pw, ph)
    form = studio_split(w)
    queue_top = h - (line + 10) - (dock_height(h) + line + 8)
    (gx, gy, gw, gh), = [p[1:] for p in parts if p[0] == "accent"]
    assert gx + gw <= form and gy + gh <= queue_top           # Generate: at the foot of the form column
    (px, py, pw, ph), = [p[1:] for p in parts if p[0] == "play"]
    assert px > form and py + ph <= queue_top                  # the play mark: on the result's side
    boxes = [p for p in parts if p[0] == "box" and p[2] < queue_top]
    assert boxes and all(x + bw <= form for _, x, _, bw, _ in boxes)   # the form's fields stay in its column


def test_the_window_loads_every_name_its_content_uses():
    """main_window imports what the content needs only in ``load_parts`` (after the frame's first paint);
    type checkers and linters see them under TYPE_CHECKING. The two lists are the same (but for types)."""
    import ast
    import inspect

    from bailian_video.ui import main_window

    tree = ast.parse(inspect.getsource(main_window))

    def imported(nodes: list[ast.stmt]) -> set[str]:
        return {a.asname or a.name for n in nodes if isinstance(n, ast.ImportFrom) for a in n.names}

    typing_only = next(n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    loader = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "load_parts")
    assert imported(typing_only.body) - {"SettingsDialog"} == imported(loader.body)
    main_window.load_parts()
    assert all(name in vars(main_window) for name in imported(loader.body))
