"""A bounds-checked walker over ISO-BMFF boxes (MP4, QuickTime MOV, HEIF) for metadata atoms.

Only what the media rules need: where the location and device metadata of a
video sit (``udta/©xyz``, ``udta/loci``, the ``mdta`` keys/ilst pair that
iPhones write, XMP in a ``uuid`` or ``XMP_`` box), as byte ranges of the file,
so that the cleaner can overwrite exactly those boxes with ``free`` boxes of
the same size: no sample offset (``stco``/``co64``) moves, so the video is
untouched. Box layout: ISO/IEC 14496-12 §4.2 (32-bit size, 4-byte type,
``size == 1`` → 64-bit size follows, ``size == 0`` → to the end of the
parent).

We parse boxes ourselves rather than through hachoir: its MP4 parser decodes
box types as ASCII (``©xyz`` becomes a warning on stderr) and gives no byte
ranges to write back; the format is small and fixed.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

# Boxes whose payload is a list of boxes (``meta`` has a 4-byte version/flags
# first in ISO files, not in old QuickTime files: detected below).
CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"udta", b"meta", b"ilst", b"edts", b"dinf", b"stbl"}
XMP_UUID = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
MAX_DEPTH = 12


class BoxError(ValueError):
    """The file is not a well-formed ISO-BMFF file (a box runs past its parent)."""


@dataclass(frozen=True, slots=True)
class Box:
    """One box: its type, where it starts in the file, its total size and payload start."""

    type: bytes
    start: int
    size: int
    payload: int
    path: tuple[bytes, ...]
    """Types of the enclosing boxes, outermost first (``(b"moov", b"udta")``)."""

    @property
    def end(self) -> int:
        return self.start + self.size

    def data(self, buf: bytes) -> bytes:
        return buf[self.payload : self.end]


def walk(buf: bytes, start: int = 0, end: int | None = None, path: tuple[bytes, ...] = ()) -> Iterator[Box]:
    """Yield every box in ``buf[start:end]`` depth first; ``BoxError`` on a malformed size."""
    end = len(buf) if end is None else end
    if len(path) > MAX_DEPTH:
        return
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", buf, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                raise BoxError("box header truncated")
            (size,) = struct.unpack_from(">Q", buf, pos + 8)
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise BoxError(f"box {kind!r} at {pos} runs past its parent")
        if kind == b"uuid":
            header += 16
        box = Box(kind, pos, size, pos + header, path)
        yield box
        if kind in CONTAINERS:
            child = box.payload
            # ISO 'meta' is a full box (version + flags); QuickTime's is not. A
            # full box's next 4 bytes are zero; a child box's are its size.
            if kind == b"meta" and buf[child : child + 4] == b"\0\0\0\0":
                child += 4
            yield from walk(buf, child, box.end, (*path, kind))
        pos += size
    if pos != end and end - pos >= 8:
        raise BoxError("trailing bytes")


def ftyp_brands(buf: bytes) -> tuple[bytes, ...]:
    """The major and compatible brands of the ``ftyp`` box at the start, or ``()``."""
    if len(buf) < 16 or buf[4:8] != b"ftyp":
        return ()
    (size,) = struct.unpack_from(">I", buf, 0)
    size = min(size, len(buf))
    brands = [buf[8:12]] + [buf[i : i + 4] for i in range(16, size - 3, 4)]
    return tuple(b for b in brands if len(b) == 4)


def mdta_keys(buf: bytes, keys: Box) -> list[str]:
    """The key names of a ``keys`` box (index 1 first), e.g. ``com.apple.quicktime.location.ISO6709``."""
    data = keys.data(buf)
    if len(data) < 8:
        return []
    (count,) = struct.unpack_from(">I", data, 4)
    names, pos = [], 8
    for _ in range(count):
        if pos + 8 > len(data):
            break
        (size,) = struct.unpack_from(">I", data, pos)
        if size < 8 or pos + size > len(data):
            break
        names.append(data[pos + 8 : pos + size].decode("utf-8", "replace"))
        pos += size
    return names


def item_value(buf: bytes, item: Box) -> str:
    """The text of an ilst item's first ``data`` box (or of a ``©xyz`` string), best effort."""
    data = item.data(buf)
    if len(data) >= 16 and data[4:8] == b"data":
        (size,) = struct.unpack_from(">I", data, 0)
        return data[16:size].decode("utf-8", "replace")
    if len(data) >= 4:  # QuickTime user-data string: 16-bit length, 16-bit language, text
        (length,) = struct.unpack_from(">H", data, 0)
        return data[4 : 4 + length].decode("utf-8", "replace")
    return ""


def blank(buf: bytearray, box: Box) -> None:
    """Turn ``box`` into a ``free`` box of the same size with a zeroed payload, in place."""
    if box.size < 8:
        raise BoxError("box too small to blank")
    header = 8
    if struct.unpack_from(">I", buf, box.start)[0] == 1:
        header = 16
    buf[box.start + 4 : box.start + 8] = b"free"
    buf[box.start + header : box.end] = bytes(box.end - box.start - header)
