"""The campaign models, moved from ``posts``: state only, the tables ``posts_campaign*`` stay."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("posts", "0002_move_campaigns"),
        ("registry", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Campaign",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=200, verbose_name="事業名")),
                        (
                            "poster_name",
                            models.CharField(
                                max_length=200, verbose_name="発信者（委託事業者・インフルエンサー）"
                            ),
                        ),
                        (
                            "poster_kind",
                            models.CharField(
                                choices=[("contractor", "委託事業者"), ("influencer", "インフルエンサー")],
                                max_length=20,
                                verbose_name="発信者の区分",
                            ),
                        ),
                        (
                            "poster_account",
                            models.CharField(blank=True, max_length=300, verbose_name="発信者のアカウント"),
                        ),
                        ("subject", models.CharField(max_length=100, verbose_name="マーケティング主体")),
                        ("relation_tags", models.JSONField(default=list, verbose_name="関係タグ")),
                        ("token_hash", models.CharField(max_length=64, unique=True)),
                        ("expires_at", models.DateTimeField(verbose_name="提出リンクの有効期限")),
                        (
                            "status",
                            models.CharField(
                                choices=[("active", "実施中"), ("closed", "終了")],
                                default="active",
                                max_length=20,
                                verbose_name="状態",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="登録日時")),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="campaigns",
                                to="registry.account",
                                verbose_name="担当アカウント",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="登録者",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "第三者への発信依頼",
                        "verbose_name_plural": "第三者への発信依頼",
                        "db_table": "posts_campaign",
                        "ordering": ["-created_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="CampaignSubmission",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("number", models.PositiveIntegerField(verbose_name="提出番号")),
                        ("text", models.TextField(verbose_name="本文")),
                        ("submitter_name", models.CharField(max_length=200, verbose_name="提出者")),
                        ("submitted_at", models.DateTimeField(verbose_name="提出日時")),
                        ("sha256", models.CharField(max_length=64, verbose_name="本文のハッシュ")),
                        ("profile_id", models.CharField(max_length=50, verbose_name="プロファイル")),
                        ("checker_version", models.CharField(max_length=100, verbose_name="チェッカーの版")),
                        ("findings", models.JSONField(blank=True, default=list, verbose_name="指摘")),
                        (
                            "precheck_status",
                            models.CharField(
                                choices=[
                                    ("pending", "確認待ち"),
                                    ("accepted", "確認済み（投稿可）"),
                                    ("returned", "修正依頼"),
                                ],
                                default="pending",
                                max_length=20,
                                verbose_name="事前確認",
                            ),
                        ),
                        (
                            "prechecked_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="確認日時"),
                        ),
                        ("precheck_comment", models.TextField(blank=True, verbose_name="確認のコメント")),
                        (
                            "precheck_waivers",
                            models.JSONField(blank=True, default=dict, verbose_name="警告の了承"),
                        ),
                        (
                            "campaign",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="submissions",
                                to="campaigns.campaign",
                            ),
                        ),
                        (
                            "prechecked_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="確認者",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "第三者からの投稿案",
                        "verbose_name_plural": "第三者からの投稿案",
                        "db_table": "posts_campaignsubmission",
                        "ordering": ["campaign", "-number"],
                    },
                ),
                migrations.CreateModel(
                    name="CampaignPublication",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("url", models.URLField(max_length=500, verbose_name="投稿のURL")),
                        ("published_at", models.DateTimeField(verbose_name="投稿日時")),
                        ("text", models.TextField(verbose_name="投稿された本文")),
                        ("sha256", models.CharField(max_length=64, verbose_name="本文のハッシュ")),
                        ("matches", models.BooleanField(verbose_name="確認した本文と一致")),
                        (
                            "findings",
                            models.JSONField(blank=True, default=list, verbose_name="再チェックの指摘"),
                        ),
                        ("disclosure_ok", models.BooleanField(verbose_name="明示が適切")),
                        ("recorded_at", models.DateTimeField(verbose_name="記録日時")),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="記録者",
                            ),
                        ),
                        (
                            "submission",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="publication",
                                to="campaigns.campaignsubmission",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "第三者の投稿の記録",
                        "verbose_name_plural": "第三者の投稿の記録",
                        "db_table": "posts_campaignpublication",
                        "ordering": ["-published_at", "-pk"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="campaignsubmission",
                    constraint=models.UniqueConstraint(
                        fields=("campaign", "number"), name="posts_submission_unique_number"
                    ),
                ),
            ],
            # The tables stay where they are (db_table keeps their names): no data moves.
            database_operations=[],
        ),
    ]
