"""The notification centre: mine only, mark one or all read, the unread count in the header."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.notices.models import Notice
from dangjian.notices.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices(personas):
    mine = notify(
        recipients=[personas.village_a1],
        kind="item_returned",
        text="销号申请被退回：阵地标识",
        url="/ledger/",
    )
    notify(recipients=[personas.village_a1], kind="item_due_soon", text="7 天后到期：会议记录")
    notify(recipients=[personas.township_b], kind="item_handed_down", text="B镇的秘密通知")
    return mine


def test_anonymous_visitors_are_sent_to_login(client):
    assert client.get(reverse("notices:list")).status_code == 302


def test_i_see_only_my_notifications_and_the_unread_count_in_the_header(client, personas, notices):
    client.force_login(personas.village_a1)
    body = client.get(reverse("notices:list")).content.decode()
    assert "销号申请被退回：阵地标识" in body and "B镇的秘密通知" not in body
    assert 'data-testid="badge-notices">2<' in body


def test_marking_one_read_leaves_the_others_unread(client, personas, notices):
    client.force_login(personas.village_a1)
    client.post(reverse("notices:read", args=[notices[0].pk]))
    assert Notice.objects.for_user(personas.village_a1).unread().count() == 1
    assert Notice.objects.get(pk=notices[0].pk).read_at is not None


def test_marking_another_users_notification_is_not_found_and_changes_nothing(client, personas, notices):
    other = Notice.objects.get(text="B镇的秘密通知")
    client.force_login(personas.village_a1)
    assert client.post(reverse("notices:read", args=[other.pk]), {"go": "1"}).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_all_read(client, personas, notices):
    client.force_login(personas.village_a1)
    response = client.post(reverse("notices:read_all"))
    assert response.status_code == 302
    assert Notice.objects.for_user(personas.village_a1).unread().count() == 0
    assert Notice.objects.filter(text="B镇的秘密通知", read_at__isnull=True).exists()
    body = client.get(reverse("notices:list")).content.decode()
    assert 'data-testid="badge-notices"' not in body


def test_the_bell_shows_99_plus_beyond_99_and_counts_no_further_while_the_page_says_how_many(
    client, personas, django_assert_num_queries
):
    """The header's bell stops counting at 100 (a county user had 23 000 unread notices, counted on every
    page); the notices page still says exactly how many are unread."""
    from dangjian.notices import selectors

    Notice.objects.bulk_create(Notice(recipient=personas.village_a1, text=f"通知{n}") for n in range(150))
    assert selectors.unread_badge(personas.village_a1) == 100
    with django_assert_num_queries(1):
        selectors.unread_badge(personas.village_a1)
    client.force_login(personas.village_a1)
    body = client.get(reverse("notices:list")).content.decode()
    assert 'data-testid="badge-notices">99+<' in body
    assert "150" in body.split('data-testid="unread-count">', 1)[1].split("<", 1)[0]
    Notice.objects.filter(text__in=[f"通知{n}" for n in range(52)]).update(read_at=timezone.now())
    body = client.get(reverse("notices:list")).content.decode()
    assert 'data-testid="badge-notices">98<' in body
