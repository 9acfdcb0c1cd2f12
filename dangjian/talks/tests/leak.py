"""Leak-walk rows of the talks module: interviews over items (see core/tests/leakwalk.py)."""

from __future__ import annotations

from django.utils import timezone

from dangjian.core.tests.leakwalk import detail, write


def _talk(world, key):
    from dangjian.talks import services

    content = f"约谈内容·{key}"
    talk = services.talk_record_interview(
        item=world.get("item", key),
        talker="督查组",
        talkee=f"被约谈人·{key}",
        held_on=timezone.localdate(),
        content=content,
        actor=world.admin,
    )
    return talk, [content]


OBJECTS = {"talk": _talk}


def _interview(world, item, key) -> dict:
    return {
        "held_on": timezone.localdate().isoformat(),
        "place": "",
        "talker": "走查督查组",
        "talkee": "走查被约谈人",
        "content": "走查约谈内容",
        "commitments": "",
    }


ROUTES = {
    "talks:interview_create": write("item", _interview, kwargs=lambda item: {"item_pk": item.pk}),
    "talks:talk_detail": detail("talk"),
}
