"""Request glue: the client's address, the focus (one subtree a user chose to look at), the language."""

import ipaddress
from datetime import timedelta
from functools import partial

from auditlog import get_logentry_model
from auditlog.cid import set_cid
from auditlog.context import _set_extra_data, auditlog_value
from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.db.models.signals import pre_save
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from .scoping import FOCUS_ATTR

FOCUS_SESSION_KEY = "dangjian_focus"


def client_address(request) -> str | None:
    """The client's address as the trusted proxies saw it (audit log, lockout), never as the client claims.

    Each proxy appends the address it received the request from to X-Forwarded-For, and the client can
    put anything in front. With ``TRUSTED_PROXY_COUNT`` = N (0: no proxy), the client's address is the
    N-th entry from the end, the one the outermost trusted proxy wrote; with 0 it is REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if not forwarded:
        return remote
    # Fewer entries than proxies: the request entered through an inner proxy, which wrote the first entry.
    address = _without_port(forwarded[-count] if len(forwarded) >= count else forwarded[0])
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return remote


def _without_port(address: str) -> str:
    if address.startswith("["):  # [2001:db8::1]:443
        return address[1:].split("]", 1)[0]
    if address.count(":") == 1:  # 203.0.113.9:51234
        return address.split(":", 1)[0]
    return address


class SlidingSessionMiddleware(SessionMiddleware):
    """Django's session middleware with the idle timeout's sliding window written at most once a minute.

    Saving every request's session (``SESSION_SAVE_EVERY_REQUEST``) wrote the session row on every page
    (an UPDATE per read, and the write traffic of a busy server). The window now moves when the stored
    expiry is more than ``SLIDE_SECONDS`` short of a full one: a session ends between
    ``SESSION_COOKIE_AGE - SLIDE_SECONDS`` and ``SESSION_COOKIE_AGE`` after its last request.
    """

    SLIDE_SECONDS = 60

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        stored = getattr(session, "stored_expiry", None)
        if stored is not None and not session.modified:
            full = timedelta(seconds=session.get_expiry_age() - self.SLIDE_SECONDS)
            if stored - timezone.now() < full:
                session.modified = True
        return super().process_response(request, response)


# django-auditlog's receiver that fills each entry's actor and address from the request being served.
_REQUEST_DUID = ("dangjian.core.middleware.AuditMiddleware", 0)


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware, with the address from ``client_address`` and no client-supplied port.

    django-auditlog connects a ``pre_save`` receiver for every request and disconnects it afterwards
    (each time taking the signal's lock and emptying its receiver cache, which every model's
    ``pre_save`` then rebuilds). Here the same receiver is connected once, when the middleware is
    loaded, and each request only sets the context it reads (actor, address, correlation id) and
    resets it afterwards, so nothing of one request is left for the next.
    """

    def __init__(self, get_response=None):
        super().__init__(get_response)
        pre_save.connect(
            partial(_set_extra_data, signal_duid=_REQUEST_DUID),
            sender=get_logentry_model(),
            dispatch_uid=_REQUEST_DUID,
            weak=False,
        )

    def __call__(self, request):
        set_cid(request)
        context = self.get_extra_data(request)
        context["signal_duid"] = _REQUEST_DUID
        token = auditlog_value.set(context)
        try:
            return self.get_response(request)
        finally:
            auditlog_value.reset(token)

    @staticmethod
    def _get_remote_addr(request):
        return client_address(request)

    @staticmethod
    def _get_remote_port(request):
        return None


class FocusMiddleware:
    """Attach the user's focused subtree (id, path) to ``request.user`` for core.scoping."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            focus = request.session.get(FOCUS_SESSION_KEY)
            if focus:
                setattr(user, FOCUS_ATTR, (focus[0], focus[1]))
        return self.get_response(request)


class LanguageMiddleware:
    """Chinese unless the user chose otherwise: the language switch's cookie decides, not the browser.

    Django's LocaleMiddleware follows Accept-Language, so an English-configured browser in a
    township office would get English pages; the interface is Chinese by default here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        translation.deactivate()
        return response


class SecurityHeadersMiddleware:
    """The Content-Security-Policy of every response (settings.CONTENT_SECURITY_POLICY).

    Django 5.2 has no CSP support of its own; the templates hold no inline script, style or
    event handler, so the policy allows only the app's own files.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy:
            response.headers.setdefault("Content-Security-Policy", policy)
        return response
