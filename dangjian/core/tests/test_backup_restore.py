"""The restore drill: back up, restore into an empty database, find every count and every ID number again.

On SQLite (the online backup API) always; on PostgreSQL (pg_dump -Fc / pg_restore) when the suite
runs there and the client tools are on PATH.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

import dangjian
from dangjian.accounts.models import User
from dangjian.core import crypto
from dangjian.core.backup import table_counts
from dangjian.ledger import services as ledger
from dangjian.orgs.models import Organisation, Person
from dangjian.orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _tools_for_this_database():
    if connection.vendor == "postgresql" and not all(
        shutil.which(t) for t in ("pg_dump", "pg_restore", "psql")
    ):
        pytest.skip("pg_dump, pg_restore or psql is not on PATH")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def installation(county, personas, media):
    """People with ID numbers, a list item with an evidence file, audit entries: a small real installation."""
    people = [make_person(org, f"成员{i}") for i, org in enumerate((county.village_a1, county.village_b1))]
    numbers = {p.pk: crypto.decrypt(p.id_cipher) for p in people}
    assert all(len(n) == 18 for n in numbers.values())
    item_list = ledger.list_create(org=county.township_a, title="整改清单", actor=personas.admin)
    item = ledger.item_create(
        item_list=item_list, org=county.village_a1, title="整改事项", actor=personas.admin, long_term=True
    )
    ledger.list_issue(item_list=item_list, actor=personas.admin)
    item.refresh_from_db()
    ledger.item_acknowledge(item=item, actor=personas.admin)
    ledger.progress_add(
        item=item,
        actor=personas.admin,
        on=item.issued_on,
        text="进展",
        percent=10,
        files=[SimpleUploadedFile("佐证.pdf", b"%PDF-1.4 evidence")],
    )
    return numbers


def test_a_backup_restored_into_an_empty_database_has_every_row_and_readable_id_numbers(
    installation, tmp_path, media
):
    before = table_counts()
    files_before = sorted(p.relative_to(media) for p in media.rglob("*") if p.is_file())
    assert files_before  # the evidence file is part of the drill
    call_command("backup", str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["tables"] == before
    assert manifest["app_version"] == dangjian.__version__
    assert manifest["encryption_key_fingerprint"] == crypto.key_fingerprint()

    call_command("flush", "--no-input")  # an empty database, as after `migrate` on a new server
    shutil.rmtree(media)
    assert not User.objects.exists() and not Organisation.objects.exists()

    call_command("restore", str(tmp_path / "backup"))

    assert table_counts() == before
    assert {p.pk: crypto.decrypt(p.id_cipher) for p in Person.objects.all()} == installation
    assert sorted(p.relative_to(media) for p in media.rglob("*") if p.is_file()) == files_before


def test_a_restore_refuses_a_database_that_holds_data_unless_forced(installation, tmp_path):
    call_command("backup", str(tmp_path / "backup"))
    make_person(Organisation.objects.order_by("path").last(), "后来者")
    after = table_counts()
    with pytest.raises(CommandError, match="数据库不是空的"):
        call_command("restore", str(tmp_path / "backup"))
    assert table_counts() == after
    call_command("restore", str(tmp_path / "backup"), "--force")
    assert not Person.objects.filter(name="后来者").exists()


def test_a_restore_refuses_another_encryption_key(installation, tmp_path):
    call_command("backup", str(tmp_path / "backup"))
    manifest_path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["encryption_key_fingerprint"] = "0" * 16
    manifest_path.write_text(json.dumps(manifest))
    call_command("flush", "--no-input")
    with pytest.raises(CommandError, match="FIELD_ENCRYPTION_KEY 与备份时不同"):
        call_command("restore", str(tmp_path / "backup"))
    assert not User.objects.exists()


def test_a_restore_that_does_not_match_its_manifest_is_reported(installation, tmp_path):
    call_command("backup", str(tmp_path / "backup"))
    manifest_path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["tables"][Person._meta.db_table] += 1
    manifest_path.write_text(json.dumps(manifest))
    call_command("flush", "--no-input")
    with pytest.raises(
        CommandError, match=f"{Person._meta.db_table}: {manifest['tables'][Person._meta.db_table]}"
    ):
        call_command("restore", str(tmp_path / "backup"))


def test_a_backup_never_overwrites_an_earlier_one(installation, tmp_path):
    call_command("backup", str(tmp_path / "backup"))
    with pytest.raises(CommandError, match="不是空的"):
        call_command("backup", str(tmp_path / "backup"))


def test_the_version_in_backups_is_the_projects():
    pyproject = (REPO / "pyproject.toml").read_text()
    assert re.search(r'^version = "([^"]+)"', pyproject, re.M)[1] == dangjian.__version__


def test_a_damaged_backup_is_refused_and_the_database_keeps_every_row(installation, tmp_path):
    call_command("backup", str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    database_file = tmp_path / "backup" / manifest["database_file"]
    data = database_file.read_bytes()
    database_file.write_bytes(data[: len(data) // 2])  # a copy cut off halfway
    make_person(Organisation.objects.order_by("path").last(), "后来者")
    before = table_counts()
    with pytest.raises(CommandError, match="未做任何更改"):
        call_command("restore", str(tmp_path / "backup"), "--force")
    assert table_counts() == before
    assert Person.objects.filter(name="后来者").exists()
