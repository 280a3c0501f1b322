"""Where the service answers: the four deployment regions and their hosts.

Every region has a workspace host (``https://{workspace}.<region>.maas.aliyuncs.com``);
Beijing, Singapore and Virginia also have the shared DashScope host. A model marked
``host="workspace"`` (wan3.0) answers only on the workspace host, and Frankfurt has no
shared host at all, so both need a workspace id (Settings, ``--workspace`` or
``DASHSCOPE_WORKSPACE_ID``). The API key is sent only to the host of the task's region.
"""
from __future__ import annotations

import re

from ..i18n import T
from .schema import Region

BEIJING = "cn-beijing"
SINGAPORE = "ap-southeast-1"
VIRGINIA = "us-east-1"
FRANKFURT = "eu-central-1"

REGIONS: dict[str, Region] = {r.id: r for r in (
    Region(BEIJING, T("华北2（北京）", "China (Beijing)"), "https://dashscope.aliyuncs.com/api/v1",
           "https://{workspace}.cn-beijing.maas.aliyuncs.com/api/v1"),
    Region(SINGAPORE, T("新加坡", "Singapore"), "https://dashscope-intl.aliyuncs.com/api/v1",
           "https://{workspace}.ap-southeast-1.maas.aliyuncs.com/api/v1"),
    Region(VIRGINIA, T("美国（弗吉尼亚）", "US (Virginia)"), "https://dashscope-us.aliyuncs.com/api/v1",
           "https://{workspace}.us-east-1.maas.aliyuncs.com/api/v1"),
    Region(FRANKFURT, T("德国（法兰克福）", "Germany (Frankfurt)"), None,
           "https://{workspace}.eu-central-1.maas.aliyuncs.com/api/v1"),
)}

#: A workspace id as the console shows it: letters, digits and dashes (it becomes a host name).
WORKSPACE_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


class WorkspaceNeeded(ValueError):
    """The model or region answers only on a workspace host and no workspace id is set."""

    def __init__(self, region: str, model: str | None = None) -> None:
        self.region, self.model = region, model
        where = region_label(region)
        if model:
            self.message = T(
                f"{model} 只在业务空间专属域名上提供：请在“设置”里填写{where.zh}的业务空间 ID"
                f"（或使用 --workspace / DASHSCOPE_WORKSPACE_ID）。",
                f"{model} answers only on a workspace host: enter your {where.en} workspace id in "
                f"Settings (or use --workspace / DASHSCOPE_WORKSPACE_ID).")
        else:
            self.message = T(
                f"{where.zh}只有业务空间专属域名：请在“设置”里填写业务空间 ID（或使用 --workspace）。",
                f"{where.en} has only workspace hosts: enter your workspace id in Settings (or use --workspace).")
        super().__init__(self.message.en)


def region_label(region: str) -> T:
    r = REGIONS.get(region)
    return r.label if r else T(region, region)


def valid_workspace(workspace: str | None) -> bool:
    return bool(workspace) and WORKSPACE_RE.match(workspace or "") is not None


def base_url(region: str, workspace: str | None = None, host: str = "shared") -> str:
    """The API base (``…/api/v1``) for ``region``; the workspace host when ``host`` asks for it,
    when the region has no shared host, or when a workspace id is given and the caller wants it."""
    r = REGIONS[region]
    if host == "workspace" or r.base_url is None:
        if not workspace:
            raise WorkspaceNeeded(region)
        if not valid_workspace(workspace):
            raise ValueError(f"invalid workspace id: {workspace!r}")
        return r.workspace_url.format(workspace=workspace.lower())
    return r.base_url


def hosts_of(region: str, workspace: str | None = None) -> tuple[str, ...]:
    """Every base URL the key may be sent to for ``region`` (the shared host and, when a
    workspace id is set, its workspace host)."""
    r = REGIONS[region]
    out = [r.base_url] if r.base_url else []
    if workspace and valid_workspace(workspace):
        out.append(r.workspace_url.format(workspace=workspace.lower()))
    return tuple(out)


__all__ = ["BEIJING", "FRANKFURT", "REGIONS", "SINGAPORE", "VIRGINIA", "WorkspaceNeeded", "base_url", "hosts_of",
           "region_label", "valid_workspace"]
