"""Read an image's or video's bytes into the facts the media rules need.

``probe(data, name)`` recognises the format by its first bytes (never by the
file name), reads location metadata (EXIF GPS, XMP and IPTC place fields,
QuickTime ``©xyz``, 3GPP ``loci``, the ``mdta`` location key iPhones write) and
other identifying metadata (camera make, model and serial, capture time,
author), and counts faces large enough to identify.

Faces: OpenCV's frontal-face Haar cascade, shipped inside the
opencv-python-headless wheel (no download). The picture is first decoded at a
reduced size (JPEG DCT scaling through Pillow's ``draft``) and shrunk to
``FACE_LONG_SIDE`` pixels on its long side, so a face must be at least
``FACE_MIN_FRACTION`` of the short side to count: roughly what a reader can
recognise on a phone screen. It prompts the uploader for consent
(RULES.md media.consent); it is never a verdict. Measured cost per
12-megapixel photo: see ``benchmarks/media_speed.py`` and the README.

Pillow, pillow-heif and OpenCV are imported on first use.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any

from koshiki.checker.subjects import MediaFacts
from koshiki.media import boxes

# id -> (kind, MIME type, label shown to users)
FORMATS: dict[str, tuple[str, str, str]] = {
    "jpeg": ("image", "image/jpeg", "JPEG"),
    "png": ("image", "image/png", "PNG"),
    "webp": ("image", "image/webp", "WebP"),
    "heic": ("image", "image/heic", "HEIC"),
    "gif": ("image", "image/gif", "GIF"),
    "mp4": ("video", "video/mp4", "MP4"),
    "mov": ("video", "video/quicktime", "MOV"),
}
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
MAX_PIXELS = 80_000_000
"""Larger pictures are refused before decoding (a decompression bomb, not a photo)."""
FACE_LONG_SIDE = 640
FACE_MIN_FRACTION = 0.06

_UNSUPPORTED = (
    "対応していないファイル形式です（JPEG・PNG・WebP・HEIC・GIF の画像か、MP4・MOV の動画にしてください）"
)

# EXIF tags (TIFF tag numbers) that identify the camera, its owner or the moment.
_EXIF_IDENTIFYING = {
    270: "ImageDescription",
    271: "Make",
    272: "Model",
    305: "Software",
    306: "DateTime",
    315: "Artist",
    40091: "XPTitle",
    40093: "XPAuthor",
}
_EXIF_IFD_IDENTIFYING = {
    36867: "DateTimeOriginal",
    42032: "CameraOwnerName",
    42033: "BodySerialNumber",
    42037: "LensSerialNumber",
}
# GPS IFD tags that hold a position (GPSVersionID alone does not).
_GPS_POSITION = {1: "GPSLatitudeRef", 2: "GPSLatitude", 3: "GPSLongitudeRef", 4: "GPSLongitude",
                 6: "GPSAltitude", 20: "GPSDestLatitude", 22: "GPSDestLongitude", 28: "GPSAreaInformation"}  # fmt: skip
# XMP properties that hold a place (EXIF-in-XMP GPS, Photoshop and IPTC Core/Extension).
_XMP_PLACE = re.compile(
    rb"(exif:GPSLatitude|exif:GPSLongitude|photoshop:City|photoshop:State|Iptc4xmpCore:Location"
    rb"|Iptc4xmpExt:LocationCreated|Iptc4xmpExt:LocationShown|Iptc4xmpExt:Sublocation|Iptc4xmpExt:City)"
    rb"""(\s*=\s*["']([^"']+)["']|\s*>\s*([^<\s][^<]*)<|[^/]*?>\s*<)"""
)
_XMP_IDENTIFYING = re.compile(
    rb"(tiff:Make|tiff:Model|exifEX:BodySerialNumber|dc:creator|exif:DateTimeOriginal)"
)
# IPTC IIM (JPEG APP13) datasets naming a place.
_IPTC_PLACE = {(2, 90): "City", (2, 92): "Sub-location", (2, 95): "Province-State"}
# QuickTime user-data atoms that identify the device, the author or the moment.
_QT_IDENTIFYING = {
    b"\xa9mak": "©mak",
    b"\xa9mod": "©mod",
    b"\xa9day": "©day",
    b"\xa9ART": "©ART",
    b"\xa9swr": "©swr",
}
_MDTA_IDENTIFYING = ("make", "model", "software", "creationdate", "author")


class MediaError(ValueError):
    """The file cannot be read as a supported image or video; the message is Japanese."""


@dataclass(frozen=True, kw_only=True)
class Probe:
    """What was read from one file. Sizes in bytes and pixels, duration in seconds."""

    sha256: str
    name: str
    format: str
    kind: str
    mime: str
    size: int
    width: int = 0
    height: int = 0
    duration: float | None = None
    frames: int = 1
    location_tags: tuple[str, ...] = ()
    """Where a place is recorded, e.g. ``("EXIF GPSLatitude", "EXIF GPSLongitude")``."""
    location_text: str = ""
    """The recorded position as read, e.g. 「北緯35.0116 東経135.7681」 or ``+35.0116+135.7681/``."""
    metadata_tags: tuple[str, ...] = ()
    """Other identifying metadata: camera make/model/serial, capture time, author."""
    faces: int | None = None
    """Faces large enough to identify; None when no frame could be decoded."""
    face_ms: float = 0.0
    notes: tuple[str, ...] = field(default=())
    """Japanese remarks for the uploader (a video frame that could not be decoded, ...)."""

    @property
    def label(self) -> str:
        return FORMATS[self.format][2]

    @property
    def has_metadata(self) -> bool:
        """Anything the cleaner would remove: location or identifying metadata."""
        return bool(self.location_tags or self.metadata_tags)

    def facts(self, **recorded: Any) -> MediaFacts:
        """The checker's ``MediaFacts`` for this file, with what people recorded (rights, consent, alt text)."""
        return MediaFacts(
            kind=self.kind,
            name=self.name,
            has_location=bool(self.location_tags),
            location_tags=self.location_tags,
            faces_detected=self.faces,
            **recorded,
        )


def detect_format(data: bytes) -> str:
    """The format id of ``data`` from its first bytes; ``MediaError`` when unsupported."""
    head = data[:32]
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    brands = boxes.ftyp_brands(data[:256])
    if brands:
        if brands[0] in HEIF_BRANDS or (brands[0] not in (b"qt  ",) and HEIF_BRANDS & set(brands[1:])
                                         and not {b"isom", b"mp41", b"mp42", b"avc1"} & set(brands)):  # fmt: skip
            return "heic"
        if brands[0] == b"qt  ":
            return "mov"
        return "mp4"
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free"):  # old QuickTime files without ftyp
        return "mov"
    raise MediaError(_UNSUPPORTED)


def probe(data: bytes, name: str = "", *, faces: bool = True) -> Probe:
    """Read ``data`` (the whole file) into a ``Probe``; ``MediaError`` (Japanese) when unreadable."""
    if not data:
        raise MediaError("ファイルが空です")
    fmt = detect_format(data)
    kind, mime, _ = FORMATS[fmt]
    base = Probe(
        sha256=hashlib.sha256(data).hexdigest(), name=name, format=fmt, kind=kind, mime=mime, size=len(data)
    )
    if kind == "image":
        return _probe_image(data, base, faces)
    return _probe_video(data, base, faces)


# ---------------------------------------------------------------- images

_heif_lock = threading.Lock()
_heif_ready = False


def open_image(data: bytes, fmt: str) -> Any:
    """A lazily decoded Pillow image of ``data``; ``MediaError`` when Pillow cannot read it."""
    global _heif_ready
    from PIL import Image

    if fmt == "heic" and not _heif_ready:
        with _heif_lock:
            import pillow_heif

            pillow_heif.register_heif_opener()
            _heif_ready = True
    try:
        im = Image.open(io.BytesIO(data))
    except Exception as exc:  # Pillow raises several types for broken files
        raise MediaError("画像を読み取れません（ファイルが壊れているか、形式が拡張子と違います）") from exc
    if im.width * im.height > MAX_PIXELS:
        raise MediaError(f"画像が大きすぎます（{im.width}×{im.height} ピクセル）")
    return im


def _probe_image(data: bytes, base: Probe, want_faces: bool) -> Probe:
    im = open_image(data, base.format)
    location: list[str] = []
    identifying: list[str] = []
    where = ""
    exif = im.getexif()
    gps = exif.get_ifd(0x8825)
    for tag, label in _GPS_POSITION.items():
        if gps.get(tag) not in (None, b"", ""):
            location.append(f"EXIF {label}")
    if 2 in gps and 4 in gps:
        where = _gps_text(gps)
    for tag, label in _EXIF_IDENTIFYING.items():
        if exif.get(tag) not in (None, b"", ""):
            identifying.append(f"EXIF {label}")
    sub = exif.get_ifd(0x8769)
    for tag, label in _EXIF_IFD_IDENTIFYING.items():
        if sub.get(tag) not in (None, b"", ""):
            identifying.append(f"EXIF {label}")
    xmp = _xmp_bytes(im)
    if xmp:
        for m in _XMP_PLACE.finditer(xmp):
            label = f"XMP {m.group(1).decode()}"
            if label not in location:
                location.append(label)
        for m in _XMP_IDENTIFYING.finditer(xmp):
            label = f"XMP {m.group(1).decode()}"
            if label not in identifying:
                identifying.append(label)
    if base.format == "jpeg":
        from PIL import IptcImagePlugin

        iptc = IptcImagePlugin.getiptcinfo(im) or {}
        location += [f"IPTC {label}" for key, label in _IPTC_PLACE.items() if iptc.get(key)]
    frames = getattr(im, "n_frames", 1)
    found, ms = (None, 0.0)
    if want_faces:
        found, ms = count_faces(im)
    return replace(
        base,
        width=im.width,
        height=im.height,
        frames=frames,
        location_tags=tuple(location),
        location_text=where,
        metadata_tags=tuple(identifying),
        faces=found,
        face_ms=ms,
    )


def _xmp_bytes(im: Any) -> bytes:
    raw = im.info.get("xmp") or im.info.get("XML:com.adobe.xmp") or b""
    return raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)


def _gps_text(gps: Any) -> str:
    def decimal(value: Any) -> float:
        d, m, s = (float(x) for x in value)
        return d + m / 60 + s / 3600

    try:
        lat, lon = decimal(gps[2]), decimal(gps[4])
    except (TypeError, ValueError, ZeroDivisionError):
        return ""
    ns = "南緯" if str(gps.get(1, "N")).upper().startswith("S") else "北緯"
    ew = "西経" if str(gps.get(3, "E")).upper().startswith("W") else "東経"
    return f"{ns}{lat:.4f} {ew}{lon:.4f}"


# ---------------------------------------------------------------- faces

_cascade_local = threading.local()


def _cascade() -> Any:
    """This thread's frontal-face cascade (CascadeClassifier is not safe to share across threads)."""
    cascade = getattr(_cascade_local, "cascade", None)
    if cascade is None:
        import cv2

        cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
        if cascade.empty():
            raise RuntimeError(
                "OpenCV の顔検出モデルを読み込めません（opencv-python-headless 4.x が必要です）"
            )
        _cascade_local.cascade = cascade
    return cascade


def count_faces(im: Any) -> tuple[int, float]:
    """Faces large enough to identify in a Pillow image, and the milliseconds it took (decode included)."""
    import cv2
    import numpy as np
    from PIL import ImageOps

    began = time.perf_counter()
    if im.format == "JPEG":
        # Decode at 1/2, 1/4 or 1/8 size straight from the DCT: the 12 MP photo is never built.
        im.draft("L", (FACE_LONG_SIDE, FACE_LONG_SIDE))
    if getattr(im, "n_frames", 1) > 1:
        im.seek(0)
    gray = ImageOps.exif_transpose(im).convert("L")
    gray.thumbnail((FACE_LONG_SIDE, FACE_LONG_SIDE))
    pixels = np.asarray(gray)
    found = _detect(cv2, pixels)
    return found, (time.perf_counter() - began) * 1000


def _detect(cv2: Any, gray: Any) -> int:
    side = max(24, int(min(gray.shape[:2]) * FACE_MIN_FRACTION))
    gray = cv2.equalizeHist(gray)
    faces = _cascade().detectMultiScale(gray, scaleFactor=1.2, minNeighbors=5, minSize=(side, side))
    return len(faces)


# ---------------------------------------------------------------- video


def _probe_video(data: bytes, base: Probe, want_faces: bool) -> Probe:
    try:
        all_boxes = list(boxes.walk(data))
    except boxes.BoxError as exc:
        raise MediaError("動画を読み取れません（MP4・MOV の構造が壊れています）") from exc
    if not any(b.type == b"moov" for b in all_boxes):
        raise MediaError("動画を読み取れません（moov ボックスがありません）")
    location: list[str] = []
    identifying: list[str] = []
    where = ""
    for box in location_boxes(data, all_boxes):
        location.append(box[1])
        where = where or box[2]
    for b in all_boxes:
        if b.type in _QT_IDENTIFYING and b.path[-1:] == (b"udta",):
            identifying.append(f"QuickTime {_QT_IDENTIFYING[b.type]}")
    for key in mdta_items(data, all_boxes):
        if any(word in key[0].lower().rsplit(".", 1)[-1] for word in _MDTA_IDENTIFYING):
            identifying.append(f"QuickTime {key[0]}")
    width, height, duration = _video_geometry(data, all_boxes)
    notes: list[str] = []
    found, ms = None, 0.0
    if want_faces:
        began = time.perf_counter()
        frame = video_frame(data)
        if frame is None:
            notes.append("動画のコマを読み取れなかったため、顔の検出をしていません")
        else:
            import cv2

            gray = cv2.cvtColor(_shrink(cv2, frame), cv2.COLOR_RGB2GRAY)
            found = _detect(cv2, gray)
        ms = (time.perf_counter() - began) * 1000
    return replace(
        base,
        width=width,
        height=height,
        duration=duration,
        location_tags=tuple(location),
        location_text=where,
        metadata_tags=tuple(identifying),
        faces=found,
        face_ms=ms,
        notes=tuple(notes),
    )


def location_boxes(data: bytes, all_boxes: list[boxes.Box]) -> list[tuple[boxes.Box, str, str]]:
    """Boxes that hold a place, each with its tag label and the value as read."""
    found: list[tuple[boxes.Box, str, str]] = []
    for b in all_boxes:
        if b.type == b"\xa9xyz":
            found.append((b, "QuickTime ©xyz", boxes.item_value(data, b)))
        elif b.type == b"loci" and b.path[-1:] == (b"udta",):
            found.append((b, "3GPP loci", ""))
        elif is_xmp(data, b) and _XMP_PLACE.search(b.data(data)):
            found.append((b, "XMP (動画)", ""))
    for key, item in mdta_items(data, all_boxes):
        if ".location." in key.lower():
            found.append((item, f"QuickTime {key}", boxes.item_value(data, item)))
    return found


def is_xmp(data: bytes, b: boxes.Box) -> bool:
    """An XMP packet box: ``uuid`` with the XMP id (ISO files) or QuickTime's ``XMP_``."""
    return b.type == b"XMP_" or (b.type == b"uuid" and data[b.start + 8 : b.start + 24] == boxes.XMP_UUID)


def mdta_items(data: bytes, all_boxes: list[boxes.Box]) -> list[tuple[str, boxes.Box]]:
    """(key name, ilst item box) pairs of every ``mdta`` metadata list (iPhone MOV)."""
    pairs: list[tuple[str, boxes.Box]] = []
    for keys in (b for b in all_boxes if b.type == b"keys"):
        names = boxes.mdta_keys(data, keys)
        for item in all_boxes:
            if item.path[: len(keys.path)] == keys.path and item.path[-1:] == (b"ilst",):
                index = int.from_bytes(item.type, "big")
                if 1 <= index <= len(names):
                    pairs.append((names[index - 1], item))
    return pairs


def _video_geometry(data: bytes, all_boxes: list[boxes.Box]) -> tuple[int, int, float | None]:
    import struct

    duration = None
    width = height = 0
    for b in all_boxes:
        body = b.data(data)
        if b.type == b"mvhd" and len(body) >= 20:
            if body[0] == 1 and len(body) >= 32:
                scale, length = struct.unpack_from(">IQ", body, 20)
            else:
                scale, length = struct.unpack_from(">II", body, 12)
            duration = length / scale if scale else None
        elif b.type == b"tkhd" and len(body) >= 84:
            w, h = struct.unpack_from(">II", body, len(body) - 8)
            if w >> 16 > width:
                width, height = w >> 16, h >> 16
    return width, height, duration


def video_frame(data: bytes) -> Any:
    """An RGB frame from the middle of the video (numpy array), or None when it cannot be decoded."""
    import os
    import tempfile

    import cv2

    # OpenCV's FFmpeg backend reads from a path only; the temporary file is removed at once.
    fd, path = tempfile.mkstemp(suffix=".mp4")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        cap = cv2.VideoCapture(path)
        try:
            count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
            if count > 2:
                cap.set(cv2.CAP_PROP_POS_FRAMES, count // 2)
            ok, frame = cap.read()
        finally:
            cap.release()
    finally:
        os.unlink(path)
    if not ok or frame is None:
        return None
    return cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)


def _shrink(cv2: Any, rgb: Any) -> Any:
    h, w = rgb.shape[:2]
    scale = FACE_LONG_SIDE / max(h, w)
    if scale < 1:
        rgb = cv2.resize(rgb, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
    return rgb


# ---------------------------------------------------------------- previews


def preview(data: bytes, long_side: int = 480) -> bytes | None:
    """A small JPEG (no metadata) for thumbnails, or None when no picture can be made."""
    from PIL import Image, ImageOps

    fmt = detect_format(data)
    if FORMATS[fmt][0] == "image":
        im = open_image(data, fmt)
        if im.format == "JPEG":
            im.draft("RGB", (long_side, long_side))
        im = ImageOps.exif_transpose(im)
    else:
        frame = video_frame(data)
        if frame is None:
            return None
        im = Image.fromarray(frame)
    im = im.convert("RGB")
    im.thumbnail((long_side, long_side))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=80)
    return out.getvalue()
