"""koshiki.media on real files made by the tests: location found and removed, faces, formats, errors."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import time

import pytest
from PIL import Image

from koshiki.checker import check_media
from koshiki.media import CleanError, MediaError, clean, preview, probe
from koshiki.media.probe import video_frame
from tests.media import samples

GPS_TAGS = ("EXIF GPSLatitude", "EXIF GPSLongitude")


def test_jpeg_gps_found_with_position_and_camera():
    p = probe(samples.jpeg(), "IMG_0412.jpg")
    assert p.format == "jpeg" and p.kind == "image" and (p.width, p.height) == (1600, 1200)
    assert set(GPS_TAGS) <= set(p.location_tags)
    assert p.location_text == "北緯35.0116 東経135.7681"
    assert {"EXIF Make", "EXIF Model", "EXIF DateTime"} <= set(p.metadata_tags)


def test_jpeg_without_metadata_has_nothing_to_remove():
    p = probe(samples.jpeg(gps=False), "scan.jpg")
    assert p.location_tags == () and not p.has_metadata


def test_cleaned_jpeg_has_no_metadata_a_new_hash_and_stands_upright():
    data = samples.jpeg(orientation=6)  # phone held upright: EXIF says "rotate 90°"
    cleaned = clean(data, "IMG_0412.jpg")
    assert hashlib.sha256(cleaned.data).hexdigest() != hashlib.sha256(data).hexdigest()
    assert set(GPS_TAGS) <= set(cleaned.removed) and "EXIF Make" in cleaned.removed
    again = probe(cleaned.data, cleaned.name)
    assert again.location_tags == () and again.metadata_tags == ()
    im = Image.open(io.BytesIO(cleaned.data))
    assert im.size == (1200, 1600)  # the rotation is in the pixels now
    assert 274 not in im.getexif() and 0x8825 not in im.getexif()


@pytest.mark.parametrize("fmt", ["png", "webp", "heic"])
def test_gps_in_other_image_formats_found_and_removed(fmt):
    data = samples.image(fmt)
    p = probe(data, f"photo.{fmt}")
    assert p.format == fmt and set(GPS_TAGS) <= set(p.location_tags)
    cleaned = clean(data, f"photo.{fmt}")
    assert probe(cleaned.data, cleaned.name).location_tags == ()
    if fmt == "heic":  # platforms do not all take HEIC: the clean copy is a JPEG
        assert cleaned.format == "jpeg" and cleaned.name == "photo.jpg"


def test_gif_is_read_and_has_no_location():
    p = probe(samples.image("gif"), "anim.gif")
    assert p.format == "gif" and p.location_tags == ()


def test_xmp_place_in_a_png_is_found():
    im = samples.scene((400, 300))
    xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
        'photoshop:City="京都市" exif:GPSLatitude="35,0.696N"/></rdf:RDF></x:xmpmeta>'
    )
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", xmp)
    out = io.BytesIO()
    im.save(out, "PNG", pnginfo=info)
    p = probe(out.getvalue(), "map.png")
    assert {"XMP photoshop:City", "XMP exif:GPSLatitude"} <= set(p.location_tags)
    assert probe(clean(out.getvalue(), "map.png").data).location_tags == ()


@pytest.mark.parametrize(
    ("fmt", "iphone", "tag"),
    [
        ("mov", False, "QuickTime ©xyz"),
        ("mp4", False, "3GPP loci"),
        ("mov", True, "QuickTime com.apple.quicktime.location.ISO6709"),
    ],
)
def test_video_location_found_and_removed_without_touching_the_picture(fmt, iphone, tag):
    data = samples.video(fmt, iphone=iphone)
    p = probe(data, f"clip.{fmt}")
    assert p.kind == "video" and p.format == fmt and tag in p.location_tags
    assert (p.width, p.height) == (640, 480) and p.duration == pytest.approx(1.0, abs=0.2)
    cleaned = clean(data, f"clip.{fmt}")
    assert len(cleaned.data) == len(data) and cleaned.data != data
    assert probe(cleaned.data, cleaned.name).location_tags == ()
    assert b"+35.0116+135.7681" not in cleaned.data
    assert video_frame(cleaned.data) is not None  # still plays


def test_video_without_location():
    assert probe(samples.video("mp4", location=None), "clip.mp4").location_tags == ()


def test_broken_video_is_refused_in_japanese():
    data = samples.video("mp4")
    with pytest.raises(MediaError, match="動画を読み取れません"):
        probe(data[: len(data) // 2] + b"\0\0\0\x20moov", "half.mp4")


def test_unsupported_file_is_refused_in_japanese():
    with pytest.raises(MediaError, match="対応していないファイル形式"):
        probe("広報課の原稿です".encode(), "draft.jpg")
    with pytest.raises(MediaError, match="空"):
        probe(b"", "empty.jpg")


def test_clean_error_is_a_media_error():
    assert issubclass(CleanError, MediaError)


def test_photo_with_faces_prompts_for_consent_and_one_without_does_not():
    with_faces = probe(samples.jpeg(faces=2), "sports_day.jpg")
    without = probe(samples.jpeg(), "flowerbed.jpg")
    assert with_faces.faces and with_faces.faces >= 1
    assert without.faces == 0
    rules = {f.rule for f in check_media(with_faces.facts(), "komae")}
    assert "media.consent" in rules
    assert "media.consent" not in {f.rule for f in check_media(without.facts(), "komae")}


def test_faces_in_a_video_frame():
    assert probe(samples.video("mp4", faces=1), "event.mp4").faces >= 1
    assert probe(samples.video("mp4"), "scenery.mp4").faces == 0


def test_reading_a_12_megapixel_jpeg_with_faces_costs_under_200_ms_of_cpu():
    """Issue 11.2: ≤ 200 ms per 12 MP photo. Measured as this process's CPU time (all its threads),
    which other programs on a shared machine do not inflate; wall time is in benchmarks/media_speed.py."""
    data = samples.jpeg(faces=2, size=(4000, 3000))
    probe(data)  # loads OpenCV and the cascade, as a web worker has at start
    costs = []
    for _ in range(5):
        began = time.process_time()
        found = probe(data)
        costs.append((time.process_time() - began) * 1000)
    assert found.faces >= 1
    assert min(costs) <= 200, f"{min(costs):.0f} ms"


def test_facts_carry_location_to_the_rules_with_each_profiles_clause():
    facts = probe(samples.jpeg(), "IMG_0412.jpg").facts(rights_basis="own_work", alt_text="花壇の写真")
    found = {f.rule: f for f in check_media(facts, "kawasaki")}
    assert found["media.location"].severity.value == "error"
    assert "EXIF GPSLatitude" in found["media.location"].message
    assert found["media.location"].clause.ref.startswith("5(11)")


def test_preview_is_a_small_jpeg_without_metadata():
    small = preview(samples.jpeg(), long_side=320)
    im = Image.open(io.BytesIO(small))
    assert im.format == "JPEG" and max(im.size) == 320 and not im.getexif()
    assert preview(samples.video("mp4")) is not None


def test_importing_the_checker_and_media_loads_no_image_library():
    code = (
        "import sys, koshiki.checker, koshiki.media; "
        "print(sorted(m for m in ('cv2', 'PIL', 'numpy', 'pillow_heif', 'django') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
