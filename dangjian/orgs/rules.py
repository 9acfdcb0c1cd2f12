"""The roster's workflow rules: how a person leaves the roll, dies or comes back.

``OrgsConfig.ready()`` registers ``WORKFLOWS`` with ``core.workflow``; the services in
``orgs.services`` perform the moves through ``core.workflow.transition``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangjian.core.workflow import Transition

from .models import Person

# The capability the rules ask for (declared with the roles in accounts.roles).
MANAGE_PEOPLE = "manage_people"

_PS = Person.Status

PERSON_TRANSITIONS = {
    (_PS.ACTIVE, _PS.LEFT): Transition(label=_("Record leaving"), cap=MANAGE_PEOPLE, note_required=True),
    (_PS.ACTIVE, _PS.DECEASED): Transition(label=_("Record death"), cap=MANAGE_PEOPLE),
    (_PS.LEFT, _PS.ACTIVE): Transition(label=_("Restore to the roll"), cap=MANAGE_PEOPLE, note_required=True),
    # A death recorded by mistake must be correctable too; the reason stays in the history.
    (_PS.DECEASED, _PS.ACTIVE): Transition(
        label=_("Restore to the roll"), cap=MANAGE_PEOPLE, note_required=True
    ),
}

WORKFLOWS = {Person: PERSON_TRANSITIONS}
