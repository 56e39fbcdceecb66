"""Every change of the incidents app: one ``do_*`` function per kind of change, one module per noun.

``incidents`` (open, steps, evidence, notes, second person, close),
``freeze`` (emergency controls), ``impersonation`` (link to the real account,
public notice); ``common`` holds the shared helpers. Re-exported here.
"""

from koshiki.incidents.actions.freeze import (
    do_freeze_account,
    do_freeze_all,
    do_unfreeze_account,
    do_unfreeze_all,
)
from koshiki.incidents.actions.impersonation import do_confirm_impersonation, do_publish_notice
from koshiki.incidents.actions.incidents import (
    WITHOUT_ACCOUNT,
    StepState,
    do_add_evidence,
    do_add_note,
    do_add_second_person,
    do_close_incident,
    do_complete_step,
    do_open_incident,
    step_states,
)

__all__ = [
    "WITHOUT_ACCOUNT",
    "StepState",
    "do_add_evidence",
    "do_add_note",
    "do_add_second_person",
    "do_close_incident",
    "do_complete_step",
    "do_confirm_impersonation",
    "do_freeze_account",
    "do_freeze_all",
    "do_open_incident",
    "do_publish_notice",
    "do_unfreeze_account",
    "do_unfreeze_all",
    "step_states",
]
