"""Reading, cleaning and previewing attached images and videos; imports nothing from Django.

``probe(data, name)`` reads a file's bytes into a ``Probe`` (format, size,
location and device metadata, faces) and ``Probe.facts(...)`` turns it into
the checker's ``MediaFacts``; ``clean(data, name)`` returns a copy without
metadata; ``preview(data)`` a small JPEG thumbnail. Pillow, pillow-heif and
OpenCV are imported on first use, so importing this package (or the checker)
stays fast.
"""

from koshiki.media.clean import Cleaned, CleanError, clean
from koshiki.media.probe import FORMATS, MediaError, Probe, detect_format, preview, probe

__all__ = [
    "FORMATS",
    "CleanError",
    "Cleaned",
    "MediaError",
    "Probe",
    "clean",
    "detect_format",
    "preview",
    "probe",
]
