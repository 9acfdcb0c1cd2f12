"""Protection of personal data at rest: encryption and lookup digests for ID numbers."""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver


@lru_cache(maxsize=4)
def _fernet(key: str, secret: str) -> Fernet:
    if key:
        return Fernet(key.encode())
    derived = hashlib.sha256(("field-encryption:" + secret).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


@lru_cache(maxsize=1)
def _key_material() -> tuple[str, str]:
    """The configured key; a key derived from SECRET_KEY only in a process started in development mode.

    Kept until one of the settings it reads changes (an import encrypts a hundred thousand numbers).
    """
    if not settings.FIELD_ENCRYPTION_KEY and not getattr(settings, "DANGJIAN_DEVELOPMENT", False):
        # Settings already refuse production without the key; this keeps a public secret from ever
        # protecting real ID numbers, whatever changes the settings.
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is not set. 未设置 FIELD_ENCRYPTION_KEY。")
    return settings.FIELD_ENCRYPTION_KEY, settings.SECRET_KEY


def encrypt(value: str) -> str:
    return _fernet(*_key_material()).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(*_key_material()).decrypt(token.encode()).decode()


@lru_cache(maxsize=1)
def _digest_key() -> bytes:
    return (_key_material()[0] or settings.SECRET_KEY).encode()


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs) -> None:
    if setting in {"FIELD_ENCRYPTION_KEY", "SECRET_KEY", "DANGJIAN_DEVELOPMENT"}:
        _key_material.cache_clear()
        _digest_key.cache_clear()


def digest(value: str) -> str:
    """A keyed hash that finds a record by its exact value without storing the value."""
    return hmac.digest(_digest_key(), value.upper().encode(), "sha256").hex()


def key_fingerprint() -> str:
    """A short hash telling whether two installations use the same key (backups); never the key itself."""
    key, secret = _key_material()
    material = key or "derived:" + secret
    return hashlib.sha256(("dangjian-key-fingerprint:" + material).encode()).hexdigest()[:16]
