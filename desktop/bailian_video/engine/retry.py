"""The engine's retry policy, in one place: how long to wait after what, and when to give up.

The HTTP client retries single requests (throttling, 5xx, network errors) itself; this policy
is about the task: when a whole step is tried again later, and when trying stops.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    presubmit_attempts: int = 8       # uploads, detect, a create the service certainly refused for a while
    presubmit_base: float = 5.0
    presubmit_cap: float = 300.0
    poll_error_budget: int = 12       # query failures in a row before tracking pauses (Resume continues)
    poll_error_cap: float = 60.0
    auth_error_budget: int = 3        # 401s in a row on queries before "key rejected" (one can be a blip)
    unknown_budget: int = 3           # UNKNOWN answers before "the service does not know this task"
    download_attempts: int = 4
    download_cap: float = 30.0
    list_cap: float = 60.0            # reconciliation: task-list failures back off to this

    def presubmit_delay(self, attempt: int) -> float:
        return min(self.presubmit_cap, self.presubmit_base * 2 ** attempt)

    def presubmit_gives_up(self, attempt: int) -> bool:
        return attempt > self.presubmit_attempts

    def poll_error_delay(self, errors: int, poll_min: float, retry_after: float | None = None) -> float:
        if retry_after:
            return retry_after
        return min(self.poll_error_cap, poll_min * 2 ** errors)

    def download_delay(self, attempt: int) -> float:
        return min(self.download_cap, 1.0 * 2 ** attempt)

    def list_delay(self, attempt: int, interval: float) -> float:
        return min(max(self.list_cap, interval), interval * 2 ** attempt)
