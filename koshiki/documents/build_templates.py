"""Write the built-in Word template ``docx/form.docx`` (python-docx), whose Jinja tags docxtpl fills.

Run ``python -m koshiki.documents.build_templates`` after changing this file
and commit the result (a test fails when the committed template drifts).
The template is A4, 10.5pt ＭＳ 明朝 as city forms are; staff may open it in
Word, restyle it and save it as a city's own template (docs/forms.md lists
the names it may use).

Layout, top to bottom, each part left out when empty: （様式番号）, date
(right), addressee, sender and contact (right), title (centred, 14pt),
body, 記, the field table, the roster table, （その他） and the sections, a
note, and the
決裁/受付 boxes.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

TEMPLATE = Path(__file__).with_name("docx") / "form.docx"
FONT = "ＭＳ 明朝"


def _para(doc, text: str, align=None, size: float | None = None, bold: bool = False):
    p = doc.add_paragraph()
    run = p.add_run(text)
    if size:
        run.font.size = Pt(size)
    run.bold = bold
    if align is not None:
        p.alignment = align
    return p


def _guarded(doc, name: str, text: str, align=None, size: float | None = None, bold: bool = False) -> None:
    doc.add_paragraph(f"{{%p if {name} %}}")
    _para(doc, text, align, size, bold)
    doc.add_paragraph("{%p endif %}")


def _loop_table(doc, loop: str, cells: list[str], widths: list[float], height: float | None = None) -> None:
    table = doc.add_table(rows=3, cols=len(cells))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.cell(0, 0).text = f"{{%tr for {loop} %}}"
    for i, text in enumerate(cells):
        table.cell(1, i).text = text
        table.cell(1, i).width = Cm(widths[i])
    if height:
        table.rows[1].height = Cm(height)
    table.cell(2, 0).text = "{%tr endfor %}"


def build() -> bytes:
    """The template as bytes (deterministic apart from the zip timestamps python-docx writes)."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)

    _guarded(doc, "number_label", "{{ number_label }}")
    _guarded(doc, "date", "{{ date }}", WD_ALIGN_PARAGRAPH.RIGHT)
    _guarded(doc, "addressee", "{{ addressee }}")
    _guarded(doc, "sender", "{{ sender }}", WD_ALIGN_PARAGRAPH.RIGHT)
    _guarded(doc, "contact", "{{ contact }}", WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "{{ title }}", WD_ALIGN_PARAGRAPH.CENTER, 14, True)
    _guarded(doc, "body", "{{ body }}")
    _guarded(doc, "record", "記", WD_ALIGN_PARAGRAPH.CENTER)
    doc.add_paragraph("{%p if fields %}")
    _loop_table(doc, "f in fields", ["{{ f.label }}", "{{ f.value }}"], [5.0, 11.0])
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if rows %}")
    table = doc.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    for i in range(4):
        table.cell(0, i).text = f"{{{{ columns[{i}] }}}}"
        table.cell(2, i).text = f"{{{{ r[{i}] }}}}"
    table.cell(1, 0).text = "{%tr for r in rows %}"
    table.cell(3, 0).text = "{%tr endfor %}"
    doc.add_paragraph("{%p endif %}")
    _guarded(doc, "sections_heading", "{{ sections_heading }}")
    doc.add_paragraph("{%p for s in sections %}")
    _para(doc, "{{ s.label }}", bold=True)
    _para(doc, "{{ s.value }}")
    doc.add_paragraph("{%p endfor %}")
    _guarded(doc, "note", "{{ note }}")
    doc.add_paragraph("{%p if boxes %}")
    boxes = doc.add_table(rows=3, cols=2)
    boxes.style = "Table Grid"
    boxes.alignment = WD_TABLE_ALIGNMENT.RIGHT
    boxes.cell(0, 0).text = "{%tr for b in boxes %}"
    boxes.cell(1, 0).text = "{{ b }}"
    boxes.cell(1, 0).width, boxes.cell(1, 1).width = Cm(1.5), Cm(3.0)
    boxes.rows[1].height = Cm(2.0)
    boxes.cell(2, 0).text = "{%tr endfor %}"
    doc.add_paragraph("{%p endif %}")

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def main() -> int:
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    TEMPLATE.write_bytes(build())
    print(f"{TEMPLATE} を書き出しました")
    return 0


if __name__ == "__main__":
    sys.exit(main())
