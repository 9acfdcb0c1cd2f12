"""One REST router; each app registers its viewsets in its api.py (imported here)."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()


def _register_all() -> None:
    from dangjian.orgs import api as orgs_api

    orgs_api.register(router)
    from dangjian.ledger import api as ledger_api

    ledger_api.register(router)


_register_all()
