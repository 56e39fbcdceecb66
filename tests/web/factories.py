"""Test builders: a city with two units and a person in every role, and accounts driven to any state.

Accounts reach a state through the real actions, along the shortest path the
profile's procedures allow, each step performed by someone holding one of its
roles: the tests exercise the profile data, not a shortcut.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model

from koshiki.org.models import Municipality, OrgUnit
from koshiki.org.roles import Role
from koshiki.people.actions import do_assign_role, do_create_municipality, do_create_unit
from koshiki.registry import actions
from koshiki.registry.lifecycle import Step, load_procedures
from koshiki.registry.models import Account, Device, RosterEntry
from koshiki.registry.states import PolicyKind

# Who performs a step naming this role.
ROLE_PERSON = {
    Role.OPERATOR: "operator",
    Role.SECTION_HEAD: "head",
    Role.GOVERNANCE_OFFICE: "office",
    Role.COMMITTEE_MEMBER: "member",
    Role.COMMITTEE_CHAIR: "chair",
    Role.SECURITY_OFFICER: "security",
}


def make_user(username: str, family: str = "試験", given: str = "太郎", password: str | None = None) -> Any:
    """A user without a usable password unless one is given (Argon2 hashing is slow on purpose)."""
    user = get_user_model().objects.create_user(username=username, password=password)
    user.last_name, user.first_name = family, given
    user.save(update_fields=["last_name", "first_name"])
    return user


@dataclass
class City:
    """A municipality on a profile, two sections, and one person per role (plus a few extras)."""

    municipality: Municipality
    units: dict[str, OrgUnit]
    people: dict[str, Any] = field(default_factory=dict)
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


def make_city(profile: str = "kyoto", name: str | None = None) -> City:
    """みなと市-like test city: 総務局 > 広報課 (unit a), 観光局 > 観光課 (unit b), 動物園 (facility under a's bureau)."""
    municipality = do_create_municipality(None, name or f"試験市{profile}", profile)
    bureau_a = do_create_unit(None, municipality, "総務局", "bureau", bootstrap=True)
    unit_a = do_create_unit(None, municipality, "広報課", "section", bureau_a, bootstrap=True)
    bureau_b = do_create_unit(None, municipality, "観光局", "bureau", bootstrap=True)
    unit_b = do_create_unit(None, municipality, "観光課", "section", bureau_b, bootstrap=True)
    zoo = do_create_unit(None, municipality, "市立動物園", "facility", bureau_a, bootstrap=True)
    city = City(
        municipality, {"bureau_a": bureau_a, "a": unit_a, "bureau_b": bureau_b, "b": unit_b, "zoo": zoo}
    )
    prefix = profile[:3]
    specs = [
        ("operator", Role.OPERATOR, unit_a),
        ("head", Role.SECTION_HEAD, unit_a),
        ("head2", Role.SECTION_HEAD, unit_a),
        ("operator_b", Role.OPERATOR, unit_b),
        ("head_b", Role.SECTION_HEAD, unit_b),
        ("office", Role.GOVERNANCE_OFFICE, None),
        ("member", Role.COMMITTEE_MEMBER, None),
        ("chair", Role.COMMITTEE_CHAIR, None),
        ("security", Role.SECURITY_OFFICER, None),
        ("auditor", Role.AUDITOR, None),
    ]
    for key, role, unit in specs:
        user = make_user(f"{prefix}_{key}", family=key)
        do_assign_role(None, user, role, municipality=municipality, unit=unit, bootstrap=True)
        city.people[key] = user
    city.people["nobody"] = make_user(f"{prefix}_nobody", family="nobody")
    city.people["contractor"] = make_user(f"{prefix}_contractor", family="contractor")
    city.people["designated_manager"] = make_user(f"{prefix}_dm", family="dm")
    return city


def application_details(city: City, **overrides: Any) -> dict[str, Any]:
    city.counter += 1
    n = city.counter
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
        "registration_email": f"koho{n}@city.test.lg.jp",
        "contact": "広報課 075-000-0000",
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
    actions.do_add_roster_entry(operator, account, name="試験 花子", duty=RosterEntry.Duty.POSTER)
    device = actions.do_register_device(
        operator, account, name="貸与タブレット", ownership=Device.Ownership.CITY
    )
    procedures = city.procedures()
    approver = head if "section_head" in procedures.device_approver_roles else city.people["security"]
    actions.do_approve_device(approver, device)
    actions.do_update_security(operator, account, {"mfa_enabled": True})
    if PolicyKind.INTERNAL_RULE in procedures.policy_kinds:
        actions.do_revise_policy(
            operator,
            account,
            values={"body": "担当者2名で運用し、投稿は所属長の承認を得る。"},
            kind=PolicyKind.INTERNAL_RULE,
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


def advance(city: City, account: Account, steps: list[Step], unit: str = "a") -> Account:
    for step in steps:
        actions.do_step(city.person_for(step, unit), account, step.id, **step_kwargs(city, step, account))
    return Account.objects.get(pk=account.pk)


def account_in(city: City, state: str, unit: str = "a", **overrides: Any) -> Account:
    """A new account driven through the profile's steps to ``state``."""
    account = new_account(city, unit, **overrides)
    return advance(city, account, path_to(city, state), unit)
