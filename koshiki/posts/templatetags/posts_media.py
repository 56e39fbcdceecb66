"""``{% media_panel draft revision editable %}``: a revision's files with their findings and records."""

from __future__ import annotations

from typing import Any

from django import template

from koshiki.posts.media_forms import UploadForm
from koshiki.posts.media_panel import file_rows

register = template.Library()


@register.inclusion_tag("posts/media/_panel.html", takes_context=True)
def media_panel(context: Any, draft: Any, revision: Any, editable: bool = False) -> dict[str, Any]:
    return {
        "draft": draft,
        "revision": revision,
        "rows": file_rows(draft, revision),
        "editable": editable,
        "upload_form": UploadForm() if editable else None,
        "csrf_token": context.get("csrf_token"),
    }
