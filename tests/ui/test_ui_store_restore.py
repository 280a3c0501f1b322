"""A damaged task database in the app: the person is asked, the backup comes back, nothing is lost."""
from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QApplication, QMessageBox

from bailian_video.engine import Request, State, TaskRecord, TaskStore
from bailian_video.engine.store import StoreDamaged, list_backups
from bailian_video.ui.app import offer_restore


def _damaged_store_with_a_backup(path):
    store = TaskStore(path)
    rec = store.add(TaskRecord(0, Request("wan2.2-t2v-plus", {"prompt": "paid and unfinished"}, {})))
    rec.state, rec.task_id = State.RUNNING, "svc-task-1"
    store.save(rec)
    store.backup("2026-12-01")
    store.close()
    path.write_bytes(b"")                      # emptied by a crash or a sync tool
    try:
        TaskStore(path)
    except StoreDamaged as e:
        return e
    raise AssertionError("an emptied database with a backup must be reported as damaged")


def _click_when_shown(label: str) -> None:
    async def click() -> None:
        for _ in range(200):
            box = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()),
                       None)
            if box is not None:
                assert "The task database is damaged" in box.text()
                button = next(b for b in box.buttons() if b.text() == label)
                button.click()
                return
            await asyncio.sleep(0.02)
        raise AssertionError("the restore dialog never appeared")
    asyncio.get_running_loop().create_task(click())


def test_the_app_offers_the_backup_and_the_unfinished_task_comes_back(tmp_path, run):
    db = tmp_path / "tasks.sqlite3"
    damaged = _damaged_store_with_a_backup(db)
    assert damaged.backups and "The task database is damaged" in damaged.text.en

    async def go() -> bool:
        _click_when_shown("Restore backup")
        return await offer_restore(None, damaged)
    assert run(go()) is True
    store = TaskStore(db)
    try:
        [rec] = store.all()
        assert rec.prompt == "paid and unfinished" and rec.state == State.RUNNING and rec.task_id == "svc-task-1"
    finally:
        store.close()
    assert list(tmp_path.glob("tasks.sqlite3.damaged-*"))           # the damaged file is kept
    assert list_backups(db)


def test_leaving_it_changes_nothing(tmp_path, run):
    db = tmp_path / "tasks.sqlite3"
    damaged = _damaged_store_with_a_backup(db)

    async def go() -> bool:
        _click_when_shown("Leave it for now")
        return await offer_restore(None, damaged)
    assert run(go()) is False
    assert db.exists() and db.stat().st_size == 0 and not list(tmp_path.glob("tasks.sqlite3.damaged-*"))
