"""The forms files are validated when loaded: a mistake names the file, the key and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from koshiki.checker.profiles import ProfileError
from koshiki.documents.catalog import FORMS_DIR, load_catalog


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "kyoto.toml").write_text((FORMS_DIR / "kyoto.toml").read_text("utf-8") + text, "utf-8")
    return tmp_path


def test_an_unknown_value_name_is_refused_with_file_and_key(tmp_path: Path) -> None:
    directory = write(tmp_path, "")
    text = (directory / "kyoto.toml").read_text("utf-8").replace('value = "purpose"', 'value = "purpos"', 1)
    (directory / "kyoto.toml").write_text(text, "utf-8")
    with pytest.raises(ProfileError) as err:
        load_catalog("kyoto", directory)
    assert err.value.key == "forms.policy.fields[2].value"
    assert "不明な値 'purpos'" in err.value.problem


def test_an_unknown_placeholder_in_a_title_is_refused(tmp_path: Path) -> None:
    directory = write(tmp_path, "")
    path = directory / "kyoto.toml"
    path.write_text(
        path.read_text("utf-8").replace(
            "{municipality}ソーシャルメディア一覧掲載依頼書", "{city}一覧掲載依頼書"
        ),
        "utf-8",
    )
    with pytest.raises(ProfileError, match=r"forms.listing_request.title: 不明な差込項目 \{city\}"):
        load_catalog("kyoto", directory)


def test_a_form_that_is_not_a_document_of_the_procedures_is_refused(tmp_path: Path) -> None:
    directory = write(
        tmp_path, '\n[forms.extra]\ntitle = "追加"\nfields = [{ label = "名前", value = "account_name" }]\n'
    )
    with pytest.raises(
        ProfileError, match="forms.extra: 手続（procedures）の \\[documents\\] にない様式です"
    ):
        load_catalog("kyoto", directory)


def test_a_document_of_the_procedures_without_a_form_is_refused(tmp_path: Path) -> None:
    text = (FORMS_DIR / "kyoto.toml").read_text("utf-8")
    start = text.index("[forms.removal_notice]")
    (tmp_path / "kyoto.toml").write_text(text[:start], "utf-8")
    with pytest.raises(ProfileError, match="forms.removal_notice: 手続の書類に対応する様式がありません"):
        load_catalog("kyoto", tmp_path)


def test_a_field_with_both_value_and_text_is_refused(tmp_path: Path) -> None:
    directory = write(tmp_path, "")
    path = directory / "kyoto.toml"
    path.write_text(
        path.read_text("utf-8").replace(
            '{ label = "掲載名称", value = "account_name" }',
            '{ label = "掲載名称", value = "account_name", text = "x" }',
        ),
        "utf-8",
    )
    with pytest.raises(ProfileError, match="value か text のどちらか一方"):
        load_catalog("kyoto", directory)
