"""AccountRole: the account a role assignment is held for, moved here from ``org.RoleAssignment.account``.

Copies every existing account-scoped assignment; ``org.0003_account_role``
then drops the old column.
"""

import django.db.models.deletion
from django.db import migrations, models


def copy_account_roles(apps, schema_editor):
    RoleAssignment = apps.get_model("org", "RoleAssignment")
    AccountRole = apps.get_model("registry", "AccountRole")
    AccountRole.objects.bulk_create(
        AccountRole(assignment_id=pk, account_id=account_id)
        for pk, account_id in RoleAssignment.objects.filter(account__isnull=False).values_list(
            "pk", "account_id"
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_initial"),
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="AccountRole",
            fields=[
                (
                    "assignment",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        primary_key=True,
                        related_name="account_scope",
                        serialize=False,
                        to="org.roleassignment",
                    ),
                ),
                (
                    "account",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="role_assignments",
                        to="registry.account",
                        verbose_name="アカウント",
                    ),
                ),
            ],
            options={
                "verbose_name": "アカウント単位の役割",
                "verbose_name_plural": "アカウント単位の役割",
            },
        ),
        migrations.RunPython(copy_account_roles, migrations.RunPython.noop),
    ]
