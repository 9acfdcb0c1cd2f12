"""Request glue: the focus (one subtree a user chose to look at) travels in the session."""

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
