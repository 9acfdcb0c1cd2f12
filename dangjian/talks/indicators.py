"""Talk indicators (see ``core.indicators``): heart-to-heart coverage and talks held.

Heart-to-heart coverage (谈心谈话, DOMAIN.md §2: at least once a year between committee members
and with members): of the committee members on post at the end of the period in the subtree,
the share who took part in a closed heart-to-heart talk held in the period, as talkee or as a
talker with an account.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.indicators import Indicator, Period, rate, register, subtree_rollup
from dangjian.orgs.models import COMMITTEE_POSTS, Post

from .models import TalkKind, TalkRecord


def _heart_talks(period: Period):
    return TalkRecord.objects.filter(
        kind=TalkKind.HEART_TO_HEART,
        status=TalkRecord.Status.CLOSED,
        held_on__range=(period.start, period.end),
    )


def heart_to_heart_coverage(orgs, period: Period) -> dict:
    talks = _heart_talks(period)
    talkee_ids = TalkRecord.talkees.through.objects.filter(talkrecord__in=talks).values("person_id")
    talker_ids = TalkRecord.talkers.through.objects.filter(talkrecord__in=talks).values("user_id")
    on_post = Post.objects.filter(kind__in=COMMITTEE_POSTS, started_on__lte=period.end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=period.end)
    )
    took_part = Q(person_id__in=talkee_ids) | Q(person__account__in=talker_ids)
    rows = subtree_rollup(
        on_post,
        orgs,
        members=Count("person", distinct=True),
        talked=Count("person", distinct=True, filter=took_part),
    )
    return {pk: rate(row["talked"], row["members"]) for pk, row in rows.items()}


def talks_held(orgs, period: Period) -> dict:
    held = TalkRecord.objects.filter(
        status=TalkRecord.Status.CLOSED, held_on__range=(period.start, period.end)
    )
    rows = subtree_rollup(held, orgs, n=Count("pk"))
    return {pk: row["n"] or 0 for pk, row in rows.items()}


register(
    Indicator(
        key="talks.heart_to_heart_coverage",
        label=_("Heart-to-heart talk coverage"),
        description=_(
            "Of the branch committee members on post at the end of the period, the share who took part "
            "in a heart-to-heart talk held and recorded in the period (as talkee or talker)."
        ),
        unit="%",
        module="talks",
        compute=heart_to_heart_coverage,
        decimals=1,
    )
)
register(
    Indicator(
        key="talks.talks_held",
        label=_("Talks held"),
        description=_(
            "Talk records of every kind closed with their record, held in the period, by the talkees' organisation."
        ),
        unit=_("talks"),
        module="talks",
        compute=talks_held,
    )
)
