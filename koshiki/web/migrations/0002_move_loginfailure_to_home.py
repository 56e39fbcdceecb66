"""LoginFailure moved to the ``home`` app: drop it from this app's state, keep the table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("web", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="LoginFailure")],
            database_operations=[],
        ),
    ]
