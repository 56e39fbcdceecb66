"""Account-scoped roles: the account moves to ``registry.AccountRole``; this table keeps a flag.

``registry.0002_account_role`` has copied each assignment's account by now;
the flag is set from the old column before it goes, so no role is lost.
"""

from django.db import migrations, models


def flag_account_roles(apps, schema_editor):
    RoleAssignment = apps.get_model("org", "RoleAssignment")
    RoleAssignment.objects.filter(account__isnull=False).update(for_account=True)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_initial"),
        ("registry", "0002_account_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="roleassignment",
            name="for_account",
            field=models.BooleanField(default=False, verbose_name="アカウント単位"),
        ),
        migrations.RunPython(flag_account_roles, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="roleassignment",
            name="org_role_company_needs_account_and_company",
        ),
        migrations.RemoveConstraint(
            model_name="roleassignment",
            name="org_role_city_wide_has_no_scope",
        ),
        migrations.RemoveConstraint(
            model_name="roleassignment",
            name="org_role_operator_needs_scope",
        ),
        migrations.RemoveField(
            model_name="roleassignment",
            name="account",
        ),
        migrations.AddConstraint(
            model_name="roleassignment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("role__in", ["contractor", "designated_manager"]), _negated=True),
                    models.Q(("for_account", True), models.Q(("company", ""), _negated=True)),
                    _connector="OR",
                ),
                name="org_role_company_needs_account_and_company",
                violation_error_message="委託業者・指定管理者には担当するアカウントと会社・団体名が必要です。",
            ),
        ),
        migrations.AddConstraint(
            model_name="roleassignment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        (
                            "role__in",
                            [
                                "auditor",
                                "committee_chair",
                                "committee_member",
                                "governance_office",
                                "security_officer",
                            ],
                        ),
                        _negated=True,
                    ),
                    models.Q(("unit__isnull", True), ("for_account", False)),
                    _connector="OR",
                ),
                name="org_role_city_wide_has_no_scope",
                violation_error_message="自治体全体の役割には組織やアカウントを指定しません。",
            ),
        ),
        migrations.AddConstraint(
            model_name="roleassignment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("role", "operator"), _negated=True),
                    ("unit__isnull", False),
                    ("for_account", True),
                    _connector="OR",
                ),
                name="org_role_operator_needs_scope",
                violation_error_message="担当者には組織かアカウントを指定してください。",
            ),
        ),
    ]
