"""koshiki.attachments on its own: files stored once by SHA-256, records mapped onto MediaFacts."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.storage import storages

from koshiki.attachments import media as m
from koshiki.attachments.models import Consent, MediaFile, MediaRecord
from koshiki.checker import check_media
from tests.media import samples
from tests.personas import make_city
from tests.posts.test_media import media_storage  # noqa: F401  (autouse storage fixture)

pytestmark = pytest.mark.django_db


def test_the_same_bytes_are_stored_once_with_a_preview():
    data = samples.jpeg(gps=False)
    found = m.read_upload(data, "kamogawa.jpg")
    first = m.store(data, found, None)
    again = m.store(data, m.read_upload(data, "copy.jpg"), None)
    assert first.pk == again.pk and MediaFile.objects.count() == 1
    assert storages["koshiki_media"].exists(first.storage_name)
    assert m.read_preview(first)[:3] == b"\xff\xd8\xff"
    assert m.read_bytes(first) == data


def test_a_record_becomes_the_facts_of_the_rules():
    city = make_city("komae")
    data = samples.jpeg(faces=2, gps=False)
    file = m.store(data, m.read_upload(data, "undokai.jpg"), None)
    spec = m.Spec(file, "undokai.jpg", alt_text="運動会の玉入れ")
    bare = m.facts_for(spec, None, date(2026, 12, 7))
    assert bare.faces_detected and not bare.consent_recorded and bare.rights_basis == ""
    record = MediaRecord.objects.create(
        municipality=city.municipality,
        sha256=file.sha256,
        rights_basis="own_work",
        rights_holder="広報課 山田",
        people_shown=True,
        consent=Consent.GUARDIAN,
        consent_who="児童の保護者",
        consent_until=date(2027, 3, 31),
        recorded_by=city.people["operator"],
    )
    facts = m.facts_for(spec, record, date(2026, 12, 7))
    assert facts.consent_recorded and facts.rights_basis == "own_work"
    assert {f.rule for f in check_media(facts, "komae")} & {"media.consent", "media.rights"} == set()
    expired = m.facts_for(spec, record, date(2027, 4, 1))
    assert not expired.consent_recorded
    assert "media.consent" in {f.rule for f in check_media(expired, "komae")}


def test_the_content_digest_changes_with_the_record():
    city = make_city("kyoto")
    data = samples.image("png", gps=False)
    file = m.store(data, m.read_upload(data, "map.png"), None)
    spec = m.Spec(file, "map.png")
    before = m.media_digest(city.municipality, [spec])
    MediaRecord.objects.create(
        municipality=city.municipality, sha256=file.sha256, rights_basis="own_work",
        recorded_by=city.people["operator"],
    )  # fmt: skip
    assert m.media_digest(city.municipality, [spec]) != before
