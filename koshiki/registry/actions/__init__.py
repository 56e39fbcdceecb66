"""Every change to the registry: one ``do_*`` function per kind of change, one module per noun.

Each action (1) checks permission through ``registry.access``, (2) runs in one
``transaction.atomic()`` holding a row lock (``select_for_update``) on the
account whose state it guards, (3) guards the current state and inputs,
raising ``ActionError`` (Japanese message) or ``PermissionDenied``, and (4)
appends an audit event in the same transaction.

Lifecycle actions run a *step* of the account's profile procedures
(``lifecycle.py``): the step's from-states, roles, documents, questions,
reasons, preconditions and effects are data; which action runs it is its
``kind`` (``KIND_ACTIONS``). Nothing here branches on the city.

The modules: ``records`` (the application's details, security facts,
roster, devices, third-party apps), ``engine`` (running one step),
``steps`` (the named step actions and ``do_step``), ``policies`` (運用ポリシー
versions), ``findings`` (the office's waiver of an account finding); ``common`` holds the shared guards. Everything public is
re-exported here, so callers keep writing ``actions.do_approve(...)``.
"""

from koshiki.registry.actions.common import (
    DETAIL_FIELDS,
    SECURITY_FIELDS,
    procedures_for,
)
from koshiki.registry.actions.engine import (
    available_steps,
    blocking_findings,
    policy_missing_fields,
)
from koshiki.registry.actions.findings import (
    do_waive_finding,
)
from koshiki.registry.actions.policies import (
    do_revise_policy,
)
from koshiki.registry.actions.records import (
    do_add_roster_entry,
    do_approve_device,
    do_create_application,
    do_link_app,
    do_register_device,
    do_remove_roster_entry,
    do_retire_device,
    do_revoke_app,
    do_update_account,
    do_update_security,
    follow_unit_names,
    initial_policy_values,
    take_off_rosters,
)
from koshiki.registry.actions.steps import (
    KIND_ACTIONS,
    do_annual_review,
    do_approve,
    do_change_responsible,
    do_check_retained,
    do_close,
    do_consult,
    do_file_change,
    do_file_external_service,
    do_list_publicly,
    do_record_acquisition,
    do_record_url,
    do_register_official,
    do_renew_roster,
    do_request_listing,
    do_resume,
    do_return,
    do_review,
    do_step,
    do_submit_application,
    do_suspend,
    do_withdraw,
)

__all__ = [
    "DETAIL_FIELDS",
    "KIND_ACTIONS",
    "SECURITY_FIELDS",
    "available_steps",
    "blocking_findings",
    "do_add_roster_entry",
    "do_annual_review",
    "do_approve",
    "do_approve_device",
    "do_change_responsible",
    "do_check_retained",
    "do_close",
    "do_consult",
    "do_create_application",
    "do_file_change",
    "do_file_external_service",
    "do_link_app",
    "do_list_publicly",
    "do_record_acquisition",
    "do_record_url",
    "do_register_device",
    "do_register_official",
    "do_remove_roster_entry",
    "do_renew_roster",
    "do_request_listing",
    "do_resume",
    "do_retire_device",
    "do_return",
    "do_review",
    "do_revise_policy",
    "do_revoke_app",
    "do_step",
    "do_submit_application",
    "do_suspend",
    "do_update_account",
    "do_update_security",
    "follow_unit_names",
    "do_waive_finding",
    "do_withdraw",
    "initial_policy_values",
    "policy_missing_fields",
    "procedures_for",
    "take_off_rosters",
]
