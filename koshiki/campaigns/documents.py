"""The written instruction to a paid third party (京都市6(1) 「文書・メールなどで具体的に指示する」), as .docx.

Built with python-docx from the profile's ``[posts.campaign]`` data and the
campaign: the disclosure rules, correct and incorrect examples, the subject
tag, the relation tags and the deadline. No template file; one pass, in memory.
"""

from __future__ import annotations

import io

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from koshiki.campaigns.models import Campaign
from koshiki.checker import load_profile
from koshiki.fiscal import to_wareki
from koshiki.posts.procedures import PostProcedures

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_FONT = "MS Mincho"


def _japanese_font(document: Document) -> None:
    style = document.styles["Normal"]
    style.font.name = _FONT
    style.font.size = Pt(10.5)
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), _FONT)


def _a4(document: Document) -> None:
    """A4 portrait with 25 mm margins: python-docx's default page is US Letter."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin = section.bottom_margin = Mm(25)


def _person(user: object) -> str:
    """「山田 花子」: family name first, as Japanese letters name people."""
    name = f"{getattr(user, 'last_name', '')} {getattr(user, 'first_name', '')}".strip()
    return name or str(getattr(user, "username", ""))


def build_instruction(campaign: Campaign, procedures: PostProcedures) -> bytes:
    """The instruction document for ``campaign`` as .docx bytes."""
    rules = procedures.campaign
    subject = campaign.subject
    municipality = campaign.account.municipality.name
    today = timezone.localdate()
    deadline = timezone.localtime(campaign.expires_at).date()

    doc = Document()
    _a4(doc)
    _japanese_font(doc)
    date_line = doc.add_paragraph(to_wareki(today))
    date_line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph(f"{campaign.poster_name} 様")
    sender = doc.add_paragraph(f"{municipality} {campaign.account.owning_unit.name}")
    sender.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    title = doc.add_heading("投稿における広告であることの明示について（指示）", level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(
        f"「{campaign.name}」に係る投稿では、{subject}が依頼した宣伝であることが、"
        "投稿を見る人に容易に分かるよう、次のとおり投稿内に必ず記載してください。"
        f"（根拠: {load_profile(procedures.profile_id).name} {rules.clause}）"
    )

    doc.add_heading("1 記載のルール", level=2)
    for rule in rules.filled(rules.rules, subject):
        doc.add_paragraph(rule, style="List Number")
    if rules.platforms_note:
        doc.add_paragraph(rules.platforms_note)

    doc.add_heading("2 ハッシュタグで明示する場合", level=2)
    tags = "、".join(f"#{t}" for t in campaign.relation_tags) or "#PR"
    # 京都市6(1)ア(イ)・石巻市5(1)イ: the two tags come first among the hashtags, not
    # necessarily at the start of the post.
    doc.add_paragraph(
        f"関係タグ（{tags}{'のいずれか' if len(campaign.relation_tags) > 1 else ''}）、マーケティング主体のタグ（#{subject}）の順に記載します。"
        "ほかのハッシュタグとともに用いる場合は、この2つのタグを必ずハッシュタグの先頭に記載します。"
    )
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    header = table.rows[0].cells
    header[0].text, header[1].text = "正しい例", "正しくない例"
    correct = rules.filled(rules.correct_examples, subject)
    incorrect = rules.filled(rules.incorrect_examples, subject)
    for i in range(max(len(correct), len(incorrect))):
        cells = table.add_row().cells
        cells[0].text = correct[i] if i < len(correct) else ""
        cells[1].text = incorrect[i] if i < len(incorrect) else ""

    if rules.sentence_examples:
        doc.add_heading("3 ハッシュタグ以外で明示する場合（文章の例）", level=2)
        for example in rules.filled(rules.sentence_examples, subject):
            doc.add_paragraph(example, style="List Bullet")

    doc.add_heading("4 事前の確認", level=2)
    doc.add_paragraph(
        f"投稿する前に、本文を{subject}の担当者が確認します。担当者からお送りする提出用リンクから本文を提出し、"
        "確認の結果をお待ちください。投稿した後は、投稿のURLを担当者にお知らせください。"
    )
    doc.add_heading("5 提出の期限", level=2)
    doc.add_paragraph(f"{to_wareki(deadline)}まで（提出用リンクの有効期限）")

    doc.add_heading("6 依頼の内容・連絡先", level=2)
    facts = doc.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in (
        ("事業名", campaign.name),
        ("発信者", f"{campaign.poster_name}（{campaign.get_poster_kind_display()}）"),
        ("発信者のアカウント", campaign.poster_account or "—"),
        ("マーケティング主体", f"#{subject}"),
        ("担当", f"{municipality} {campaign.account.owning_unit.name} {_person(campaign.created_by)}"),
        ("連絡先", campaign.account.contact or "—"),
    ):
        row = facts.add_row().cells
        row[0].text, row[1].text = label, value

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
