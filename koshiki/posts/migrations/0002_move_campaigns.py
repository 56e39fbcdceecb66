"""The campaign models moved to the ``campaigns`` app: drop them from this app's state only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="campaignsubmission",
                    name="campaign",
                ),
                migrations.RemoveField(
                    model_name="campaignpublication",
                    name="recorded_by",
                ),
                migrations.RemoveField(
                    model_name="campaignpublication",
                    name="submission",
                ),
                migrations.RemoveField(
                    model_name="campaignsubmission",
                    name="prechecked_by",
                ),
                migrations.DeleteModel(
                    name="Campaign",
                ),
                migrations.DeleteModel(
                    name="CampaignPublication",
                ),
                migrations.DeleteModel(
                    name="CampaignSubmission",
                ),
            ],
            # The tables stay where they are (db_table keeps their names): no data moves.
            database_operations=[],
        ),
    ]
