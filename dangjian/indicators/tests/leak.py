"""Leak-walk rows of the indicators page (see core/tests/leakwalk.py), with its figures checked."""

from __future__ import annotations

import re

from django.db.models import Q
from django.urls import reverse

from dangjian.core.tests.leakwalk import OUTSIDE, page

KEY = "ledger.open_items"

ROUTES = {
    # the figures of an organisation the persona may not see are refused (404), names never listed
    "indicators:index": page("org", query={"key": KEY}, outside_query={"org": "org"}),
}


def _open_items(world, persona, client) -> list[str]:
    """Each figure shown is the count of open items the persona may see, or "—" where it may not see them all."""
    from dangjian.ledger.models import Item
    from dangjian.orgs.models import Organisation

    problems = []
    hidden = [world.orgs[key] for key in OUTSIDE[persona]]
    for query in [{"key": KEY}] + [{"key": KEY, "org": org.pk} for org in world.allowed_orgs(persona)]:
        text = client.get(reverse("indicators:index"), query).content.decode()
        for pk, shown in re.findall(r'data-org="(\d+)" data-value="([^"]*)"', text):
            org = Organisation.objects.get(pk=pk)
            below = Q(org__path__startswith=org.path)
            if shown == "":
                if not any(h.path.startswith(org.path) for h in hidden):
                    problems.append(
                        f"indicators {query}: {org.name} shows no figure to a persona who sees it all"
                    )
                continue
            items = Item.objects.exclude(status=Item.Status.DRAFT).filter(
                below, org__in=world.allowed_orgs(persona), closed_on__isnull=True
            )
            if int(shown) != items.count():
                problems.append(
                    f"indicators {query}: {org.name} shows {shown} open items, the persona may see {items.count()}"
                )
    return problems


NUMBERS = {"indicators:index": [_open_items]}
