"""The one set of test personas (healthchecks' hc/test.py): a city with its units, a person in every
role, two ready posting accounts on request, and accounts driven to any lifecycle state.

``make_city(profile)`` builds, for any profile, through the real actions:

- 総務局 (bureau) > 広報課 (unit ``a``) and 市立動物園 (facility ``zoo``);
  観光局 (bureau) > 観光課 (unit ``b``);
- 広報課: operators 山田 花子 (``operator``) and 佐藤 次郎 (``operator2``), section
  heads 田中 一郎 (``head``) and 中村 健 (``head2``); 鈴木 三郎 (``bureau_head``)
  heads 総務局, above 広報課; 観光課: operator 伊藤 愛 (``operator_b``) and head
  高橋 誠 (``head_b``);
- city-wide: the governance office 小林 恵 (``office``), committee member 加藤 学
  (``member``) and chair 吉田 修 (``chair``), security officer 山本 剛
  (``security``), auditor 松本 聡 (``auditor``);
- people without a role yet: ``nobody``, ``contractor``, ``designated_manager``.

``posting_accounts=True`` adds the two listed accounts the posts tests work on:
広報課's X account (``account``) and 観光課's Instagram account (``other_account``),
run by a contractor, 株式会社まちプロモ's 木村 舞 (``agency``), who holds the
contractor role for that one account only.

Accounts reach a lifecycle state through the real actions, along the shortest
path the profile's procedures allow, each step performed by someone holding
one of its roles: the tests exercise the profile data, not a shortcut.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from koshiki.committees import actions as committee_actions
from koshiki.org.models import Municipality, OrgUnit
from koshiki.org.roles import Role
from koshiki.people.actions import do_assign_role, do_create_municipality, do_create_unit
from koshiki.registry import actions
from koshiki.registry.lifecycle import Step, load_procedures
from koshiki.registry.models import Account, Device, RosterEntry
from koshiki.registry.states import PolicyKind, Status
from koshiki.security.access import REQUIRED_ROLES, second_factor_required

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

# Who performs a step naming this role.
ROLE_PERSON = {
    Role.OPERATOR: "operator",
    Role.SECTION_HEAD: "head",
    Role.GOVERNANCE_OFFICE: "office",
    Role.COMMITTEE_MEMBER: "member",
    Role.COMMITTEE_CHAIR: "chair",
    Role.SECURITY_OFFICER: "security",
}

# key, family name, given name, role, unit key (None: city-wide)
PERSONAS: list[tuple[str, str, str, Role, str | None]] = [
    ("operator", "山田", "花子", Role.OPERATOR, "a"),
    ("operator2", "佐藤", "次郎", Role.OPERATOR, "a"),
    ("head", "田中", "一郎", Role.SECTION_HEAD, "a"),
    ("head2", "中村", "健", Role.SECTION_HEAD, "a"),
    ("bureau_head", "鈴木", "三郎", Role.SECTION_HEAD, "bureau_a"),
    ("operator_b", "伊藤", "愛", Role.OPERATOR, "b"),
    ("head_b", "高橋", "誠", Role.SECTION_HEAD, "b"),
    ("office", "小林", "恵", Role.GOVERNANCE_OFFICE, None),
    ("member", "加藤", "学", Role.COMMITTEE_MEMBER, None),
    ("chair", "吉田", "修", Role.COMMITTEE_CHAIR, None),
    ("security", "山本", "剛", Role.SECURITY_OFFICER, None),
    ("auditor", "松本", "聡", Role.AUDITOR, None),
]
WITHOUT_ROLE = [
    ("nobody", "井上", "陽"),
    ("contractor", "委託", "次郎"),
    ("designated_manager", "指定", "管理"),
]


def make_user(username: str, family: str = "試験", given: str = "太郎", password: str | None = None) -> Any:
    """A user without a usable password unless one is given (Argon2 hashing is slow on purpose)."""
    user = get_user_model().objects.create_user(username=username, password=password)
    user.last_name, user.first_name = family, given
    user.save(update_fields=["last_name", "first_name"])
    return user


@dataclass
class City:
    """A municipality on a profile, its units, one person per role (plus a few extras), and accounts."""

    municipality: Municipality
    units: dict[str, OrgUnit]
    people: dict[str, Any] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    counter: int = 0

    @property
    def profile(self) -> str:
        return self.municipality.profile_id

    def procedures(self) -> Any:
        return load_procedures(self.profile)

    def person_for(self, step: Step, unit: str = "a") -> Any:
        """The person who performs ``step`` on an account of unit a or b."""
        for role in step.roles:
            key = ROLE_PERSON[Role(role)]
            if key in ("operator", "head") and unit == "b":
                key += "_b"
            if key in self.people:
                return self.people[key]
        raise AssertionError(f"no person for {step.id}")

    # The names the posts tests use for the same people, units and accounts.
    def __getattr__(self, name: str) -> Any:
        aliases = {
            "other_head": ("people", "head_b"),
            "other_operator": ("people", "operator_b"),
            "unit": ("units", "a"),
            "other_unit": ("units", "b"),
            "bureau": ("units", "bureau_a"),
            "account": ("accounts", "main"),
            "other_account": ("accounts", "other"),
        }
        table, key = aliases.get(name, ("people", name))
        try:
            return self.__dict__[table][key]
        except KeyError:
            raise AttributeError(name) from None


def make_city(profile: str = "kyoto", name: str | None = None, *, posting_accounts: bool = False) -> City:
    """The test city on ``profile`` (named after the profile's city unless ``name`` is given)."""
    municipality = do_create_municipality(None, name or CITY_NAMES.get(profile, f"試験市{profile}"), profile)
    bureau_a = do_create_unit(None, municipality, "総務局", "bureau", bootstrap=True)
    unit_a = do_create_unit(None, municipality, "広報課", "section", bureau_a, bootstrap=True)
    bureau_b = do_create_unit(None, municipality, "観光局", "bureau", bootstrap=True)
    unit_b = do_create_unit(None, municipality, "観光課", "section", bureau_b, bootstrap=True)
    zoo = do_create_unit(None, municipality, "市立動物園", "facility", bureau_a, bootstrap=True)
    units = {"bureau_a": bureau_a, "a": unit_a, "bureau_b": bureau_b, "b": unit_b, "zoo": zoo}
    city = City(municipality, units)
    prefix = profile[:3]
    for key, family, given, role, unit in PERSONAS:
        user = make_user(f"{prefix}_{key}", family=family, given=given)
        do_assign_role(
            user, role, municipality=municipality, unit=units.get(unit or ""), bootstrap=True, actor=None
        )
        city.people[key] = user
        if role in REQUIRED_ROLES:
            # Enrolled from the start, as a city's staff would be (the row exists before a
            # test counts rows; the session is verified at force_login, see tests/conftest.py).
            second_factor_device(user)
    for key, family, given in WITHOUT_ROLE:
        username = f"{prefix}_dm" if key == "designated_manager" else f"{prefix}_{key}"
        city.people[key] = make_user(username, family=family, given=given)
    if posting_accounts:
        _add_posting_accounts(city, prefix)
    return city


def _add_posting_accounts(city: City, prefix: str) -> None:
    """Two listed accounts, created directly (set-up, not a state change under test)."""
    m = city.municipality
    city.accounts["main"] = Account.objects.create(
        municipality=m,
        owning_unit=city.units["a"],
        platform="x",
        handle=f"{city.profile}_koho",
        url=f"https://x.com/{city.profile}_koho",
        display_name=f"{m.name}広報",
        status=Status.LISTED,
        is_listed=True,
        operating_hours="月曜日から金曜日までの8時45分から17時30分まで（祝日及び年末年始を除く）",
    )
    city.accounts["other"] = other = Account.objects.create(
        municipality=m,
        owning_unit=city.units["b"],
        platform="instagram",
        handle=f"{city.profile}_kanko",
        display_name=f"{m.name}観光",
        status=Status.LISTED,
        is_listed=True,
        operator_kind="contractor",
        operator_company="株式会社まちプロモ",
    )
    agency = make_user(f"{prefix}_agency", family="木村", given="舞")
    do_assign_role(
        agency,
        Role.CONTRACTOR,
        municipality=m,
        account=other,
        company="株式会社まちプロモ",
        bootstrap=True,
        actor=None,
    )
    city.people["agency"] = agency


# Each city's organisational mail and web domain (the account rules check both).
CITY_DOMAINS = {
    "kyoto": "city.kyoto.lg.jp",
    "ishinomaki": "city.ishinomaki.lg.jp",
    "akitakata": "city.akitakata.lg.jp",
    "komae": "city.komae.lg.jp",
    "kawasaki": "city.kawasaki.jp",
}


def application_details(city: City, **overrides: Any) -> dict[str, Any]:
    """A complete application whose account findings are clean (the registration gate lets it pass)."""
    city.counter += 1
    n = city.counter
    domain = CITY_DOMAINS.get(city.profile, "city.test.lg.jp")
    name = city.municipality.name
    values = {
        "platform": "x",
        "display_name": f"{city.municipality.name}広報課{n}",
        "handle": f"test_city_{n}",
        "url": f"https://x.com/test_city_{n}",
        "purpose": "市政情報を迅速に発信する。",
        "audience": "市民",
        "content": "市政・イベントの情報",
        "responsible_title": "広報課長",
        "period_start": date(2025, 4, 1),
        "genre": "government",
        "registration_email": f"koho{n}@{domain}",
        "contact": "広報課 075-000-0000",
        "profile_text": (
            f"{name}広報課が運営する公式アカウントです。市政・イベントの情報を発信し、"
            "市民の皆さまの暮らしに役立てることが目的です。運用期間：令和7年4月1日から。"
            f"個別の返信は行いません。運用ポリシー https://www.{domain}/sns/policy.html "
            f"市ホームページ https://www.{domain}/ 問い合わせ：広報課 075-000-0000"
        ),
    }
    values.update(overrides)
    return values


def new_account(city: City, unit: str = "a", **overrides: Any) -> Account:
    """An application in the profile's initial state, ready for every precondition:
    responsible person, roster, an approved city device, MFA on, and (where the
    profile uses one) an internal operating rule."""
    operator = city.people["operator" if unit == "a" else "operator_b"]
    head = city.people["head" if unit == "a" else "head_b"]
    account = actions.do_create_application(
        operator, city.units[unit], application_details(city, **overrides)
    )
    actions.do_add_roster_entry(account, name="試験 花子", duty=RosterEntry.Duty.POSTER, actor=operator)
    device = actions.do_register_device(
        operator, account, name="貸与タブレット", ownership=Device.Ownership.CITY
    )
    procedures = city.procedures()
    approver = head if "section_head" in procedures.device_approver_roles else city.people["security"]
    actions.do_approve_device(approver, device)
    actions.do_update_security(operator, account, {"mfa_enabled": True})
    if PolicyKind.INTERNAL_RULE in procedures.policy_kinds:
        actions.do_revise_policy(
            account,
            values={"body": "担当者2名で運用し、投稿は所属長の承認を得る。"},
            kind=PolicyKind.INTERNAL_RULE,
            actor=operator,
        )
    return Account.objects.get(pk=account.pk)


def path_to(city: City, target: str) -> list[Step]:
    """Shortest sequence of state-changing steps from the initial state to ``target``."""
    procedures = city.procedures()
    start = procedures.initial
    queue: deque[tuple[str, list[Step]]] = deque([(start, [])])
    seen = {start}
    while queue:
        state, path = queue.popleft()
        if state == target:
            return path
        for step in procedures.steps_from(state):
            nxt = step.to_state
            if nxt and nxt not in seen and step.kind not in ("withdraw", "return"):
                seen.add(nxt)
                queue.append((nxt, [*path, step]))
    # Returned / withdrawn are reached only through those kinds.
    queue = deque([(start, [])])
    seen = {start}
    while queue:
        state, path = queue.popleft()
        if state == target:
            return path
        for step in procedures.steps_from(state):
            nxt = step.to_state
            if nxt and nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, [*path, step]))
    raise AssertionError(f"{city.profile}: state {target} is unreachable")


def step_kwargs(city: City, step: Step, account: Account) -> dict[str, Any]:
    """Inputs that satisfy a step: every document, an answer per question, reasons, a redirect target."""
    kwargs: dict[str, Any] = {
        "documents": [d.id for d in step.documents],
        "answers": {q.id: f"{q.text}について検討した結果を記録する。" for q in step.questions},
        "reasons": "試験のための理由" if step.reasons != "none" else "",
    }
    if "redirect_followers" in step.effects:
        kwargs["redirect_to"] = main_account(city)
    return kwargs


def main_account(city: City) -> Account:
    """The city's main listed account (the target followers are pointed to)."""
    existing = Account.objects.filter(
        municipality=city.municipality, display_name="市広報メイン", is_listed=True
    ).first()
    return existing or account_in(city, "listed", display_name="市広報メイン")


def open_meeting(city: City, title: str = "第1回 委員会") -> Any:
    """A committee meeting held today, recorded by the office, with the chair and a member present."""
    return committee_actions.do_open_meeting(
        city.people["office"],
        city.municipality,
        title=title,
        held_on=timezone.localdate(),
        present=[city.people["chair"], city.people["member"]],
    )


def committee_decides(city: City, account: Account, outcome: str = "approve", reasons: str = "") -> Any:
    """A meeting of the committee (office records it, chair and member present) decides the application."""
    meeting = open_meeting(city)
    for key in ("chair", "member"):
        committee_actions.do_vote(city.people[key], meeting, account, choice=outcome)
    return committee_actions.do_decide(
        city.people["chair"],
        meeting,
        account,
        outcome=outcome,
        reasons=reasons or "審査の結果、適当と認める。",
    )


def advance(city: City, account: Account, steps: list[Step], unit: str = "a") -> Account:
    for step in steps:
        if "committee_decision" in step.requires:
            committee_decides(city, Account.objects.get(pk=account.pk), step.kind, "試験のための理由")
            continue
        actions.do_step(
            account, step.id, actor=city.person_for(step, unit), **step_kwargs(city, step, account)
        )
    return Account.objects.get(pk=account.pk)


def account_in(city: City, state: str, unit: str = "a", **overrides: Any) -> Account:
    """A new account driven through the profile's steps to ``state``."""
    account = new_account(city, unit, **overrides)
    return advance(city, account, path_to(city, state), unit)


def give_mail_addresses() -> None:
    """Every test person gets an address at the city's domain (the builders leave it empty)."""
    for user in get_user_model().objects.all():
        user.email = f"{user.username}@city.test.lg.jp"
        user.save(update_fields=["email"])


# ---- the second factor (koshiki.security) -------------------------------------------------------
#
# Staff with a required role (section heads, the office, the security officer, committee members,
# auditors) cannot reach a staff page until their session passed TOTP. Tests meet this in two ways:
#
# - ``client.force_login(user)`` verifies the session with the user's own TOTP device through
#   django-otp's ``login()`` (the autouse fixture in tests/conftest.py calls
#   ``verify_second_factor``), so tests of other apps need nothing; mark a test
#   ``@pytest.mark.password_only`` to get Django's plain force_login (password only);
# - ``login_with_second_factor(client, username, password)`` walks the real pages: the login
#   form, then the code page with the code the device shows now. A browser test (Playwright)
#   calls ``login_page_with_second_factor(page, live_server.url, username, password)``, which
#   fills the same two forms (``totp_code(user)`` gives the code to type).


def second_factor_device(user: Any) -> TOTPDevice:
    """The user's confirmed TOTP device (created with a random secret when missing)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="テスト用の認証アプリ", confirmed=True)
    return device


def verify_second_factor(client: Any, user: Any) -> None:
    """Mark the client's session as verified by the user's device (django-otp's own ``login``).

    Done only for someone the middleware would stop: a required role, or an enrolled device.
    """
    has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if not (has_device or second_factor_required(user)):
        return
    request = HttpRequest()
    request.session = client.session
    request.user = user
    otp_login(request, second_factor_device(user))
    request.session.save()


def totp_code(user: Any, *, offset: int = 0) -> str:
    """The 6-digit code the user's authenticator app shows now (the next unused one).

    django-otp refuses a code of a time step it already accepted (replay); when the
    current step is spent, the next step's code is returned (accepted within ±1 step).
    """
    device = second_factor_device(user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = totp.t()
    step = max(now, device.last_t + 1) + offset
    totp.drift += step - now
    return f"{totp.token():06d}"


def login_with_second_factor(client: Any, username: str, password: str, *, code: str | None = None) -> Any:
    """Sign in through the pages: the password form, then the TOTP code (or ``code``: a recovery code).

    Returns the code page's response (a redirect to the page asked for when accepted).
    """
    response = client.post("/login/", {"username": username, "password": password})
    assert response.status_code == 302, "the password was refused"
    user = get_user_model().objects.get(username=username)
    return client.post("/security/verify/", {"code": code if code is not None else totp_code(user)})


def login_page_with_second_factor(page: Any, base_url: str, username: str, password: str) -> None:
    """The same walk in a browser (a Playwright ``page`` on the live server at ``base_url``).

    Fills the login form, then the code page with the code the user's device shows now;
    leaves the page on the page asked for (the home page). For the browser tests.
    """
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    if "/security/verify/" in page.url:
        user = get_user_model().objects.get(username=username)
        page.fill("#id_code", totp_code(user))
        page.click("main form.narrow button[type=submit]")
