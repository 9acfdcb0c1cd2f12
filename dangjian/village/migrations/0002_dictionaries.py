"""Grid-matter categories and kinds of major matters become dictionaries an administrator keeps.

The former fixed choices become the shared entries (no organisation), and every record keeps
its category or kind.
"""

import django.db.models.deletion
from django.db import migrations, models

REPORT_KINDS = [
    ("travel", "外出（3天以上）", 10, None),
    ("family_event", "婚丧嫁娶", 20, None),
    ("collective_funds", "涉及集体资金", 30, None),
    ("emergency", "突发事件", 40, 3),
    ("other", "其他重大事项", 90, None),
]
GRID_CATEGORIES = [
    ("dispute", "邻里纠纷", 10, 1, 5),
    ("environment", "环境卫生", 20, 1, 5),
    ("safety", "安全隐患", 30, 1, 3),
    ("facilities", "公共设施", 40, 1, 5),
    ("livelihood", "民生救助", 50, 1, 5),
    ("other", "其他", 90, 1, 5),
]


def seed_and_map(apps, schema_editor):
    ReportKind = apps.get_model("village", "ReportKind")
    GridCategory = apps.get_model("village", "GridCategory")
    Report = apps.get_model("village", "MajorMatterReport")
    Matter = apps.get_model("village", "GridMatter")
    kinds = {}
    for code, name, order, within in REPORT_KINDS:
        kinds[code] = ReportKind.objects.create(name=name, order=order, report_within_days=within)
    categories = {}
    for code, name, order, respond, resolve in GRID_CATEGORIES:
        categories[code] = GridCategory.objects.create(
            name=name, order=order, respond_days=respond, resolve_days=resolve
        )
    for code, kind in kinds.items():
        Report.objects.filter(kind_code=code).update(kind=kind)
    Report.objects.filter(kind__isnull=True).update(kind=kinds["other"])
    for code, category in categories.items():
        Matter.objects.filter(category_code=code).update(category=category)
    Matter.objects.filter(category__isnull=True).update(category=categories["other"])


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0003_person_id_masked_last_four"),
        ("village", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="GridCategory",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=40, verbose_name="name")),
                ("order", models.PositiveSmallIntegerField(default=100, verbose_name="order")),
                ("active", models.BooleanField(default=True, verbose_name="in use")),
                (
                    "respond_days",
                    models.PositiveSmallIntegerField(default=1, verbose_name="respond within (working days)"),
                ),
                (
                    "resolve_days",
                    models.PositiveSmallIntegerField(default=5, verbose_name="resolve within (working days)"),
                ),
                (
                    "org",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.organisation",
                        verbose_name="kept by",
                    ),
                ),
            ],
            options={
                "verbose_name": "grid matter category",
                "verbose_name_plural": "grid matter categories",
                "ordering": ["order", "name"],
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(fields=("org", "name"), name="village_grid_category_unique"),
                    models.UniqueConstraint(
                        condition=models.Q(("org__isnull", True)),
                        fields=("name",),
                        name="village_grid_category_shared_unique",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ReportKind",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=40, verbose_name="name")),
                ("order", models.PositiveSmallIntegerField(default=100, verbose_name="order")),
                ("active", models.BooleanField(default=True, verbose_name="in use")),
                (
                    "report_within_days",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Empty: reported before the matter happens.",
                        null=True,
                        verbose_name="reported within days after the matter",
                    ),
                ),
                (
                    "org",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.organisation",
                        verbose_name="kept by",
                    ),
                ),
            ],
            options={
                "verbose_name": "kind of major matter",
                "verbose_name_plural": "kinds of major matters",
                "ordering": ["order", "name"],
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(fields=("org", "name"), name="village_report_kind_unique"),
                    models.UniqueConstraint(
                        condition=models.Q(("org__isnull", True)),
                        fields=("name",),
                        name="village_report_kind_shared_unique",
                    ),
                ],
            },
        ),
        migrations.RenameField("majormatterreport", "kind", "kind_code"),
        migrations.RenameField("gridmatter", "category", "category_code"),
        migrations.AddField(
            model_name="majormatterreport",
            name="kind",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="village.reportkind",
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="gridmatter",
            name="category",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="village.gridcategory",
                verbose_name="category",
            ),
        ),
        migrations.RunPython(seed_and_map, migrations.RunPython.noop),
        migrations.RemoveField("majormatterreport", "kind_code"),
        migrations.RemoveField("gridmatter", "category_code"),
        migrations.AlterField(
            model_name="majormatterreport",
            name="kind",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="village.reportkind",
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="gridmatter",
            name="category",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="village.gridcategory",
                verbose_name="category",
            ),
        ),
    ]
