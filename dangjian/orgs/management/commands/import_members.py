"""manage.py import_members FILE [--dry-run] [--as USERNAME]: party members from a roster spreadsheet.

Also the base of import_orgs: run an importer on a file and print its problems in Chinese.
"""

from __future__ import annotations

from pathlib import Path

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dangjian.core.exports import ImportRefused
from dangjian.core.scoping import can
from dangjian.orgs.importers import IMPORT, MemberImporter


class RosterImportCommand(BaseCommand):
    """Check a roster file; write it all (unless --dry-run) or print every problem and exit non-zero."""

    importer_class = None

    def add_arguments(self, parser):
        parser.add_argument("file", help="Excel 文件（.xlsx），表头与下载的模板一致")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--as", dest="username", help="以该用户的权限导入（不填：以系统身份，拥有全部权限）")

    def handle(self, *args, file, dry_run, username, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        actor = None
        if username:
            actor = get_user_model().objects.filter(username=username, is_active=True).first()
            if actor is None:
                raise CommandError(f"没有用户名为“{username}”的有效用户。")
            if not can(actor, IMPORT):
                raise CommandError(f"用户“{username}”没有导入名册的权限。")
        importer = self.importer_class(actor=actor, context={"filename": path.name})
        if dry_run:
            preview = importer.preview(path)
            if not preview.ok:
                self._fail(preview.errors or [])
            self.stdout.write(self.style.SUCCESS(f"检查通过：{len(preview.rows)} 行可以导入（未写入）。"))
            return
        try:
            with set_actor(actor) if actor is not None else _nothing():
                _preview, count = importer.run(path)
        except ImportRefused as refused:
            self._fail(refused.errors)
        self.stdout.write(self.style.SUCCESS(f"已导入 {count} 行。"))

    def _fail(self, errors):
        for error in errors:
            self.stderr.write(str(error))
        raise CommandError(f"共 {len(errors)} 个问题，未写入任何数据。")


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


class Command(RosterImportCommand):
    help = "导入党员名册：先检查每一行，有任何问题则不写入并列出问题。"
    importer_class = MemberImporter
