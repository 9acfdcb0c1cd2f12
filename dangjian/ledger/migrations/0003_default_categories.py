"""The usual categories of party-building problems (an administrator can rename, reorder or add)."""

from django.db import migrations

CATEGORIES = [
    ("政治建设", 10, True), ("思想建设", 20, True), ("组织建设", 30, True), ("作风建设", 40, True),
    ("纪律建设", 50, True), ("制度建设", 60, True), ("党风廉政建设", 70, True), ("其他", 90, False),
]


def add(apps, schema_editor):
    Category = apps.get_model("ledger", "Category")
    for name, order, evidence in CATEGORIES:
        Category.objects.get_or_create(name=name, defaults={"order": order, "requires_evidence": evidence})


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_evidence_round_reminder_org")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
