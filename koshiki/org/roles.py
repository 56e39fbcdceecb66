"""The role vocabulary (importable without Django set-up: procedures files name these ids)."""

from __future__ import annotations

from django.db.models import TextChoices


class Role(TextChoices):
    """What a person may do, per unit, per account or city-wide (docs/glossary.md)."""

    OPERATOR = "operator", "担当者"
    SECTION_HEAD = "section_head", "所属長（責任者・管理者）"
    GOVERNANCE_OFFICE = "governance_office", "所管課"
    COMMITTEE_MEMBER = "committee_member", "委員会委員"
    COMMITTEE_CHAIR = "committee_chair", "委員会委員長"
    SECURITY_OFFICER = "security_officer", "統括情報セキュリティ責任者"
    CONTRACTOR = "contractor", "委託業者"
    DESIGNATED_MANAGER = "designated_manager", "指定管理者"
    AUDITOR = "auditor", "監査担当"


# Roles held for a unit (and everything below it), for named accounts only,
# or for the whole municipality.
UNIT_ROLES = frozenset({Role.OPERATOR, Role.SECTION_HEAD})
ACCOUNT_ROLES = frozenset({Role.OPERATOR, Role.CONTRACTOR, Role.DESIGNATED_MANAGER})
CITY_ROLES = frozenset(
    {Role.GOVERNANCE_OFFICE, Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR, Role.SECURITY_OFFICER, Role.AUDITOR}
)
COMPANY_ROLES = frozenset({Role.CONTRACTOR, Role.DESIGNATED_MANAGER})

# Roles a procedures step may name. "operator" in a step is also satisfied by
# the contractor or designated manager operating that account (石巻市2: they
# open and run their own accounts); see access.step_role_holders.
STEP_ROLES = frozenset(
    {
        Role.OPERATOR,
        Role.SECTION_HEAD,
        Role.GOVERNANCE_OFFICE,
        Role.COMMITTEE_MEMBER,
        Role.COMMITTEE_CHAIR,
        Role.SECURITY_OFFICER,
    }
)

# Roles the auditor (監査担当) may never hold beside the audit one (issue 10 item 4): the
# auditor checks what these roles did, so one person holding both would audit themselves.
AUDIT_INCOMPATIBLE_ROLES = frozenset(
    {
        Role.OPERATOR,
        Role.SECTION_HEAD,
        Role.GOVERNANCE_OFFICE,
        Role.COMMITTEE_MEMBER,
        Role.COMMITTEE_CHAIR,
        Role.SECURITY_OFFICER,
    }
)
