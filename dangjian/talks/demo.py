"""The talks module's part of the demo county: the interview held over an escalated item."""

from __future__ import annotations

from datetime import timedelta

from dangjian.core.demo import DemoContext

from . import services


def build(ctx: DemoContext) -> None:
    """Record the interview (约谈) that the county held over the ledger demo's escalated item."""
    item = ctx.data.get("escalated_item")
    if item is None:
        return
    today = ctx.data.get("reference_day") or item.deadline + timedelta(days=60)
    services.talk_record_interview(
        item=item,
        talker="县委常委、组织部部长",
        talkee=f"{item.org.label}书记",
        held_on=today - timedelta(days=5),
        content="就整改逾期问题进行约谈，指出责任担当不到位、压力传导不到位，要求十日内拿出整改措施。",
        commitments="立即召开党委会专题研究，十日内完成整改并书面报告。",
        actor=ctx.data["users"]["inspector"],
        today=today,
    )
