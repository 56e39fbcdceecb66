"""App config for the official-account registry."""

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "koshiki.registry"
    label = "registry"
    verbose_name = "公式アカウント台帳"
    # Japanese names of the audit action codes this app records (collected by audit.labels).
    audit_actions = {
        "account.create": "開設申請の作成",
        "account.update": "アカウント情報の更新",
        "account.security": "セキュリティ情報の更新",
        "account.roster.add": "運用者名簿への追加",
        "account.roster.remove": "運用者名簿からの削除",
        "account.device.add": "利用端末の登録",
        "account.device.approve": "利用端末の承認",
        "account.device.retire": "利用端末の廃止",
        "account.app.link": "連携アプリの登録",
        "account.app.revoke": "連携アプリの解除",
        "account.finding.waive": "アカウントの指摘の容認",
        "account.policy.follow": "運用ポリシーの自動改訂（台帳の変更に合わせて）",
    }
    # Related rows each recorded object's ``str()`` reads, loaded with it by audit.labels.
    audit_related = {
        "registry.application": ("account",),
        "registry.operationpolicy": ("account",),
        "registry.changenotice": ("account",),
        "registry.findingwaiver": ("account",),
    }

    def ready(self) -> None:
        from koshiki.registry.lifecycle import KINDS
        from koshiki.registry.models import assignment_name

        # How the trail names objects whose name needs this app's records.
        self.audit_namers = {"org.roleassignment": assignment_name}

        # The lifecycle steps record "account.<kind>" (registry.actions); a new step kind
        # is named once, in lifecycle.KINDS.
        self.audit_actions = {
            **self.audit_actions,
            **{f"account.{kind}": label for kind, label in KINDS.items()},
        }
