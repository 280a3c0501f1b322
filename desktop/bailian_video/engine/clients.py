"""A client per endpoint: every task is driven against the service it was created on.

A task records its backend (the paid service or the sandbox), region and base URL when it
is created. Switching region in Settings changes where *new* tasks go; tasks already in
flight keep their own endpoint (and so are never stranded or queried where they do not exist).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import catalog
from .records import SANDBOX, SERVICE, TaskRecord


class ClientPool:
    """Hands out one API client per base URL, created on first use and closed together."""

    def __init__(self, api_key: str | None, *, backend: str = SERVICE, base_url: str | None = None,
                 factory: Callable[..., Any] | None = None, client_options: dict[str, Any] | None = None,
                 query_qps: float | None = None):
        self._options = dict(client_options or {})
        if factory is None:
            from ..api.client import DashScopeClient
            from ..api.gate import QueryGate
            factory = DashScopeClient
            if query_qps and "query_gate" not in self._options:
                # one key, one account: its clients (every region and workspace) share the query budget
                self._options["query_gate"] = QueryGate(query_qps)
        self._factory = factory
        self._key = api_key
        self.backend = backend
        self.custom_base_url = base_url.rstrip("/") if base_url else None   # --base-url / the sandbox's URL
        self._clients: dict[str, Any] = {}

    def base_url_for_new(self, region: str, spec: catalog.ModelSpec | None = None,
                         workspace: str | None = None) -> str:
        """Where a new task of ``region`` is created (recorded on the task for its whole life): the
        shared host of the region, or the workspace host for a model (or region) that has only that."""
        if self.custom_base_url:
            return self.custom_base_url
        if spec is not None:
            return catalog.model_base_url(spec, region, workspace)
        return catalog.base_url(region, workspace)

    def for_base_url(self, base_url: str, region: str) -> Any:
        key = base_url.rstrip("/")
        client = self._clients.get(key)
        if client is None:
            client = self._factory(self._key, region=region, base_url=key, **self._options)
            self._clients[key] = client
        return client

    def for_record(self, rec: TaskRecord) -> Any:
        """The client for a task: the sandbox's current one for sandbox tasks (it moves between runs),
        otherwise the endpoint the task was created on."""
        region = rec.request.region or catalog.BEIJING
        if rec.backend == SANDBOX or self.backend == SANDBOX:
            return self.for_base_url(self.base_url_for_new(region), region)
        return self.for_base_url(rec.base_url or self.base_url_for_new(region), region)

    def for_region(self, region: str, workspace: str | None = None) -> Any:
        return self.for_base_url(self.base_url_for_new(region, workspace=workspace), region)

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for c in clients:
            await c.aclose()
