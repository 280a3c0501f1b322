"""Headless commands over the same engine as the GUI: generate, batch, tasks, models, spend, sequence, sandbox."""
from __future__ import annotations

import argparse
import asyncio
import csv
import dataclasses
import json
import math
import os
import shlex
import sys
import threading
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import catalog
from .catalog import Kind, ValidationError
from .catalog.kinds import KINDS
from .catalog.values import is_remote, local_path
from .engine import Request, State, TaskRecord
from .engine.film import take_records
from .engine.intake import CONSENT_AMOUNT, CONSENT_VIDEOS, needs_consent
from .i18n import T

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_CONFIG, EXIT_UNCERTAIN, EXIT_BUDGET = 0, 1, 2, 3, 4, 5
EXIT_INTERRUPTED = 130
EXIT_CODES = ("exit codes: 0 done; 1 a task failed; 2 bad input (nothing submitted); 3 no API key or a setting to "
              "fix; 4 a task needs your decision (see: tasks show); 5 held by --budget or a spending limit, nothing "
              "submitted (--over-budget submits anyway); 130 interrupted")


def _err(msg: Any) -> None:
    print(str(msg), file=sys.stderr, flush=True)


# -- parsing values by the catalogue ------------------------------------------------------------
def parse_param(spec: catalog.ModelSpec, name: str, raw: str, function: str | None) -> Any:
    p = spec.param(name, function)
    if p is None:
        return _guess(raw)
    try:
        if p.type == "int":
            return int(raw)
        if p.type == "float":
            return float(raw)
        if p.type == "bool":
            low = raw.strip().lower()
            if low in ("1", "true", "yes", "on"):
                return True
            if low in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if p.type == "str_list":
            return json.loads(raw) if raw.strip().startswith("[") else [x.strip() for x in raw.split(",") if x.strip()]
    except ValueError:
        return raw   # validation names the field and what it takes
    return raw


def _guess(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def build_request(spec: catalog.ModelSpec, prompt: str | None, negative: str | None, inputs: list[str],
                  params: list[str], function: str | None, region: str, out_dir: str | None,
                  media: list[str] | None = None) -> Request:
    """The request a command line asks for. Every ``--input FIELD=VALUE`` is read by its field's kind
    (a list field repeats it, a bounding box is JSON, a file becomes an absolute path …), and every
    ``--media TYPE=PATH_OR_URL[;FIELD=PATH_OR_URL]`` adds one item, in order, to the model's media input."""
    req_inputs: dict[str, Any] = {}
    if prompt is not None:
        req_inputs["prompt"] = prompt
    if negative is not None:
        req_inputs["negative_prompt"] = negative
    for item in inputs:
        if "=" not in item:
            raise UsageError(f"--input takes FIELD=PATH_OR_URL, got {item!r}")
        name, value = item.split("=", 1)
        _read_cli_value(spec, function, req_inputs, name.strip(), value, _abs)
    if media:
        ins = media_input(spec, function)
        if ins is None:
            raise UsageError(str(T(
                f"{spec.name} 不接受 --media（它没有素材列表输入）；它接受：{takes(spec, function, 'zh')}。",
                f"{spec.name} takes no --media (it has no media list input); it takes: "
                f"{takes(spec, function, 'en')}.")))
        for raw in media:
            _read_cli_value(spec, function, req_inputs, ins.name, raw, _abs, flag="--media")
    req_params: dict[str, Any] = {}
    for item in params:
        if "=" not in item:
            raise UsageError(f"--param takes NAME=VALUE, got {item!r}")
        name, value = item.split("=", 1)
        req_params[name] = parse_param(spec, name, value, function)
    return Request(spec.name, req_inputs, req_params, function=function, region=region, out_dir=out_dir)


def media_input(spec: catalog.ModelSpec, function: str | None = None) -> catalog.InputSpec | None:
    """The model's ``input.media`` list (the input of kind MEDIA), if it has one."""
    return next((i for i in spec.inputs_for(function) if i.kind == Kind.MEDIA), None)


def takes(spec: catalog.ModelSpec, function: str | None, lang: str) -> str:
    """What a model's command line takes, for messages: ``--prompt, --input img_url=…, --media TYPE=…``."""
    out = []
    for ins in spec.inputs_for(function):
        if ins.from_detect:
            continue
        if ins.name == "prompt":
            out.append("--prompt")
        elif ins.name == "negative_prompt":
            out.append("--negative-prompt")
        elif ins.kind == Kind.MEDIA:
            types = "|".join(t.type for t in ins.media_types)
            out.append(f"--media {types}=…")
        else:
            out.append(f"--input {ins.name}=… ({ins.label.get(lang)})")
    return ", ".join(out) or "-"


def _read_cli_value(spec: catalog.ModelSpec, function: str | None, inputs: dict[str, Any], name: str, raw: str,
                    absolute: Callable[[str], str], flag: str = "--input") -> None:
    """One value from the command line (or a batch cell), read by its field's kind; fields the model does
    not have are kept as given (validation names them and what the model takes)."""
    ins = spec.input(name, function)
    if ins is None:
        inputs[name] = raw
        return
    try:
        inputs[name] = KINDS[ins.kind].parse_cli(ins, raw, inputs.get(name), absolute)
    except ValueError as e:
        raise UsageError(f"{flag}: {e}" if not str(e).startswith(flag) else str(e)) from None


def _abs(value: str) -> str:
    if is_remote(value):
        return value
    return str(Path(local_path(value)).expanduser().resolve())


class UsageError(ValueError):
    """A command line that cannot be run as given (exit code 2)."""


# -- progress on a terminal -----------------------------------------------------------------------
class Progress:
    """A live line per task on a terminal; plain state-change lines otherwise (logs, pipes)."""

    def __init__(self, ids: list[int], engine: Any, stream=sys.stderr):
        self.ids = ids
        self.engine = engine
        self.stream = stream
        self.tty = stream.isatty()
        self.drawn = 0
        self.last_state: dict[int, State] = {}

    def line(self, rec: TaskRecord) -> str:
        now = time.time()
        parts = [f"#{rec.id}", rec.model, str(rec.state.label)]
        parts.append(f"{rec.elapsed(now):.0f}s")
        eta = rec.eta_seconds(now)
        if eta is not None and rec.state in (State.QUEUED, State.RUNNING):
            parts.append(f"ETA {eta:.0f}s ({rec.generation_progress(now) * 100:.0f}%)")
        if rec.state in (State.UPLOADING, State.DOWNLOADING) and rec.bytes_done:
            total = f"/{rec.bytes_total / 1e6:.1f}" if rec.bytes_total else ""
            parts.append(f"{rec.bytes_done / 1e6:.1f}{total} MB")
        if rec.state == State.DONE and rec.output_path:
            parts.append(rec.output_path)
        if rec.state in (State.FAILED, State.STOPPED, State.EXPIRED) and rec.error_message:
            parts.append(f"[{rec.error_code or ''}] {rec.error_message}")
        return "  ".join(parts)

    def draw(self) -> None:
        recs = [self.engine.get(i) for i in self.ids if self.engine.get(i)]
        if self.tty:
            if self.drawn:
                self.stream.write(f"\x1b[{self.drawn}F")
            for rec in recs:
                self.stream.write("\x1b[2K" + self.line(rec)[:200] + "\n")
            self.drawn = len(recs)
            self.stream.flush()
        else:
            for rec in recs:
                if self.last_state.get(rec.id) != rec.state:
                    self.last_state[rec.id] = rec.state
                    self.stream.write(self.line(rec) + "\n")
            self.stream.flush()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.draw()
            try:
                await asyncio.wait_for(stop.wait(), 0.5 if self.tty else 0.2)
            except TimeoutError:
                pass
        self.draw()


def record_json(rec: TaskRecord) -> dict[str, Any]:
    return {
        "id": rec.id, "model": rec.model, "state": rec.state.value, "task_id": rec.task_id,
        "request_ids": rec.request_ids, "output_path": rec.output_path, "sidecar_path": rec.sidecar_path,
        "error_code": rec.error_code, "error_message": rec.error_message, "retry_costs_money": rec.retry_costs_money,
        "cost_estimate": rec.cost_estimate, "cost": rec.cost_actual, "usage": rec.usage, "prompt": rec.prompt,
        "seed": rec.request.params.get("seed"), "created_at": rec.created_at, "done_at": rec.done_at,
        "backend": rec.backend, "region": rec.request.region, "base_url": rec.base_url,
        "candidates": [c.to_json() for c in rec.chain.candidates] if rec.state == State.UNCERTAIN else [],
    }


def _one_line(text: str) -> str:
    """A table cell: tabs, line breaks and other control characters shown as spaces."""
    return "".join(" " if ch in "\t\r\n" or ord(ch) < 32 or ord(ch) == 127 else ch for ch in text)


def describe_candidates(rec: TaskRecord) -> list[str]:
    """The lines ``tasks show`` prints for a task that needs the person's decision."""
    lines = [str(T(f"任务 #{rec.id} 需要你确认：{rec.error_text()}", f"Task #{rec.id} needs your decision: {rec.error_text()}"))]
    for c in rec.chain.candidates:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(c.created_at)) if c.created_at else "?"
        said = f"  prompt={c.prompt!r}" if c.prompt else ""
        lines.append(f"  {c.task_id}  {when}  {c.model or '-'}  {c.status or '-'}{said}")
    lines.append(str(T(f"采用其中一个（免费）：bailian-video tasks adopt {rec.id} 任务ID\n"
                       f"确认没有创建、重新提交（再次计费）：bailian-video tasks resubmit {rec.id}",
                       f"Adopt one (free): bailian-video tasks adopt {rec.id} TASK_ID\n"
                       f"Not created — submit again (charged again): bailian-video tasks resubmit {rec.id}")))
    return lines


# -- commands -------------------------------------------------------------------------------------
def _store_path(args: argparse.Namespace) -> Path:
    from .engine.paths import data_dir, store_path
    return store_path(data_dir(args.data_dir), bool(args.sandbox))


async def _context(args: argparse.Namespace):
    from .keys import key_from_env_or_keychain

    key = None if args.sandbox else key_from_env_or_keychain()
    base_url = args.base_url or os.environ.get("DASHSCOPE_HTTP_BASE_URL")
    if not args.sandbox and not key:
        _err(T("没有 API Key：请设置环境变量 DASHSCOPE_API_KEY，或在应用的设置里保存到系统钥匙串；也可以加 --sandbox 免费试用本地沙盒。",
               "No API key: set DASHSCOPE_API_KEY or save one in the app's Settings (system keychain); or add "
               "--sandbox to try the free local sandbox."))
        raise SystemExit(EXIT_CONFIG)
    if key:
        from .api.errors import DashScopeError
        from .keys import check_key
        try:
            key = check_key(key)
        except DashScopeError as e:   # a pasted key with a line break in it, say
            _err(e.explain())
            raise SystemExit(EXIT_CONFIG) from None
    from .engine import EngineSettings
    settings = EngineSettings()
    if args.poll_min is not None:
        settings.poll_min = args.poll_min
    if args.expect_seconds is not None:
        settings.expected_override = args.expect_seconds
    settings.embed_full_paths = bool(getattr(args, "full_paths", False))
    for name in ("reconcile_settle", "reconcile_interval"):
        if getattr(args, name, None) is not None:
            setattr(settings, name, getattr(args, name))
    options = {"timeout": args.client_timeout} if args.client_timeout else None
    from .api.errors import InsecureConnectionError
    from .engine.store import StoreError
    try:
        ctx = await _create_context(args, key, base_url, settings, options)
    except StoreError as e:
        _err(e)
        raise SystemExit(EXIT_FAILED) from None
    except InsecureConnectionError as e:   # the key would travel in clear text
        _err(e.explain())
        raise SystemExit(EXIT_CONFIG) from None
    except catalog.WorkspaceNeeded as e:   # Frankfurt has only workspace hosts
        _err(e.message)
        raise SystemExit(EXIT_USAGE) from None
    owner = ctx.engine.owner_text()
    if owner is not None:
        _err(T(f"这个数据文件夹里的任务正由{owner.zh}运行；新任务交给它运行，这里等待结果（它退出后由这里接手）。",
               f"Tasks in this data folder are being run by {owner.en}; new tasks are handed to it and this command "
               f"waits for the results (and takes over if it exits)."))
    return ctx


async def _create_context(args: argparse.Namespace, key: str | None, base_url: str | None, settings: Any,
                          options: dict[str, Any] | None) -> Any:
    from .services import AppContext
    return await AppContext.create(data_dir=args.data_dir, api_key=key, region=args.region, base_url=base_url,
                                  sandbox=args.sandbox, sandbox_task_seconds=args.sandbox_task_seconds,
                                  out_dir=getattr(args, "out", None), settings=settings, kind="cli",
                                  client_options=options, workspace=args.workspace)


def _custom_base_url(args: argparse.Namespace) -> bool:
    """Everything goes to one URL (the sandbox, --base-url, $DASHSCOPE_HTTP_BASE_URL): no hosts to pick."""
    return bool(args.sandbox or args.base_url or os.environ.get("DASHSCOPE_HTTP_BASE_URL"))


def where_problems(spec: catalog.ModelSpec, args: argparse.Namespace) -> list[catalog.FieldError]:
    """The catalogue's word on where ``spec`` can run: not offered in ``--region``, or it (or the region)
    answers only on a workspace host and no ``--workspace`` is set. Checked before anything else happens."""
    errs = catalog.validate(spec, {}, {}, region=args.region, workspace=args.workspace, strict=False,
                            need_host=not _custom_base_url(args))
    return [e for e in errs if e.field in ("region", "workspace")]


async def _wait_and_report(ctx: Any, ids: list[int], as_json: bool, extra: list[dict[str, Any]] | None = None) -> int:
    stop = asyncio.Event()
    progress = None if as_json else Progress(ids, ctx.engine)
    drawer = asyncio.create_task(progress.run(stop)) if progress else None
    try:
        recs = await ctx.engine.wait(ids)
    finally:
        stop.set()
        if drawer:
            await drawer
    failed = [r for r in recs if r.state not in (State.DONE, State.UNCERTAIN)]
    uncertain = [r for r in recs if r.state == State.UNCERTAIN]
    if as_json:
        print(json.dumps({"tasks": [record_json(r) for r in recs], "duplicates": extra or []}, ensure_ascii=False,
                         indent=2))
    else:
        for r in recs:
            if r.state == State.DONE:
                print(r.output_path)
            elif r.state == State.UNCERTAIN:
                for line in describe_candidates(r):
                    _err(line)
            else:
                _err(f"#{r.id} {r.model}: {r.state.label} [{r.error_code or '-'}] {r.error_text() or ''}")
    return EXIT_FAILED if failed else EXIT_UNCERTAIN if uncertain else EXIT_OK


async def cmd_generate(args: argparse.Namespace) -> int:
    spec = catalog.get(args.model)
    if spec is None:
        for e in catalog.validate(args.model, {}, {}):
            _err(e)
        return EXIT_USAGE
    try:
        req = build_request(spec, args.prompt, args.negative_prompt, args.input or [], args.param or [],
                            args.function, args.region, args.out, media=args.media or [])
    except UsageError as e:
        _err(e)
        return EXIT_USAGE
    where = where_problems(spec, args)
    if where:   # before the key, the task store or any file is touched: nothing can be uploaded or paid
        for fe in where:
            _err(fe)
        return EXIT_USAGE
    ctx = await _context(args)
    try:
        try:
            prepared = await ctx.engine.prepare(req, count=args.count)
        except ValidationError as e:
            for fe in e.errors:
                _err(fe)
            return EXIT_USAGE
        if not _within_ceiling(args, prepared.amount):
            return EXIT_BUDGET
        if not _consent(args, prepared.count, prepared.amount, prepared.estimate.confirmed):
            return EXIT_USAGE
        from .engine.budget import OverBudget
        try:
            result = await ctx.engine.submit(prepared.request, count=prepared.count, force=args.force,
                                             prepared=prepared, over_budget=args.over_budget)
        except OverBudget as e:
            _held(args, e.hold)
            return EXIT_BUDGET
        if result.duplicate_of is not None:
            dup = result.duplicate_of
            _err(T(f"这个视频（相同设置和种子）已经做过（任务 #{dup.id}），不再重复付费；如需重新生成请加 --force。",
                   f"This video (same settings and seed) was already made (task #{dup.id}); not paying again. Add "
                   f"--force to run it anew."))
            if dup.state.terminal:
                if args.json:
                    print(json.dumps({"tasks": [], "duplicates": [record_json(dup)]}, ensure_ascii=False, indent=2))
                else:
                    print(dup.output_path)
                return EXIT_OK
            ids = [dup.id]
        else:
            ids = [r.id for r in result.tasks]
            approx = not prepared.estimate.confirmed
            _err(T(f"预计费用 ¥{prepared.amount:.2f}{'（约）' if approx else ''}",
                   f"Estimated cost ¥{prepared.amount:.2f}{' (approx.)' if approx else ''}"))
        if args.no_wait:
            if args.json:
                print(json.dumps({"tasks": [record_json(ctx.engine.get(i)) for i in ids]}, ensure_ascii=False, indent=2))
            else:
                for i in ids:
                    print(i)
            return EXIT_OK
        return await _wait_and_report(ctx, ids, args.json)
    finally:
        await ctx.close()


class BatchRow:
    """One line of a batch file: what it asks for, or why it cannot be read."""

    def __init__(self, line: int, item: dict[str, Any] | None = None, error: str | None = None):
        self.line, self.item, self.error = line, item, error


KNOWN_COLUMNS = {"model", "prompt", "negative_prompt", "function", "count", "inputs", "params"}


def read_batch(path: Path) -> list[BatchRow]:
    """Rows of a CSV (columns model, prompt, negative_prompt, function, count, input.X, param.Y) or JSONL,
    each with its line number; rows that cannot be understood carry an error instead of stopping the read."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise BatchFileError(str(T(f"无法读取批量文件 {path}（{e.strerror or e}）。", f"Cannot read the batch file {path} "
                                                                                   f"({e.strerror or e})."))) from e
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line_no = raw[:e.start].count(b"\n") + 1
        raise BatchFileError(str(T(
            f"批量文件 {path} 不是 UTF-8 编码（第 {line_no} 行附近）。请用 UTF-8 另存（Excel：另存为“CSV UTF-8”）。",
            f"The batch file {path} is not UTF-8 (near line {line_no}). Save it as UTF-8 (Excel: Save As "
            f"'CSV UTF-8')."))) from e
    rows: list[BatchRow] = []
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                parsed = json.loads(line)
            except ValueError as e:
                rows.append(BatchRow(n, error=f"not valid JSON ({e})"))
                continue
            rows.append(_check_row(n, parsed))
        return rows
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in (reader.fieldnames or [])]
    lowered = {h.lower() for h in header}
    if reader.fieldnames and "model" not in header:
        hint = " (column names are lower case: model, prompt, …)" if "model" in lowered else ""
        raise BatchFileError(f"{path}: line 1: the header has no 'model' column{hint}")
    for row in reader:
        n = reader.line_num
        if None in row:
            rows.append(BatchRow(n, error=f"{len(header) + len(row[None])} fields, but the header has "
                                          f"{len(header)} (a comma inside a value needs quotes)"))
            continue
        item: dict[str, Any] = {"inputs": {}, "params": {}}
        for k, v in row.items():
            if v in (None, ""):
                continue
            k = k.strip()
            if k.startswith("input."):
                item["inputs"][k[6:]] = v
            elif k.startswith("param."):
                item["params"][k[6:]] = v
            else:
                item[k] = v
        rows.append(_check_row(n, item))
    return rows


class BatchFileError(ValueError):
    """The batch file as a whole cannot be used."""


def _check_row(n: int, item: Any) -> BatchRow:
    if not isinstance(item, dict):
        return BatchRow(n, error=f"a row must be a JSON object with model, prompt, inputs, params; got "
                                 f"{type(item).__name__}")
    for key in ("inputs", "params"):
        if item.get(key) is not None and not isinstance(item[key], dict):
            return BatchRow(n, error=f"'{key}' must be an object of name: value; got {type(item[key]).__name__}")
    unknown = sorted(k for k in item if k not in KNOWN_COLUMNS)
    if unknown:
        return BatchRow(n, error=f"unknown column(s) {', '.join(unknown)}; use model, prompt, negative_prompt, "
                                 f"function, count, input.NAME, param.NAME")
    count = item.get("count", 1)
    try:
        count = int(count) if not isinstance(count, bool) else None
    except (TypeError, ValueError):
        count = None
    if count is None or count < 1:
        return BatchRow(n, error=f"count must be a whole number of at least 1; got {item.get('count')!r}")
    item["count"] = count
    if not isinstance(item.get("model"), str) or not item.get("model"):
        return BatchRow(n, error="the row names no model")
    return BatchRow(n, item)


def _row_request(row: dict[str, Any], base: Path, args: argparse.Namespace) -> Request:
    """A batch row as a request: files relative to the batch file's folder, every value read by its
    field's kind (text cells like the command line's ``--input``/``--media``, JSON values as they are)."""
    spec = catalog.require(str(row["model"]))
    function = row.get("function")

    def absolute(value: str) -> str:
        if is_remote(value) or Path(local_path(value)).expanduser().is_absolute():
            return _abs(value)
        return _abs(str(base / local_path(value)))

    inputs: dict[str, Any] = {}
    for k, v in (row.get("inputs") or {}).items():
        ins = spec.input(k, function)
        if ins is None or v is None:
            inputs[k] = v
            continue
        kind = KINDS[ins.kind]
        if isinstance(v, str) and kind.listed and v.lstrip().startswith("["):
            try:
                v = json.loads(v)          # a CSV cell holding a JSON list
            except ValueError:
                pass
        if isinstance(v, str):
            try:
                inputs[k] = kind.parse_cli(ins, v, None, absolute)
            except ValueError:
                inputs[k] = v              # validation says what the field takes
            continue
        new = {fs.slot: absolute(fs.value) for fs in kind.file_slots(ins, v)
               if isinstance(fs.value, str) and fs.value}
        try:
            inputs[k] = kind.rebuild(ins, v, new) if new else v
        except (TypeError, ValueError, AttributeError):
            inputs[k] = v
    for k in ("prompt", "negative_prompt"):
        if row.get(k) is not None:
            inputs[k] = row[k]
    params = {k: (parse_param(spec, k, v, function) if isinstance(v, str) else v)
              for k, v in (row.get("params") or {}).items()}
    return Request(spec.name, inputs, params, function=function, region=args.region, out_dir=args.out)


def _consent(args: argparse.Namespace, videos: int, amount: float, confirmed: bool = True) -> bool:
    """Spending above the thresholds needs --yes (the sandbox is free)."""
    if args.sandbox or args.yes or not needs_consent(videos, amount, args.confirm_videos, args.confirm_cost):
        return True
    approx = "" if confirmed else "≈"
    _err(T(f"这会生成 {videos} 个视频，预计 {approx}¥{amount:.2f}，超过了确认阈值（{args.confirm_videos} 个视频或 "
           f"¥{args.confirm_cost:.0f}）。确认要付费请加 --yes；什么都没有提交。",
           f"This makes {videos} videos for about {approx}¥{amount:.2f}, over the confirmation threshold "
           f"({args.confirm_videos} videos or ¥{args.confirm_cost:.0f}). Add --yes to pay for it; nothing was "
           f"submitted."))
    return False


def _within_ceiling(args: argparse.Namespace, amount: float) -> bool:
    """``--budget``: the whole command's estimate must fit under the ceiling, else nothing is submitted."""
    if args.budget is None or amount <= args.budget + 1e-9:
        return True
    _err(T(f"已暂缓，未提交：这次共约 ¥{amount:.2f}，超过了 --budget ¥{args.budget:.2f}。",
           f"Held, not submitted: this costs about ¥{amount:.2f} in total, over --budget ¥{args.budget:.2f}."))
    return False


def _held(args: argparse.Namespace, hold: Any) -> None:
    """A daily or monthly limit holds the command: the amounts, and the two ways on."""
    flag = "--set-daily" if hold.period == "day" else "--set-monthly"
    where = (" --sandbox" if args.sandbox else "") + (f" --data-dir {shlex.quote(args.data_dir)}" if args.data_dir else "")
    _err(hold.message())
    _err(T(f"提高上限：bailian-video spend {flag} {hold.raise_to:.0f}{where}；仍然提交这一次：加 --over-budget。",
           f"To raise the limit: bailian-video spend {flag} {hold.raise_to:.0f}{where}; to submit this once anyway: "
           f"add --over-budget."))


async def cmd_batch(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        rows = read_batch(path)
    except BatchFileError as e:
        _err(e)
        return EXIT_USAGE
    if not rows:
        _err(T(f"{path} 里没有任何任务行。", f"{path} has no rows to run."))
        return EXIT_USAGE
    base = path.resolve().parent
    ctx = await _context(args)
    ids: list[int] = []
    dups: list[dict[str, Any]] = []
    try:
        # Every row is checked before anything is queued: one bad row never leaves earlier rows to be paid.
        good: list[tuple[int, Any]] = []
        bad: list[str] = []
        for row in rows:
            if row.error is not None:
                bad.append(f"{path.name}: line {row.line}: {row.error}")
                continue
            assert row.item is not None
            if catalog.get(str(row.item["model"])) is None:
                for fe in catalog.validate(str(row.item["model"]), {}, {}):
                    bad.append(f"{path.name}: line {row.line}: {fe}")
                continue
            try:
                req = _row_request(row.item, base, args)
                good.append((row.line, await ctx.engine.prepare(req, count=row.item["count"])))
            except ValidationError as e:
                bad.extend(f"{path.name}: line {row.line}: {fe}" for fe in e.errors)
        for line in bad:
            _err(line)
        if bad and not args.skip_bad_rows:
            _err(T(f"{len(bad)} 处问题；什么都没有提交。修正后再运行，或加 --skip-bad-rows 只运行没问题的 {len(good)} 行。",
                   f"{len(bad)} problem(s); nothing was submitted. Fix them and run again, or add --skip-bad-rows "
                   f"to run the {len(good)} good row(s) only."))
            return EXIT_USAGE
        videos = sum(p.count for _, p in good)
        amount = round(sum(p.amount for _, p in good), 4)
        _err(T(f"{videos} 个视频，约 ¥{amount:.2f}", f"{videos} videos, about ¥{amount:.2f}"))
        if not _within_ceiling(args, amount):
            return EXIT_BUDGET
        from .engine import budget
        # The limits are checked for the whole batch before any row: a batch never stops halfway.
        hold = None if args.over_budget else budget.check(ctx.engine.store, amount)
        if hold is not None:
            _held(args, hold)
            return EXIT_BUDGET
        if not _consent(args, videos, amount, all(p.estimate.confirmed for _, p in good)):
            return EXIT_USAGE
        for _line, prepared in good:
            result = await ctx.engine.submit(prepared.request, count=prepared.count, force=args.force,
                                             prepared=prepared, over_budget=True)
            if result.duplicate_of is not None:
                dup = result.duplicate_of
                if dup.state.terminal:
                    dups.append(record_json(dup))
                    if not args.json:
                        print(dup.output_path)
                else:
                    ids.append(dup.id)
            ids.extend(r.id for r in result.tasks)
        if args.no_wait:
            for i in ids:
                print(i)
            return EXIT_USAGE if bad else EXIT_OK
        code = await _wait_and_report(ctx, ids, args.json, dups) if ids else EXIT_OK
        return EXIT_USAGE if bad and code == EXIT_OK else code
    finally:
        await ctx.close()


def _open_readonly(args: argparse.Namespace) -> Any:
    """The task store for reading only (works in a read-only folder and while another process owns it)."""
    from .engine import TaskStore
    path = _store_path(args)
    if not path.exists():
        return None
    store = TaskStore(path, readonly=True)
    if store.version == 0:     # the owner has made the file but not yet its tables: no tasks so far
        store.close()
        return None
    return store


def _restore(args: argparse.Namespace) -> int:
    """Put a damaged task database aside and restore the newest backup (or start empty with --empty)."""
    from .engine.store import StoreError, TaskStore, list_backups, restore_backup
    path = _store_path(args)
    backups = list_backups(path)
    if not args.empty and not backups:
        _err(T(f"{path} 没有备份。加 --empty 可从空白历史开始（原文件改名保留）。",
               f"There is no backup of {path}. Add --empty to start an empty history (the file is kept, renamed)."))
        return EXIT_FAILED
    used = restore_backup(path, empty=args.empty)
    try:
        store = TaskStore(path)
    except StoreError as e:
        _err(e)
        return EXIT_FAILED
    try:
        unfinished = [r for r in store.all() if r.state.active or r.state == State.STOPPED]
        total = store.count()
    finally:
        store.close()
    if used is not None:
        _err(T(f"已恢复备份 {used.name}：{total} 个任务，其中 {len(unfinished)} 个未完成（运行 tasks resume 继续）。",
               f"Restored the backup {used.name}: {total} tasks, {len(unfinished)} unfinished (run tasks resume "
               f"to carry on)."))
    else:
        _err(T("已从空白历史开始；原来的文件已改名保留。", "Started an empty history; the old file is kept, renamed."))
    return EXIT_OK


async def cmd_tasks(args: argparse.Namespace) -> int:
    action = args.action
    if action == "restore":
        return _restore(args)
    if action == "list":
        store = _open_readonly(args)
        if store is None:
            recs = []
        else:
            try:
                recs = store.all()
            finally:
                store.close()
        if args.json:
            print(json.dumps([record_json(r) for r in recs], ensure_ascii=False, indent=2))
        else:
            for r in recs:
                cells = [f"#{r.id}", r.state.value, r.model, r.task_id or "-", (r.prompt or "")[:40],
                         r.output_path or r.error_text() or ""]
                print("\t".join(_one_line(c) for c in cells))
        return EXIT_OK
    if action == "show":
        store = _open_readonly(args)
        try:
            rec = store.get(int(args.id)) if store is not None else None
        finally:
            if store is not None:
                store.close()
        if rec is None:
            _err(f"no task #{args.id}")
            return EXIT_USAGE
        print(json.dumps(record_json(rec), ensure_ascii=False, indent=2))
        if rec.state == State.UNCERTAIN and not args.json:
            for line in describe_candidates(rec):
                _err(line)
        return EXIT_OK
    ctx = await _context(args)
    try:
        engine = ctx.engine
        if action == "resume":
            # Unfinished tasks carry on by themselves; stopped ones (a rejected key, too many failed
            # queries, the 6-hour wait) are tracked again — or a single one when an ID is given.
            chosen = [engine.get(int(args.id))] if args.id else engine.tasks()
            if args.id and chosen[0] is None:
                _err(f"no task #{args.id}")
                return EXIT_USAGE
            stopped = [r for r in chosen if r is not None and r.state in (State.STOPPED, State.FAILED)
                       and (r.can_resume or (r.state == State.STOPPED and r.can_retry_download))]
            for r in stopped:
                await engine.resume(r.id)
            ids = [r.id for r in chosen if r is not None and (r.state.active or r in stopped)]
            if not ids:
                _err(T("没有未完成或可继续跟踪的任务。", "No unfinished or resumable tasks."))
                return EXIT_OK
            return await _wait_and_report(ctx, ids, args.json)
        rec = engine.get(int(args.id)) if args.id else None
        if rec is None:
            _err(f"no task #{args.id}")
            return EXIT_USAGE
        if action == "cancel":
            await engine.cancel(rec.id)
        elif action == "adopt":
            if not args.service_task_id:
                _err(T("用法：tasks adopt 任务号 服务任务ID", "usage: tasks adopt ID SERVICE_TASK_ID"))
                return EXIT_USAGE
            try:
                await engine.adopt(rec.id, args.service_task_id)
            except ValueError as e:
                _err(e)
                return EXIT_USAGE
            return await _wait_and_report(ctx, [rec.id], args.json)
        elif action == "resubmit":
            try:
                await engine.resubmit(rec.id)
            except ValueError as e:
                _err(e)
                return EXIT_USAGE
            return await _wait_and_report(ctx, [rec.id], args.json)
        elif action == "retry-download":
            if not rec.result_url:
                _err(T("这个任务还没有视频链接（服务端可能还没完成）；请用 tasks resume 继续跟踪它。",
                       "This task has no video link yet (the service may not have finished it); use tasks resume "
                       "to track it again."))
                return EXIT_FAILED
            if not rec.can_retry_download:
                _err(T("这个任务的视频链接已过期（24 小时），无法再下载。",
                       "This task's video link has expired (24 hours); it can no longer be downloaded."))
                return EXIT_FAILED
            await engine.retry_download(rec.id, out_dir=args.out)
            return await _wait_and_report(ctx, [rec.id], args.json)
        if args.json:
            print(json.dumps(record_json(rec), ensure_ascii=False, indent=2))
        else:
            print(f"#{rec.id} {rec.state.label} {rec.error_message or ''}")
        return EXIT_OK
    finally:
        await ctx.close()


# -- local commands: spending and sequences ------------------------------------------------------
def _local_store(args: argparse.Namespace, *, write: bool) -> Any:
    """The active backend's task store (the paid service's, or the sandbox's with --sandbox); reading opens
    it read-only, so it works in a read-only folder and beside the app."""
    from .engine import TaskStore
    from .engine.records import SANDBOX, SERVICE
    from .engine.store import SCHEMA_VERSION
    store = None if write else _open_readonly(args)
    if store is not None and store.version < SCHEMA_VERSION:   # an older database: bring it up to date first
        store.close()
        store = None
    return store or TaskStore(_store_path(args), SANDBOX if args.sandbox else SERVICE)


class _Library:
    """The task store and its sequences, for commands that only read or edit them (no engine to load)."""

    def __init__(self, store: Any):
        from .engine.sequences import Sequences
        self.store = store
        self.sequences = Sequences(store)

    def get(self, task_id: int) -> TaskRecord | None:
        """A task of the history (not one removed from it)."""
        rows = self.store.read("SELECT removed FROM tasks WHERE id=?", (task_id,))
        return self.store.get(task_id) if rows and not rows[0][0] else None


def _local_engine(args: argparse.Namespace, *, write: bool) -> Any:
    """The engine over the active backend's task store, not started: nothing is polled, submitted or taken
    over, no key is needed, and it works beside the app."""
    from .engine import Engine, EngineSettings
    from .engine.clients import ClientPool
    store = _local_store(args, write=write)
    settings = EngineSettings(region=args.region, sandbox=bool(args.sandbox))
    if getattr(args, "out", None):
        settings.out_dir = Path(args.out).expanduser()
    try:
        return Engine(store, ClientPool(None, backend=store.backend), settings)
    except BaseException:
        store.close()
        raise


async def _close_local(engine: Any) -> None:
    if not isinstance(engine, _Library):
        await engine.close()
        await engine.clients.aclose()
    engine.store.close()


def _cells_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: list[list[str]], right: frozenset[int] = frozenset(), indent: str = "") -> list[str]:
    """Rows as aligned columns (Chinese characters count two cells); ``right``: right-aligned columns."""
    if not rows:
        return []
    widths = [max(_cells_width(r[i]) for r in rows if i < len(r)) for i in range(max(len(r) for r in rows))]
    out = []
    for r in rows:
        cells = [(" " * (widths[i] - _cells_width(c)) + c) if i in right else c + " " * (widths[i] - _cells_width(c))
                 for i, c in enumerate(r)]
        out.append((indent + "  ".join(cells)).rstrip())
    return out


def _yuan(v: float) -> str:
    return f"¥{v:.2f}"


def _limit_arg(raw: str) -> float:
    """A limit in yuan; ``0`` or ``off`` switches it off (0.0)."""
    text = raw.strip().lower().lstrip("¥")
    if text in ("off", "none", "no"):
        return 0.0
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a limit in yuan (e.g. 20), or 0 / off for none; got {raw!r}") from None
    if value < 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"a limit in yuan (e.g. 20), or 0 / off for none; got {raw!r}")
    return value


def _ceiling_arg(raw: str) -> float:
    try:
        value = float(raw.strip().lstrip("¥"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"an amount in yuan (e.g. 5); got {raw!r}") from None
    if value < 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"an amount in yuan (e.g. 5); got {raw!r}")
    return value


def spend_by_model(rows: list[dict[str, Any]], since: float) -> list[dict[str, Any]]:
    """Per model, from ``budget.spending_rows``: the tasks created since ``since``, their seconds and
    spend (the actual price, else the estimate), most spent first."""
    start = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(since))
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["date"] < start:
            continue
        d = out.setdefault(r["model"], {"model": r["model"], "tasks": 0, "seconds": 0.0, "spent": 0.0})
        d["tasks"] += 1
        d["seconds"] += float(r["seconds"] or 0.0)
        d["spent"] += float(r["actual"] if r["actual"] != "" else r["estimate"] or 0.0)
    for d in out.values():
        d["seconds"], d["spent"] = round(d["seconds"], 3), round(d["spent"], 4)
    return sorted(out.values(), key=lambda d: (-d["spent"], d["model"]))


def _free_unit(model: str, region: str) -> str:
    spec = catalog.get(model)
    unit = spec.price_in(region).unit if spec is not None and spec.available_in(region) else "second"
    return str(T("秒", "s")) if unit == "second" else str(T("张", " images"))


async def cmd_spend(args: argparse.Namespace) -> int:
    from .engine import budget
    setting = args.clear or args.set_daily is not None or args.set_monthly is not None
    engine = _local_engine(args, write=setting)
    store = engine.store
    try:
        if setting:
            old = budget.get_limits(store)
            daily = None if args.clear else old.daily
            monthly = None if args.clear else old.monthly
            daily = args.set_daily if args.set_daily is not None else daily
            monthly = args.set_monthly if args.set_monthly is not None else monthly
            budget.set_limits(store, daily, monthly)
        if args.csv:
            path = Path(args.csv).expanduser()
            try:
                n = budget.write_csv(store, path)
            except OSError as e:
                _err(T(f"无法写入 {path}（{e.strerror or e}）。", f"Cannot write {path} ({e.strerror or e})."))
                return EXIT_FAILED
            if args.json:
                print(json.dumps({"csv": str(path.resolve()), "rows": n}, ensure_ascii=False))
            else:
                print(T(f"已把 {n} 行花费记录写入 {path.resolve()}", f"Wrote {n} rows of spending to {path.resolve()}"))
            return EXIT_OK
        now = time.time()
        spent = budget.spend(store, now)
        limits = budget.get_limits(store)
        since = budget.month_start(now) if args.month else budget.day_start(now)
        models = spend_by_model(budget.spending_rows(store), since)
        free_left = engine.totals()["free_left"]
        for d in models:
            d["free_left"] = free_left.get(d["model"])
        if args.json:
            print(json.dumps({
                "backend": store.backend, "region": args.region, "today": spent.today, "month": spent.month,
                "limits": {"daily": limits.daily, "monthly": limits.monthly},
                "period": "month" if args.month else "day",
                "since": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(since)),
                "by_model": models, "free_left": free_left, "currency": "CNY",
            }, ensure_ascii=False, indent=2))
            return EXIT_OK
        print("\n".join(spend_text(store.backend, args.region, spent, limits, models, bool(args.month))))
        return EXIT_OK
    finally:
        await _close_local(engine)


def spend_text(backend: str, region: str, spent: Any, limits: Any, models: list[dict[str, Any]],
               month: bool) -> list[str]:
    """What ``spend`` prints: today and this month against the limits, then the period by model."""
    from .engine.records import SANDBOX
    where = T("沙盒", "sandbox") if backend == SANDBOX else T("付费服务", "paid service")
    lines = [str(T(f"花费 — {where.zh}（{region}）", f"Spending — {where.en} ({region})"))]
    rows = [["", str(T("已花", "spent")), str(T("上限", "limit")), str(T("剩余", "left"))]]
    for label, amount, limit in ((T("今天", "Today"), spent.today, limits.daily),
                                 (T("本月", "This month"), spent.month, limits.monthly)):
        if limit is None:
            rows.append([str(label), _yuan(amount), str(T("无上限", "no limit")), ""])
        else:
            rows.append([str(label), _yuan(amount), _yuan(limit), _yuan(max(0.0, limit - amount))])
    lines += _table(rows, right=frozenset({1, 2, 3}))
    lines.append("")
    period = T("本月", "this month") if month else T("今天", "today")
    if not models:
        lines.append(str(T(f"{period.zh}还没有花费。", f"Nothing spent {period.en}.")))
        return lines
    head = [str(T(f"{period.zh}按模型", f"By model, {period.en}")), str(T("任务", "tasks")), str(T("秒", "seconds")),
            str(T("花费", "spent")), str(T("剩余免费额度", "free quota left"))]
    body = [[d["model"], str(d["tasks"]), f"{d['seconds']:g}", _yuan(d["spent"]),
             "-" if d["free_left"] is None else f"{d['free_left']:g}{_free_unit(d['model'], region)}"]
            for d in models]
    total = [str(T("合计", "total")), str(sum(d["tasks"] for d in models)),
             f"{sum(d['seconds'] for d in models):g}", _yuan(sum(d["spent"] for d in models)), ""]
    lines += _table([head, *body, total], right=frozenset({1, 2, 3}))
    return lines


# -- sequences -----------------------------------------------------------------------------------
def _find_sequence(engine: Any, raw: str) -> Any:
    """A sequence by its number (``3`` or ``#3``) or its exact name."""
    key = raw.strip().lstrip("#")
    if key.isdigit():
        seq = engine.sequences.get(int(key))
    else:
        named = [s for s in engine.sequences.all() if s.name == raw.strip()]
        if len(named) > 1:
            ids = ", ".join(str(s.id) for s in named)
            raise UsageError(str(T(f"有 {len(named)} 个片段序列叫“{raw}”（{ids}）；请用编号。",
                                   f"{len(named)} sequences are called “{raw}” ({ids}); use its number.")))
        seq = named[0] if named else None
    if seq is None:
        raise UsageError(str(T(f"没有片段序列 {raw}（可能已删除）。bailian-video sequence list 列出所有序列。",
                               f"There is no sequence {raw} (it may have been deleted). bailian-video sequence "
                               f"list shows them all.")))
    return seq


def _finished_task(engine: Any, raw: str) -> TaskRecord:
    key = raw.strip().lstrip("#")
    rec = engine.get(int(key)) if key.isdigit() else None
    if rec is None:
        raise UsageError(str(T(f"没有任务 {raw}。任务号是 bailian-video tasks list 显示的 #号。",
                               f"There is no task {raw}. Task numbers are the #numbers bailian-video tasks list "
                               f"shows.")))
    if rec.state != State.DONE or not rec.output_path:
        raise UsageError(str(T(f"任务 #{rec.id} 的状态是“{rec.state.label.zh}”，没有完成的视频；只能添加已完成的任务。",
                               f"Task #{rec.id} is {rec.state.label.en.lower()}, with no finished video; only "
                               f"finished tasks can be added.")))
    return rec


def film_seconds(seq: Any, records: dict[int, TaskRecord]) -> float:
    """How long the film of the chosen takes is: each cut's length, less a cross-fade per join."""
    from .engine.sequences import cut_list, take_seconds
    cuts = cut_list(seq, records)
    total = sum(max(0.0, (take_seconds(r) or 0.0) - start) for r, start, _ in cuts)
    return max(0.0, total - seq.crossfade * max(0, len(cuts) - 1))


def sequence_json(seq: Any, records: dict[int, TaskRecord]) -> dict[str, Any]:
    from .engine.sequences import effective_take, sequence_cost, spend_of, take_seconds
    shots = []
    for i, shot in enumerate(seq.shots):
        used = effective_take(shot, records)
        shots.append({
            "shot": i + 1, "id": shot.id, "chosen": shot.chosen, "uses": used.id if used else None,
            "takes": [{"id": t, "state": r.state.value, "model": r.model, "seconds": take_seconds(r),
                       "cost": round(spend_of(r), 4), "output_path": r.output_path, "prompt": r.prompt}
                      for t in shot.takes if (r := records.get(t)) is not None],
        })
    return {"id": seq.id, "name": seq.name, "crossfade": seq.crossfade, "created_at": seq.created_at,
            "updated_at": seq.updated_at, "duration": round(film_seconds(seq, records), 3),
            "cost": sequence_cost(seq, records), "shots": shots}


def sequence_lines(seq: Any, records: dict[int, TaskRecord]) -> list[str]:
    """One sequence in detail: per shot its takes (state, model, seconds, cost), the one used marked ``*``."""
    from .engine.sequences import effective_take, sequence_cost, spend_of, take_seconds
    n, secs, cost = len(seq.shots), film_seconds(seq, records), sequence_cost(seq, records)
    lines = [str(T(f"#{seq.id} {seq.name} — {n} 个镜头，{secs:.1f} 秒，已花 {_yuan(cost)}，交叉淡化 {seq.crossfade:g} 秒",
                   f"#{seq.id} {seq.name} — {n} shot{'s' if n != 1 else ''}, {secs:.1f} s, {_yuan(cost)} so far, "
                   f"cross-fade {seq.crossfade:g} s"))]
    for i, shot in enumerate(seq.shots):
        used = effective_take(shot, records)
        mark = used.id if used is not None else shot.chosen
        lines.append(str(T(f"镜头 {i + 1}", f"Shot {i + 1}")) + ("" if shot.takes else str(T("（还没有视频）", " (no video yet)"))))
        rows = []
        for t in shot.takes:
            r = records.get(t)
            if r is None:
                rows.append(["*" if t == mark else "", f"#{t}", str(T("已删除", "removed")), "", "", ""])
                continue
            s = take_seconds(r)
            rows.append(["*" if t == mark else "", f"#{t}", str(r.state.label), r.model,
                         "-" if s is None else f"{s:g}s", _yuan(spend_of(r)),
                         _one_line(r.prompt or "")[:40]])
        lines += _table(rows, right=frozenset({4, 5}), indent="  ")
    return lines


def sequences_table(seqs: list[Any], engine: Any) -> list[str]:
    from .engine.sequences import effective_take, sequence_cost
    if not seqs:
        return [str(T("还没有片段序列。用 bailian-video sequence new 名称 新建一个。",
                      "No sequences yet. Make one with bailian-video sequence new NAME."))]
    rows = [["#", str(T("名称", "name")), str(T("镜头", "shots")), str(T("时长", "length")),
             str(T("已花", "cost so far")), str(T("各镜头所用视频", "takes used"))]]
    for seq in seqs:
        records = take_records(engine, seq)
        used = [effective_take(s, records) for s in seq.shots]
        rows.append([str(seq.id), _one_line(seq.name), str(len(seq.shots)), f"{film_seconds(seq, records):.1f}s",
                     _yuan(sequence_cost(seq, records)), " ".join(f"#{u.id}" if u else "-" for u in used)])
    return _table(rows, right=frozenset({0, 2, 3, 4}))


class RenderMeter:
    """Render progress on stderr: a live percentage on a terminal, a line per 10 % otherwise.
    Called from the stitching thread."""

    def __init__(self, stream: Any = None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.last = -1
        self.label = str(T("正在合成影片", "Rendering the film"))

    def __call__(self, fraction: float) -> None:
        pct = int(max(0.0, min(1.0, fraction)) * 100)
        if self.tty:
            if pct != self.last:
                self.stream.write(f"\r{self.label} {pct:3d}%")
        elif pct // 10 * 10 > self.last:
            pct = pct // 10 * 10
            self.stream.write(f"{self.label} {pct}%\n")
        else:
            return
        self.last = pct
        self.stream.flush()

    def end(self) -> None:
        if self.tty and self.last >= 0:
            self.stream.write("\n")
            self.stream.flush()


async def cmd_sequence(args: argparse.Namespace) -> int:
    films = args.action in ("render", "export")      # these need the engine (and the media libraries)
    engine = _local_engine(args, write=True) if films else _Library(_local_store(args, write=args.action != "list"))
    try:
        return await SEQUENCE_ACTIONS[args.action](engine, args)
    except ValueError as e:   # FilmError, SequenceError, TimelineError, UsageError: bad input
        _err(e)
        return EXIT_USAGE
    except Exception as e:
        from .media.probe import MediaError
        if not isinstance(e, MediaError):   # an unreadable clip: bad input too
            raise
        _err(e)
        return EXIT_USAGE
    finally:
        await _close_local(engine)


async def _seq_new(engine: Any, args: argparse.Namespace) -> int:
    name = args.name.strip()
    if not name:
        raise UsageError(str(T("序列名称不能为空。", "A sequence needs a name.")))
    seq = engine.sequences.create(name)
    print(json.dumps({"id": seq.id, "name": seq.name}, ensure_ascii=False) if args.json else seq.id)
    return EXIT_OK


async def _seq_add(engine: Any, args: argparse.Namespace) -> int:
    seq = _find_sequence(engine, args.sequence)
    raw = [*args.tasks, *(args.take or [])]
    if not raw:
        raise UsageError(str(T("请给出要添加的任务号（bailian-video tasks list 显示的 #号）。",
                               "Name the tasks to add (the #numbers bailian-video tasks list shows).")))
    if args.take and args.shot is None:
        raise UsageError(str(T("--take 要和 --shot N 一起用（把视频加为第 N 个镜头的一条）。",
                               "--take goes with --shot N (it adds the video as a take of shot N).")))
    recs = [_finished_task(engine, t) for t in raw]       # every task checked before anything changes
    if args.shot is None:
        for rec in recs:
            engine.sequences.add_shot(seq.id, take=rec.id)
    else:
        if not 1 <= args.shot <= len(seq.shots):
            raise UsageError(str(T(f"“{seq.name}”没有第 {args.shot} 个镜头（共 {len(seq.shots)} 个）。",
                                   f"“{seq.name}” has no shot {args.shot} (it has {len(seq.shots)}).")))
        shot = seq.shots[args.shot - 1]
        for i, rec in enumerate(recs):
            engine.sequences.add_take(shot.id, rec.id, choose=args.choose and i == len(recs) - 1)
    return _show_sequence(engine, engine.sequences.get(seq.id), args.json)


def _show_sequence(engine: Any, seq: Any, as_json: bool) -> int:
    records = take_records(engine, seq)
    if as_json:
        print(json.dumps(sequence_json(seq, records), ensure_ascii=False, indent=2))
    else:
        print("\n".join(sequence_lines(seq, records)))
    return EXIT_OK


async def _seq_list(engine: Any, args: argparse.Namespace) -> int:
    if args.sequence is not None:
        return _show_sequence(engine, _find_sequence(engine, args.sequence), args.json)
    seqs = engine.sequences.all()
    if args.json:
        print(json.dumps([sequence_json(s, take_records(engine, s)) for s in seqs], ensure_ascii=False, indent=2))
    else:
        print("\n".join(sequences_table(seqs, engine)))
    return EXIT_OK


async def _seq_render(engine: Any, args: argparse.Namespace) -> int:
    from .engine import film
    from .media.stitch import StitchCanceled
    seq = _find_sequence(engine, args.sequence)
    meter, cancel = RenderMeter(), threading.Event()
    job = asyncio.ensure_future(film.render(engine, seq.id, crossfade=args.crossfade, progress=meter, cancel=cancel,
                                            out_dir=args.out))
    try:
        try:
            rec = await asyncio.shield(job)
        except asyncio.CancelledError:     # Ctrl+C: stop stitching; the partial file is deleted
            cancel.set()
            rec = await job
    except StitchCanceled:
        meter.end()
        _err(T("已取消，没有生成影片。", "Canceled; no film was made."))
        return EXIT_INTERRUPTED
    meter.end()
    if args.json:
        print(json.dumps(record_json(rec), ensure_ascii=False, indent=2))
    else:
        _err(T(f"影片已加入作品库（任务 #{rec.id}，{rec.usage.get('duration', 0):.1f} 秒）。",
               f"The film is in the library (task #{rec.id}, {rec.usage.get('duration', 0):.1f} s)."))
        print(rec.output_path)
    return EXIT_OK


async def _seq_export(engine: Any, args: argparse.Namespace) -> int:
    from .engine import film
    from .engine.outputs import safe_component
    seq = _find_sequence(engine, args.sequence)
    out = Path(args.out).expanduser()
    if args.format != "jianying" and out.is_dir():   # a folder: the file is named after the sequence
        out = out / f"{safe_component(seq.name, 60) or f'sequence-{seq.id}'}{film.SUFFIX[args.format]}"
    path = await asyncio.to_thread(film.export, engine, seq.id, args.format, out)
    print(json.dumps({"path": str(path), "format": args.format}, ensure_ascii=False) if args.json else path)
    return EXIT_OK


SEQUENCE_ACTIONS = {"new": _seq_new, "add": _seq_add, "list": _seq_list, "render": _seq_render,
                    "export": _seq_export}


# -- the catalogue, readable ----------------------------------------------------------------------
def _t(text: T | None) -> dict[str, str] | None:
    return None if text is None else {"zh": text.zh, "en": text.en}


def _limits_json(limits: catalog.Limits | None) -> dict[str, Any] | None:
    if limits is None:
        return None
    out = {k: (list(v) if isinstance(v, tuple) else v) for k, v in dataclasses.asdict(limits).items()
           if v is not None and v is not False and v != ()}
    return out or None


def _choice_json(c: catalog.Choice) -> dict[str, Any]:
    out = {"value": c.value, "label": _t(c.label)}
    if c.tier:
        out["tier"] = c.tier
    return out


def _input_json(ins: catalog.InputSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"name": ins.name, "kind": ins.kind.value, "label": _t(ins.label), "required": ins.required,
                           "cli": _cli_form(ins)}
    if ins.help is not None:
        out["help"] = _t(ins.help)
    for key in ("max_chars", "min_items", "max_items", "one_of", "media"):
        if getattr(ins, key) is not None:
            out[key] = getattr(ins, key)
    if ins.from_detect:
        out["from_detect"] = True
    if not ins.sent:
        out["sent"] = False
    if ins.data_uri:
        out["data_uri"] = True
    if ins.limits is not None:
        out["limits"] = _limits_json(ins.limits)
    if ins.choices:
        out["choices"] = [_choice_json(c) for c in ins.choices]
    if ins.accepts:
        out["accepts"] = list(ins.accepts)
    if ins.limits_by_media:
        out["limits_by_media"] = {m: _limits_json(lim) for m, lim in ins.limits_by_media}
    if ins.kind == Kind.MEDIA:
        out["media_types"] = [{
            "type": mt.type, "label": _t(mt.label), "media": mt.media, "min_items": mt.min_items,
            "max_items": mt.max_items, "limits": _limits_json(mt.limits),
            **({"total_duration": mt.total_duration} if mt.total_duration is not None else {}),
            **({"tag": _t(mt.tag)} if mt.tag is not None else {}),
            **({"data_uri": True} if mt.data_uri else {}),
            "fields": [{"name": f.name, "label": _t(f.label), "media": f.media, "limits": _limits_json(f.limits),
                        **({"choices": list(f.choices)} if f.choices else {})} for f in mt.fields],
        } for mt in ins.media_types]
        order = [t.type for t in ins.media_types]
        out["media_sets"] = [[t for t in order if t in s] for s in ins.media_sets]
        out["media_requires"] = [{"type": t, "needs": needs.split("|")} for t, needs in ins.media_requires]
        out["media_counts"] = [{"types": [t for t in order if t in g], "min": lo, "max": hi}
                               for g, lo, hi in ins.media_counts]
        if ins.media_total_duration is not None:
            out["media_total_duration"] = ins.media_total_duration
    return out


def _param_json(p: catalog.ParamSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"name": p.name, "type": p.type, "label": _t(p.label), "default": p.default,
                           "required": p.required}
    if p.choices:
        out["choices"] = [_choice_json(c) for c in p.choices]
    if p.min is not None or p.max is not None:
        out["range"] = [p.min, p.max]
    if p.extra:
        out["extra"] = [_choice_json(c) for c in p.extra]
    if p.item_choices:
        out["item_choices"] = [_choice_json(c) for c in p.item_choices]
    if p.stage:
        out["stage"] = p.stage
    if p.fixed:
        out["fixed"] = True
    if p.help is not None:
        out["help"] = _t(p.help)
    return out


def _price_json(price: catalog.Price) -> dict[str, Any]:
    out: dict[str, Any] = {"unit": price.unit, "currency": price.currency, "by_tier": dict(price.by_tier),
                           "free_quota": price.free_quota, "confirmed": price.confirmed}
    if price.switch:
        out["switch"] = price.switch
        out["tables"] = {k: dict(v) for k, v in price.tables.items()}
    if price.bill_input:
        out["bill_input"] = list(price.bill_input)
        out["max_input_seconds"] = price.max_input_seconds
    return out


def _cli_form(ins: catalog.InputSpec) -> str:
    """How the command line spells an input."""
    if ins.from_detect:
        return ""
    if ins.name == "prompt":
        return "--prompt TEXT"
    if ins.name == "negative_prompt":
        return "--negative-prompt TEXT"
    if ins.kind == Kind.MEDIA:
        return "--media TYPE=PATH_OR_URL[;FIELD=PATH_OR_URL]"
    kind = KINDS[ins.kind]
    value = "PATH_OR_URL" if kind.is_file else "VALUE"
    return f"--input {ins.name}={value}" + (" (repeat)" if kind.listed else "")


def model_json(m: catalog.ModelSpec) -> dict[str, Any]:
    """One model as ``models --json`` prints it: everything the catalogue says about it."""
    used_by = [o.name for o in catalog.MODELS if m.name in o.chain and o.name != m.name]
    out: dict[str, Any] = {
        "name": m.name, "family": m.family.value, "also_in": [f.value for f in m.also_in],
        "title": _t(m.title), "description": _t(m.description),
        "user_facing": m.user_facing, "chain_step": not m.user_facing, "used_by": used_by,
        "new": m.new, "featured": m.featured,
        "regions": dict(m.regions), "host": m.host, "endpoint": m.endpoint, "sync": m.sync,
        "inputs": [_input_json(i) for i in m.inputs],
        "params": [_param_json(p) for p in m.params],
        "functions": {name: {"label": _t(fn.label), "description": _t(fn.description),
                             "inputs": [_input_json(i) for i in fn.inputs],
                             "params": [_param_json(p) for p in fn.params]} for name, fn in m.functions.items()},
        "price": {r: _price_json(m.price_in(r)) for r in m.regions},
        "free_quota": {r: m.price_in(r).free_quota for r in m.regions},
        "limits": {"submit_rps": m.submit_rps, "concurrency": m.concurrency, "pool": m.pool},
        "chain": list(m.chain),
        "output": {"fps": m.fps, "duration_source": m.duration_source, "tier_source": m.tier_source,
                   "max_seconds": m.max_seconds, "capped_by": m.capped_by, "uncapped_by": m.uncapped_by,
                   "typical_seconds": m.typical_seconds},
        "rules": list(m.rules),
    }
    if m.detect_rule:
        out["detect"] = {"rule": m.detect_rule, "outputs": list(m.detect_outputs), "skip_if_input": m.skip_if_input,
                         "produces": m.produces}
    return out


def select_models(family: str | None, region: str | None) -> list[catalog.ModelSpec]:
    """The catalogue's models in order: of ``family`` (their own or also offered there), available in ``region``."""
    out = []
    for m in catalog.MODELS:
        if family and m.family.value != family and family not in {f.value for f in m.also_in}:
            continue
        if region and not m.available_in(region):
            continue
        out.append(m)
    return out


def _num(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _limits_text(lim: catalog.Limits | None) -> str:
    if lim is None:
        return ""
    parts = []
    if lim.formats:
        parts.append("/".join(lim.formats))
    if lim.max_bytes:
        parts.append(f"≤{lim.max_bytes / 2**20:g}MB")
    if lim.min_side or lim.max_side:
        parts.append(f"{lim.min_side or ''}–{lim.max_side or ''}px")
    if lim.max_aspect:
        parts.append(f"≤{lim.max_aspect:g}:1")
    if lim.min_duration is not None or lim.max_duration is not None:
        lo = _num(lim.min_duration) if lim.min_duration is not None else ""
        hi = _num(lim.max_duration) if lim.max_duration is not None else ""
        parts.append(f"{lo}–{hi}s")
    if lim.min_fps or lim.max_fps:
        parts.append(f"{_num(lim.min_fps or '')}–{_num(lim.max_fps or '')}fps")
    if lim.no_alpha:
        parts.append(str(T("无透明", "no alpha")))
    return ", ".join(parts)


def _input_lines(ins: catalog.InputSpec, indent: str) -> list[str]:
    need = str(T("必填", "required")) if ins.required else str(T("可选", "optional"))
    if ins.from_detect:
        need = str(T("由检测步骤填写", "filled by the detect step"))
    head = f"{indent}{ins.name} [{ins.kind.value}] {ins.label} — {need}"
    extra = []
    if ins.max_chars:
        extra.append(str(T(f"≤{ins.max_chars} 字", f"≤{ins.max_chars} chars")))
    if ins.min_items or ins.max_items:
        extra.append(f"{ins.min_items or 0}–{ins.max_items or ''}")
    if ins.limits_by_media:
        extra.append("; ".join(f"{m}: {_limits_text(lim)}" for m, lim in ins.limits_by_media))
    elif ins.limits is not None:
        extra.append(_limits_text(ins.limits))
    if ins.choices:
        extra.append("|".join(str(c.value) for c in ins.choices))
    form = _cli_form(ins)
    lines = [head + (f"  ({', '.join(e for e in extra if e)})" if any(extra) else "") + (f"  {form}" if form else "")]
    if ins.kind == Kind.MEDIA:
        for mt in ins.media_types:
            fields = "".join(f"; {f.name}={f.media}" + (f"({'|'.join(f.choices)})" if f.choices else "")
                             for f in mt.fields)
            lim = _limits_text(mt.limits)
            lines.append(f"{indent}  {mt.type}={mt.media}{fields}  ×{mt.min_items}–{mt.max_items}  {mt.label}"
                         + (f"  ({lim})" if lim else ""))
        order = [t.type for t in ins.media_types]
        if ins.media_sets:
            sets = " | ".join("+".join(t for t in order if t in s) for s in ins.media_sets)
            lines.append(f"{indent}  {T('可用组合', 'combinations')}: {sets}")
        for typ, needs in ins.media_requires:
            lines.append(f"{indent}  {T(f'{typ} 需要', f'{typ} needs')} {' | '.join(needs.split('|'))}")
        for group, lo, hi in ins.media_counts:
            lines.append(f"{indent}  {'+'.join(t for t in order if t in group)}: {T('合计', 'together')} {lo}–{hi}")
        if ins.media_total_duration is not None:
            lines.append(f"{indent}  {T('总时长', 'total duration')} ≤{ins.media_total_duration:g}s")
    return lines


def _param_text(p: catalog.ParamSpec) -> str:
    text = p.name
    if p.default is not None:
        text += f"={p.default}"
    if p.choices:
        text += f" ({'|'.join(str(c.value) for c in p.choices)})"
    elif p.min is not None or p.max is not None:
        text += f" ({_num(p.min) if p.min is not None else ''}–{_num(p.max) if p.max is not None else ''}"
        text += "".join(f"|{c.value}" for c in p.extra) + ")"
    elif p.type == "bool":
        text += " (true|false)"
    if p.stage:
        text += f" [{p.stage}]"
    if p.required:
        text += "*"
    return text


def _price_text(price: catalog.Price) -> str:
    unit = str(T("秒", "s")) if price.unit == "second" else str(T("张", "image"))
    rates = ", ".join(f"{tier} ¥{v:g}/{unit}" for tier, v in price.by_tier.items())
    out = rates + ("" if price.confirmed else str(T("（估计）", " (estimate)")))
    for key, table in price.tables.items():
        out += f"; {price.switch}={key}: " + ", ".join(f"{tier} ¥{v:g}/{unit}" for tier, v in table.items())
    if price.bill_input:
        cap = f" ≤{price.max_input_seconds:g}s" if price.max_input_seconds else ""
        out += str(T(f"；另计输入 {'+'.join(price.bill_input)} 的时长{cap}",
                     f"; plus the seconds of {'+'.join(price.bill_input)}{cap}"))
    if price.free_quota:
        out += str(T(f"；免费额度 {price.free_quota:g} {unit}", f"; free quota {price.free_quota:g} {unit}"))
    return out


def model_text(m: catalog.ModelSpec) -> list[str]:
    """A few lines about one model for ``models`` (text)."""
    marks = []
    if m.new:
        marks.append(str(T("新", "new")))
    if not m.user_facing:
        marks.append(str(T("链步骤", "chain step")))
    if m.host == "workspace":
        marks.append(str(T("需业务空间", "workspace host")))
    fams = "/".join([m.family.value, *(f.value for f in m.also_in)])
    lines = [f"{m.name}  [{fams}]  {m.title}" + (f"  ({', '.join(marks)})" if marks else "")]
    regions = ", ".join(r if wire == m.name else f"{r}={wire}" for r, wire in m.regions.items())
    lines.append(f"  {T('地区', 'regions')}: {regions}")
    if m.chain:
        lines.append(f"  {T('步骤', 'chain')}: {' → '.join(m.chain)}")
    for name, fn in m.functions.items():
        lines.append(f"  {T('功能', 'function')} {name}: {fn.label}")
        for ins in fn.inputs:
            lines.extend(_input_lines(ins, "    "))
        if fn.params:
            lines.append(f"    {T('参数', 'params')}: " + "; ".join(_param_text(p) for p in fn.params))
    if m.inputs:
        lines.append(f"  {T('输入', 'inputs')}:")
        for ins in m.inputs:
            lines.extend(_input_lines(ins, "    "))
    if m.params:
        lines.append(f"  {T('参数', 'params')}: " + "; ".join(_param_text(p) for p in m.params))
    seen: dict[str, list[str]] = {}
    for r in m.regions:
        seen.setdefault(_price_text(m.price_in(r)), []).append(r)
    for text, regions_ in seen.items():
        lines.append(f"  {T('价格', 'price')} ({', '.join(regions_)}): {text}")
    conc = str(m.concurrency) if m.concurrency is not None else "-"
    pool = str(T(f"（与 {m.pool} 共享）", f" (shared: {m.pool})")) if m.pool else ""
    lines.append(f"  {T('限制', 'limits')}: {_num(m.submit_rps)} {T('次/秒', 'rps')}, "
                 f"{T('并发', 'concurrency')} {conc}{pool}")
    return lines


def cmd_models(args: argparse.Namespace) -> int:
    models = select_models(args.family, args.region)
    if not models:
        _err(T("没有符合条件的模型。", "No model matches."))
    if args.json:
        text = json.dumps([model_json(m) for m in models], ensure_ascii=False, indent=2)
    else:
        text = "\n\n".join("\n".join(model_text(m)) for m in models)
    try:
        if text or args.json:
            print(text, flush=True)
    except BrokenPipeError:   # `models | head`: the reader had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--base-url", help="DashScope base URL (…/api/v1); also $DASHSCOPE_HTTP_BASE_URL")
    common.add_argument("--region", default=catalog.BEIJING, choices=list(catalog.REGIONS),
                        help="where tasks run (default cn-beijing)")
    common.add_argument("--workspace", metavar="ID", default=os.environ.get("DASHSCOPE_WORKSPACE_ID") or None,
                        help="the region's workspace id, for models (wan3.0) and regions (eu-central-1) that answer "
                             "only on a workspace host; also $DASHSCOPE_WORKSPACE_ID")
    common.add_argument("--data-dir", help="where the task database lives (also $BAILIAN_VIDEO_HOME)")
    common.add_argument("--sandbox", action="store_true", help="run against an embedded local sandbox (free)")
    common.add_argument("--sandbox-task-seconds", type=float, default=3.0, help=argparse.SUPPRESS)
    common.add_argument("--json", action="store_true", help="machine-readable output")
    # For scripts and tests against a fast service (the sandbox): how often to poll, how long a task takes.
    common.add_argument("--poll-min", type=float, help=argparse.SUPPRESS)
    common.add_argument("--expect-seconds", type=float, help=argparse.SUPPRESS)
    common.add_argument("--client-timeout", type=float, help=argparse.SUPPRESS)
    common.add_argument("--reconcile-settle", type=float, help=argparse.SUPPRESS)
    common.add_argument("--reconcile-interval", type=float, help=argparse.SUPPRESS)
    common.add_argument("--debug", action="store_true", help="write a detailed log (and show it on stderr)")
    common.add_argument("--yes", action="store_true",
                        help=f"consent to spending above the thresholds (more than {CONSENT_VIDEOS} videos or "
                             f"¥{CONSENT_AMOUNT:.0f} in one command)")
    common.add_argument("--confirm-videos", type=int, default=CONSENT_VIDEOS, metavar="N",
                        help="ask for --yes above this many videos in one command")
    common.add_argument("--confirm-cost", type=float, default=CONSENT_AMOUNT, metavar="CNY",
                        help="ask for --yes above this estimated cost in one command")
    common.add_argument("--full-paths", action="store_true",
                        help="record the full paths of local inputs in the sidecar and MP4 (default: file names)")
    spending = argparse.ArgumentParser(add_help=False)
    spending.add_argument("--budget", type=_ceiling_arg, metavar="YUAN",
                          help="a ceiling for this command: if everything it would submit is estimated above it, "
                               f"nothing is submitted (exit code {EXIT_BUDGET})")
    spending.add_argument("--over-budget", action="store_true",
                          help="submit even if it crosses your daily or monthly spending limit (see: spend)")
    # Commands that only read or change the task store: no key, no service, nothing is submitted.
    local = argparse.ArgumentParser(add_help=False)
    local.add_argument("--data-dir", help="where the task database lives (also $BAILIAN_VIDEO_HOME)")
    local.add_argument("--sandbox", action="store_true", help="the sandbox's tasks instead of the paid service's")
    local.add_argument("--region", default=catalog.BEIJING, choices=list(catalog.REGIONS),
                       help="the region whose free quota is shown (default cn-beijing)")
    local.add_argument("--json", action="store_true", help="machine-readable output")
    local.add_argument("--debug", action="store_true", help="write a detailed log (and show it on stderr)")

    p = argparse.ArgumentParser(prog="bailian-video", description="Bailian Video Studio — headless commands",
                                epilog=EXIT_CODES)
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", parents=[common, spending], help="validate, submit, wait and download",
                       epilog=EXIT_CODES)
    g.add_argument("--model", required=True)
    g.add_argument("--prompt")
    g.add_argument("--negative-prompt")
    g.add_argument("--function", help="VACE function (image_reference, video_repainting, …)")
    g.add_argument("--input", action="append", metavar="FIELD=PATH_OR_URL",
                   help="an input field; repeat it for list fields (--input reference_urls=a.png "
                        "--input reference_urls=b.mp4)")
    g.add_argument("--media", action="append", metavar="TYPE=PATH_OR_URL[;FIELD=PATH_OR_URL]",
                   help="one item of the model's input.media, in order, e.g. "
                        "'reference_image=cat.png;reference_voice=meow.wav' (see: models)")
    g.add_argument("--param", action="append", metavar="NAME=VALUE")
    g.add_argument("--out", help="output folder")
    g.add_argument("--count", type=int, default=1)
    g.add_argument("--no-wait", action="store_true")
    g.add_argument("--force", action="store_true", help="generate even if the same request already produced a video")
    b = sub.add_parser("batch", parents=[common, spending], epilog=EXIT_CODES,
                       help="run many requests from a CSV or JSONL file (the total and your spending limits are "
                            "checked before any row is submitted)")
    b.add_argument("file")
    b.add_argument("--out")
    b.add_argument("--no-wait", action="store_true")
    b.add_argument("--force", action="store_true")
    b.add_argument("--skip-bad-rows", action="store_true", help="run the good rows even if some rows are bad")
    m = sub.add_parser("models", help="every model the app knows: inputs, parameters, prices, regions, limits")
    m.add_argument("--family", choices=[f.value for f in catalog.Family], help="only this family (tab)")
    m.add_argument("--region", choices=list(catalog.REGIONS), help="only models available in this region")
    m.add_argument("--json", action="store_true", help="a JSON array, one object per model")
    t = sub.add_parser("tasks", parents=[common],
                       help="list, show, resume, cancel, retry-download, adopt, resubmit")
    t.add_argument("action", choices=["list", "show", "resume", "cancel", "retry-download", "adopt", "resubmit",
                                      "restore"])
    t.add_argument("id", nargs="?")
    t.add_argument("service_task_id", nargs="?", help="for adopt: the service's task ID to adopt")
    t.add_argument("--out", help="for retry-download: save the video into this folder instead")
    t.add_argument("--empty", action="store_true", help="for restore: start an empty history instead of a backup")
    s = sub.add_parser("spend", parents=[local],
                       help="today's and this month's spending, the limits, per model; set the limits; CSV export",
                       description="What the active backend (the paid service, or the sandbox with --sandbox) has "
                                   "cost: today and this month against your limits, each model's tasks, seconds, "
                                   "spend and free quota left. A task counts its actual price, or its estimate "
                                   "while the price is not known yet. Limits are off until you set them; a task "
                                   "that would cross one is held (generate and batch exit with code 5; "
                                   "--over-budget submits anyway).")
    s.add_argument("--month", action="store_true", help="per-model totals for this month (default: today)")
    s.add_argument("--csv", metavar="FILE", help="write all spending as CSV (date, model, seconds, tier, estimate, "
                                                 "actual, task id, …) and say how many rows")
    s.add_argument("--set-daily", type=_limit_arg, metavar="YUAN", help="set the daily limit (0 or off: none)")
    s.add_argument("--set-monthly", type=_limit_arg, metavar="YUAN", help="set the monthly limit (0 or off: none)")
    s.add_argument("--clear", action="store_true", help="switch both limits off")
    from .engine.film import FORMATS
    q = sub.add_parser("sequence", help="shots in order, one film: new, add, list, render, export",
                       description="A sequence is shots in order; each shot has its takes (videos made for it) and "
                                   "one chosen take. SEQ is a sequence's number or name; TASK is a task number "
                                   "as tasks list shows it.", epilog=EXIT_CODES)
    qs = q.add_subparsers(dest="action", required=True, metavar="ACTION")
    qn = qs.add_parser("new", parents=[local], help="make an empty sequence and print its number")
    qn.add_argument("name", metavar="NAME")
    qa = qs.add_parser("add", parents=[local], help="add finished videos as new shots, or as takes of shot N",
                       description="Each finished TASK becomes a new shot at the end. With --shot N they become "
                                   "takes of shot N instead (--choose: the last one is the shot's chosen take).")
    qa.add_argument("sequence", metavar="SEQ")
    qa.add_argument("tasks", nargs="*", metavar="TASK")
    qa.add_argument("--shot", type=int, metavar="N", help="add the tasks as takes of shot N (1 = the first)")
    qa.add_argument("--take", action="append", metavar="TASK", help="a task to add as a take of --shot N")
    qa.add_argument("--choose", action="store_true", help="with --shot: make the (last) added take the chosen one")
    ql = qs.add_parser("list", parents=[local], help="every sequence; or one in detail: each shot's takes")
    ql.add_argument("sequence", nargs="?", metavar="SEQ")
    qr = qs.add_parser("render", parents=[local],
                       help="stitch the chosen takes into one MP4 (it joins the library); Ctrl+C cancels",
                       description="Stitches each shot's chosen take (or its newest finished one) into one MP4, "
                                   "stream-copied when every clip has the same format, otherwise re-encoded. "
                                   "Progress goes to stderr, the film's path to stdout; the film is added to the "
                                   "task history. Ctrl+C cancels and leaves no partial file (exit code 130).")
    qr.add_argument("sequence", metavar="SEQ")
    qr.add_argument("--crossfade", type=float, metavar="SECONDS",
                    help="cross-fade between shots (default: the sequence's own, 0 = straight cuts)")
    qr.add_argument("--out", metavar="DIR", help="output folder (default: the usual output folder)")
    qe = qs.add_parser("export", parents=[local], help="the cut as an editor timeline: otio, fcpxml, edl, jianying",
                       description="Writes the chosen takes as a timeline for an editor: OpenTimelineIO (.otio), "
                                   "Final Cut Pro 7 XML (.xml, Premiere/Resolve), CMX 3600 EDL (.edl) or a 剪映 "
                                   "draft. For jianying, --out is the drafts folder the draft is made in.")
    qe.add_argument("sequence", metavar="SEQ")
    qe.add_argument("--format", required=True, choices=list(FORMATS))
    qe.add_argument("--out", required=True, metavar="PATH",
                    help="the file to write (a folder: named after the sequence); jianying: the drafts folder")
    return p


def main(argv: list[str]) -> int:
    if argv and argv[0] == "sandbox":
        from .sandbox.cli import main as sandbox_main
        return sandbox_main(argv[1:])
    args = build_parser().parse_args(argv)
    if args.command == "tasks" and args.action in ("show", "cancel", "retry-download", "adopt", "resubmit") \
            and not args.id:
        _err("this action needs a task number")
        return EXIT_USAGE
    if args.command == "tasks" and args.id is not None and not str(args.id).isdigit():
        _err(T(f"任务号应该是数字（如 tasks show 3），收到 {args.id!r}。",
               f"A task number is a whole number (e.g. tasks show 3); got {args.id!r}."))
        return EXIT_USAGE
    if args.command == "models":
        return cmd_models(args)
    if getattr(args, "workspace", None) is not None and not catalog.valid_workspace(args.workspace):
        _err(T(f"业务空间 ID {args.workspace!r} 无效：应为控制台显示的 ID（字母、数字和短横线）。",
               f"The workspace id {args.workspace!r} is not valid: use the id the console shows (letters, digits "
               f"and dashes)."))
        return EXIT_USAGE
    if args.command == "sequence" and args.action == "render" and args.crossfade is not None \
            and not 0 <= args.crossfade <= 2:
        _err(T(f"交叉淡化应在 0 到 2 秒之间，收到 {args.crossfade:g}。",
               f"The cross-fade is 0 to 2 seconds; got {args.crossfade:g}."))
        return EXIT_USAGE
    handler = {"generate": cmd_generate, "batch": cmd_batch, "tasks": cmd_tasks, "spend": cmd_spend,
               "sequence": cmd_sequence}[args.command]
    from .engine.store import StoreError
    try:
        return asyncio.run(handler(args))
    except StoreError as e:   # a damaged or unreachable task database: say which and what to do
        _err(e)
        return EXIT_FAILED
    except BrokenPipeError:   # `… | head`: the reader had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        _err(T("已中断；未完成的任务会在下次启动时继续，不会重复付费。",
               "Interrupted; unfinished tasks continue next time, without paying twice."))
        return 130
