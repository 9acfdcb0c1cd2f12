"""The default frequencies of DOMAIN.md §2, as editable rows (the 党小组会 row off: not every branch has groups)."""

from django.db import migrations

DEFAULTS = [
    ("general_meeting", "quarter", 1, True),
    ("committee", "month", 1, True),
    ("group", "month", 1, False),
    ("lesson", "quarter", 1, True),
    ("theme_day", "month", 1, True),
    ("life_meeting", "year", 1, True),
    ("evaluation", "year", 1, True),
]


def forwards(apps, schema_editor):
    FrequencyRule = apps.get_model("orglife", "FrequencyRule")
    for kind, period, times, active in DEFAULTS:
        FrequencyRule.objects.get_or_create(
            kind=kind, org_kind="", defaults={"period": period, "times": times, "active": active}
        )


class Migration(migrations.Migration):
    dependencies = [("orglife", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
