"""A small city for the posts tests: a bureau with two sections, their people and accounts.

``make_city(profile_id)`` builds, for any profile:

- 総合企画局 (bureau) > 広報担当 (section, owns the X account) and 観光MICE推進室
  (another section, owns its own account);
- operator 山田 and operator 佐藤 of 広報担当, section head 田中 of 広報担当,
  bureau head 鈴木 (section_head of the bureau: above 広報担当), the other
  section's head 高橋 and operator 伊藤, an auditor, the governance office and
  a contractor operating only the other section's account.

Rows are created directly (test set-up, not state changes under test).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from koshiki.org.models import Municipality, OrgUnit, RoleAssignment
from koshiki.org.roles import Role
from koshiki.registry.models import Account, AccountRole
from koshiki.registry.states import Status

JST = ZoneInfo("Asia/Tokyo")
# A Wednesday inside every profile's operating hours (no holiday).
WORKDAY_NOON = datetime(2025, 6, 11, 12, 0, tzinfo=JST)

CITY_NAMES = {
    "kyoto": "京都市",
    "ishinomaki": "石巻市",
    "akitakata": "安芸高田市",
    "komae": "狛江市",
    "kawasaki": "川崎市",
    "standard": "見本市",
}


@dataclass
class City:
    municipality: Municipality
    bureau: OrgUnit
    unit: OrgUnit
    other_unit: OrgUnit
    account: Account
    other_account: Account
    operator: Any
    operator2: Any
    head: Any
    bureau_head: Any
    other_head: Any
    other_operator: Any
    auditor: Any
    office: Any
    contractor: Any


def _unit(municipality: Municipality, name: str, kind: str, parent: OrgUnit | None = None) -> OrgUnit:
    unit = OrgUnit.objects.create(municipality=municipality, parent=parent, kind=kind, name=name)
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit


def _user(username: str, last: str, first: str) -> Any:
    user = get_user_model().objects.create_user(username, last_name=last, first_name=first)
    user.set_unusable_password()
    user.save()
    return user


def _role(
    municipality: Municipality, user: Any, role: str, *, unit=None, account=None, company: str = ""
) -> None:
    assignment = RoleAssignment.objects.create(
        municipality=municipality,
        user=user,
        role=role,
        unit=unit,
        for_account=account is not None,
        company=company,
    )
    if account is not None:
        AccountRole.objects.create(assignment=assignment, account=account)


def build_city(profile_id: str) -> City:
    name = CITY_NAMES[profile_id]
    m = Municipality.objects.create(name=name, profile_id=profile_id)
    bureau = _unit(m, "総合企画局", OrgUnit.Kind.BUREAU)
    unit = _unit(m, "広報担当", OrgUnit.Kind.SECTION, bureau)
    other = _unit(m, "観光MICE推進室", OrgUnit.Kind.SECTION, bureau)
    account = Account.objects.create(
        municipality=m,
        owning_unit=unit,
        platform="x",
        handle=f"{profile_id}_koho",
        url=f"https://x.com/{profile_id}_koho",
        display_name=f"{name}広報",
        status=Status.LISTED,
        is_listed=True,
        operating_hours="月曜日から金曜日までの8時45分から17時30分まで（祝日及び年末年始を除く）",
    )
    other_account = Account.objects.create(
        municipality=m,
        owning_unit=other,
        platform="instagram",
        handle=f"{profile_id}_kanko",
        display_name=f"{name}観光",
        status=Status.LISTED,
        is_listed=True,
        operator_kind="contractor",
        operator_company="株式会社まちプロモ",
    )
    city = City(
        municipality=m,
        bureau=bureau,
        unit=unit,
        other_unit=other,
        account=account,
        other_account=other_account,
        operator=_user(f"{profile_id}-yamada", "山田", "花子"),
        operator2=_user(f"{profile_id}-sato", "佐藤", "次郎"),
        head=_user(f"{profile_id}-tanaka", "田中", "一郎"),
        bureau_head=_user(f"{profile_id}-suzuki", "鈴木", "三郎"),
        other_head=_user(f"{profile_id}-takahashi", "高橋", "誠"),
        other_operator=_user(f"{profile_id}-ito", "伊藤", "愛"),
        auditor=_user(f"{profile_id}-audit", "監査", "太郎"),
        office=_user(f"{profile_id}-office", "情報", "推進"),
        contractor=_user(f"{profile_id}-contractor", "委託", "次郎"),
    )
    _role(m, city.operator, Role.OPERATOR, unit=unit)
    _role(m, city.operator2, Role.OPERATOR, unit=unit)
    _role(m, city.head, Role.SECTION_HEAD, unit=unit)
    _role(m, city.bureau_head, Role.SECTION_HEAD, unit=bureau)
    _role(m, city.other_head, Role.SECTION_HEAD, unit=other)
    _role(m, city.other_operator, Role.OPERATOR, unit=other)
    _role(m, city.auditor, Role.AUDITOR)
    _role(m, city.office, Role.GOVERNANCE_OFFICE)
    _role(m, city.contractor, Role.CONTRACTOR, account=other_account, company="株式会社まちプロモ")
    return city


@pytest.fixture
def make_city(db):
    return build_city


@pytest.fixture
def kyoto(db) -> City:
    return build_city("kyoto")
