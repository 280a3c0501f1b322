"""Reconciliation: a create request whose answer never arrived. Did it make a task, and which?

The rules (pure functions here; the engine does the I/O):

* Candidates come from the account's task list, in a window on the **service's** clock: the
  moment the request left is placed on the service's timeline by the list answer's ``Date``
  header minus the local time elapsed since then, so a PC clock that is minutes off does not
  matter (only the local clock's *differences* are used).
* A candidate any local record already knows is never considered.
* A candidate is adopted only when the service confirms it is ours: its ``orig_prompt`` (given
  once a task has finished) equals the prompt we sent, and nothing it reports (duration, size)
  contradicts the request. A task still running says nothing yet: wait for it. One that finished
  and still says nothing, or two that fit, go to the person ("uncertain — your decision").
* "Never created" is concluded only when no candidate is left *and* the service could no longer
  create the task late (the settle time after the request has passed).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .records import Candidate, Request

WINDOW_MARGIN = 30.0   # seconds before the request left: Date's 1 s resolution, the service's own clocks
FINISHED = {"SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN"}

ADOPT, WAIT, NOT_CREATED, ASK = "adopt", "wait", "not_created", "ask"


def service_time_of(local_then: float, local_now: float, service_now: datetime | None) -> float:
    """When ``local_then`` (engine clock) was on the service's clock, from the service's ``Date`` now."""
    if service_now is None:
        return local_then            # no Date header: the best we have is our own clock
    return service_now.timestamp() - (local_now - local_then)


def in_window(items: Iterable[Any], known: set[str], sent_at_service: float,
              margin: float = WINDOW_MARGIN) -> list[Candidate]:
    """Task-list items that could be the lost task: unknown here and created after the request left."""
    out = []
    for item in items:
        if not item.task_id or item.task_id in known:
            continue
        created = item.created_at.timestamp() if item.created_at else None
        if created is not None and created < sent_at_service - margin:
            continue
        out.append(Candidate(task_id=item.task_id, created_at=created, model=item.model,
                             status=item.raw_status or (item.status.value if item.status else None)))
    return out


def _norm(text: str) -> str:
    return " ".join(text.split())


def _usage_number(usage: dict[str, Any], *keys: str) -> float | None:
    for k in keys:
        v = usage.get(k)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return float(v)
    return None


def verify(info: Any, request: Request, sent_prompt: str | None, max_prompt: int | None = None) -> str:
    """'match', 'mismatch' or 'unverifiable' for one candidate's ``GET /tasks/{id}`` answer."""
    status = (info.raw_status or "").upper()
    if status == "UNKNOWN":
        return "mismatch"
    usage = info.usage or {}
    params = request.params
    duration = params.get("duration")
    got = _usage_number(usage, "duration", "video_duration", "output_video_duration")
    if isinstance(duration, (int, float)) and got is not None and abs(float(duration) - got) > 0.5:
        return "mismatch"
    size = params.get("size")
    got_size = usage.get("size") or usage.get("video_ratio")
    if isinstance(size, str) and isinstance(got_size, str) and "*" in got_size and \
            got_size.replace(" ", "") != size.replace(" ", ""):
        return "mismatch"
    orig = info.orig_prompt
    sent = (sent_prompt or "").strip()
    if orig is None:
        return "unverifiable"
    if not sent:
        return "mismatch" if orig.strip() else "unverifiable"
    a, b = _norm(orig), _norm(sent)
    if a == b or (max_prompt and len(b) > max_prompt and a == _norm(sent[:max_prompt])):
        return "match"
    return "mismatch"


@dataclass(frozen=True)
class Decision:
    action: str                        # ADOPT | WAIT | NOT_CREATED | ASK
    candidate: Candidate | None = None
    reason: str | None = None          # for ASK: "ambiguous" | "unverifiable" | "list_failed"


def decide(candidates: list[Candidate], *, settled: bool, give_up: bool) -> Decision:
    """What to do with the candidates as verified so far (each has its ``verdict``)."""
    matches = [c for c in candidates if c.verdict == "match"]
    open_ = [c for c in candidates if c.verdict == "unverifiable"]
    pending = [c for c in open_ if (c.status or "").upper() not in FINISHED]
    if len(matches) > 1:
        return Decision(ASK, reason="ambiguous")
    if len(matches) == 1 and not pending:
        if open_:   # finished tasks that say nothing could be ours just as well
            return Decision(ASK, reason="ambiguous")
        return Decision(ADOPT, matches[0])
    if pending and not give_up:
        return Decision(WAIT)
    if matches or open_:
        return Decision(ASK, reason="ambiguous" if matches else "unverifiable")
    if settled:
        return Decision(NOT_CREATED)
    if give_up:
        return Decision(NOT_CREATED)
    return Decision(WAIT)
