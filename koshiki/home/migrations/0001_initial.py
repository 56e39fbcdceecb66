"""LoginFailure, moved from the project package: state only, the table ``web_loginfailure`` stays."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("web", "0002_move_loginfailure_to_home")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="LoginFailure",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("username", models.CharField(max_length=150, verbose_name="ユーザー名（小文字）")),
                        ("ip", models.CharField(blank=True, max_length=45, verbose_name="接続元")),
                        ("created_at", models.DateTimeField(db_index=True, verbose_name="日時")),
                    ],
                    options={
                        "verbose_name": "ログイン失敗",
                        "verbose_name_plural": "ログイン失敗",
                        "db_table": "web_loginfailure",
                        "indexes": [
                            models.Index(
                                fields=["username", "ip", "created_at"], name="web_login_failure_idx"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
