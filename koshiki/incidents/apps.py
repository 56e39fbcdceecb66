"""App config for incidents and emergency controls."""

from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "koshiki.incidents"
    label = "incidents"
    verbose_name = "事案対応"
    # Japanese names of the audit action codes this app records (collected by audit.labels).
    audit_actions = {
        "incident.open": "事案の起票",
        "incident.step": "事案の手順の完了",
        "incident.evidence": "事案の記録の保存",
        "incident.note": "事案の経過メモ",
        "incident.second_person": "事案への二人目の職員の参加",
        "incident.close": "事案の完了報告",
        "incident.impersonation": "なりすましの確認",
        "incident.notice": "なりすましの注意喚起の掲載",
        "account.freeze": "アカウントの緊急停止",
        "account.unfreeze": "アカウントの緊急停止の解除",
        "notification.read": "通知の既読",
    }
    audit_related = {
        "incidents.evidence": ("incident",),
        "incidents.stepdone": ("incident",),
        "incidents.impersonation": ("real_account",),
    }
