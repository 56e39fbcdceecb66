"""Opening an incident, taking its playbook's steps, saving evidence, a second person, closing.

Each action checks permission through ``incidents.access``, runs in one
transaction holding the incident's row lock, refuses a wrong state or a
skipped step in Japanese, writes the timeline and one audit event.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import actor_label, record_event
from koshiki.errors import ActionError, require
from koshiki.incidents import access
from koshiki.incidents.actions.common import (
    add_entry,
    incident_link,
    kind_playbook,
    lock_incident,
    playbook_of,
    require_open,
    tell,
)
from koshiki.incidents.actions.freeze import freeze_locked
from koshiki.incidents.models import MAX_EVIDENCE_BYTES, Evidence, Impersonation, Incident, StepDone
from koshiki.incidents.notify import tell_people
from koshiki.incidents.playbooks import PlaybookStep, load_playbook
from koshiki.incidents.states import EvidenceKind, IncidentStatus, Kind
from koshiki.org.models import Municipality
from koshiki.org.roles import Role
from koshiki.registry.models import Account

# Kinds that may be opened without an official account (狛江市4(3)オ: a mention found anywhere).
WITHOUT_ACCOUNT = frozenset({Kind.MENTION, Kind.FALSE_INFO})


def do_open_incident(
    actor: Person,
    municipality: Municipality,
    *,
    kind: str,
    title: str,
    account: Account | None = None,
    description: str = "",
) -> Incident:
    """Open an incident of ``kind``, handled along the municipality's playbook; the opener owns it."""
    if kind not in Kind.values:
        raise ActionError("事案の種類を選んでください")
    if account is not None and account.municipality_id != municipality.pk:
        raise ActionError("他の自治体のアカウントです")
    if account is None and kind not in WITHOUT_ACCOUNT:
        raise ActionError(f"「{Kind(kind).label}」の事案では対象の公式アカウントを選んでください")
    require(
        access.can_open_incident(actor, municipality, account),
        "事案を起票できるのは、対象アカウントの担当者・所属長、所管課、統括情報セキュリティ責任者です",
    )
    title = (title or "").strip()
    if not title:
        raise ActionError("件名を入力してください")
    playbook = load_playbook(municipality.profile_id)
    with transaction.atomic():
        incident = Incident.objects.create(
            municipality=municipality,
            account=account,
            kind=kind,
            title=title[:200],
            description=(description or "").strip(),
            profile_id=municipality.profile_id,
            owner=actor,
            opened_by=actor,
            opened_at=timezone.now(),
        )
        first = playbook.kind(kind).steps[0]
        add_entry(
            incident,
            actor,
            "opened",
            f"起票（{Kind(kind).label}）。最初の手順: {first.title}（{first.clause}）",
        )
        record_event(
            actor,
            "incident.open",
            incident,
            {},
            {
                "kind": kind,
                "title": incident.title,
                "account": account.pk if account else None,
                "profile": incident.profile_id,
            },
        )
    return incident


@dataclass(frozen=True)
class StepState:
    """A step as the incident page shows it: done or not, deadline, and why it cannot be taken yet."""

    step: PlaybookStep
    done: StepDone | None
    due_at: datetime | None
    blocked: str

    @property
    def overdue(self) -> bool:
        return self.done is None and self.due_at is not None and self.due_at < timezone.now()


def _due_at(incident: Incident, step: PlaybookStep) -> datetime | None:
    return incident.opened_at + timedelta(minutes=step.due_minutes) if step.due_minutes else None


def _blocked(incident: Incident, step: PlaybookStep, done: dict[str, StepDone]) -> str:
    """Why ``step`` cannot be recorded now (Japanese), or ""."""
    book = kind_playbook(incident)
    playbook = playbook_of(incident)
    if step.id in done:
        return "この手順は既に記録されています"
    for before in step.after:
        if before not in done:
            prior = book.step(before)
            return f"先に「{prior.title}」を済ませてください（{prior.clause}）"
    if playbook.second_person and step is not book.steps[0] and incident.second_person_id is None:
        return f"この事案は一人では対応できません。二人目の職員を加えてください（{playbook.second_person_clause}）"
    if step.evidence and not incident.evidence.exists():
        return f"先に画面を保存するなど記録を残してください（{step.clause}）"
    if step.requires:
        imp = Impersonation.objects.filter(incident=incident).first()
        if imp is None:
            return "先になりすましのアカウントを確認し、本物のアカウントと結び付けてください"
        if step.requires == "notice" and imp.notice_published_at is None:
            return "先に公式アカウント一覧になりすましへの注意喚起を掲載してください"
    if step.effect == "freeze" and incident.account is None:
        return "この手順には対象の公式アカウントが必要です"
    return ""


def step_states(incident: Incident) -> list[StepState]:
    """Every step of the incident's playbook with its state (two queries)."""
    done = {s.step_id: s for s in incident.steps_done.select_related("done_by")}
    return [
        StepState(s, done.get(s.id), _due_at(incident, s), _blocked(incident, s, done))
        for s in kind_playbook(incident).steps
    ]


def do_complete_step(actor: Person, incident: Incident, step_id: str, *, note: str = "") -> StepDone:
    """Record a playbook step as done; tell the people it names; refuse a skipped or lone step."""
    book = kind_playbook(incident)
    try:
        step = book.step(step_id)
    except KeyError:
        raise ActionError("この事案の手順にない操作です") from None
    role_names = "・".join(_role_label(r) for r in step.roles)
    require(access.can_take_step(actor, incident, step), f"「{step.title}」を記録できるのは{role_names}です")
    with transaction.atomic():
        inc = lock_incident(incident)
        require_open(inc)
        done = {s.step_id: s for s in StepDone.objects.filter(incident=inc)}
        blocked = _blocked(inc, step, done)
        if blocked:
            raise ActionError(blocked)
        now = timezone.now()
        due = _due_at(inc, step)
        row = StepDone.objects.create(
            incident=inc,
            step_id=step.id,
            done_by=actor,
            done_at=now,
            note=(note or "").strip(),
            due_at=due,
            late=due is not None and now > due,
        )
        late = "（期限超過）" if row.late else ""
        add_entry(inc, actor, "step", f"{step.title}{late}" + (f": {row.note}" if row.note else ""))
        if step.effect == "freeze" and inc.account is not None and inc.account.frozen_at is None:
            freeze_locked(actor, inc.account, reason=f"{step.title}（{step.clause}）", incident=inc)
        told = tell(inc, actor, step.notify, f"【{inc.get_kind_display()}】{inc.title}: {step.title}")
        record_event(
            actor,
            "incident.step",
            row,
            {},
            {"step": step.id, "late": row.late},
            details={"incident": inc.pk, "clause": step.clause, "told": [actor_label(p) for p in told]},
            municipality=inc.municipality,
        )
    return row


def _role_label(role: str) -> str:
    return Role(role).label


def evidence_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def do_add_evidence(
    actor: Person,
    incident: Incident,
    *,
    url: str = "",
    text: str = "",
    file_name: str = "",
    content: bytes | None = None,
    content_type: str = "",
    note: str = "",
    source_ref: str = "",
) -> Evidence:
    """Save one record (a URL, a copied text or an uploaded screenshot); its SHA-256 goes into the trail."""
    require(access.can_work_on(actor, incident), "この事案に記録を保存する権限がありません")
    url, text = (url or "").strip(), (text or "").strip()
    given = [bool(url), bool(text), content is not None]
    if sum(given) != 1:
        raise ActionError("URL・本文の写し・画面のファイルのうち、どれか一つを保存してください")
    if url and not url.startswith(("http://", "https://")):
        raise ActionError("URL は http:// か https:// で始めてください")
    if content is not None:
        if not content:
            raise ActionError("ファイルが空です")
        if len(content) > MAX_EVIDENCE_BYTES:
            raise ActionError(f"ファイルが大きすぎます（{MAX_EVIDENCE_BYTES // (1024 * 1024)}MBまで）")
        kind, data = EvidenceKind.FILE, content
    elif url:
        kind, data = EvidenceKind.URL, url.encode("utf-8")
    else:
        kind, data = EvidenceKind.TEXT, text.encode("utf-8")
    digest = evidence_digest(data)
    with transaction.atomic():
        inc = lock_incident(incident)
        require_open(inc)
        ev = Evidence.objects.create(
            incident=inc,
            kind=kind,
            url=url[:1000],
            text=text,
            file_name=(file_name or "")[:255],
            content_type=(content_type or "")[:100],
            content=content,
            size=len(data),
            sha256=digest,
            note=(note or "").strip()[:300],
            source_ref=(source_ref or "")[:100],
            added_by=actor,
            added_at=timezone.now(),
        )
        what = ev.file_name or ev.url or "本文の写し"
        add_entry(inc, actor, "evidence", f"記録を保存: {what}（SHA-256 {digest[:16]}…）")
        record_event(
            actor,
            "incident.evidence",
            ev,
            {},
            {"kind": kind, "sha256": digest, "size": ev.size},
            details={"incident": inc.pk, "file_name": ev.file_name, "url": ev.url},
            municipality=inc.municipality,
        )
    return ev


def do_add_note(actor: Person, incident: Incident, *, text: str) -> None:
    """Add a free line to the timeline (what happened, who was called)."""
    require(access.can_work_on(actor, incident), "この事案に経過を記録する権限がありません")
    text = (text or "").strip()
    if not text:
        raise ActionError("経過メモを入力してください")
    with transaction.atomic():
        inc = lock_incident(incident)
        require_open(inc)
        entry = add_entry(inc, actor, "note", text)
        record_event(actor, "incident.note", inc, {}, {"entry": entry.pk}, details={"text": text[:500]})


def do_add_second_person(actor: Person, incident: Incident, *, person: Any) -> Incident:
    """Bring a second person into the incident (石巻市3(4)※: never handled alone); they are told."""
    require(access.can_work_on(actor, incident), "この事案に職員を加える権限がありません")
    with transaction.atomic():
        inc = lock_incident(incident)
        require_open(inc)
        if person is None:
            raise ActionError("二人目の職員を選んでください")
        if person.pk == inc.owner_id:
            raise ActionError("担当者本人は二人目になれません。別の職員を選んでください")
        if inc.second_person_id is not None:
            raise ActionError("二人目の職員は既に加わっています")
        if not access.second_person_choices(inc).filter(pk=person.pk).exists():
            raise ActionError(
                "この事案に加えられるのは、対象アカウントの担当者・所属長と所管課などの職員です"
            )
        inc.second_person = person
        inc.save(update_fields=["second_person"])
        add_entry(inc, actor, "second", f"二人目の職員: {actor_label(person)}")
        tell_people(
            [person],
            f"【{inc.get_kind_display()}】{inc.title}: 対応に加わってください",
            incident_link(inc),
            municipality=inc.municipality,
        )
        record_event(
            actor, "incident.second_person", inc, {"second_person": None}, {"second_person": person.pk}
        )
    return inc


def do_close_incident(actor: Person, incident: Incident, *, report: str) -> Incident:
    """Close with a closing report once every required step is done (a second person confirms where asked)."""
    playbook = playbook_of(incident)
    require(access.can_close(actor, incident, playbook), "事案を完了できるのは担当者と所属長・所管課です")
    report = (report or "").strip()
    if not report:
        raise ActionError("完了報告（経過・原因・再発防止）を入力してください")
    with transaction.atomic():
        inc = lock_incident(incident)
        require_open(inc)
        done = set(StepDone.objects.filter(incident=inc).values_list("step_id", flat=True))
        missing = [s for s in kind_playbook(inc).steps if not s.optional and s.id not in done]
        if missing:
            names = "、".join(f"「{s.title}」" for s in missing[:3])
            raise ActionError(f"済んでいない手順があるため完了できません: {names}")
        if playbook.second_person:
            if inc.second_person_id is None:
                raise ActionError(
                    f"二人目の職員が加わっていないため完了できません（{playbook.second_person_clause}）"
                )
            if actor.pk == inc.owner_id:
                raise ActionError(
                    f"完了報告は担当者以外の職員（二人目の職員か所属長）が確認して完了します（{playbook.second_person_clause}）"
                )
        if inc.account is not None and inc.account.frozen_at is not None:
            frozen_note = "（アカウントは緊急停止中のままです。解除は理由を添えて別に行います）"
        else:
            frozen_note = ""
        inc.status = IncidentStatus.CLOSED
        inc.closing_report = report
        inc.closed_by = actor
        inc.closed_at = timezone.now()
        inc.save(update_fields=["status", "closing_report", "closed_by", "closed_at"])
        add_entry(inc, actor, "closed", f"完了報告{frozen_note}: {report[:200]}")
        record_event(
            actor,
            "incident.close",
            inc,
            {"status": IncidentStatus.OPEN},
            {"status": inc.status},
            details={"report_sha256": hashlib.sha256(report.encode("utf-8")).hexdigest()},
        )
    return inc
