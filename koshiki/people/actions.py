"""Every change to the organisation: municipalities, units, role assignments (audited).

Each action checks permission through ``org.access``, runs in one transaction
and appends an audit event in it.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import password_changed, validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import record_event, snapshot
from koshiki.duties.actions import raise_roster_duty
from koshiki.errors import ActionError, require
from koshiki.identifiers import IdentifierError, confusable_with, normalise_login_id
from koshiki.org import access as org_access
from koshiki.org.models import Municipality, OrgUnit, RoleAssignment, validate_profile_id
from koshiki.org.roles import (
    ACCOUNT_ROLES,
    AUDIT_INCOMPATIBLE_ROLES,
    CITY_ROLES,
    COMPANY_ROLES,
    UNIT_ROLES,
    Role,
)
from koshiki.people.models import InitialPassword
from koshiki.registry.access import account_of, assignments_reaching, role_target
from koshiki.registry.actions import follow_unit_names, take_off_rosters
from koshiki.registry.models import Account, AccountRole
from koshiki.registry.states import Status

# What the trail records of an assignment; "account" (the registry's AccountRole) is added beside them.
_ROLE_FIELDS = ("user", "role", "unit", "company", "municipality", "ended_at")


def do_create_municipality(
    actor: Person, name: str, profile_id: str, website: str = "", *, slug: str = ""
) -> Municipality:
    """Create a municipality on a profile (set-up and demo only; no role can do it from the UI).

    ``slug`` names its public directory (/public/<slug>/accounts/); by default the profile id.
    """
    try:
        validate_profile_id(profile_id)
    except ValidationError as exc:
        raise ActionError(exc.messages[0]) from None
    slug = (slug or "").strip()
    if slug and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        raise ActionError("公開URLの名前は半角英小文字・数字・ハイフンで指定してください（例: minato）")
    with transaction.atomic():
        if Municipality.objects.filter(name=name).exists():
            raise ActionError(f"自治体「{name}」は既に登録されています")
        if slug and Municipality.objects.filter(slug=slug).exists():
            raise ActionError(f"公開URLの名前「{slug}」は既にほかの自治体が使っています")
        municipality = Municipality.objects.create(
            name=name, profile_id=profile_id, website=website, slug=slug
        )
        record_event(
            actor,
            "org.municipality.create",
            municipality,
            {},
            snapshot(municipality, ["name", "profile_id", "website", "slug"]),
        )
    return municipality


def do_create_unit(
    actor: Person,
    municipality: Municipality,
    name: str,
    kind: str,
    parent: OrgUnit | None = None,
    *,
    bootstrap: bool = False,
) -> OrgUnit:
    """Add a unit to the tree (governance office); sets its materialised ``path``.

    ``bootstrap`` skips the permission check for set-up commands (load_demo),
    which have no user with a role yet.
    """
    if not bootstrap:
        require(org_access.can_manage_units(actor, municipality), "組織を追加できるのは所管課です")
    name = (name or "").strip()
    if not name:
        raise ActionError("組織の名称を入力してください")
    if kind not in OrgUnit.Kind.values:
        raise ActionError(f"組織の種別が正しくありません（{kind}）")
    if parent is not None and parent.municipality_id != municipality.pk:
        raise ActionError("上位組織が別の自治体のものです")
    with transaction.atomic():
        if OrgUnit.objects.filter(municipality=municipality, parent=parent, name=name).exists():
            raise ActionError(f"同じ上位組織の下に「{name}」が既にあります")
        unit = OrgUnit.objects.create(municipality=municipality, parent=parent, name=name, kind=kind)
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.save(update_fields=["path"])
        record_event(
            actor,
            "org.unit.create",
            unit,
            {},
            snapshot(unit, ["municipality", "parent", "name", "kind", "path"]),
        )
    return unit


def do_rename_unit(actor: Person, unit: OrgUnit, name: str, reason: str) -> OrgUnit:
    """Rename a unit (機構改革, the April reorganisation): governance office, with a reason.

    The unit keeps its rows, roles and accounts; the public 運用ポリシー of every
    account below it whose 開設所属 printed the old name gets a new version with
    the new one (``registry.actions.follow_unit_names``), in the same transaction.
    """
    require(org_access.can_manage_units(actor, unit.municipality), "組織の名称を変更できるのは所管課です")
    name = (name or "").strip()
    reason = (reason or "").strip()
    if not name:
        raise ActionError("新しい名称を入力してください")
    if len(name) > OrgUnit._meta.get_field("name").max_length:
        raise ActionError("名称は100字までで入力してください")
    if not reason:
        raise ActionError("変更の理由を入力してください（例: 令和8年4月1日の機構改革）")
    with transaction.atomic():
        locked = OrgUnit.objects.select_for_update().get(pk=unit.pk)
        if locked.name == name:
            raise ActionError("今の名称と同じです")
        siblings = OrgUnit.objects.filter(municipality=locked.municipality, parent=locked.parent, name=name)
        if siblings.exclude(pk=locked.pk).exists():
            raise ActionError(f"同じ上位組織の下に「{name}」が既にあります")
        before = snapshot(locked, ["name"])
        locked.name = name
        locked.save(update_fields=["name"])
        record_event(
            actor, "org.unit.rename", locked, before, snapshot(locked, ["name"]), details={"reason": reason}
        )
        follow_unit_names(actor, locked, f"組織の名称変更: {before['name']} → {name}")
    return locked


def do_assign_role(
    user: Person,
    role: str,
    *,
    actor: Person | None,
    municipality: Municipality,
    unit: OrgUnit | None = None,
    account: Account | None = None,
    company: str = "",
    bootstrap: bool = False,
) -> RoleAssignment:
    """Give ``user`` a role for a unit, an account or the whole municipality (audited).

    ``actor`` is keyword-only: the person acting and the person receiving the
    role are both users, and a swap must not type-check silently.
    """
    if role not in Role.values:
        raise ActionError(f"役割が正しくありません（{role}）")
    company = (company or "").strip()
    if role in CITY_ROLES and (unit is not None or account is not None):
        raise ActionError(f"「{Role(role).label}」は自治体全体の役割です。組織やアカウントは指定しません")
    if role in COMPANY_ROLES and (account is None or not company):
        raise ActionError(f"「{Role(role).label}」には担当するアカウントと会社・団体名が必要です")
    if role == Role.SECTION_HEAD and unit is None:
        raise ActionError("所属長には組織を指定してください")
    if role in UNIT_ROLES | ACCOUNT_ROLES and role not in CITY_ROLES and unit is None and account is None:
        raise ActionError(f"「{Role(role).label}」には組織かアカウントを指定してください")
    if role not in ACCOUNT_ROLES and account is not None:
        raise ActionError(f"「{Role(role).label}」はアカウント単位では付与できません")
    if unit is not None and unit.municipality_id != municipality.pk:
        raise ActionError("組織が別の自治体のものです")
    if account is not None and account.municipality_id != municipality.pk:
        raise ActionError("アカウントが別の自治体のものです")
    if actor is not None and actor.pk is not None and actor.pk == user.pk:
        # Separation of duties (issue 10 item 4): an office that could give itself a section
        # head's role could approve its own drafts. Another person with the right grants it.
        raise ActionError("自分自身に役割を付与することはできません。権限のある別の職員に依頼してください")
    if not bootstrap:
        require(
            org_access.can_assign_role(actor, municipality, role, role_target(unit, account)),
            "この役割を付与する権限がありません",
        )
        if org_access.works_elsewhere(user, municipality):
            raise ActionError("別の自治体の職員には役割を付与できません")
    with transaction.atomic():
        # The person's row is the lock: two grants racing (auditor here, office there) queue.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        _check_auditor_apart(user, role, municipality)
        duplicate = RoleAssignment.objects.active().filter(
            user=user, role=role, municipality=municipality, unit=unit, for_account=account is not None
        )
        if account is not None:
            duplicate = duplicate.filter(account_scope__account=account)
        if duplicate.exists():
            raise ActionError("同じ役割が既に付与されています")
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
        after = {**snapshot(assignment, _ROLE_FIELDS), "account": account.pk if account is not None else None}
        record_event(actor, "org.role.assign", assignment, {}, after)
    org_access.forget_roles(user)
    return assignment


def _check_auditor_apart(user: Person, role: str, municipality: Municipality) -> None:
    """The auditor checks the others' work, so never holds an administrative role too (both directions)."""
    held = set(
        RoleAssignment.objects.active()
        .filter(user=user, municipality=municipality)
        .values_list("role", flat=True)
    )
    if role == Role.AUDITOR and held & AUDIT_INCOMPATIBLE_ROLES:
        names = "・".join(sorted(Role(r).label for r in held & AUDIT_INCOMPATIBLE_ROLES))
        raise ActionError(
            f"「{names}」の役割を持つ職員は監査担当を兼ねられません（監査する側とされる側の分離）"
        )
    if role in AUDIT_INCOMPATIBLE_ROLES and Role.AUDITOR in held:
        raise ActionError(
            f"監査担当の職員に「{Role(role).label}」は付与できません（監査する側とされる側の分離）"
        )


def _affected_accounts(assignment: RoleAssignment, account: Account | None) -> list[Account]:
    """Accounts whose people change when the assignment ends: those the role ran, and any listing the person.

    An operator's or section head's role reaches the accounts of its unit
    subtree (or its one account); any role reaches the accounts whose roster
    names the person. Closed and withdrawn accounts are left alone.
    """
    live = Account.objects.filter(municipality=assignment.municipality).exclude(
        status__in=[Status.CLOSED, Status.WITHDRAWN]
    )
    found: dict[int, Account] = {}
    if account is not None:
        found[account.pk] = account
    elif assignment.unit is not None and assignment.role in UNIT_ROLES:
        for acc in live.filter(owning_unit__path__startswith=assignment.unit.path):
            found[acc.pk] = acc
    listed = live.filter(roster__user=assignment.user, roster__removed_on__isnull=True).select_related(
        "owning_unit"
    )
    for acc in listed.distinct():
        reached = (
            assignment.role in CITY_ROLES
            or acc.pk in found
            or (assignment.unit is not None and assignment.unit.contains(acc.owning_unit))
        )
        if reached:
            found.setdefault(acc.pk, acc)
    return [found[pk] for pk in sorted(found)]


def do_end_role(actor: Person, assignment: RoleAssignment) -> RoleAssignment:
    """End a role assignment (kept for history; 人事異動), and let the rosters follow.

    安芸高田市7(7) 「人事異動等に伴う公式アカウントの放置を防ぐため」: the person
    leaves the operator roster of every account the role reached and where no
    other role of theirs still reaches it, and the roster duty is raised for
    each account whose people changed, in the same transaction.
    """
    account = account_of(assignment)
    target = role_target(assignment.unit, account)
    require(
        org_access.can_assign_role(actor, assignment.municipality, assignment.role, target),
        "この役割を終了する権限がありません",
    )
    with transaction.atomic():
        locked = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.ended_at is not None:
            raise ActionError("この役割は既に終了しています")
        before = snapshot(locked, ["ended_at"])
        locked.ended_at = timezone.now()
        locked.save(update_fields=["ended_at"])
        record_event(actor, "org.role.end", locked, before, snapshot(locked, ["ended_at"]))
        org_access.forget_roles(locked.user)
        affected = _affected_accounts(locked, account)
        leaving = [
            acc
            for acc in affected
            if not assignments_reaching(locked.user, acc, [Role.OPERATOR, Role.SECTION_HEAD])
        ]
        removed = take_off_rosters(actor, locked.user, leaving)
        for acc in affected:
            raise_roster_duty(acc, locked, [e.name for e in removed if e.account_id == acc.pk])
    org_access.forget_roles(locked.user)
    return locked


def do_create_person(
    actor: Person,
    municipality: Municipality,
    *,
    username: str,
    family_name: str,
    given_name: str,
    password: str,
    email: str = "",
    role: str,
    unit: OrgUnit | None = None,
    account: Any = None,
    company: str = "",
    bootstrap: bool = False,
    must_change_password: bool = True,
) -> Any:
    """Add a staff member with a login and their first role, in one transaction (audited).

    Whoever may assign that role may add the person (the governance office any
    role; a section head operators, contractors and designated managers in
    their unit subtree), so every person belongs to a municipality from the
    start. The password is hashed with Argon2 and never written to the trail.
    ``bootstrap`` skips the permission check for ``create_municipality``, whose
    first governance-office person has nobody above them. The password is an
    initial one: the person must replace it at first sign-in (``InitialPassword``);
    only ``load_demo``'s published sample logins pass ``must_change_password=False``.
    """
    family_name, given_name = (family_name or "").strip(), (given_name or "").strip()
    try:
        username = normalise_login_id((username or "").strip())
    except IdentifierError as exc:
        raise ActionError(str(exc)) from None
    if not family_name:
        raise ActionError("姓を入力してください")
    if not bootstrap:
        require(
            org_access.can_assign_role(actor, municipality, role, role_target(unit, account)),
            "この役割の職員を追加する権限がありません",
        )
    User = get_user_model()
    user = User(username=username, last_name=family_name, first_name=given_name, email=(email or "").strip())
    try:
        validate_password(password or "", user)
    except ValidationError as exc:
        raise ActionError("パスワード: " + " ".join(exc.messages)) from None
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ActionError(f"ログインID「{username}」は既に使われています")
        # A look-alike of an existing ID (zero-width space, Cyrillic "а", full-width letters)
        # would let one person act as two in an approval (issue 10 item 4).
        twin = confusable_with(username, User.objects.values_list("username", flat=True).iterator())
        if twin is not None:
            raise ActionError(f"ログインID「{username}」は既存のログインID「{twin}」と見分けがつきません")
        user.set_password(password)
        user.save()
        if must_change_password:
            InitialPassword.objects.create(
                user=user, set_by=actor if actor is not None and actor.pk else None, set_at=timezone.now()
            )
        record_event(
            actor,
            "org.person.create",
            user,
            {},
            snapshot(user, ["username", "last_name", "first_name", "email"]),
            municipality=municipality,
        )
        do_assign_role(
            user,
            role,
            municipality=municipality,
            unit=unit,
            account=account,
            company=company,
            bootstrap=bootstrap,
            actor=actor,
        )
    return user


def do_change_own_password(user: Person, old_password: str, new_password: str) -> None:
    """The signed-in person replaces their own password (audited; the passwords never are).

    Replacing an initial password someone else chose clears ``InitialPassword``
    and is recorded as ``auth.password.initial_change``, so a login used
    before its holder set their own password shows in the trail.
    """
    if user is None or not user.is_authenticated:
        raise ActionError("ログインしてください")
    if not user.check_password(old_password or ""):
        raise ActionError("現在のパスワードが正しくありません")
    if (new_password or "") == (old_password or ""):
        raise ActionError("新しいパスワードは現在のパスワードと別のものにしてください")
    try:
        validate_password(new_password or "", user)
    except ValidationError as exc:
        raise ActionError("パスワード: " + " ".join(exc.messages)) from None
    with transaction.atomic():
        locked = get_user_model().objects.select_for_update().get(pk=user.pk)
        initial = InitialPassword.objects.filter(user=locked).first()
        locked.set_password(new_password)
        locked.save(update_fields=["password"])
        details: dict[str, Any] = {}
        if initial is not None:
            details = {"initial_set_by": initial.set_by_id, "initial_set_at": initial.set_at}
            initial.delete()
        record_event(
            locked,
            "auth.password.initial_change" if initial is not None else "auth.password.change",
            locked,
            {},
            {},
            details=details,
            municipality=org_access.municipality_of(locked),
        )
    user.password = locked.password
    password_changed(new_password, locked)
