"""Shared, thread-safe state of one sandbox: counters, uploaded files, motion templates."""
from __future__ import annotations

import threading
from collections import Counter, deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class Stats:
    """Counters the tests read. All updates go through :meth:`add` under one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.creations: Counter[str] = Counter()     # successful task creations per model (as sent)
        self.foreign_creations: Counter[str] = Counter()  # of those, made by "another client" per model
        self.requests: Counter[str] = Counter()      # every request by endpoint kind
        self.detects: Counter[str] = Counter()       # detect calls per model
        self.faults: Counter[str] = Counter()        # injected faults by kind
        self.errors: Counter[str] = Counter()        # error answers by code
        self.uploads = 0                             # files stored through the upload host
        self.downloads = 0                           # result GETs answered with 200/206
        self.bytes_served = 0                        # body bytes written by the result host
        self.auth_leaks = 0                          # Authorization headers seen on upload/result hosts
        self.renders = 0                             # videos actually rendered
        self.render_cache_hits = 0                   # renders answered from the content cache
        self.query_peak_qps = 0                      # most task query/list/cancel requests within one second
        self._query_times: deque[float] = deque()

    def query_hit(self, now: float, limit: float | None) -> bool:
        """Count one task query/list/cancel request (the account's 20 QPS applies to them together).
        Returns False when ``limit`` requests already arrived within the last second (it is refused)."""
        with self._lock:
            q = self._query_times
            while q and now - q[0] >= 1.0:
                q.popleft()
            if limit is not None and len(q) >= limit:
                return False
            q.append(now)
            self.query_peak_qps = max(self.query_peak_qps, len(q))
            return True

    def add(self, name: str, n: int = 1, key: str | None = None) -> None:
        with self._lock:
            if key is None:
                setattr(self, name, getattr(self, name) + n)
            else:
                getattr(self, name)[key] += n

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "creations": dict(self.creations), "foreign_creations": dict(self.foreign_creations),
                "requests": dict(self.requests),
                "detects": dict(self.detects), "faults": dict(self.faults), "errors": dict(self.errors),
                "uploads": self.uploads, "downloads": self.downloads, "bytes_served": self.bytes_served,
                "auth_leaks": self.auth_leaks, "renders": self.renders,
                "render_cache_hits": self.render_cache_hits, "query_peak_qps": self.query_peak_qps,
            }

    def reset(self) -> None:
        with self._lock:
            for c in (self.creations, self.foreign_creations, self.requests, self.detects, self.faults,
                      self.errors):
                c.clear()
            self.uploads = self.downloads = self.bytes_served = self.auth_leaks = 0
            self.renders = self.render_cache_hits = self.query_peak_qps = 0
            self._query_times.clear()


@dataclass
class Policy:
    """One getPolicy answer: where uploads may go and for which model."""

    upload_dir: str
    model: str
    max_bytes: int
    expires_at: float


@dataclass
class Upload:
    key: str
    path: Path
    model: str
    sha256: str
    size: int
    content_type: str
    created: float
    expires_at: float


@dataclass
class Template:
    """An AnimateAnyone motion template: the source video behind a template_id."""

    template_id: str
    task_id: str
    video: Path
    duration: float
    width: int
    height: int
    has_audio: bool


class Registry:
    """Policies, uploads and templates, keyed by their ids."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.policies: dict[str, Policy] = {}
        self.uploads: dict[str, Upload] = {}
        self.templates: dict[str, Template] = {}

    def add_policy(self, policy: Policy) -> None:
        with self._lock:
            self.policies[policy.upload_dir] = policy

    def policy_for_key(self, key: str) -> Policy | None:
        with self._lock:
            for upload_dir, pol in self.policies.items():
                if key.startswith(upload_dir + "/"):
                    return pol
        return None

    def add_upload(self, upload: Upload) -> bool:
        """Store an upload; False if the key exists (``x-oss-forbid-overwrite``)."""
        with self._lock:
            if upload.key in self.uploads:
                return False
            self.uploads[upload.key] = upload
            return True

    def upload(self, key: str) -> Upload | None:
        with self._lock:
            return self.uploads.get(key)

    def add_template(self, template: Template) -> None:
        with self._lock:
            self.templates[template.template_id] = template

    def template(self, template_id: str) -> Template | None:
        with self._lock:
            return self.templates.get(template_id)
