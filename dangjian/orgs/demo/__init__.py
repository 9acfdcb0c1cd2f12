"""The orgs contributor to ``manage.py demo``: a realistic fictional county (or a city, or a province).

The county is 萍川县 (fictional; citizen IDs use the unassigned area code 360325), with 19
township committees (高坑镇 from the seeds among them), about 250 village and community
branches, agency, school, health, enterprise and social-organisation branches, and about
15 000 people. Everything is bulk-inserted county by county (materialised paths computed
here), so memory stays bounded at city and province scale. A few records are deliberately
wrong so the warnings have something to show; a few transfers, deaths and a dissolution go
through ``orgs.services`` afterwards (contributor ``orgs_history``, after the demo users exist).

What later contributors find in ``ctx.data``:

``root``            the top organisation (the county, or the city/province at larger scales)
``county``          萍川县委, the demo county the personas work in
``counties``        every county-level committee
``townships``       every current township committee (Organisation objects)
``villages``        every current village and community branch or general branch
``branch_ids``      ids of every current branch-level organisation
``secretaries``     {organisation id: person id} of current secretaries
``gaokeng``         高坑镇党委; ``gaokeng_village`` the village branch of the branch-secretary persona
``warnings``        {warning code: [organisation ids]} built deliberately wrong
``reference_day``   the day the demo is dated to
``users``           (accounts contributor) persona name → User, as in conftest's ``personas``
"""

from .builder import build
from .history import build_history

__all__ = ["build", "build_history", "present"]


def present() -> bool:
    """True when the database already has organisations (``demo --if-empty`` then builds nothing)."""
    from ..models import Organisation

    return Organisation.objects.exists()
