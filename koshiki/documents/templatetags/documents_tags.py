"""Template tags that put the forms on the account and step pages without their views knowing about them."""

from __future__ import annotations

from typing import Any

from django import template

from koshiki.documents.catalog import load_catalog
from koshiki.documents.models import FormCopy
from koshiki.documents.steps import step_form_ids

register = template.Library()


@register.inclusion_tag("documents/_account_forms.html")
def account_forms(account: Any) -> dict[str, Any]:
    """Every form of the account's profile (DOCX/PDF links) and its filed copies (one query)."""
    catalog = load_catalog(account.municipality.profile_id)
    copies = FormCopy.objects.filter(account=account).defer("content").select_related("created_by")[:50]
    return {"account": account, "forms": list(catalog.forms.values()), "copies": copies}


@register.inclusion_tag("documents/_step_forms.html")
def step_forms(account: Any, step: Any) -> dict[str, Any]:
    """The step's forms pre-filled for download, and the optional upload of a signed or scanned copy."""
    catalog = load_catalog(account.municipality.profile_id)
    forms = [catalog.get(form_id) for form_id in step_form_ids(step)]
    return {"account": account, "forms": forms}
