"""Helpers for the ledger engine tests: lists and items walked to a state through the services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.ledger import services
from dangjian.ledger.models import Category, Item

TODAY = date(2026, 11, 22)
S = Item.Status


def pdf(name: str = "整改报告.pdf", size: int | None = None) -> SimpleUploadedFile:
    body = b"%PDF-1.4 evidence" if size is None else b"%PDF-1.4 " + b"0" * max(size - 9, 0)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def category(*, requires_evidence: bool = True) -> Category:
    name = "组织建设" if requires_evidence else "其他"
    cat, _ = Category.objects.update_or_create(name=name, defaults={"requires_evidence": requires_evidence})
    return cat


def issued_list(county, personas, *, org=None, actor=None, today=TODAY, title="政治谈话问题整改清单"):
    """An empty list issued by A镇 (or ``org``)."""
    return services.list_create(
        org=org or county.township_a, title=title, actor=actor or personas.township_a, issued_on=today
    )


def handed_item(
    county, personas, *, org=None, deadline=None, cat=None, today=TODAY, list_org=None, actor=None, **fields
):
    """One item handed down by A镇 (or ``list_org``) to A1村 (or ``org``)."""
    item_list = issued_list(county, personas, org=list_org, actor=actor, today=today)
    actor = actor or personas.township_a
    item = services.item_create(
        item_list=item_list,
        org=org or county.village_a1,
        title="“三会一课”落实不到位",
        actor=actor,
        deadline=deadline or today + timedelta(days=30),
        category=cat,
        today=today,
        **fields,
    )
    services.list_issue(item_list=item_list, actor=actor, today=today)
    item.refresh_from_db()
    return item


def walk(item, target: str, personas, *, rectifier=None, verifier=None, today=TODAY) -> Item:
    """Move a handed-down item to ``target`` through the services."""
    rectifier = rectifier or personas.village_a1
    verifier = verifier or personas.township_a
    if target == S.HANDED_DOWN:
        return item
    item = services.item_acknowledge(item=item, actor=rectifier, today=today)
    if target == S.ACKNOWLEDGED:
        return item
    item = services.item_file_measures(
        item=item, actor=rectifier, measures="逐月召开支委会并报镇党委审核记录。", today=today
    )
    if target == S.RECTIFYING:
        return item
    item = services.item_request_closure(item=item, actor=rectifier, files=[pdf()], today=today)
    if target == S.CLOSURE_REQUESTED:
        return item
    if target == S.RETURNED:
        return services.item_return(item=item, actor=verifier, note="佐证材料不全。", today=today)
    assert target == S.CLOSED
    return services.item_verify(item=item, actor=verifier, today=today)


def item_in_state(county, personas, status: str, **kwargs) -> Item:
    """An item in any state; drafts sit in a list not yet handed down."""
    if status == S.DRAFT:
        item_list = issued_list(county, personas)
        return services.item_create(
            item_list=item_list,
            org=county.village_a1,
            title="理论学习不够",
            actor=personas.township_a,
            deadline=TODAY + timedelta(days=30),
            today=TODAY,
        )
    return walk(handed_item(county, personas, **kwargs), status, personas)
