"""Reading a request's files the way the service does: one reader per input kind.

Every file inside a value — a single file, each item of a list, each ``input.media`` item and its
file fields (``reference_voice``) — is a *file slot* of ``catalog.kinds``. A reader fetches each
slot (oss:// from the upload store, http(s), data: URI) and looks at it: media are probed, a
document (a ``file`` media item) is only recorded with its format and size, and ``link`` items are
not slots at all (the service reads web pages itself). The result keeps the slot order, so
``media()`` is exactly what ``catalog.validate(..., media=...)`` expects: one probed file for a
single-file kind, a list in slot order for list-like kinds.

A new input kind is one entry in ``catalog/kinds.py`` and one entry in :data:`READERS`.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..catalog import InputSpec, Kind, ModelSpec
from ..catalog.kinds import KINDS, FileSlot
from .inputs import InputError, ResolvedFile

if TYPE_CHECKING:
    # PyAV and numpy load with the first file the sandbox reads, not when the app starts it.
    from ..media.probe import MediaInfo

#: How the sandbox gets one slot's file (the server binds the request's model and headers).
Fetch = Callable[[FileSlot], ResolvedFile]

#: Slot kinds that hold pictures, sound or video (probed); anything else in a slot is a document.
MEDIA_SLOT_KINDS = frozenset({Kind.IMAGE, Kind.AUDIO, Kind.VIDEO, Kind.MASK, Kind.IMAGE_LIST, Kind.FILE_LIST})


@dataclass(frozen=True)
class ReadFile:
    """One file slot as the sandbox read it."""

    slot: FileSlot
    file: ResolvedFile
    info: MediaInfo          # probed; for documents kind "file" with the format its name gives

    @property
    def media(self) -> str:
        """"image" | "audio" | "video" | "file"."""
        return self.info.kind

    @property
    def field(self) -> str:
        return self.slot.field


def unsupported(field: str, exc: Exception | None = None) -> InputError:
    extra = f" ({exc})" if exc is not None else ""
    return InputError(400, "InvalidParameter.UnsupportedFileFormat", f"{field}: Input files format not supported.{extra}")


def probe_slot(slot: FileSlot, rf: ResolvedFile) -> MediaInfo:
    """Probe a fetched media file; a file that is no media is the service's UnsupportedFileFormat."""
    from ..media.probe import MediaError, probe
    try:
        return probe(rf.path)
    except MediaError as exc:
        raise unsupported(slot.field, exc) from None


def document_info(rf: ResolvedFile) -> MediaInfo:
    """A document is recorded, not opened: its format from the name it came with, and its size."""
    from ..media.probe import MediaInfo
    name = rf.name if rf.name != "data-uri" else os.path.basename(str(rf.path))
    ext = os.path.splitext(name)[1].lower().lstrip(".") or os.path.splitext(str(rf.path))[1].lower().lstrip(".")
    return MediaInfo(path=str(rf.path), kind="file", format=ext or "bin", size_bytes=rf.path.stat().st_size)


class Reader:
    """Reads every file slot of one input, in slot order."""

    def read(self, ins: InputSpec, value: Any, fetch: Fetch) -> list[ReadFile]:
        return [self.read_slot(slot, fetch) for slot in KINDS[ins.kind].file_slots(ins, value)]

    def read_slot(self, slot: FileSlot, fetch: Fetch) -> ReadFile:
        rf = fetch(slot)
        return ReadFile(slot, rf, probe_slot(slot, rf))

    def media(self, ins: InputSpec, reads: list[ReadFile]) -> Any:
        """What validation gets for this input: one probed file, or a list in slot order."""
        infos = [r.info for r in reads]
        return infos if KINDS[ins.kind].listed else (infos[0] if infos else None)


class MediaListReader(Reader):
    """``input.media``: media items (and their file fields) are probed, documents recorded."""

    def read_slot(self, slot: FileSlot, fetch: Fetch) -> ReadFile:
        rf = fetch(slot)
        if slot.spec.kind in MEDIA_SLOT_KINDS:
            return ReadFile(slot, rf, probe_slot(slot, rf))
        return ReadFile(slot, rf, document_info(rf))


READERS: dict[Kind, Reader] = {
    Kind.IMAGE: Reader(),
    Kind.AUDIO: Reader(),
    Kind.VIDEO: Reader(),
    Kind.MASK: Reader(),
    Kind.IMAGE_LIST: Reader(),
    Kind.FILE_LIST: Reader(),
    Kind.MEDIA: MediaListReader(),
}


@dataclass
class Read:
    """Every file of one request, by input name, in slot order."""

    specs: dict[str, InputSpec] = field(default_factory=dict)
    reads: dict[str, list[ReadFile]] = field(default_factory=dict)

    def all(self) -> list[ReadFile]:
        return [r for reads in self.reads.values() for r in reads]

    def media(self) -> dict[str, Any]:
        """``catalog.validate``'s ``media=``: per input, one probed file or a list in slot order."""
        return {name: READERS[self.specs[name].kind].media(self.specs[name], reads)
                for name, reads in self.reads.items()}

    def files(self) -> dict[str, Any]:
        """Per input, the fetched file (or the list of them for list-like kinds)."""
        return {name: ([r.file for r in reads] if KINDS[self.specs[name].kind].listed else reads[0].file)
                for name, reads in self.reads.items() if reads}

    def infos(self) -> dict[str, Any]:
        return {name: ([r.info for r in reads] if KINDS[self.specs[name].kind].listed else reads[0].info)
                for name, reads in self.reads.items() if reads}

    def durations(self, inputs: Mapping[str, Any]) -> dict[str, float]:
        """Seconds of the timed inputs: by field name (a list's files summed) and, for media lists,
        by item type (``reference_video``: every reference video together) — the names a price's
        ``bill_input`` uses."""
        out: dict[str, float] = {}
        for name, reads in self.reads.items():
            total = sum(float(r.info.duration or 0.0) for r in reads if r.media in ("video", "audio"))
            if total:
                out[name] = total
            if self.specs[name].kind != Kind.MEDIA:
                continue
            items = inputs.get(name) or []
            for r in reads:
                i, key = r.slot.slot[0], r.slot.slot[-1]
                if key == "url" and r.info.duration and isinstance(i, int):
                    typ = str(items[i].get("type"))
                    out[typ] = out.get(typ, 0.0) + float(r.info.duration)
        return out


def read(spec: ModelSpec, function: str | None, inputs: Mapping[str, Any], fetch: Fetch) -> Read:
    """Fetch and look at every file of a request (raises :class:`InputError` as the service answers)."""
    got = Read()
    for ins in spec.inputs_for(function):
        kind = KINDS[ins.kind]
        value = inputs.get(ins.name)
        if not kind.is_file or kind.empty(value):
            continue
        reader = READERS[ins.kind]
        reads = reader.read(ins, value, fetch)
        if reads:
            got.specs[ins.name] = ins
            got.reads[ins.name] = reads
    return got


__all__ = ["READERS", "Fetch", "MediaListReader", "Read", "ReadFile", "Reader", "document_info", "probe_slot",
           "read", "unsupported"]
