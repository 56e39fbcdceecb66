"""Fill a form (``FormSpec``) with an account's facts: every text resolved, ready for DOCX or PDF.

Pure and cheap (no I/O beyond the cached procedures): the DOCX and the PDF
of one form are made from the same ``FilledForm``, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from koshiki.documents.catalog import EVENTS, FormSpec, Part
from koshiki.documents.facts import AccountFacts
from koshiki.fiscal import fiscal_year_label, to_wareki
from koshiki.registry.lifecycle import load_procedures
from koshiki.registry.states import Genre, Platform

CHECKED, UNCHECKED = "■", "□"


@dataclass(frozen=True)
class Line:
    """A resolved field (label, value) or section (heading, text)."""

    label: str
    value: str


@dataclass(frozen=True)
class FilledForm:
    """One form with every text resolved; what both renderers draw."""

    profile_id: str
    form_id: str
    layout: str
    number: str
    name: str
    title: str
    date: str
    addressee: str
    sender: str
    contact: str
    body: str
    record: bool
    fields: tuple[Line, ...]
    sections: tuple[Line, ...]
    sections_heading: str
    table_columns: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...]
    boxes: tuple[str, ...]
    note: str
    values: dict[str, str]

    @property
    def number_label(self) -> str:
        """「（様式2）」 as the guidelines print it above the date; empty for forms without a number."""
        return f"（{self.number}）" if self.number and self.number != "任意様式" else ""

    def filename(self, extension: str, account_name: str = "") -> str:
        """「様式2_ソーシャルメディア一覧掲載依頼書_みなと市観光情報.docx」 (safe for Windows)."""
        parts = [self.number if self.number != "任意様式" else "", self.name, account_name]
        stem = "_".join(p for p in parts if p)
        for bad in '\\/:*?"<>|':
            stem = stem.replace(bad, "")
        return f"{stem}.{extension}"


def _d(value: date | None) -> str:
    return to_wareki(value) if value else ""


def _checks(choices: list[tuple[str, str]], chosen: str, other: str = "") -> str:
    out = []
    for value, label in choices:
        mark = CHECKED if value == chosen else UNCHECKED
        if value == Platform.OTHER:
            label = f"その他（{other if chosen == Platform.OTHER else '　　'}）"
        out.append(f"{mark}{label}")
    return "　".join(out)


def form_values(facts: AccountFacts, on: date, event: str = "") -> dict[str, str]:
    """Every name of ``catalog.VALUES`` as text for ``facts`` on the date ``on``."""
    procedures = load_procedures(facts.profile_id)
    unit_name = facts.unit_path[-1] if facts.unit_path else ""
    period = ""
    if facts.period_start:
        period = f"{_d(facts.period_start)} ～ {_d(facts.period_end)}".rstrip()
    managers = [p.name for p in facts.roster if p.duty == "運用管理者"]
    posters = [p.name for p in facts.roster if p.duty != "運用管理者"]
    event_date = {"開設": facts.acquired_on, "変更": on, "廃止": facts.closed_on}.get(event)
    values = {
        "municipality": facts.municipality,
        "office_name": procedures.office.name,
        "office_head": procedures.office.head_title,
        "committee": procedures.committee_name,
        "list_name": procedures.list_name(facts.municipality),
        "date": to_wareki(on),
        "fiscal_year": fiscal_year_label(on),
        "unit_label": " ".join(facts.unit_path),
        "unit_name": unit_name,
        "unit_head": f"{unit_name}長" if unit_name else "",
        "applicant": facts.applicant,
        "responsible": facts.responsible,
        "account_name": facts.display_name,
        "handle": facts.handle,
        "url": facts.url,
        "platform": facts.platform_label,
        "platform_checks": _checks(list(Platform.choices), facts.platform, facts.platform_label),
        "genre": Genre(facts.genre).label if facts.genre else "",
        "genre_checks": _checks(list(Genre.choices), facts.genre),
        "purpose": facts.purpose,
        "content": facts.content,
        "audience": facts.audience,
        "period": period,
        "period_start": _d(facts.period_start),
        "period_end": _d(facts.period_end),
        "operating_hours": facts.operating_hours,
        "reply_policy": facts.reply_policy,
        "remarks": facts.remarks,
        "operator": facts.operator_company or unit_name,
        "contact": facts.contact,
        "registration_email": facts.registration_email,
        "notes": facts.notes,
        "ip_rights": facts.ip_rights,
        "disclaimer": facts.disclaimer,
        "other": facts.other,
        "rule_body": facts.rule_body,
        "devices": "\n".join(facts.devices),
        "managers": "、".join(managers),
        "posters": "、".join(posters),
        "opened_on": _d(facts.acquired_on),
        "closed_on": _d(facts.closed_on),
        "change_reason": facts.change_reason,
        "event_checks": "　".join(f"{CHECKED if e == event else UNCHECKED}{e}" for e in EVENTS),
        "event_date": _d(event_date),
        "policy_version": f"第{facts.policy_version}版" if facts.policy_version else "",
    }
    return values


def _text(template: str, values: dict[str, str]) -> str:
    return template.format_map(values).strip() if template else ""


def fill(spec: FormSpec, facts: AccountFacts, on: date) -> FilledForm:
    """The form ``spec`` filled with ``facts`` as of ``on`` (the form's date)."""
    values = form_values(facts, on, spec.event)

    def resolve(parts: tuple[Part, ...]) -> tuple[Line, ...]:
        return tuple(
            Line(_text(p.label, values), values[p.value] if p.value else _text(p.text, values)) for p in parts
        )

    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    if spec.layout == "roster":
        columns = ("役割", "氏名", "所属・会社", "登録日")
        rows = tuple((p.duty, p.name, p.affiliation, _d(p.added_on)) for p in facts.roster)
    return FilledForm(
        profile_id=spec.profile_id,
        form_id=spec.id,
        layout=spec.layout,
        number=spec.number,
        name=spec.name,
        title=_text(spec.title, values),
        date=values["date"] if spec.date else "",
        addressee=_text(spec.addressee, values),
        sender=_text(spec.sender, values),
        contact=_text(spec.contact, values),
        body=_text(spec.body, values),
        record=spec.record,
        fields=resolve(spec.fields),
        sections=resolve(spec.sections),
        sections_heading=_text(spec.sections_heading, values),
        table_columns=columns,
        table_rows=rows,
        boxes=spec.boxes,
        note=_text(spec.note, values),
        values=values,
    )
