"""Signing in with a username and password: Django's ``ModelBackend``, with the signed-in user read by a
query compiled once (``core.prepared``), since every signed-in request reads it, and its grants read in
the same query (``scoping.with_grant_rows``)."""

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import router

from dangjian.core.prepared import PreparedQuery, instance_maker

from .models import User
from .scoping import grant_columns, with_grant_rows

_USER_FIELDS = [f.attname for f in User._meta.concrete_fields]
# The user and, joined, each of their role assignments (one row per assignment, one row of Nones without).
_USER = PreparedQuery(
    lambda pk: (
        User._default_manager.filter(pk=pk)
        .order_by("assignments__pk")
        .values_list(*_USER_FIELDS, *grant_columns("assignments__"))
    ),
    0,
    plan_once=True,  # by the user's id
)


class ModelBackend(DjangoModelBackend):
    """Django's backend (passwords, permissions, inactive users refused); ``get_user`` without the ORM's
    per-request compilation, the user's grants read with it."""

    def get_user(self, user_id):
        if type(user_id) is not int:
            return super().get_user(user_id)
        alias = router.db_for_read(User)
        rows = _USER.rows(user_id, using=alias)
        if not rows:
            return None
        user = instance_maker(User)(alias, _USER_FIELDS, rows[0][: len(_USER_FIELDS)])
        with_grant_rows(user, [row[len(_USER_FIELDS) :] for row in rows])
        return user if self.user_can_authenticate(user) else None
