"""Signing in with a username and password: Django's ``ModelBackend``, with the signed-in user read by a
query compiled once (``core.prepared``), since every signed-in request reads it."""

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import router

from dangjian.core.prepared import PreparedQuery

from .models import User

_USER = PreparedQuery(lambda pk: User._default_manager.filter(pk=pk), 0)


class ModelBackend(DjangoModelBackend):
    """Django's backend (passwords, permissions, inactive users refused); ``get_user`` without the ORM's
    per-request compilation."""

    def get_user(self, user_id):
        if type(user_id) is not int:
            return super().get_user(user_id)
        found = _USER.objects(user_id, using=router.db_for_read(User))
        if not found:
            return None
        user = found[0]
        return user if self.user_can_authenticate(user) else None
