"""Leak-walk rows of the talks module: campaigns, talks prepared and closed, interviews over items.

Each organisation organises one campaign over one of its people (with one closed talk, so that
it can be looked back on and closed), one reminder talk being prepared, one closed admonishment
talk (诫勉), and one interview over its item. See core/tests/leakwalk.py for what each row checks.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.core.tests.leakwalk import api_action, api_detail, api_list, create, detail, page, write


def _today():
    return timezone.localdate()


def _services():
    from dangjian.talks import services

    return services


# --- records ---


def _talk(world, key):
    content = f"约谈内容·{key}"
    talk = _services().talk_record_interview(
        item=world.get("item", key),
        talker="督查组",
        talkee=f"被约谈人·{key}",
        held_on=_today(),
        content=content,
        actor=world.admin,
    )
    return talk, [content]


def _campaign(world, key):
    services = _services()
    title = f"谈话计划·{key}"
    person = world.get("person", key)
    campaign = services.campaign_create(
        org=world.orgs[key],
        title=title,
        starts_on=_today() - timedelta(days=5),
        ends_on=_today() + timedelta(days=5),
        talker="走查谈话人",
        target_mode="picked",
        targets=[person],
        actor=world.admin,
    )
    content = f"政治谈话记录·{key}"
    talk = services.talk_plan(
        organiser=campaign.org,
        kind="political",
        held_on=_today() - timedelta(days=1),
        talker="走查谈话人",
        talkees=[person],
        campaign=campaign,
        actor=world.admin,
    )
    services.talk_close(talk=talk, actor=world.admin, content=content)
    return campaign, [title, content]


def _planned_talk(world, key):
    place = f"谈话地点·{key}"
    talk = _services().talk_plan(
        organiser=world.orgs[key],
        kind="reminder",
        held_on=_today(),
        talker="走查谈话人",
        talkees=[world.get("person", key)],
        place=place,
        internal_notes=f"内部备注·{key}",
        actor=world.admin,
    )
    return talk, [place]


def _admonition(world, key):
    services = _services()
    explanation = f"书面说明·{key}"
    talk = services.talk_plan(
        organiser=world.orgs[key],
        kind="admonition",
        held_on=_today() - timedelta(days=1),
        talker="走查谈话人",
        talkees=[world.get("person", key)],
        actor=world.admin,
    )
    services.talk_close(
        talk=talk,
        actor=world.admin,
        content="诫勉谈话记录",
        explanation=explanation,
        head_signed_by="单位主要负责人",
        head_signed_on=_today(),
    )
    return talk, [explanation]


def _problem_row(world, key):
    title = f"通报问题·{key}"
    row = _services().problem_add(
        talk=world.get("planned_talk", key),
        actor=world.admin,
        source="daily",
        title=title,
        deadline=_today() + timedelta(days=30),
    )
    return row, [title]


def _commitment_row(world, key):
    text = f"表态承诺·{key}"
    row = _services().commitment_add(
        talk=world.get("planned_talk", key),
        actor=world.admin,
        text=text,
        deadline=_today() + timedelta(days=30),
    )
    return row, [text]


def _comment_row(world, key):
    text = f"领导点评·{key}"
    row = _services().comment_add(
        talk=world.get("planned_talk", key), actor=world.admin, leader="镇长", text=text
    )
    return row, [text]


OBJECTS = {
    "talk": _talk,
    "campaign": _campaign,
    "planned_talk": _planned_talk,
    "admonition": _admonition,
    "problem": _problem_row,
    "commitment": _commitment_row,
    "comment": _comment_row,
}


# --- form data ---


def _interview(world, item, key) -> dict:
    return {
        "held_on": _today().isoformat(),
        "place": "",
        "talker": "走查督查组",
        "talkee": "走查被约谈人",
        "content": "走查约谈内容",
        "commitments": "",
    }


def _new_campaign(world, org, key) -> dict:
    return {
        "org": org.pk,
        "title": "走查谈话计划",
        "kind": "political",
        "starts_on": _today().isoformat(),
        "ends_on": (_today() + timedelta(days=10)).isoformat(),
        "talker": "走查谈话人",
        "target_mode": "picked",
        "targets": [world.get("person", key).pk],
    }


def _new_talk(world, org, key) -> dict:
    return {
        "organiser": org.pk,
        "kind": "reminder",
        "held_on": _today().isoformat(),
        "talker": "走查谈话人",
        "talkees": [world.get("person", key).pk],
    }


def _campaign_talk(world, campaign, key) -> dict:
    return {
        "held_on": _today().isoformat(),
        "talker": "走查谈话人",
        "talkees": [world.get("person", key).pk],
    }


def _problem(world, talk, key) -> dict:
    return {
        "item": world.get("item", key).pk,
        "source": "patrol",
        "title": "",
        "description": "",
        "deadline": "",
    }


def _report(world, talk, key) -> dict:
    return {"files": SimpleUploadedFile(f"汇报材料-{key}.pdf", b"%PDF-leak", content_type="application/pdf")}


ROUTES = {
    "talks:index": page(("campaign", "talk", "planned_talk", "admonition")),
    "talks:heart_coverage": page("org"),
    "talks:campaign_create": create("org", _new_campaign, obj="org"),
    "talks:campaign_detail": detail("campaign"),
    "talks:campaign_talk_plan": write("campaign", _campaign_talk),
    "talks:campaign_lookback": write("campaign", lambda world, campaign, key: {}),
    "talks:campaign_close": write("campaign", lambda world, campaign, key: {}),
    "talks:campaign_export": detail("campaign"),
    "talks:campaign_document": detail("campaign"),
    "talks:talk_plan": create("org", _new_talk, obj="org"),
    "talks:talk_detail": detail(("talk", "planned_talk", "admonition")),
    "talks:problem_add": write("planned_talk", _problem, second=("village_a1", "village_a1")),
    "talks:commitment_add": write(
        "planned_talk",
        lambda world, talk, key: {
            "text": "走查承诺",
            "deadline": (_today() + timedelta(days=30)).isoformat(),
        },
    ),
    "talks:comment_add": write(
        "planned_talk", lambda world, talk, key: {"leader": "走查领导", "text": "走查点评"}
    ),
    "talks:report_upload": write("planned_talk", _report),
    "talks:talk_close": write(
        "planned_talk",
        lambda world, talk, key: {"version": talk.version, "content": "走查谈话记录", "place": ""},
    ),
    "talks:talk_cancel": write("planned_talk", lambda world, talk, key: {"note": "走查取消"}),
    "talks:addendum_add": write("talk", lambda world, talk, key: {"text": "走查补充说明"}),
    "talks:filing_record": write(
        "admonition", lambda world, talk, key: {"discipline_on": _today().isoformat(), "org_dept_on": ""}
    ),
    "talks:talk_document": detail(("talk", "planned_talk", "admonition")),
    "talks:interview_create": write("item", _interview, kwargs=lambda item: {"item_pk": item.pk}),
    "talks:problem_remove": write("problem", lambda world, row, key: {}),
    "talks:commitment_remove": write("commitment", lambda world, row, key: {}),
    "talks:comment_remove": write("comment", lambda world, row, key: {}),
    "api-talk-campaign-list": api_list("campaign"),
    "api-talk-campaign-detail": api_detail("campaign"),
    "api-talk-campaign-coverage": api_detail("campaign"),
    "api-talk-list": api_list(("talk", "planned_talk", "admonition")),
    "api-talk-detail": api_detail(("talk", "planned_talk", "admonition")),
    "api-talk-close": api_action(
        "planned_talk", lambda world, talk, key: {"version": talk.version, "content": "走查接口谈话记录"}
    ),
}
