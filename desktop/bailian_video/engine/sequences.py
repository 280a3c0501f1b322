"""Sequences: ordered shots that become one film.

Each shot has its takes (every generation made for it, or a finished video added from the library)
and one chosen take. Sequences live in the task store's database (schema v4), so they survive
restarts and every process on the data folder sees the same ones; any process may change them
(each change is one SQLite transaction). The engine never drives them: they only point at tasks.
"""
from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import catalog
from ..catalog.pricing import output_seconds
from .records import State, TaskRecord
from .store import TaskStore

#: states in which a take may still be charged (or was): its estimate counts until its price is known
_MAY_COST = frozenset({State.WAITING, State.VALIDATING, State.UPLOADING, State.DETECTING, State.SUBMITTING,
                       State.QUEUED, State.RUNNING, State.DOWNLOADING, State.DONE, State.STOPPED,
                       State.UNCERTAIN})
_REV = "sequences/rev"


@dataclass
class Shot:
    id: int
    sequence: int
    position: int
    chosen: int | None
    takes: list[int] = field(default_factory=list)    # task ids, oldest first


@dataclass
class Sequence:
    id: int
    name: str
    created_at: float
    updated_at: float
    crossfade: float = 0.0
    shots: list[Shot] = field(default_factory=list)

    def shot(self, shot_id: int) -> Shot | None:
        return next((s for s in self.shots if s.id == shot_id), None)


class SequenceError(ValueError):
    """A change that cannot be made (an unknown sequence or shot)."""


class Sequences:
    def __init__(self, store: TaskStore):
        self.store = store

    # -- reading -------------------------------------------------------------------------------
    def version(self) -> int:
        """Changes on every write by any process (for views to refresh)."""
        return int(self.store.kv_get(_REV, 0) or 0)

    def all(self) -> list[Sequence]:
        rows = self.store.read("SELECT id, name, created_at, updated_at, crossfade FROM sequences "
                               "ORDER BY updated_at DESC, id DESC")
        shots = self._shots()
        return [Sequence(i, n, c, u, x, shots.get(i, [])) for i, n, c, u, x in rows]

    def get(self, seq_id: int) -> Sequence | None:
        rows = self.store.read("SELECT id, name, created_at, updated_at, crossfade FROM sequences WHERE id=?",
                               (seq_id,))
        if not rows:
            return None
        i, n, c, u, x = rows[0]
        return Sequence(i, n, c, u, x, self._shots(seq_id).get(i, []))

    def _shots(self, seq_id: int | None = None) -> dict[int, list[Shot]]:
        where, args = ("WHERE sequence=?", (seq_id,)) if seq_id is not None else ("", ())
        rows = self.store.read(f"SELECT id, sequence, chosen FROM shots {where} ORDER BY sequence, position, id",
                               args)
        takes: dict[int, list[int]] = {}
        for shot, task in self.store.read(
                "SELECT t.shot, t.task FROM takes t JOIN shots s ON s.id=t.shot "
                f"{where.replace('sequence', 's.sequence')} ORDER BY t.added_at, t.task", args):
            takes.setdefault(shot, []).append(task)
        out: dict[int, list[Shot]] = {}
        for sid, seq, chosen in rows:
            lst = out.setdefault(seq, [])
            lst.append(Shot(sid, seq, len(lst), chosen, takes.get(sid, [])))
        return out

    def shot_of(self, task: int) -> Shot | None:
        rows = self.store.read("SELECT shot FROM takes WHERE task=? ORDER BY added_at DESC LIMIT 1", (task,))
        if not rows:
            return None
        seq = self._sequence_of_shot(rows[0][0])
        return seq.shot(rows[0][0]) if seq else None

    def _sequence_of_shot(self, shot_id: int) -> Sequence | None:
        rows = self.store.read("SELECT sequence FROM shots WHERE id=?", (shot_id,))
        if not rows:
            raise SequenceError(f"There is no shot {shot_id} (it may have been removed).")
        return self.get(rows[0][0])

    def sequence_of_shot(self, shot_id: int) -> Sequence:
        seq = self._sequence_of_shot(shot_id)
        assert seq is not None
        return seq

    # -- writing ---------------------------------------------------------------------------------
    def _touch(self, db: Any, seq_id: int) -> None:
        db.execute("UPDATE sequences SET updated_at=? WHERE id=?", (time.time(), seq_id))
        rev = db.execute("SELECT value FROM kv WHERE key=?", (_REV,)).fetchone()
        db.execute("INSERT INTO kv(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                   (_REV, str(int(rev[0]) + 1 if rev else 1)))

    def create(self, name: str) -> Sequence:
        now = time.time()
        with self.store.transaction() as db:
            cur = db.execute("INSERT INTO sequences(name, created_at, updated_at) VALUES(?, ?, ?)",
                             (name.strip() or "Sequence", now, now))
            seq_id = int(cur.lastrowid or 0)
            self._touch(db, seq_id)
        seq = self.get(seq_id)
        assert seq is not None
        return seq

    def rename(self, seq_id: int, name: str) -> None:
        with self.store.transaction() as db:
            self._require(db, seq_id)
            db.execute("UPDATE sequences SET name=? WHERE id=?", (name.strip() or "Sequence", seq_id))
            self._touch(db, seq_id)

    def delete(self, seq_id: int) -> None:
        """The sequence and its shots; the takes stay in the library."""
        with self.store.transaction() as db:
            db.execute("DELETE FROM takes WHERE shot IN (SELECT id FROM shots WHERE sequence=?)", (seq_id,))
            db.execute("DELETE FROM shots WHERE sequence=?", (seq_id,))
            db.execute("DELETE FROM sequences WHERE id=?", (seq_id,))
            self._touch(db, seq_id)

    def set_crossfade(self, seq_id: int, seconds: float) -> None:
        with self.store.transaction() as db:
            self._require(db, seq_id)
            db.execute("UPDATE sequences SET crossfade=? WHERE id=?", (max(0.0, min(2.0, float(seconds))), seq_id))
            self._touch(db, seq_id)

    def add_shot(self, seq_id: int, take: int | None = None, position: int | None = None) -> Shot:
        """A new shot (with ``take`` as its first, chosen take), at the end or at ``position``."""
        now = time.time()
        with self.store.transaction() as db:
            self._require(db, seq_id)
            ids = [r[0] for r in db.execute("SELECT id FROM shots WHERE sequence=? ORDER BY position, id",
                                            (seq_id,))]
            cur = db.execute("INSERT INTO shots(sequence, position, chosen, created_at) VALUES(?, ?, ?, ?)",
                             (seq_id, len(ids), take, now))
            shot_id = int(cur.lastrowid or 0)
            if take is not None:
                db.execute("INSERT OR IGNORE INTO takes(shot, task, added_at) VALUES(?, ?, ?)", (shot_id, take, now))
            at = len(ids) if position is None else max(0, min(len(ids), position))
            self._renumber(db, [*ids[:at], shot_id, *ids[at:]])
            self._touch(db, seq_id)
        return self.sequence_of_shot(shot_id).shot(shot_id) or Shot(shot_id, seq_id, at, take)

    def add_take(self, shot_id: int, task: int, choose: bool = False) -> None:
        with self.store.transaction() as db:
            seq_id = self._shot_sequence(db, shot_id)
            db.execute("INSERT OR IGNORE INTO takes(shot, task, added_at) VALUES(?, ?, ?)", (shot_id, task, time.time()))
            if choose:
                db.execute("UPDATE shots SET chosen=? WHERE id=?", (task, shot_id))
            self._touch(db, seq_id)

    def choose(self, shot_id: int, task: int) -> None:
        with self.store.transaction() as db:
            seq_id = self._shot_sequence(db, shot_id)
            if db.execute("SELECT 1 FROM takes WHERE shot=? AND task=?", (shot_id, task)).fetchone() is None:
                raise SequenceError(f"Task {task} is not a take of shot {shot_id}.")
            db.execute("UPDATE shots SET chosen=? WHERE id=?", (task, shot_id))
            self._touch(db, seq_id)

    def move(self, shot_id: int, position: int) -> None:
        with self.store.transaction() as db:
            seq_id = self._shot_sequence(db, shot_id)
            ids = [r[0] for r in db.execute("SELECT id FROM shots WHERE sequence=? ORDER BY position, id",
                                            (seq_id,)) if r[0] != shot_id]
            at = max(0, min(len(ids), position))
            self._renumber(db, [*ids[:at], shot_id, *ids[at:]])
            self._touch(db, seq_id)

    def remove_shot(self, shot_id: int) -> None:
        with self.store.transaction() as db:
            seq_id = self._shot_sequence(db, shot_id)
            db.execute("DELETE FROM takes WHERE shot=?", (shot_id,))
            db.execute("DELETE FROM shots WHERE id=?", (shot_id,))
            ids = [r[0] for r in db.execute("SELECT id FROM shots WHERE sequence=? ORDER BY position, id", (seq_id,))]
            self._renumber(db, ids)
            self._touch(db, seq_id)

    def continue_from(self, parent: int, name: str) -> Shot:
        """An empty shot for the video that continues ``parent`` (pass it to ``Engine.submit(shot=…)``):
        right after the parent's shot when the parent is in a sequence, else in a new sequence
        ``name`` whose first shot is the parent."""
        home = self.shot_of(parent)
        if home is None:
            seq = self.create(name)
            self.add_shot(seq.id, take=parent)
            return self.add_shot(seq.id)
        return self.add_shot(home.sequence, position=home.position + 1)

    @staticmethod
    def _renumber(db: Any, ids: list[int]) -> None:
        for i, sid in enumerate(ids):
            db.execute("UPDATE shots SET position=? WHERE id=?", (i, sid))

    @staticmethod
    def _require(db: Any, seq_id: int) -> None:
        if db.execute("SELECT 1 FROM sequences WHERE id=?", (seq_id,)).fetchone() is None:
            raise SequenceError(f"There is no sequence {seq_id} (it may have been deleted).")

    @staticmethod
    def _shot_sequence(db: Any, shot_id: int) -> int:
        row = db.execute("SELECT sequence FROM shots WHERE id=?", (shot_id,)).fetchone()
        if row is None:
            raise SequenceError(f"There is no shot {shot_id} (it may have been removed).")
        return int(row[0])


# -- derived -------------------------------------------------------------------------------------
def effective_take(shot: Shot, records: Mapping[int, TaskRecord]) -> TaskRecord | None:
    """The take a film uses: the chosen one when it is finished, else the newest finished take."""
    chosen = records.get(shot.chosen) if shot.chosen is not None else None
    if chosen is not None and chosen.state == State.DONE and chosen.output_path:
        return chosen
    done = [records[t] for t in shot.takes if t in records and records[t].state == State.DONE
            and records[t].output_path]
    return done[-1] if done else None


def spend_of(rec: TaskRecord) -> float:
    """What a task cost (or may cost while its price is not known yet)."""
    if rec.cost_actual is not None:
        return rec.cost_actual
    return float(rec.cost_estimate or 0.0) if rec.state in _MAY_COST else 0.0


def sequence_cost(seq: Sequence, records: Mapping[int, TaskRecord]) -> float:
    """Every take made for the sequence, kept or not: what it has cost so far (a video used in two
    shots is counted once)."""
    ids = {t for s in seq.shots for t in s.takes if t in records}
    return round(sum(spend_of(records[t]) for t in ids), 4)


def take_seconds(rec: TaskRecord) -> float | None:
    """Length of a result: what the service billed when it said, else what was asked for; a film (no
    catalogue model) carries its probed length in ``usage["duration"]``."""
    spec = catalog.get(rec.model)
    key = spec.usage.seconds if spec is not None else "duration"
    if key and rec.usage.get(key) is not None:
        try:
            return float(rec.usage[key])
        except (TypeError, ValueError):
            pass
    if spec is None:
        return None
    durations = {k: float(v["duration"]) for k, v in rec.files.items() if isinstance(v, dict) and v.get("duration")}
    try:
        secs, _ = output_seconds(spec, rec.request.params, durations)
    except (TypeError, ValueError):
        return None
    return secs or None


def cut_list(seq: Sequence, records: Mapping[int, TaskRecord]) -> list[tuple[TaskRecord, float, float | None]]:
    """(take, start, end) for each shot with a finished take, in order. A continuation made from an
    opening clip repeats its parent's clip first: after the first shot it starts past that overlap."""
    out: list[tuple[TaskRecord, float, float | None]] = []
    for shot in seq.shots:
        take = effective_take(shot, records)
        if take is None:
            continue
        start = 0.0
        if out and take.continuation and take.continuation.get("method") == "first_clip":
            start = float(take.continuation.get("overlap") or 0.0)
        out.append((take, start, None))
    return out
