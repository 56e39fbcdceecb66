"""The meeting's minutes (議事録) as a .docx document: date, attendance, quorum, votes, decisions, minutes text.

Built with python-docx in memory (A4, Mincho), like the campaign instruction.
"""

from __future__ import annotations

import io

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from koshiki.committees.models import Meeting
from koshiki.fiscal import to_wareki

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_FONT = "MS Mincho"


def _name(user: object) -> str:
    full = f"{user.last_name} {user.first_name}".strip()  # type: ignore[attr-defined]
    return full or user.get_username()  # type: ignore[attr-defined]


def build_minutes(meeting: Meeting, committee_name: str) -> bytes:
    """The minutes of ``meeting`` as .docx bytes."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = _FONT
    style.font.size = Pt(10.5)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _FONT)
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(25)
    document.add_heading(f"{committee_name} 議事録", level=1)
    document.add_paragraph(f"会議名: {meeting.title}")
    document.add_paragraph(f"開催日: {to_wareki(meeting.held_on)}")
    seats = list(meeting.attendance.select_related("member"))
    present = [s for s in seats if s.present]
    document.add_paragraph(
        f"出席委員: {len(present)}人／委員 {meeting.member_count}人（定足数 {meeting.quorum_required}人）"
    )
    for seat in seats:
        role = "委員長" if seat.is_chair else "委員"
        document.add_paragraph(
            f"{role} {_name(seat.member)}　{'出席' if seat.present else '欠席'}", style="List Bullet"
        )
    document.add_heading("議決", level=2)
    decisions = list(meeting.decisions.select_related("account", "decided_by"))
    if not decisions:
        document.add_paragraph("議決した案件はありません。")
    for d in decisions:
        document.add_paragraph(f"案件: {d.account.display_name}", style="List Number")
        document.add_paragraph(
            f"議決: {d.get_outcome_display()}（賛成 {d.approve_votes}・反対 {d.return_votes}・棄権 {d.abstain_votes}、"
            f"出席 {d.present_count}人）"
        )
        document.add_paragraph(f"理由: {d.reasons}")
        document.add_paragraph(f"宣告: 委員長 {_name(d.decided_by)}")
    document.add_heading("議事の経過", level=2)
    for line in (meeting.minutes or "（議事録は会議の終了時に記録されます）").splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
