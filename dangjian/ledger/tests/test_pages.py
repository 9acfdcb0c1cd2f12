"""Ledger pages: lists, items, moves, progress, extensions, look-backs, accountability, evidence, my work.

Each page is tried as anonymous (login), out of scope (404) and permitted (content asserted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dangjian.core.tests.files import content, upload
from dangjian.core.workflow import STALE_MESSAGE
from dangjian.ledger import services
from dangjian.ledger.models import Evidence, Item, ItemGroup, ItemList, Progress

JPEG = content("jpg")

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@dataclass
class World:
    list_a: ItemList
    list_b: ItemList
    item_a1: Item
    item_a2: Item
    item_b1: Item


def build_world(personas, county) -> World:
    """Township A hands two items to its villages; township B one to its village."""
    ta, tb = personas.township_a, personas.township_b
    list_a = services.list_create(org=county.township_a, title="A镇党建问题清单", actor=ta, issued_on=TODAY)
    a1 = services.item_create(
        item_list=list_a,
        org=county.village_a1,
        title="A1村阵地标识不规范",
        deadline=TODAY + timedelta(days=30),
        actor=ta,
        responsible_person="张三",
    )
    a2 = services.item_create(
        item_list=list_a,
        org=county.village_a2,
        title="A2村会议记录缺失",
        deadline=TODAY + timedelta(days=2),
        actor=ta,
    )
    services.list_issue(item_list=list_a, actor=ta)
    list_b = services.list_create(org=county.township_b, title="B镇党建问题清单", actor=tb, issued_on=TODAY)
    b1 = services.item_create(
        item_list=list_b,
        org=county.village_b1,
        title="B1村党费收缴滞后",
        deadline=TODAY + timedelta(days=30),
        actor=tb,
    )
    services.list_issue(item_list=list_b, actor=tb)
    for obj in (a1, a2, b1):
        obj.refresh_from_db()
    return World(list_a, list_b, a1, a2, b1)


@pytest.fixture
def world(personas, county) -> World:
    return build_world(personas, county)


def login(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# ------------------------------------------------------------------ lists


def test_anonymous_visitors_are_sent_to_login_from_the_list_index(client, world):
    response = client.get(reverse("ledger:list_index"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_township_sees_its_own_list_and_not_the_other_townships(client, personas, world):
    login(client, personas.township_a)
    body = text(client.get(reverse("ledger:list_index")))
    assert "A镇党建问题清单" in body and "B镇党建问题清单" not in body


def test_the_list_index_runs_the_same_number_of_queries_for_2_and_20_lists(
    client, personas, county, world, django_assert_num_queries
):
    """Session, user, shell; the count and the page; the page's organisations by id (joined, PostgreSQL
    hashed a province's every organisation to name thirty lists); the lists' item counts; can-create."""
    login(client, personas.county_admin)
    client.get(reverse("ledger:list_index"))
    with django_assert_num_queries(LIST_INDEX_QUERIES):
        body = text(client.get(reverse("ledger:list_index")))
    assert "A镇党建问题清单" in body and f"<td>{county.township_a.label}</td>" in body
    for n in range(18):
        _make_items(personas, county, 1 + n % 2)
    with django_assert_num_queries(LIST_INDEX_QUERIES):
        client.get(reverse("ledger:list_index"))


LIST_INDEX_QUERIES = 8


def test_a_village_sees_the_list_that_holds_its_item(client, personas, world):
    login(client, personas.village_a1)
    body = text(client.get(reverse("ledger:list_index")))
    assert "A镇党建问题清单" in body and "B镇党建问题清单" not in body
    page = text(client.get(reverse("ledger:list_detail", args=[world.list_a.pk])))
    assert "A1村阵地标识不规范" in page and "A2村会议记录缺失" not in page


def test_a_list_outside_my_subtree_is_not_found(client, personas, world):
    login(client, personas.township_a)
    assert client.get(reverse("ledger:list_detail", args=[world.list_b.pk])).status_code == 404
    assert client.get(reverse("ledger:item_add", args=[world.list_b.pk])).status_code == 404


def test_a_township_creates_a_list_and_adds_an_item_by_form(client, personas, county):
    login(client, personas.township_a)
    response = client.post(
        reverse("ledger:list_create"),
        {
            "org": county.township_a.pk,
            "title": "述职评议问题清单",
            "kind": "problem",
            "source": "review",
            "issued_on": TODAY.isoformat(),
        },
    )
    item_list = ItemList.objects.get(title="述职评议问题清单")
    assert response.status_code == 302 and item_list.status == ItemList.Status.DRAFT
    response = client.post(
        reverse("ledger:item_add", args=[item_list.pk]),
        {
            "orgs": [county.village_a1.pk],
            "title": "三会一课记录不全",
            "deadline": (TODAY + timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 302
    item = Item.objects.get(title="三会一课记录不全")
    assert item.org == county.village_a1 and item.status == Item.Status.DRAFT and item.source == "review"


def test_a_township_cannot_create_a_list_for_another_township(client, personas, county):
    login(client, personas.township_a)
    response = client.post(
        reverse("ledger:list_create"),
        {
            "org": county.township_b.pk,
            "title": "越权清单",
            "kind": "problem",
            "source": "assigned",
            "issued_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 200 and not ItemList.objects.filter(title="越权清单").exists()


def test_a_village_secretary_may_not_create_lists(client, personas, world):
    login(client, personas.village_a1)
    assert client.get(reverse("ledger:list_create")).status_code == 403


def test_one_item_handed_to_many_organisations_becomes_a_group_with_a_roll_up(
    client, personas, county, world
):
    login(client, personas.township_a)
    response = client.post(
        reverse("ledger:item_add", args=[world.list_a.pk]),
        {
            "orgs": [county.village_a1.pk, county.village_a2.pk],
            "title": "开展主题党日",
            "long_term": "on",
        },
    )
    group = ItemGroup.objects.get(title="开展主题党日")
    assert response.status_code == 302 and response["Location"] == reverse(
        "ledger:group_detail", args=[group.pk]
    )
    assert set(group.items.values_list("org_id", flat=True)) == {county.village_a1.pk, county.village_a2.pk}
    page = text(client.get(response["Location"]))
    assert "A1村党支部" in page and "A2村党支部" in page and 'data-testid="group-rollup"' in page


def test_an_item_with_a_deadline_before_the_list_date_is_refused_with_the_services_message(
    client, personas, world
):
    login(client, personas.township_a)
    before = Item.objects.count()
    response = client.post(
        reverse("ledger:item_add", args=[world.list_a.pk]),
        {
            "orgs": [world.item_a1.org_id],
            "title": "倒填日期",
            "deadline": (TODAY - timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert f"整改时限不能早于交办日期（{TODAY.isoformat()}）。" in text(response)
    assert Item.objects.count() == before


def test_pasting_lines_adds_one_item_per_line(client, personas, county, world):
    login(client, personas.township_a)
    response = client.post(
        reverse("ledger:items_paste", args=[world.list_a.pk]),
        {
            "orgs": [county.village_a1.pk],
            "text": "1. 党员档案不全\n\n2. 村务公开不及时\n",
            "deadline": (TODAY + timedelta(days=20)).isoformat(),
        },
    )
    assert response.status_code == 302
    titles = set(Item.objects.filter(item_list=world.list_a).values_list("title", flat=True))
    assert {"党员档案不全", "村务公开不及时"} <= titles


def test_a_list_needing_approval_is_submitted_then_approved(client, personas, county):
    login(client, personas.township_a)
    ta = personas.township_a
    item_list = services.list_create(org=county.township_a, title="待审清单", actor=ta, needs_approval=True)
    services.item_create(
        item_list=item_list,
        org=county.village_a1,
        title="事项甲",
        actor=ta,
        deadline=TODAY + timedelta(days=5),
    )
    page = text(client.get(reverse("ledger:list_detail", args=[item_list.pk])))
    assert 'data-testid="list-move-pending_approval"' in page
    client.post(
        reverse("ledger:list_transition", args=[item_list.pk]), {"to": "pending_approval", "version": 0}
    )
    item_list.refresh_from_db()
    assert item_list.status == ItemList.Status.PENDING_APPROVAL
    # Its author is not offered the approval; the county's officer approves.
    page = text(client.get(reverse("ledger:list_detail", args=[item_list.pk])))
    assert 'data-testid="list-move-issued"' not in page
    login(client, personas.county_admin)
    client.post(
        reverse("ledger:list_transition", args=[item_list.pk]),
        {"to": "issued", "version": item_list.version, "confirmed": "1"},
    )
    item_list.refresh_from_db()
    assert item_list.status == ItemList.Status.ISSUED
    assert item_list.items.get().status == Item.Status.HANDED_DOWN


# ------------------------------------------------------------------ the item page and its moves


def test_the_item_page_shows_fields_light_and_the_moves_of_this_user(client, personas, world):
    login(client, personas.village_a1)
    page = text(client.get(reverse("ledger:item_detail", args=[world.item_a1.pk])))
    assert "A1村阵地标识不规范" in page and "张三" in page
    assert 'data-light="green"' in page
    assert 'data-testid="move-acknowledged"' in page
    assert 'data-testid="move-closed"' not in page


def test_an_item_outside_my_subtree_is_not_found(client, personas, world):
    login(client, personas.village_a1)
    assert client.get(reverse("ledger:item_detail", args=[world.item_a2.pk])).status_code == 404
    assert (
        client.post(
            reverse("ledger:item_transition", args=[world.item_a2.pk]), {"to": "acknowledged", "version": 0}
        ).status_code
        == 404
    )
    world.item_a2.refresh_from_db()
    assert world.item_a2.status == Item.Status.HANDED_DOWN


def test_a_stale_version_is_refused_with_the_reload_message(client, personas, world):
    login(client, personas.village_a1)
    item = world.item_a1
    response = client.post(
        reverse("ledger:item_transition", args=[item.pk]),
        {"to": "acknowledged", "version": item.version + 5},
        follow=True,
    )
    assert STALE_MESSAGE in messages_of(response)
    item.refresh_from_db()
    assert item.status == Item.Status.HANDED_DOWN


def test_filing_measures_without_measures_is_refused(client, personas, world):
    login(client, personas.village_a1)
    item = world.item_a1
    services.item_acknowledge(item=item, actor=personas.village_a1)
    response = client.post(
        reverse("ledger:item_transition", args=[item.pk]),
        {"to": "rectifying", "version": item.version, "measures": "  "},
        follow=True,
    )
    assert "请填写整改措施。" in " ".join(messages_of(response))
    item.refresh_from_db()
    assert item.status == Item.Status.ACKNOWLEDGED


def test_the_village_records_progress_with_evidence_and_downloads_it(client, personas, world):
    login(client, personas.village_a1)
    item = world.item_a1
    services.item_acknowledge(item=item, actor=personas.village_a1)
    response = client.post(
        reverse("ledger:progress_add", args=[item.pk]),
        {
            "on": TODAY.isoformat(),
            "text": "已制作标识牌",
            "percent": 60,
            "version": item.version,
            "files": [upload("照片.jpg", JPEG)],
        },
    )
    assert response.status_code == 302
    entry = Progress.objects.get(item=item)
    evidence = Evidence.objects.get(item=item)
    assert entry.percent == 60 and evidence.progress_id == entry.pk
    page = text(client.get(reverse("ledger:item_detail", args=[item.pk])))
    assert "已制作标识牌" in page and reverse("ledger:evidence_download", args=[evidence.pk]) in page
    download = client.get(reverse("ledger:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == JPEG


# As the supervising township sees it; before issue 16: 30 + one per entry; 18 until its history stopped
# looking up the records its creation names (the list, the organisations, the person: not shown again).
ITEM_PAGE_QUERIES = 15


def _entries_with_photos(item, village, n: int) -> None:
    """The item acknowledged, then n progress entries 第1次进展… each with its photo 照片1.jpg…"""
    services.item_acknowledge(item=item, actor=village)
    for i in range(n):
        services.progress_add(
            item=item,
            actor=village,
            on=TODAY,
            text=f"第{i + 1}次进展",
            percent=i + 1,
            files=[upload(f"照片{i + 1}.jpg", JPEG)],
        )


@pytest.mark.parametrize("n", [3, 40])
def test_the_item_page_runs_the_same_number_of_queries_for_3_and_40_progress_entries(
    client, personas, world, n, django_assert_num_queries
):
    """Issue 16: entries' authors joined, their files taken from the item's evidence list. The latest 20
    entries and files are shown, a line says how many there are; "show all" shows every one (same queries)."""
    from dangjian.ledger.selectors import PROGRESS_SHOWN

    item, village = world.item_a1, personas.village_a1
    _entries_with_photos(item, village, n)
    url = reverse("ledger:item_detail", args=[item.pk])
    login(client, personas.township_a)
    client.get(url)  # warms the rule-parameter and content-type caches
    with django_assert_num_queries(ITEM_PAGE_QUERIES):
        page = text(client.get(url))
    shown = min(n, PROGRESS_SHOWN)
    assert page.count('data-testid="evidence-link"') == page.count('data-testid="evidence-file"') == shown
    assert (
        f"第{n}次进展" in page and f"第{n - shown + 1}次进展" in page and f"第{n - shown}次进展" not in page
    )
    assert ('data-testid="progress-more"' in page) == ('data-testid="evidence-more"' in page) == (n > shown)
    if n > shown:
        assert (
            f"显示最近 {shown} 条，共 {n} 条。" in page
            and f"佐证材料：显示最近 {shown} 份，共 {n} 份" in page
        )
        with django_assert_num_queries(ITEM_PAGE_QUERIES):
            every = text(client.get(url + "?progress=all"))
        assert every.count('data-testid="evidence-link"') == every.count('data-testid="evidence-file"') == n
        assert "第1次进展" in every and 'data-testid="progress-more"' not in every
        assert every.index(f"第{n}次进展") < every.index("第1次进展")  # the latest first
    assert str(village) in page  # each entry names its author
    last = Evidence.objects.get(item=item, name=f"照片{n}.jpg")
    entry_html = page.split(f"第{n}次进展", 1)[1].split("list-group-item", 1)[0]
    assert reverse("ledger:evidence_download", args=[last.pk]) in entry_html  # under its own entry


def test_evidence_of_another_subtree_cannot_be_downloaded(client, personas, world):
    item = world.item_b1
    services.item_acknowledge(item=item, actor=personas.township_b)
    services.progress_add(
        item=item,
        actor=personas.township_b,
        on=TODAY,
        text="x",
        percent=10,
        files=[SimpleUploadedFile("b.pdf", b"%PDF-secret")],
    )
    evidence = Evidence.objects.get(item=item)
    login(client, personas.township_a)
    assert client.get(reverse("ledger:evidence_download", args=[evidence.pk])).status_code == 404


def test_an_evidence_file_of_a_forbidden_type_is_refused_and_nothing_is_written(client, personas, world):
    login(client, personas.village_a1)
    item = world.item_a1
    services.item_acknowledge(item=item, actor=personas.village_a1)
    response = client.post(
        reverse("ledger:progress_add", args=[item.pk]),
        {
            "on": TODAY.isoformat(),
            "text": "上传脚本",
            "percent": 10,
            "files": [SimpleUploadedFile("run.exe", b"MZ")],
        },
        follow=True,
    )
    assert "“run.exe”：不接受该类型的文件。" in " ".join(messages_of(response))
    assert not Progress.objects.filter(item=item).exists() and not Evidence.objects.exists()


def test_extension_request_and_refusal_keep_the_deadline(client, personas, world):
    item = world.item_a1
    login(client, personas.village_a1)
    client.post(
        reverse("ledger:extension_request", args=[item.pk]),
        {
            "requested_to": (item.deadline + timedelta(days=10)).isoformat(),
            "reason": "材料未到",
            "version": item.version,
        },
    )
    extension = item.extensions.get()
    client.logout()
    login(client, personas.township_a)
    page = text(client.get(reverse("ledger:item_detail", args=[item.pk])))
    assert reverse("ledger:extension_decide", args=[extension.pk]) in page
    client.post(
        reverse("ledger:extension_decide", args=[extension.pk]), {"approve": "0", "note": "理由不充分"}
    )
    extension.refresh_from_db()
    old_deadline = item.deadline
    item.refresh_from_db()
    assert extension.status == "refused" and item.deadline == old_deadline


def test_an_extension_to_an_earlier_date_is_refused(client, personas, world):
    item = world.item_a1
    login(client, personas.village_a1)
    response = client.post(
        reverse("ledger:extension_request", args=[item.pk]),
        {
            "requested_to": (item.deadline - timedelta(days=1)).isoformat(),
            "reason": "x",
        },
        follow=True,
    )
    assert f"申请的新时限必须晚于当前整改时限（{item.deadline.isoformat()}）。" in messages_of(response)
    assert not item.extensions.exists()


def test_the_inspector_records_accountability(client, personas, world):
    login(client, personas.inspector)
    item = world.item_a1
    response = client.post(
        reverse("ledger:accountability_create", args=[item.pk]),
        {
            "target": "cadre",
            "person_name": "张三",
            "outcome": "accountable",
            "forms": ["notice", "admonition"],
            "body": "discipline",
            "facts": "阵地标识整改逾期。",
            "decided_on": TODAY.isoformat(),
            "document_number": "督字〔2026〕1号",
        },
    )
    assert response.status_code == 302
    record = item.accountabilities.get()
    assert (record.document_number, record.forms) == ("督字〔2026〕1号", ["notice", "admonition"])
    page = text(client.get(reverse("ledger:item_detail", args=[item.pk])))
    assert "督字〔2026〕1号" in page and "通报、诫勉" in page and "纪委监委" in page


def test_a_village_may_not_record_accountability(client, personas, world):
    login(client, personas.village_a1)
    response = client.post(
        reverse("ledger:accountability_create", args=[world.item_a1.pk]),
        {
            "target": "cadre",
            "person_name": "张三",
            "outcome": "accountable",
            "forms": ["notice"],
            "body": "discipline",
            "facts": "逾期",
            "decided_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 403 and not world.item_a1.accountabilities.exists()


# ------------------------------------------------------------------ my work


def test_my_work_lists_items_waiting_for_the_village(client, personas, world):
    login(client, personas.village_a1)
    page = text(client.get(reverse("home")))
    assert 'data-testid="my-work-block"' in page and "A1村阵地标识不规范" in page
    assert "A2村会议记录缺失" not in page


def _make_items(personas, county, n):
    ta = personas.township_a
    item_list = services.list_create(org=county.township_a, title=f"批量{n}", actor=ta)
    for i in range(n):
        services.item_create(
            item_list=item_list,
            org=county.village_a1,
            title=f"批量事项{n}-{i}",
            actor=ta,
            deadline=TODAY + timedelta(days=1 + i % 5),
        )
    services.list_issue(item_list=item_list, actor=ta)


@pytest.mark.parametrize("n", [3, 30])
def test_the_my_work_block_runs_a_fixed_number_of_queries(personas, county, n, django_assert_num_queries, rf):
    from dangjian.ledger.views.work import my_work_block

    _make_items(personas, county, n)
    request = rf.get("/")
    request.user = personas.village_a1
    # grants, parameters, the counts, then the first rows of every section at once (was one per section)
    with django_assert_num_queries(4):
        ctx = my_work_block(request)
    assert ctx is not None and sum(c for _k, _l, _r, c, _m in ctx["sections"]) >= n


def _close(item, personas):
    ta = personas.township_a
    services.item_acknowledge(item=item, actor=ta)
    services.item_file_measures(item=item, actor=ta, measures="措施")
    services.item_request_closure(item=item, actor=ta)
    services.item_verify(item=item, actor=personas.county_admin)
    item.refresh_from_db()


def test_a_whole_list_is_scheduled_for_a_look_back_by_sample(client, personas, world):
    from dangjian.ledger.models import Recheck

    _close(world.item_a1, personas)
    _close(world.item_a2, personas)
    login(client, personas.county_admin)
    page = text(client.get(reverse("ledger:list_detail", args=[world.list_a.pk])))
    assert 'data-testid="list-recheck"' in page
    client.post(
        reverse("ledger:list_recheck", args=[world.list_a.pk]),
        {"scheduled_on": TODAY.isoformat(), "sample": 1},
    )
    assert Recheck.objects.filter(item__item_list=world.list_a).count() == 1


def test_a_list_without_closed_items_cannot_be_looked_back(client, personas, world):
    from dangjian.ledger.models import Recheck

    login(client, personas.township_a)
    response = client.post(
        reverse("ledger:list_recheck", args=[world.list_a.pk]),
        {"scheduled_on": TODAY.isoformat()},
        follow=True,
    )
    assert "该清单没有可回头看的已销号事项。" in messages_of(response)
    assert not Recheck.objects.exists()


def test_the_village_does_not_get_a_link_to_the_issuers_group_page(client, personas, county, world):
    group = services.item_hand_down_many(
        item_list=world.list_a,
        orgs=[county.village_a1, county.village_a2],
        title="全覆盖任务",
        actor=personas.township_a,
        long_term=True,
    )
    item = group.items.get(org=county.village_a1)
    login(client, personas.village_a1)
    assert reverse("ledger:group_detail", args=[group.pk]) not in text(
        client.get(reverse("ledger:item_detail", args=[item.pk]))
    )
    assert client.get(reverse("ledger:group_detail", args=[group.pk])).status_code == 404


def test_the_item_page_shows_each_shown_entrys_files_and_the_latest_files_however_old_or_new(
    client, personas, world
):
    """Bounded in SQL: the files of the latest entries are read even when 20 newer files (a closure's, not
    on any entry) push them out of the latest files; "show all" reads every entry and every file."""
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from dangjian.ledger.selectors import PROGRESS_SHOWN

    item, village = world.item_a1, personas.village_a1
    _entries_with_photos(item, village, PROGRESS_SHOWN + 2)
    later = timezone.now() + timedelta(minutes=5)
    for i in range(PROGRESS_SHOWN):
        Evidence.objects.create(
            item=item,
            purpose="closure",
            file=ContentFile(b"%PDF-1", name="c.pdf"),
            name=f"销号材料{i + 1}.pdf",
            size=6,
            uploaded_by=village,
            uploaded_at=later + timedelta(seconds=i),
        )
    login(client, personas.township_a)
    url = reverse("ledger:item_detail", args=[item.pk])
    page = text(client.get(url))
    oldest_shown = Evidence.objects.get(item=item, name="照片3.jpg")  # the 20th latest entry's file
    entry_html = page.split("第3次进展", 1)[1].split("list-group-item", 1)[0]
    assert reverse("ledger:evidence_download", args=[oldest_shown.pk]) in entry_html
    assert "第2次进展" not in page and "照片2.jpg" not in page
    files_block = page.split('data-testid="evidence-more"', 1)[1]
    assert (
        files_block.count('data-testid="evidence-file"') == PROGRESS_SHOWN and "照片22.jpg" not in files_block
    )
    assert f"佐证材料：显示最近 {PROGRESS_SHOWN} 份，共 {2 * PROGRESS_SHOWN + 2} 份" in page
    every = text(client.get(url + "?progress=all"))
    assert every.count('data-testid="evidence-file"') == 2 * PROGRESS_SHOWN + 2 and "第1次进展" in every
