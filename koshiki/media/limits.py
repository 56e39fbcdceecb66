"""Per-platform limits on attached files (formats, sizes, counts, video length) from profile data.

The limits are ``[params.media_limits.<platform>]`` tables of a profile
(``standard.toml`` holds each platform's published figures; a city
overrides the whole table). ``problems(limits, platform, files)`` returns
one Japanese sentence per broken limit, naming the file; an empty list
means the set of files can be posted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from koshiki.media.probe import FORMATS

PLATFORM_LABELS = {
    "x": "X（旧Twitter）",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "line": "LINE",
    "youtube": "YouTube",
    "other": "このプラットフォーム",
}
MB = 1024 * 1024


class FileLike(Protocol):
    name: str
    format: str
    kind: str
    size: int
    duration: float | None


def limits_for(params_limits: Mapping[str, Any] | None, platform: str) -> Mapping[str, Any]:
    """The limits of ``platform`` (falling back to ``other``), or an empty mapping when none are set."""
    table = params_limits or {}
    return table.get(platform) or table.get("other") or {}


def problems(limits: Mapping[str, Any], platform: str, files: Sequence[FileLike]) -> list[str]:
    """Japanese sentences, one per broken limit, for posting ``files`` together on ``platform``."""
    if not limits:
        return []
    where = PLATFORM_LABELS.get(platform, platform)
    out: list[str] = []
    allowed = list(limits.get("formats", FORMATS))
    for f in files:
        label = FORMATS[f.format][2]
        if f.format not in allowed:
            names = "・".join(FORMATS[x][2] for x in allowed if x in FORMATS) or "なし"
            hint = (
                "（iPhone では「設定 > カメラ > フォーマット > 互換性優先」で JPEG になります）"
                if f.format == "heic"
                else ""
            )
            out.append(
                f"{where}には {label} のファイル「{f.name}」を投稿できません（投稿できる形式: {names}）{hint}"
            )
            continue
        key = "video_max_mb" if f.kind == "video" else ("gif_max_mb" if f.format == "gif" else "image_max_mb")
        cap = limits.get(key)
        if cap and f.size > cap * MB:
            out.append(f"「{f.name}」は {f.size / MB:.1f}MB あり、{where}の上限 {cap}MB を超えています")
        seconds = limits.get("video_max_seconds")
        if f.kind == "video" and seconds and f.duration and f.duration > seconds:
            out.append(
                f"動画「{f.name}」は {_clock(f.duration)} あり、{where}の上限 {_clock(seconds)} を超えています"
            )
    images = sum(1 for f in files if f.kind == "image")
    videos = sum(1 for f in files if f.kind == "video")
    max_images, max_videos = limits.get("max_images"), limits.get("max_videos")
    if max_images is not None and images > max_images:
        out.append(
            f"{where}の1投稿に付けられる画像は{max_images}枚までです（{images}枚あります）"
            if max_images
            else f"{where}には画像を投稿できません"
        )
    if max_videos is not None and videos > max_videos:
        out.append(f"{where}の1投稿に付けられる動画は{max_videos}本までです（{videos}本あります）")
    max_files = limits.get("max_files")
    if max_files is not None and images + videos > max_files:
        out.append(
            f"{where}の1投稿に付けられるファイルは{max_files}個までです（{images + videos}個あります）"
        )
    if images and videos and limits.get("mix") is False:
        out.append(f"{where}では画像と動画を同じ投稿に付けられません")
    return out


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 60}分{s % 60:02d}秒" if s >= 60 else f"{s}秒"
