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
``county``          萍川县委, the demo county the personas work in (in a ``county`` step: that county)
``county_count``    how many counties the scale has (built one by one after the demo county)
``townships``       the county's current township committees (Organisation objects)
``villages``        the county's current village and community branches or general branches
``branch_ids``      ids of the county's current branch-level organisations
``secretaries``     {organisation id: person id} of the county's current secretaries
``area``            the county's area code (its members' citizen IDs mostly begin with it)
``gaokeng``         高坑镇党委; ``gaokeng_village`` the village branch of the branch-secretary persona
``warnings``        {warning code: [organisation ids]} built deliberately wrong
``reference_day``   the day the demo is dated to
``users``           (accounts contributor) persona name → User, as in conftest's ``personas``
"""

from .builder import build, build_county
from .history import build_history

__all__ = ["build", "build_county", "build_history", "present"]


def present() -> bool:
    """True when the database already has organisations (``demo --if-empty`` then builds nothing)."""
    from ..models import Organisation

    return Organisation.objects.exists()
