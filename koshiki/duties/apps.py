"""App config for the duty calendar (職務の暦): recurring duties by 年度, their tasks and ``run_duties``."""

from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "koshiki.duties"
    label = "duties"
    verbose_name = "職務の暦"
    audit_actions = {
        "duty.task.create": "職務の発生",
        "duty.task.resolve": "職務の解消（記録により確認）",
        "duty.task.complete": "職務の完了",
        "duty.settings": "職務の暦の設定",
    }
    audit_related = {"duties.dutytask": ("account",)}
