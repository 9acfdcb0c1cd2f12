"""manage.py export_members FILE [--org ID] [--unmask]: the member roster as the import's spreadsheet."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangjian.orgs.columns import export_people
from dangjian.orgs.models import Organisation, Person


class Command(BaseCommand):
    help = "导出在册人员名册（与导入模板同列）。默认身份证号脱敏；--unmask 导出完整号码并写入审计日志。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="输出文件（.xlsx）")
        parser.add_argument("--org", type=int, help="只导出该组织（编号）及其下级组织的人员")
        parser.add_argument("--unmask", action="store_true", help="导出完整身份证号（写入审计日志）")

    def handle(self, *args, file, org, unmask, **options):
        people = Person.objects.current()
        note = "命令行导出"
        if org is not None:
            root = Organisation.objects.filter(pk=org).first()
            if root is None:
                raise CommandError(f"没有编号为 {org} 的组织。")
            people = people.filter(org__path__subtree=root.path)
            note += f"：{root.name}"
        content = export_people(people, user=None, unmask=unmask, note=note)
        Path(file).write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"已导出 {people.count()} 人到 {file}。"))
