"""Fault injection for the sandbox: a tiny rule language and a thread-safe plan.

A spec is a comma-separated list of rules ``KIND[@SCOPE][=ARG][*N|~P]``:

* ``*N`` fires on the next ``N`` matching requests, ``~P`` with probability ``P``
  (seeded RNG), neither on every matching request.
* ``SCOPE`` picks the requests: ``create``, ``detect``, ``query``, ``list``, ``cancel``,
  ``policy``, ``upload``, ``download``, ``api`` (the six API scopes) or ``any``
  (default). A rule only ever matches requests its kind makes sense for, so
  ``truncate`` alone means ``truncate@download``.

See ``docs/sandbox.md`` for what each kind does.
"""
from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass, field

API_SCOPES = frozenset({"create", "detect", "query", "list", "cancel", "policy"})
ALL_SCOPES = API_SCOPES | {"upload", "download"}
SCOPE_NAMES = ALL_SCOPES | {"api", "any"}

#: Which request scopes each kind can apply to.
KIND_SCOPES: dict[str, frozenset[str]] = {
    "throttle": API_SCOPES,
    "quota": API_SCOPES,
    "auth": API_SCOPES,
    "badjson": API_SCOPES,
    "5xx": ALL_SCOPES,
    "503": ALL_SCOPES,
    "drop": ALL_SCOPES,
    "slow": ALL_SCOPES,
    "lost": frozenset({"create"}),
    "late": frozenset({"create"}),
    "truncate": frozenset({"download"}),
    "moderation": frozenset({"create"}),
    "fail": frozenset({"create"}),
    "expire": frozenset({"create"}),
}

#: Kinds answered before the request is looked at (in this order of precedence).
EARLY_KINDS = ("drop", "auth", "throttle", "quota", "5xx", "503", "badjson")
#: Kinds that change what a successful task creation does.

#: One line per kind, for ``GET /sandbox/faults`` (details in ``docs/sandbox.md``).
KIND_EFFECTS: dict[str, str] = {
    "throttle": "429 Throttling.RateQuota with Retry-After: ARG (default 1)",
    "quota": "429 Throttling.AllocationQuota",
    "auth": "401 InvalidApiKey",
    "badjson": "HTTP 200 whose body is an error without output",
    "5xx": "500 InternalError (OSS XML on the storage hosts)",
    "503": "503 ModelUnavailable (ServiceUnavailable XML on the storage hosts)",
    "drop": "close the connection without an answer, before doing anything",
    "slow": "sleep ARG seconds (default 1) before handling the request",
    "lost": "create the task, then close the connection without answering",
    "late": "create the task at once, send the answer only after ARG seconds (default 1)",
    "truncate": "send the headers and half of the body, then close",
    "moderation": "the task ends FAILED DataInspectionFailed",
    "fail": "the task ends FAILED InternalError.Algo",
    "expire": "the task's result URL is issued already expired",
}

_RULE = re.compile(
    r"^(?P<kind>[a-z0-9]+)(?:@(?P<scope>[a-z]+))?(?:=(?P<arg>[0-9]+(?:\.[0-9]*)?))?"
    r"(?:\*(?P<n>[0-9]+)|~(?P<p>[0-9]*\.?[0-9]+))?$")


class FaultSpecError(ValueError):
    """A fault spec that does not parse."""


@dataclass
class FaultRule:
    kind: str
    scope: str = "any"
    arg: float | None = None
    remaining: int | None = None     # ``*N``: fires this many more times
    probability: float | None = None  # ``~P``
    fired: int = 0

    def applies_to(self, scope: str) -> bool:
        if scope not in KIND_SCOPES[self.kind]:
            return False
        if self.scope == "any":
            return True
        if self.scope == "api":
            return scope in API_SCOPES
        return self.scope == scope

    def __str__(self) -> str:
        out = self.kind
        if self.scope != "any":
            out += f"@{self.scope}"
        if self.arg is not None:
            out += f"={self.arg:g}"
        if self.remaining is not None:
            out += f"*{self.remaining}"
        elif self.probability is not None:
            out += f"~{self.probability:g}"
        return out


def parse_rule(text: str) -> FaultRule:
    m = _RULE.match(text.strip().lower())
    if not m:
        raise FaultSpecError(f"cannot parse fault rule {text!r}: expected KIND[@SCOPE][=ARG][*N|~P]")
    kind = m["kind"]
    if kind not in KIND_SCOPES:
        raise FaultSpecError(f"unknown fault kind {kind!r}; known: {', '.join(sorted(KIND_SCOPES))}")
    scope = m["scope"] or "any"
    if scope not in SCOPE_NAMES:
        raise FaultSpecError(f"unknown fault scope {scope!r}; known: {', '.join(sorted(SCOPE_NAMES))}")
    if scope in ALL_SCOPES and scope not in KIND_SCOPES[kind]:
        allowed = ", ".join(sorted(KIND_SCOPES[kind]))
        raise FaultSpecError(f"fault {kind!r} cannot apply to {scope!r} requests (only {allowed})")
    if scope == "api" and not (KIND_SCOPES[kind] & API_SCOPES):
        raise FaultSpecError(f"fault {kind!r} never applies to API requests")
    prob = float(m["p"]) if m["p"] is not None else None
    if prob is not None and not 0.0 <= prob <= 1.0:
        raise FaultSpecError(f"probability must be within 0..1 in {text!r}")
    return FaultRule(kind=kind, scope=scope, arg=float(m["arg"]) if m["arg"] is not None else None,
                     remaining=int(m["n"]) if m["n"] is not None else None, probability=prob)


@dataclass
class FaultPlan:
    """The active rules. ``take`` decides, under a lock, which rules fire for one request."""

    rules: list[FaultRule] = field(default_factory=list)
    seed: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(self.seed)

    @classmethod
    def parse(cls, spec: str | FaultPlan | None, seed: int = 0) -> FaultPlan:
        if isinstance(spec, FaultPlan):
            return spec
        rules = [parse_rule(part) for part in (spec or "").split(",") if part.strip()]
        return cls(rules=rules, seed=seed)

    def __bool__(self) -> bool:
        return bool(self.rules)

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.rules)

    def take(self, scope: str, kinds: tuple[str, ...] | frozenset[str],
             exclusive: bool = False) -> dict[str, FaultRule]:
        """The rules of the given kinds that fire for one request in ``scope`` (first per kind).

        With ``exclusive`` at most one rule fires (the first in spec order), so a rule that
        could not have been answered does not use up its ``*N``.
        """
        fired: dict[str, FaultRule] = {}
        if not self.rules:
            return fired
        with self._lock:
            for rule in self.rules:
                if rule.kind not in kinds or rule.kind in fired or not rule.applies_to(scope):
                    continue
                if rule.remaining is not None:
                    if rule.remaining <= 0:
                        continue
                    rule.remaining -= 1
                elif rule.probability is not None and self._rng.random() >= rule.probability:
                    continue
                rule.fired += 1
                fired[rule.kind] = rule
                if exclusive:
                    break
        return fired

    def describe(self) -> list[dict[str, object]]:
        with self._lock:
            return [{"rule": str(r), "kind": r.kind, "scope": r.scope, "arg": r.arg, "remaining": r.remaining,
                     "probability": r.probability, "fired": r.fired, "effect": KIND_EFFECTS[r.kind]}
                    for r in self.rules]


def describe_kinds() -> dict[str, dict[str, object]]:
    """Every known kind: the scopes it applies to and what it does."""
    return {kind: {"scopes": sorted(scopes), "effect": KIND_EFFECTS[kind]} for kind, scopes in KIND_SCOPES.items()}
