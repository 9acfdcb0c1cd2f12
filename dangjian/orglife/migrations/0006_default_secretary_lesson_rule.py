"""DOMAIN.md §2: each branch secretary gives at least one party lesson a year (a rule row, editable)."""

from django.db import migrations


def forwards(apps, schema_editor):
    FrequencyRule = apps.get_model("orglife", "FrequencyRule")
    FrequencyRule.objects.get_or_create(
        kind="secretary_lesson", org_kind="", defaults={"period": "year", "times": 1, "active": True}
    )


class Migration(migrations.Migration):
    dependencies = [("orglife", "0005_secretary_lesson")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
