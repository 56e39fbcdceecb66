"""Every form of every profile, filled from the demo data, opened again as DOCX and PDF and read back."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import docx
import pypdf
import pytest

from koshiki.documents.build_templates import TEMPLATE, build
from koshiki.documents.catalog import VALUES, load_catalog
from koshiki.documents.facts import demo_facts
from koshiki.documents.fill import fill, form_values
from koshiki.documents.render import render_docx, render_pdf, sha256_hex
from koshiki.registry.lifecycle import load_procedures

PROFILES = ["kyoto", "komae", "ishinomaki", "akitakata", "kawasaki", "standard"]
ON = date(2026, 4, 1)
ERA_DATE = "令和8年4月1日"

# The forms issue 8 names, per profile, with a phrase each must show (from the guideline's form text).
EXPECTED = {
    "kyoto": {
        "policy": "運用ポリシー",
        "unblock_request": "ホームページ閲覧制限解除申請書",
        "unblock_notice": "ホームページ閲覧制限解除通知書",
        "external_service_request": "外部サービス利用申請書",
        "listing_request": "みなと市ソーシャルメディア一覧掲載依頼書",
        "listing_notice": "みなと市ソーシャルメディア一覧掲載通知書",
        "removal_request": "みなと市ソーシャルメディア一覧削除依頼書",
        "removal_notice": "みなと市ソーシャルメディア一覧削除通知書",
    },
    "komae": {"processing_plan": "電子計算組織処理計画書", "policy": "アカウント運用ポリシー"},
    "ishinomaki": {
        "policy": "石巻市ソーシャルメディア運用ポリシー",
        "opening_notice": "石巻市ソーシャルメディア（開設・変更・廃止）届出書",
        "change_notice": "石巻市ソーシャルメディア（開設・変更・廃止）届出書",
        "closure_notice": "石巻市ソーシャルメディア（開設・変更・廃止）届出書",
    },
    "akitakata": {
        "guideline": "運用指針",
        "application": "安芸高田市ソーシャルメディア運用計画申請書",
        "roster": "運用管理者・情報発信者確認名簿（令和8年度）",
        "security_release": "セキュリティ解除申請書",
    },
    "kawasaki": {
        "policy": "アカウント運用ポリシー",
        "internal_rule": "アカウント運用ルール",
        "start_report": "ソーシャルメディア利用開始報告書",
        "end_report": "ソーシャルメディア利用廃止報告書",
    },
    "standard": {
        "policy": "運用ポリシー",
        "application": "ソーシャルメディア開設申請書",
        "opening_notice": "ソーシャルメディア（開設・変更・廃止）届",
        "change_notice": "ソーシャルメディア（開設・変更・廃止）届",
        "closure_notice": "ソーシャルメディア（開設・変更・廃止）届",
        "roster": "運用管理者・情報発信者確認名簿",
    },
}

CASES = [(p, f) for p in PROFILES for f in EXPECTED[p]]


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a .docx, in order (tables after paragraphs)."""
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_each_profile_lists_exactly_the_forms_of_its_procedures() -> None:
    for profile in PROFILES:
        assert (
            set(load_catalog(profile).forms)
            == set(load_procedures(profile).documents)
            == set(EXPECTED[profile])
        )


def test_form_values_name_every_value_of_the_catalog() -> None:
    assert set(form_values(demo_facts("kyoto"), ON)) == set(VALUES)


@pytest.mark.parametrize(("profile", "form_id"), CASES)
def test_each_form_renders_as_docx_and_pdf_with_title_era_date_and_key_fields(
    profile: str, form_id: str
) -> None:
    spec = load_catalog(profile).get(form_id)
    form = fill(spec, demo_facts(profile), ON)
    assert form.title.startswith(EXPECTED[profile][form_id]) or EXPECTED[profile][form_id] in form.title
    texts = {"docx": docx_text(render_docx(form)), "pdf": pdf_text(render_pdf(form))}
    for fmt, text in texts.items():
        flat = text.replace("\n", "")
        assert EXPECTED[profile][form_id] in flat, (fmt, text)
        # The 和暦 date: the form's date, or (forms without one, like 様式1) the 運用期間/名簿 dates.
        assert ERA_DATE in flat, (fmt, text)
        for line in form.fields:
            assert line.label.replace("\n", "") in flat, (fmt, line.label)
        assert "みなと市観光情報" in flat or "観光MICE推進室" in flat, (fmt, text)
        for box in form.boxes:
            assert box in flat
    if spec.addressee:
        assert form.addressee in texts["docx"]


def test_kyoto_listing_request_is_laid_out_like_form_2() -> None:
    form = fill(load_catalog("kyoto").get("listing_request"), demo_facts("kyoto"), ON)
    text = docx_text(render_docx(form))
    lines = [t for t in text.split("\n") if t]
    assert lines[:4] == ["（様式2）", ERA_DATE, "（宛先）総合企画局情報化推進室長", "観光MICE推進室長"]
    assert "■観光・文化・産業" in text and "□暮らしの情報" in text
    assert "受付" in pdf_text(render_pdf(form))


def test_ishinomaki_notices_mark_which_event_they_report() -> None:
    catalog = load_catalog("ishinomaki")
    facts = demo_facts("ishinomaki")
    opening = fill(catalog.get("opening_notice"), facts, ON)
    closure = fill(catalog.get("closure_notice"), facts, ON)
    assert dict((f.label, f.value) for f in opening.fields)["区分"] == "■開設　□変更　□廃止"
    assert dict((f.label, f.value) for f in closure.fields)["開設・変更・廃止日"] == "令和9年3月31日"
    assert "廃止したので届け出ます" in pdf_text(render_pdf(closure))


def test_akitakata_roster_lists_every_person_on_the_roster() -> None:
    form = fill(load_catalog("akitakata").get("roster"), demo_facts("akitakata"), ON)
    text = pdf_text(render_pdf(form)).replace("\n", "")
    for name in ("田中 健", "高橋 美咲", "木村 彩", "株式会社みなとデジタル"):
        assert name in text
    assert "運用管理者" in docx_text(render_docx(form))


def test_pdf_embeds_the_bundled_japanese_font() -> None:
    data = render_pdf(fill(load_catalog("kyoto").get("policy"), demo_facts("kyoto"), ON))
    reader = pypdf.PdfReader(io.BytesIO(data))
    fonts = {str(f["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("IPAexGothic" in name for name in fonts)
    assert reader.metadata.title == "運用ポリシー"


def test_a_city_template_in_the_override_directory_replaces_the_builtin_one(tmp_path, monkeypatch) -> None:
    custom = docx.Document()
    custom.add_paragraph("みなと市独自様式 {{ title }} {{ values.account_name }} {{ date }}")
    (tmp_path / "kyoto").mkdir()
    custom.save(tmp_path / "kyoto" / "listing_request.docx")
    monkeypatch.setenv("KOSHIKI_FORMS_DIR", str(tmp_path))
    form = fill(load_catalog("kyoto").get("listing_request"), demo_facts("kyoto"), ON)
    text = docx_text(render_docx(form))
    assert (
        text.strip()
        == f"みなと市独自様式 みなと市ソーシャルメディア一覧掲載依頼書 みなと市観光情報 {ERA_DATE}"
    )
    other = fill(load_catalog("kyoto").get("listing_notice"), demo_facts("kyoto"), ON)
    assert "独自様式" not in docx_text(render_docx(other))


def test_the_same_data_gives_the_same_bytes_and_digest_twice() -> None:
    form = fill(load_catalog("komae").get("processing_plan"), demo_facts("komae"), ON)
    again = fill(load_catalog("komae").get("processing_plan"), demo_facts("komae"), ON)
    assert sha256_hex(render_docx(form)) == sha256_hex(render_docx(again))
    assert sha256_hex(render_pdf(form)) == sha256_hex(render_pdf(again))
    later = fill(load_catalog("komae").get("processing_plan"), demo_facts("komae"), date(2026, 4, 2))
    assert sha256_hex(render_pdf(later)) != sha256_hex(render_pdf(form))


def test_the_committed_word_template_is_what_the_build_script_writes() -> None:
    def parts(data: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return {n: z.read(n) for n in z.namelist() if n.startswith("word/") and n.endswith(".xml")}

    assert parts(TEMPLATE.read_bytes()) == parts(build()), "run python -m koshiki.documents.build_templates"


def test_the_policy_forms_follow_their_guidelines_layout() -> None:
    kyoto = fill(load_catalog("kyoto").get("policy"), demo_facts("kyoto"), ON)
    text = pdf_text(render_pdf(kyoto))
    assert text.index("（その他）") < text.index("1 注意事項") < text.index("3 免責事項")
    assert "（その他）" in docx_text(render_docx(kyoto))
    komae = fill(load_catalog("komae").get("policy"), demo_facts("komae"), ON)
    articles = [s.value.split(" ")[0] for s in komae.sections]
    assert articles == [f"第{n}条" for n in range(1, 10)]
    assert "（その他）" not in pdf_text(render_pdf(komae))
