"""Default training targets (全国党员教育培训工作规划 practice; *local*, editable on the coverage page)."""

from decimal import Decimal

from django.db import migrations

DEFAULTS = [
    ("members", "党员每年集中学习培训不少于32学时", 0, Decimal("32"), ""),
    ("secretaries", "党组织书记每年至少参加1次集中培训", 1, Decimal("0"), "county_model,rotation,winter_spring"),
    ("village_cadres", "村（社区）干部每年至少参加1次培训", 1, Decimal("0"), ""),
    ("agency_members", "机关党员每年集中培训不少于40学时（5天）", 0, Decimal("40"), ""),
]


def forwards(apps, schema_editor):
    CoverageTarget = apps.get_model("orglife", "CoverageTarget")
    if CoverageTarget.objects.exists():
        return
    for audience, label, courses, hours, kinds in DEFAULTS:
        CoverageTarget.objects.create(
            audience=audience, label=label, min_courses=courses, min_hours=hours, course_kinds=kinds
        )


class Migration(migrations.Migration):
    dependencies = [("orglife", "0003_coverage_target")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
