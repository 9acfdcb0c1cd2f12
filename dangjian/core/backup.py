"""Backup and restore of the whole installation: the database, the uploaded files and a manifest.

``backup(directory)`` writes ``database.sqlite3`` (SQLite's online backup API, safe while the app
runs) or ``database.dump`` (``pg_dump -Fc``), a copy of MEDIA_ROOT under ``media/``, and
``manifest.json`` with the row count of every table, the app version, the migrations and a
fingerprint of the field-encryption key. ``restore(directory)`` puts them back into an empty
database (``force`` for a non-empty one) and checks every table's count against the manifest.
The key itself is never in a backup: keep the .env apart, as the README says.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

import dangjian

from . import crypto

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
MEDIA_DIR = "media"


class BackupError(Exception):
    """Something that stops a backup or a restore; the message says what to do."""


@dataclass
class RestoreReport:
    tables: int
    rows: int
    media_files: int


def table_counts() -> dict[str, int]:
    """Rows of every table of the database, by table name."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table.startswith("sqlite_"):
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(
            f"Backups support SQLite and PostgreSQL, not {vendor}. 备份只支持 SQLite 和 PostgreSQL。"
        )
    return vendor


def _pg_environment() -> dict[str, str]:
    """libpq's variables for the database Django is connected to (DATABASE_URL; the test database in tests)."""
    conf = connection.settings_dict
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if conf.get(key):
            env[variable] = str(conf[key])
    env["PGDATABASE"] = conf["NAME"]
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not on PATH: install the PostgreSQL client. 找不到 {name}，请安装 PostgreSQL 客户端。"
        )
    return path


def _run(command: list[str]) -> None:
    result = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


# Empties the schema the dump restores into, in the restore's own transaction. pg_restore's --clean cannot
# do it: it drops a partition's inherited primary key before the partitioned table and fails (the audit
# archive is partitioned by month), and it leaves tables the backup does not know.
_EMPTY_SCHEMA = """
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.oid::regclass::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition LOOP
    EXECUTE 'DROP TABLE IF EXISTS ' || r.name || ' CASCADE';
  END LOOP;
  FOR r IN SELECT c.oid::regclass::text AS name, CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                  ELSE 'SEQUENCE' END AS kind
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm', 'S') LOOP
    EXECUTE 'DROP ' || r.kind || ' IF EXISTS ' || r.name || ' CASCADE';
  END LOOP;
END $$;
"""


def _pg_restore(dump: Path) -> None:
    """Replace the database's tables by the dump's, all or nothing: pg_restore's script in one psql transaction."""
    env = _pg_environment()
    psql = subprocess.Popen(
        [_pg_tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", "-"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    script = subprocess.Popen(
        [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "-f", "-", str(dump)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert psql.stdin is not None and script.stdout is not None and script.stderr is not None
    psql_stopped = False
    try:
        psql.stdin.write(_EMPTY_SCHEMA.encode())
        shutil.copyfileobj(script.stdout, psql.stdin, 1 << 20)
    except BrokenPipeError:  # psql stopped at an error (its message follows): the script is not needed
        psql_stopped = True
        script.kill()
    script_errors = script.stderr.read().decode(errors="replace")
    if script.wait() != 0 and not psql_stopped:
        # A damaged dump: psql must not reach the end of its input, where it would commit half a database.
        psql.kill()
        psql.wait()
        raise BackupError(
            f"pg_restore failed (nothing was changed): {script_errors.strip()} 备份文件无法读取，未做任何更改。"
        )
    with contextlib.suppress(BrokenPipeError):
        psql.stdin.close()
    psql_errors = psql.stderr.read().decode(errors="replace") if psql.stderr else ""
    psql.wait()
    if psql.returncode != 0:
        raise BackupError(
            f"psql failed while restoring (nothing was changed): {psql_errors.strip()} 恢复失败，未做任何更改。"
        )


def _media_files(root: Path) -> int:
    return sum(1 for p in root.rglob("*") if p.is_file()) if root.is_dir() else 0


def backup(directory: Path) -> dict:
    """Write a backup into ``directory`` (new or empty) and return its manifest."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(
            f"{directory} is not empty: choose a new directory. 目录 {directory} 不是空的，请换一个新目录。"
        )
    directory.mkdir(parents=True, exist_ok=True)
    engine = _engine()
    if engine == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(directory / SQLITE_FILE)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        database_file = SQLITE_FILE
    else:
        _run([_pg_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-f", str(directory / PG_FILE)])
        database_file = PG_FILE
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        shutil.copytree(media, directory / MEDIA_DIR)
    manifest = {
        "format": 1,
        "app_version": dangjian.__version__,
        "created_at": timezone.now().isoformat(),
        "engine": engine,
        "database_file": database_file,
        "tables": table_counts(),
        "media_files": _media_files(media),
        "migrations": _latest_migrations(),
        "encryption_key_fingerprint": crypto.key_fingerprint(),
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def _latest_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, name), name)
    return dict(sorted(latest.items()))


def read_manifest(directory: Path) -> dict:
    path = Path(directory) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"No readable {MANIFEST} in {directory}. 目录中没有可读取的 {MANIFEST}。") from exc
    if not (Path(directory) / manifest.get("database_file", "")).is_file():
        raise BackupError("The database file of the backup is missing. 备份中缺少数据库文件。")
    return manifest


def database_is_empty() -> bool:
    """No account and no module's records (the demo steps' ``present``): nothing a restore could overwrite."""
    from .demo import present_step

    tables = set(connection.introspection.table_names())
    users = apps.get_model(settings.AUTH_USER_MODEL)
    if users._meta.db_table in tables and users._base_manager.exists():
        return False
    try:
        return present_step() is None
    except DatabaseError:  # a module's tables are not migrated yet: it holds nothing
        return True


def restore(directory: Path, *, force: bool = False) -> RestoreReport:
    """Put a backup back; refuse a non-empty database or another key unless ``force``; verify the counts."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(
            f"The backup is of {manifest['engine']}, this database is {engine}. 备份的数据库类型与当前数据库不同。"
        )
    if not force and not database_is_empty():
        raise BackupError(
            "The database is not empty: restore into a new, migrated database, or add --force to overwrite it. "
            "数据库不是空的：请恢复到新建的数据库，或加 --force 覆盖。"
        )
    if not force and manifest.get("encryption_key_fingerprint") != crypto.key_fingerprint():
        raise BackupError(
            "FIELD_ENCRYPTION_KEY differs from the one the backup was made with: the ID numbers could not be read. "
            "Set the key of the backup (or add --force). FIELD_ENCRYPTION_KEY 与备份时不同，身份证号将无法解密。"
        )
    if engine == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(directory / manifest["database_file"])
        try:
            # Check the whole copy before a page of it reaches the database: a damaged file changes nothing.
            problems = [row[0] for row in source.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise BackupError(
                    f"The backup's database file is damaged ({problems[0]}); nothing was changed. "
                    "备份的数据库文件已损坏，未做任何更改。"
                )
            source.backup(connection.connection)
        except sqlite3.DatabaseError as exc:
            raise BackupError(
                f"The backup's database file is not a database ({exc}); nothing was changed. "
                "备份的数据库文件已损坏，未做任何更改。"
            ) from exc
        finally:
            source.close()
    else:
        connection.close()
        _pg_restore(directory / manifest["database_file"])
    media = directory / MEDIA_DIR
    if media.is_dir():
        shutil.copytree(media, Path(settings.MEDIA_ROOT), dirs_exist_ok=True)
    counts = table_counts()
    differ = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if differ:
        listed = ", ".join(f"{t}: {want} → {got}" for t, (want, got) in sorted(differ.items()))
        raise BackupError(
            f"Row counts differ after the restore: {listed}. 恢复后以下表的行数与备份不一致：{listed}"
        )
    return RestoreReport(
        tables=len(manifest["tables"]), rows=sum(manifest["tables"].values()), media_files=_media_files(media)
    )
