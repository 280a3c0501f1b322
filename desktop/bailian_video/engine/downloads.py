"""Downloads: a finished task's video onto disk — resumable, verified, named, never paid for again."""
from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..api import errors as api_errors
from ..i18n import T
from . import outputs
from .records import SANDBOX, State, TaskRecord

if TYPE_CHECKING:
    from .engine import Engine

log = logging.getLogger("bailian_video.engine")


class Downloads:
    """The engine's download jobs (a part of :class:`Engine`, kept in its own module)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.jobs: dict[int, asyncio.Task[None]] = {}
        self._sem: asyncio.Semaphore | None = None

    def start(self, rec: TaskRecord) -> None:
        if rec.id in self.jobs and not self.jobs[rec.id].done():
            return
        if self._sem is None:
            self._sem = asyncio.Semaphore(self.engine.settings.download_workers)
        self.jobs[rec.id] = asyncio.create_task(self._run(rec), name=f"download-{rec.id}")

    def cancel(self, task_id: int) -> None:
        job = self.jobs.pop(task_id, None)
        if job:
            job.cancel()

    async def close(self) -> None:
        jobs, self.jobs = list(self.jobs.values()), {}
        for j in jobs:
            j.cancel()
        for j in jobs:
            with contextlib.suppress(BaseException):
                await j

    def folder(self, rec: TaskRecord) -> Path:
        return Path(rec.request.out_dir or self.engine.settings.out_dir).expanduser()

    async def _run(self, rec: TaskRecord) -> None:
        assert self._sem is not None
        eng = self.engine
        async with self._sem:
            try:
                await self._download(rec)
            except asyncio.CancelledError:
                raise
            except eng.NotOwner:
                pass
            except Exception as e:  # the record must say what happened, whatever it was
                log.exception("task %s: download failed unexpectedly", rec.id)
                eng._fail(rec, "DownloadFailed", T(
                    f"下载时出现内部错误：{type(e).__name__}。链接有效期内可点“重新下载”（免费）。",
                    f"An internal error interrupted the download: {type(e).__name__}. Use Retry download while "
                    f"the link is valid (free)."), costs=False)
            finally:
                self.jobs.pop(rec.id, None)

    async def _download(self, rec: TaskRecord) -> None:
        eng = self.engine
        folder = self.folder(rec)
        if not rec.output_path:
            try:
                await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
                stem = outputs.render_name(rec, rec.request.name_template or eng.settings.name_template)
                path = await asyncio.to_thread(outputs.reserve_path, folder, stem)
            except OSError as e:
                self._disk_error(rec, folder, e)
                return
            eng._save(rec, State.DOWNLOADING, output_path=str(path))
        assert rec.output_path and rec.result_url
        dest = Path(rec.output_path)
        attempt = 0
        client = eng._client(rec)
        while True:
            if rec.result_expires_at and rec.result_expires_at < eng.clock():
                self._drop_part(dest)
                eng._save(rec, State.EXPIRED, error_code="ResultExpired", retry_costs_money=True,
                          error_message=str(T("视频链接已过期（24 小时），无法再下载。",
                                              "The video link has expired (24 hours); it can no longer be downloaded.")))
                return
            try:
                await client.download(rec.result_url, dest, progress=lambda d, t: eng._progress(rec, d, t))
                break
            except api_errors.DownloadError as e:
                sandbox_rerun = rec.backend == SANDBOX and rec.chain.sandbox_reruns < 3
                if e.expired and sandbox_rerun and rec.result_expires_at and rec.result_expires_at > eng.clock():
                    eng._sandbox_forgot(rec)   # a restarted sandbox signs its links anew
                    return
                if e.expired:
                    self._drop_part(dest)
                    eng._save(rec, State.EXPIRED, error_code="ResultExpired", retry_costs_money=True,
                              error_message=str(T("视频链接已失效，服务器拒绝下载。生成已完成并计费；如需视频只能重新生成。",
                                                  "The video link is no longer valid; the server refused the download. "
                                                  "The generation was completed and billed; only a new run can "
                                                  "produce it again.")))
                    return
                attempt += 1
                if getattr(e, "permanent", False):   # an unusable link or an impossible size: no retry helps
                    self._drop_part(dest)
                    eng._fail(rec, e.code or "DownloadFailed", e.explain(), costs=False)
                    return
                if attempt >= eng.retry.download_attempts and sandbox_rerun:
                    eng._sandbox_forgot(rec)   # a restarted sandbox no longer serves the old link
                    return
                if attempt >= eng.retry.download_attempts:
                    eng._fail(rec, "DownloadFailed", T(
                        f"视频已生成，但下载失败：{e}。链接有效期内可点“重新下载”（免费，不会重新生成）。",
                        f"The video was made but the download failed: {e}. Use Retry download while the link is valid "
                        f"(free — nothing is generated again)."), costs=False)
                    return
                await asyncio.sleep(eng.retry.download_delay(attempt))
            except OSError as e:
                self._disk_error(rec, folder, e)
                return
        ok = await asyncio.to_thread(outputs.looks_like_mp4, dest)
        if not ok:
            with contextlib.suppress(OSError):
                dest.unlink()
            eng._fail(rec, "BadVideo", T("下载的文件不是完整的 MP4。可点“重新下载”（免费）。",
                                         "The downloaded file is not a complete MP4. Use Retry download (free)."),
                      costs=False)
            return
        data = outputs.sidecar_data(rec, full_paths=eng.settings.embed_full_paths)
        try:
            await asyncio.to_thread(self._finish_files, dest, data)
        except OSError as e:
            self._disk_error(rec, folder, e)
            return
        size = dest.stat().st_size
        eng._save(rec, State.DONE, done_at=eng.clock(), sidecar_path=str(dest.with_suffix(".json")),
                  bytes_done=size, bytes_total=size, error_code=None, error_message=None)

    @staticmethod
    def _drop_part(dest: Path) -> None:
        """No download can continue into it any more: leave nothing behind."""
        with contextlib.suppress(OSError):
            Path(str(dest) + ".part").unlink(missing_ok=True)

    @staticmethod
    def _finish_files(dest: Path, data: dict[str, Any]) -> None:
        outputs.embed_metadata(dest, data)
        outputs.write_sidecar(dest, data)

    def _disk_error(self, rec: TaskRecord, folder: Path, e: OSError) -> None:
        """The video could not be written. The name stays reserved (a retry resumes into it); a full
        disk gets its partial file back; a task that was done stays done (its file is just missing)."""
        if e.errno == errno.ENOSPC and rec.output_path:
            with contextlib.suppress(OSError):
                Path(rec.output_path + ".part").unlink(missing_ok=True)
        if e.errno == errno.ENOSPC:
            code, why = "DiskFull", T(
                f"磁盘空间不足，无法保存到 {folder}。请清理空间或在设置里换一个输出文件夹，然后点“重新下载”（免费）。",
                f"The disk is full; cannot save to {folder}. Free some space or choose another output folder in "
                f"Settings, then use Retry download (free).")
        else:
            code, why = "OutputNotWritable", T(
                f"无法写入输出文件夹 {folder}（{e.strerror or e}）。请在设置里选择一个可写的文件夹，然后点“重新下载”（免费）。",
                f"Cannot write to the output folder {folder} ({e.strerror or e}). Choose a writable folder in "
                f"Settings, then use Retry download (free).")
        if rec.done_at:
            self.engine._save(rec, State.DONE, error_code=code, error_message=str(why), error_message_en=why.en,
                              error_message_zh=why.zh)
            return
        self.engine._fail(rec, code, why, costs=False)

    async def recover_missing(self, done: list[TaskRecord]) -> None:
        """Videos that were done but whose file is gone are *marked*, never fetched again on their own:
        the person may have deleted them on purpose, or the disk may be full. Downloading again is one
        click (free while the link lives)."""
        eng = self.engine
        missing = await asyncio.to_thread(lambda: [r for r in done if r.output_path and not Path(r.output_path).exists()])
        for rec in missing:
            if rec.error_code == "FileMissing" or not eng.is_owner:
                continue
            if rec.can_retry_download and rec.result_expires_at:
                until = time.strftime("%m-%d %H:%M", time.localtime(rec.result_expires_at))
                why = T(f"视频文件不见了：{rec.output_path}。可点“重新下载”（{until} 前免费）。",
                        f"The video file is missing: {rec.output_path}. Download it again (free until {until}).")
            else:
                why = T(f"视频文件不见了：{rec.output_path}；链接已过期，无法再下载。",
                        f"The video file is missing: {rec.output_path}; its link has expired, so it cannot be "
                        f"downloaded again.")
            log.info("task %s: output file missing", rec.id)
            eng._save(rec, error_code="FileMissing", error_message=str(why), error_message_en=why.en,
                      error_message_zh=why.zh)
