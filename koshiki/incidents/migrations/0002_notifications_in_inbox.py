"""The incident notices move into the one inbox (``notify.Notification``); the old table goes.

Each row is copied with its recipient, text, link, times and read state, so
nobody's record of being told is lost; the city comes from the user's
municipality where it is known.
"""

from django.db import migrations


def copy_to_inbox(apps, schema_editor):
    Old = apps.get_model("incidents", "Notification")
    New = apps.get_model("notify", "Notification")
    for old in Old.objects.order_by("pk").iterator():
        row = New.objects.create(
            recipient_id=old.recipient_id,
            kind="incidents.step",
            title=old.subject[:200],
            url=old.link or "/incidents/",
            topic=f"incident:{old.link}"[:100],
            read_at=old.read_at,
        )
        # auto_now_add set the time of the copy; keep the time the person was told.
        New.objects.filter(pk=row.pk).update(created_at=old.created_at)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0001_initial"),
        ("notify", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_to_inbox, migrations.RunPython.noop),
        migrations.DeleteModel(name="Notification"),
    ]
