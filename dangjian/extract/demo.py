"""The extraction module's part of the demo county: one speech saved as a list and handed down, one in review."""

from __future__ import annotations

from datetime import timedelta

from dangjian.core.demo import DemoContext
from dangjian.ledger import door

from . import services
from .models import Draft

HANDED_SPEECH = """在全县基层党建工作推进会上的讲话

同志们：
今年以来，全县基层党建工作取得了明显成效，各乡镇党委履行主体责任更加有力。
但是，一些问题依然存在。部分村党组织“三会一课”流于形式，组织生活记录不规范；少数村级活动场所长期闲置，作用发挥不够。
下面，我讲三点要求。
一、压实责任，抓好问题整改
一是各乡镇党委要对照问题清单逐项整改，11月30日前将整改情况报县委组织部。
二是县委组织部要牵头开展基层党建专项督查，每季度通报一次督查结果。
二、规范组织生活
各乡镇党委要督促村党组织严格落实“三会一课”制度，年底前完成组织生活记录规范化整理。
三、盘活活动阵地
要全面摸清村级活动场所使用情况，一个月内形成盘活利用方案。
同志们，抓好基层党建是我们的分内之事，希望大家迅速行动起来。
"""

REVIEW_SPEECH = """在乡镇党委书记抓基层党建述职评议会上的讲话

同志们：
刚才，各位乡镇党委书记作了述职，讲成绩实事求是，查问题动真碰硬。
从述职情况看，有的乡镇党委书记抓党建精力投入不够，党建与业务“两张皮”现象仍然存在；党员冬春训流于形式，缺乏实质谋划。
下一步，各乡镇党委书记要切实履行第一责任人职责，每月至少专题研究一次基层党建工作。
县委组织部要会同县直机关工委，本季度完成不合格党员处置工作的专项检查。
各乡镇要尽快补齐村级党组织书记缺配问题，确保换届后班子配强配齐。
要常抓不懈推进软弱涣散村党组织整顿，长期坚持、久久为功。
"""


def build(ctx: DemoContext) -> None:
    """Extract two speeches of the county: one corrected, saved and handed down, one left in review.

    The organisation department's officer saves the list and submits it; the system
    administrator — another person who may hand down at the county — approves it.
    """
    county = ctx.data.get("county")
    author = ctx.data.get("users", {}).get("county_admin")
    approver = ctx.data.get("users", {}).get("admin")
    if county is None or author is None or approver is None:
        return
    today = ctx.data.get("reference_day")
    from django.utils import timezone

    today = today or timezone.localdate()
    handed = services.extraction_create(
        actor=author,
        org=county,
        title="在全县基层党建工作推进会上的讲话",
        spoken_on=today - timedelta(days=20),
        text=HANDED_SPEECH,
        today=today,
    )
    # The clerk's corrections: a date for every task, an organisation for every row, problems dropped.
    for draft in handed.drafts.order_by("number"):
        orgs = list(draft.orgs.all()) or [county]
        if draft.kind == Draft.Kind.PROBLEM:
            services.draft_update(
                draft=draft,
                actor=author,
                title=draft.title,
                kind=draft.kind,
                orgs=orgs,
                deadline=None,
                dropped=True,
            )
            continue
        deadline = (
            draft.deadline if draft.deadline and draft.deadline >= today else today + timedelta(days=30)
        )
        services.draft_update(
            draft=draft,
            actor=author,
            title=draft.title,
            kind=draft.kind,
            orgs=orgs,
            deadline=None if draft.long_term else deadline,
            long_term=draft.long_term,
        )
    services.extraction_save(extraction=handed, actor=author, today=today)
    item_list = door.list_of_source(handed, author)
    door.move_list(item_list=item_list, to="pending_approval", actor=author, note="请审核。", today=today)
    door.move_list(item_list=item_list, to="issued", actor=approver, note="同意下发。", today=today)
    services.extraction_create(
        actor=author,
        org=county,
        title="在乡镇党委书记抓基层党建述职评议会上的讲话",
        spoken_on=today - timedelta(days=2),
        text=REVIEW_SPEECH,
        today=today,
    )
    ctx.out("  extract: 2 speeches (1 saved as a list, approved and handed down; 1 in review)")


def build_county(ctx: DemoContext) -> None:
    """The ``county`` step: a further county's two speeches extracted and waiting in review (entered by the
    system administrator: the demo county's officer holds no role there)."""
    county, author = ctx.data["county"], ctx.data.get("users", {}).get("admin")
    if author is None:
        return
    today = ctx.data["reference_day"]
    for title, text, days in (
        ("在全县基层党建工作推进会上的讲话", HANDED_SPEECH, 20),
        ("在乡镇党委书记抓基层党建述职评议会上的讲话", REVIEW_SPEECH, 2),
    ):
        services.extraction_create(
            actor=author,
            org=county,
            title=title,
            spoken_on=today - timedelta(days=days),
            text=text,
            today=today,
        )
    ctx.out("  extract: 2 speeches in review")
