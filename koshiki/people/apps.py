"""App config for managing the organisation and its people."""

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "koshiki.people"
    label = "people"
    verbose_name = "組織と職員の管理"
    # Japanese names of the audit action codes this app records (collected by audit.labels).
    audit_actions = {
        "org.municipality.create": "自治体の登録",
        "org.unit.create": "組織の追加",
        "org.unit.rename": "組織の名称変更",
        "org.person.create": "職員の登録",
        "org.role.assign": "役割の付与",
        "org.role.end": "役割の終了",
        "org.transfer.apply": "人事異動の一括処理",
        "auth.password.change": "パスワードの変更",
        "auth.password.initial_change": "初期パスワードの変更（本人）",
    }
