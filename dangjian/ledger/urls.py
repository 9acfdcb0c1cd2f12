"""URLs of the ledger under /ledger/: each page family keeps its own list."""

from .views import items, ledger, lists, stats, work

urlpatterns = [
    *lists.urlpatterns,
    *items.urlpatterns,
    *ledger.urlpatterns,
    *stats.urlpatterns,
    *work.urlpatterns,
]
