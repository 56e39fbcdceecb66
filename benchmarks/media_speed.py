"""Face detection and metadata reading per 12-megapixel photo (4000×3000), printed as a table.

CPU is this process's CPU time (all threads): on a shared machine wall time grows with
the load of other programs, CPU time hardly does.

Run: ``.venv/bin/python benchmarks/media_speed.py [--runs 20]``. Uses the test
suite's sample maker (a landscape with two real faces, EXIF GPS), so it needs
the dev extras. The face figure includes decoding the picture at reduced size.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "media"))

import samples  # noqa: E402

from koshiki.media import clean, probe  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    size = (4000, 3000)
    files = {
        "JPEG": samples.jpeg(faces=2, size=size),
        "HEIC": samples.image("heic", faces=2, size=size),
        "PNG": samples.image("png", faces=2, size=size),
    }
    probe(files["JPEG"], "warm.jpg")  # load OpenCV and the cascade once, as a web worker has
    print(
        f"| 12 MP, {args.runs} runs | faces found | probe wall p50 / max (ms) | probe CPU p50 (ms)"
        " | face part wall p50 (ms) | clean wall p50 (ms) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for label, data in files.items():
        totals, cpus, faces_ms, cleans = [], [], [], []
        found = 0
        for _ in range(args.runs):
            began, cpu = time.perf_counter(), time.process_time()
            p = probe(data, "x")
            totals.append((time.perf_counter() - began) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
            faces_ms.append(p.face_ms)
            found = p.faces
        for _ in range(max(3, args.runs // 5)):
            began = time.perf_counter()
            clean(data, "x")
            cleans.append((time.perf_counter() - began) * 1000)
        print(
            f"| {label} ({len(data) // 1024} KiB) | {found} | {statistics.median(totals):.0f} / {max(totals):.0f}"
            f" | {statistics.median(cpus):.0f} | {statistics.median(faces_ms):.0f} | {statistics.median(cleans):.0f} |"
        )


if __name__ == "__main__":
    main()
