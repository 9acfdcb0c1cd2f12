"""REST API for organisations and people (filled in by the foundation work)."""


def register(router) -> None:
    return None
