"""Who is signed in, read once per request; a password older than PASSWORD_MAX_AGE_DAYS must be changed before
anything else is done."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import middleware as auth_middleware
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, with ``request.user`` the user itself instead of a ``SimpleLazyObject`` that reads it on first
    use. Every request reads it anyway (the audit context is made before the view runs, then the scope, the
    shell and the view), and each of the couple of hundred reads of an attribute a page makes through the lazy
    proxy went through three Python calls. ``request.auser`` is Django's."""

    def process_request(self, request):
        super().process_request(request)
        request.user = auth_middleware.get_user(request)


class PasswordAgeMiddleware:
    """Send a signed-in user with an expired password to the password change page (MLPS: password expiry)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.PASSWORD_MAX_AGE_DAYS
            and user is not None
            and user.is_authenticated
            and getattr(user, "password_expired", lambda: False)()
            and not self._exempt(request.path_info)
        ):
            message = _("Your password is older than %(days)s days. Please choose a new one to continue.") % {
                "days": settings.PASSWORD_MAX_AGE_DAYS
            }
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": message}, status=403)
            messages.warning(request, message)
            return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        allowed = (reverse("password_change"), reverse("password_change_done"), reverse("logout"), "/i18n/")
        return path.startswith((*allowed, "/" + settings.STATIC_URL.lstrip("/")))
