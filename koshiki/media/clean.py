"""Make a copy of an image or video without its location and identifying metadata.

Images are decoded and written anew without EXIF, XMP, IPTC or comments; the
EXIF orientation is applied to the pixels first, so the picture still stands
the right way up. The ICC colour profile is kept (it describes colours, not
people). HEIC becomes JPEG, since not every platform accepts HEIC. Animated
GIF and WebP keep their frames and timing.

Videos are not re-encoded: every box that holds a place or identifies the
device (``©xyz``, ``loci``, the iPhone ``mdta`` location, make, model and
software items, XMP) is overwritten with a ``free`` box of the same size, so
no sample offset moves and the picture and sound are bit-for-bit the same.
The copy is read again before it is returned; if a location is still found,
``CleanError`` says so instead of handing back a copy that is not clean
(川崎市5(11)ス).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import PurePosixPath

from koshiki.media import boxes
from koshiki.media.probe import (
    _QT_IDENTIFYING,
    FORMATS,
    MediaError,
    detect_format,
    location_boxes,
    mdta_items,
    open_image,
    probe,
)

# Pillow's writer for each format, and the format of the cleaned copy.
_WRITE_AS = {"jpeg": "jpeg", "png": "png", "webp": "webp", "gif": "gif", "heic": "jpeg"}
_EXTENSIONS = {"jpeg": ".jpg", "png": ".png", "webp": ".webp", "gif": ".gif", "mp4": ".mp4", "mov": ".mov"}


class CleanError(MediaError):
    """The metadata could not be removed; the message is Japanese and says what to do instead."""


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The cleaned copy: its bytes, format id, file name and the tags that were removed."""

    data: bytes
    format: str
    name: str
    removed: tuple[str, ...]


def clean(data: bytes, name: str = "") -> Cleaned:
    """A copy of ``data`` without location and identifying metadata; ``CleanError`` when impossible."""
    fmt = detect_format(data)
    before = probe(data, name, faces=False)
    out = _clean_image(data, fmt) if FORMATS[fmt][0] == "image" else _clean_video(data)
    out_fmt = _WRITE_AS.get(fmt, fmt)
    new_name = _rename(name, out_fmt)
    after = probe(out, new_name, faces=False)
    if after.location_tags:
        raise CleanError(
            f"位置情報（{'、'.join(after.location_tags)}）を取り除けませんでした。"
            "カメラ・スマートフォンの位置情報の記録をオフにして撮り直してください"
        )
    removed = tuple(t for t in (*before.location_tags, *before.metadata_tags) if t not in after.metadata_tags)
    return Cleaned(out, out_fmt, new_name, removed)


def _rename(name: str, fmt: str) -> str:
    if not name:
        return f"cleaned{_EXTENSIONS[fmt]}"
    path = PurePosixPath(name)
    return f"{path.stem}{_EXTENSIONS[fmt]}" if path.suffix.lower() not in _same(fmt) else path.name


def _same(fmt: str) -> tuple[str, ...]:
    return {"jpeg": (".jpg", ".jpeg"), "mov": (".mov", ".qt")}.get(fmt, (_EXTENSIONS[fmt],))


def _clean_image(data: bytes, fmt: str) -> bytes:
    from PIL import Image, ImageOps

    im = open_image(data, fmt)
    icc = im.info.get("icc_profile")
    out = io.BytesIO()
    frames = getattr(im, "n_frames", 1)
    if frames > 1 and fmt in ("gif", "webp"):
        # Animated: every frame again, timing and loop kept; no comment, XMP or EXIF.
        params = {k: im.info[k] for k in ("duration", "loop", "background", "transparency") if k in im.info}
        im.info = {}
        im.save(out, _WRITE_AS[fmt], save_all=True, **params)
        return out.getvalue()
    upright = ImageOps.exif_transpose(im)
    fresh = Image.new(upright.mode, upright.size)
    fresh.paste(upright)
    if "transparency" in upright.info and fmt in ("png", "gif"):
        fresh.info["transparency"] = upright.info["transparency"]
    if upright.mode == "P":
        fresh.putpalette(upright.getpalette())
    target = _WRITE_AS[fmt]
    params: dict[str, object] = {}
    if icc:
        params["icc_profile"] = icc
    if target == "jpeg":
        if fresh.mode not in ("RGB", "L", "CMYK"):
            fresh = fresh.convert("RGB")
        params.update(quality=92, subsampling=0 if fmt == "png" else 2)
    elif target == "webp":
        params.update(quality=92, lossless=bool(im.info.get("lossless")))
    elif target == "png":
        params.update(optimize=False)
    if "transparency" in fresh.info:
        params["transparency"] = fresh.info["transparency"]
    fresh.save(out, target, **params)
    return out.getvalue()


def _clean_video(data: bytes) -> bytes:
    try:
        all_boxes = list(boxes.walk(data))
    except boxes.BoxError as exc:
        raise CleanError("動画の構造が壊れているため、メタデータを取り除けません") from exc
    buf = bytearray(data)
    targets = [b for b, _, _ in location_boxes(data, all_boxes)]
    targets += [b for b in all_boxes if b.type in _QT_IDENTIFYING and b.path[-1:] == (b"udta",)]
    targets += [
        b
        for b in all_boxes
        if b.type == b"XMP_" or (b.type == b"uuid" and data[b.start + 8 : b.start + 24] == boxes.XMP_UUID)
    ]
    targets += [
        item
        for key, item in mdta_items(data, all_boxes)
        if key.lower().rsplit(".", 1)[-1] in ("make", "model", "software", "creationdate", "author")
    ]
    for box in targets:
        boxes.blank(buf, box)
    return bytes(buf)
