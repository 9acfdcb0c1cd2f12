"""Password rules beyond Django's (MLPS 2.0 level 3, 等保三级): letters and digits, no product name, no username.

Listed in settings.AUTH_PASSWORD_VALIDATORS with Django's minimum length (10), common-password
and similarity validators; every form and service that sets a password runs them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class LettersAndDigitsValidator:
    """A password holds at least one letter and at least one digit."""

    def validate(self, password: str, user=None) -> None:
        if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
            raise ValidationError(
                _("This password must contain both letters and digits."), code="password_letters_and_digits"
            )

    def get_help_text(self) -> str:
        return _("Your password must contain both letters and digits.")


class ForbiddenWordsValidator:
    """Neither the product's name (the first thing an attacker tries) nor the user's own username."""

    def __init__(self, words=("dangjian", "党建")):
        self.words = tuple(words)

    def validate(self, password: str, user=None) -> None:
        lowered = password.lower()
        username = (getattr(user, "username", "") or "").lower()
        if len(username) >= 3 and username in lowered:
            raise ValidationError(
                _("The password may not contain the username."), code="password_has_username"
            )
        found = [w for w in self.words if w.lower() in lowered]
        if found:
            raise ValidationError(
                _("The password may not contain “%(word)s”.") % {"word": found[0]}, code="password_has_word"
            )

    def get_help_text(self) -> str:
        return _("Your password may not contain your username or the name of this platform.")
