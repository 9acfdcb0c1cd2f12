"""Request glue: the focus (one subtree a user chose to look at) travels in the session."""

from django.utils.cache import patch_vary_headers

from .scoping import FOCUS_ATTR

FOCUS_SESSION_KEY = "dangjian_focus"


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
