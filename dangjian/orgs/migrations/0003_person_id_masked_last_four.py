"""Re-mask stored ID numbers to the last four characters (docs/personal-data.md).

The old form showed the area code (110105********002X); next to the birth year, the sex and
the county it left a handful of candidates. Only the stored masked text changes: the cipher
text and the lookup digest are untouched, so no key is needed.
"""

from django.db import migrations

BATCH = 2000


def remask(apps, schema_editor):
    Person = apps.get_model("orgs", "Person")
    batch = []
    for person in Person.objects.only("pk", "id_masked").iterator(chunk_size=BATCH):
        value = person.id_masked
        masked = "*" * 14 + value[14:] if len(value) == 18 else "*" * len(value)
        if masked != value:
            person.id_masked = masked
            batch.append(person)
        if len(batch) >= BATCH:
            Person.objects.bulk_update(batch, ["id_masked"])
            batch = []
    if batch:
        Person.objects.bulk_update(batch, ["id_masked"])


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_alter_organisation_kind")]

    operations = [migrations.RunPython(remask, migrations.RunPython.noop)]
