"""Real sample files made on the spot: photos with EXIF GPS (Pillow), HEIC, and videos with a location tag (ffmpeg).

The face comes from ``fixtures/astronaut_face.jpg``, a crop of NASA's portrait
of astronaut Eileen Collins (public domain, as shipped in scikit-image's data
as ``astronaut.png``). Videos are written by the ffmpeg binary that the
imageio-ffmpeg wheel ships (a test dependency; no system ffmpeg needed).
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from fractions import Fraction
from pathlib import Path

from PIL import Image, ImageDraw

FIXTURES = Path(__file__).with_name("fixtures")
# 京都市役所の前（北緯35.0116、東経135.7681）
LAT = (35, 0, Fraction(4176, 100))
LON = (135, 46, Fraction(516, 100))


def scene(size: tuple[int, int] = (1600, 1200), *, faces: int = 0) -> Image.Image:
    """A landscape-like picture (sky, ground, a building) with ``faces`` real faces pasted in."""
    w, h = size
    im = Image.new("RGB", size, (150, 190, 230))
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, int(h * 0.6), w, h), fill=(90, 140, 70))
    draw.rectangle((int(w * 0.55), int(h * 0.25), int(w * 0.85), int(h * 0.7)), fill=(200, 190, 170))
    for i in range(6):
        x = int(w * (0.58 + i * 0.045))
        draw.rectangle((x, int(h * 0.32), x + int(w * 0.025), int(h * 0.4)), fill=(60, 70, 90))
    if faces:
        face = Image.open(FIXTURES / "astronaut_face.jpg").convert("RGB")
        side = int(h * 0.3)
        face = face.resize((side, side))
        for i in range(faces):
            im.paste(face, (int(w * 0.05) + i * (side + 20), int(h * 0.3)))
    return im


def exif_with_gps(im: Image.Image, *, orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: make, model, capture time, orientation and a GPS position."""
    exif = im.getexif()
    exif[271] = "Apple"
    exif[272] = "iPhone 15"
    exif[274] = orientation
    exif[306] = "2026:11:03 10:15:00"
    gps = exif.get_ifd(0x8825)
    gps[0] = b"\x02\x02\x00\x00"
    gps[1] = "N"
    gps[2] = LAT
    gps[3] = "E"
    gps[4] = LON
    return exif


def jpeg(
    *, faces: int = 0, gps: bool = True, size: tuple[int, int] = (1600, 1200), orientation: int = 1
) -> bytes:
    """A JPEG photo, with EXIF GPS unless ``gps=False``."""
    im = scene(size, faces=faces)
    out = io.BytesIO()
    if gps:
        im.save(out, "JPEG", quality=90, exif=exif_with_gps(im, orientation=orientation))
    else:
        im.save(out, "JPEG", quality=90)
    return out.getvalue()


def image(fmt: str, *, faces: int = 0, gps: bool = True, size: tuple[int, int] = (800, 600)) -> bytes:
    """A PNG, WebP, HEIC or GIF picture; EXIF GPS where the format holds EXIF."""
    im = scene(size, faces=faces)
    out = io.BytesIO()
    if fmt == "heic":
        import pillow_heif

        pillow_heif.register_heif_opener()
    params = {"exif": exif_with_gps(im)} if gps and fmt != "gif" else {}
    im.save(out, {"heic": "HEIF"}.get(fmt, fmt.upper()), **params)
    return out.getvalue()


def ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def video(fmt: str = "mov", *, location: str | None = "+35.0116+135.7681/", iphone: bool = False,
          seconds: float = 1.0, faces: int = 0) -> bytes:  # fmt: skip
    """A short MP4/MOV video written by ffmpeg, with a location tag unless ``location=None``.

    ``iphone=True`` writes the location the way iPhones do (an ``mdta`` key
    ``com.apple.quicktime.location.ISO6709``) instead of ``©xyz``/``loci``.
    """
    with tempfile.TemporaryDirectory() as tmp:
        frame = Path(tmp) / "frame.png"
        scene((640, 480), faces=faces).save(frame)
        out = Path(tmp) / f"clip.{fmt}"
        cmd = [ffmpeg(), "-v", "error", "-y", "-loop", "1", "-i", str(frame), "-t", str(seconds),
               "-r", "10", "-c:v", "mpeg4", "-pix_fmt", "yuv420p"]  # fmt: skip
        if location and iphone:
            cmd += ["-movflags", "use_metadata_tags", "-metadata", f"com.apple.quicktime.location.ISO6709={location}",
                    "-metadata", "com.apple.quicktime.model=iPhone 15"]  # fmt: skip
        elif location:
            cmd += ["-metadata", f"location={location}"]
        subprocess.run([*cmd, str(out)], check=True, timeout=60)
        return out.read_bytes()
