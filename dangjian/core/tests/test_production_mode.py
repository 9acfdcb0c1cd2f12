"""Production is the default (issue 7, finding 14): a server that sets nothing gets no debug pages and no
public key, and the key that encrypts ID numbers is never derived from the public development secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import InvalidToken
from django.core.exceptions import ImproperlyConfigured

from dangjian.core import crypto

REPO = Path(__file__).resolve().parents[3]


def _start(**env_overrides) -> subprocess.CompletedProcess:
    """Load the production settings in a fresh process with exactly these variables (and no .env file)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG", "SECRET_KEY")}
    env.pop("FIELD_ENCRYPTION_KEY", None)
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="dangjian.settings", DANGJIAN_ENV_FILE="/nonexistent")
    code = "import django; django.setup(); from django.conf import settings; print('DEBUG', settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )


def test_a_server_that_sets_nothing_starts_in_production_mode_and_refuses_without_secrets():
    result = _start()
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr
    assert "DEBUG=1" in result.stderr  # the message says how to run in development


def test_a_configured_server_runs_with_debug_off():
    result = _start(SECRET_KEY="s" * 50, FIELD_ENCRYPTION_KEY="x" * 44, ALLOWED_HOSTS="a.example")
    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout


def test_development_is_asked_for_explicitly():
    result = _start(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "DEBUG True" in result.stdout


def test_id_numbers_are_never_encrypted_with_a_key_derived_from_the_public_secret(settings):
    settings.DANGJIAN_DEVELOPMENT = False
    settings.FIELD_ENCRYPTION_KEY = ""
    crypto._fernet.cache_clear()
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEY"):
        crypto.encrypt("110101199003077777")
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEY"):
        crypto.digest("110101199003077777")


def test_the_keys_kept_for_an_import_follow_a_change_of_settings(settings):
    """The key material is read once, not once a number; a changed key is used from then on."""
    from cryptography.fernet import Fernet

    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    first_digest, first_token = crypto.digest("110101199003077777"), crypto.encrypt("110101199003077777")
    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    assert crypto.digest("110101199003077777") != first_digest
    with pytest.raises(InvalidToken):
        crypto.decrypt(first_token)


def test_the_make_targets_for_development_say_so():
    makefile = (REPO / "Makefile").read_text()
    assert "export DEBUG ?= 1" in makefile
    dev_targets = next(line for line in makefile.splitlines() if line.startswith("DEV_TARGETS"))
    assert {"run", "test", "test-pg", "demo", "migrate"} <= set(dev_targets.split(":=")[1].split())


def _manage(*args: str) -> subprocess.CompletedProcess:
    """``manage.py`` in a fresh process with no DEBUG, no secrets and no .env file."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG", "SECRET_KEY")}
    env.pop("FIELD_ENCRYPTION_KEY", None)
    env.update(DANGJIAN_ENV_FILE="/nonexistent")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_migration_check_runs_on_a_fresh_checkout_and_data_commands_still_refuse():
    checked = _manage("makemigrations", "--check", "--dry-run")
    assert checked.returncode == 0, checked.stderr
    assert "No changes detected" in checked.stdout
    refused = _manage("migrate", "--plan")
    assert refused.returncode != 0 and "SECRET_KEY" in refused.stderr
