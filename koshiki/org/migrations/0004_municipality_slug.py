"""Each municipality gets a URL-safe slug for its public directory (/public/<slug>/accounts/).

Existing rows take their profile id (``kyoto``), numbered when two cities share a profile.
"""

from django.db import migrations, models
from django.utils.text import slugify


def derive_slugs(apps, schema_editor):
    Municipality = apps.get_model("org", "Municipality")
    taken: set[str] = set()
    for city in Municipality.objects.order_by("pk"):
        base = slugify(city.profile_id) or "city"
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate)
        city.slug = candidate
        city.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("org", "0003_account_role")]

    operations = [
        migrations.AddField(
            model_name="municipality",
            name="slug",
            # No index yet: the unique constraint below brings its own (PostgreSQL's _like index too).
            field=models.SlugField(default="", max_length=50, db_index=False, verbose_name="公開URLの名前"),
            preserve_default=False,
        ),
        migrations.RunPython(derive_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="municipality",
            name="slug",
            field=models.SlugField(
                help_text="半角英小文字・数字・ハイフン（例: minato）",
                max_length=50,
                unique=True,
                verbose_name="公開URLの名前",
            ),
        ),
    ]
