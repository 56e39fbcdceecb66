"""App config for committees that decide as a body (狛江市 行政情報化推進委員会, 安芸高田市 審査委員会)."""

from django.apps import AppConfig

from koshiki.registry.hooks import register_requirement  # loads no model


class CommitteesConfig(AppConfig):
    name = "koshiki.committees"
    label = "committees"
    verbose_name = "委員会"
    audit_actions = {
        "committee.meeting.open": "委員会の会議の開催",
        "committee.meeting.attendance": "委員会の出席の記録",
        "committee.vote": "委員の表決",
        "committee.decide": "委員会の議決",
        "committee.meeting.close": "委員会の会議の終了（議事録）",
    }
    audit_related = {
        "committees.decision": ("meeting", "account"),
        "committees.vote": ("meeting", "account", "member"),
    }

    def ready(self) -> None:
        from koshiki.committees.checks import decision_waiting

        # 狛江市4(2)ウ・安芸高田市7(3): the committee's approval is a meeting's decision, not one member's.
        register_requirement("committee_decision", decision_waiting)
