"""The talks module's part of the demo county (seeds 000 and 004).

After the village elections 高坑镇 talks with every village and community secretary: one by one
first (the discipline secretary notifies problems from daily work, special inspections and
patrols; the leaders comment on the secretary's report; each secretary takes away a problem
list and states commitments), then all together; the look-back follows. Besides: last year's
closed campaign, a reminder talk, heart-to-heart talks, an admonishment filed with the
discipline and organisation departments, a letter inquiry awaiting its reply and one answered
late with its reason, a cancelled talk, and the interview over the ledger's escalated item.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import combinations

from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.roles import Role
from dangjian.core.demo import DemoContext
from dangjian.ledger import door
from dangjian.orgs.models import COMMITTEE_POSTS, Person, Post

from . import services
from .models import TalkTopic

PROBLEMS = (
    ("daily", "“三会一课”记录不全，主题党日活动流于形式"),
    ("special", "村级财务公开不及时，“四议两公开”执行不到位"),
    ("patrol", "发展党员程序不规范，积极分子培养考察记录缺失"),
    ("daily", "党员教育管理松散，流动党员长期失联"),
    ("special", "村务监督委员会作用发挥不充分"),
    ("patrol", "软弱涣散问题整改不彻底，群众反映问题回应不及时"),
)
COMMITMENTS = (
    "一个月内补齐“三会一课”记录，规范主题党日",
    "年底前完成村级财务清理并全面公开",
    "按程序重新梳理发展党员档案，两个月内整改到位",
    "建立流动党员联系台账，每月联系一次",
)
COMMENTS = (
    ("镇党委书记", "汇报实事求是，问题找得比较准，下一步要把整改落到实处。"),
    ("镇纪委书记", "对巡察反馈的问题认识还不够深刻，要举一反三。"),
    ("镇长", "班子团结是基础，要带头落实“四议两公开”。"),
)


def build(ctx: DemoContext) -> None:
    """Campaigns and talks in every state, at 高坑镇 and at the county."""
    data = ctx.data
    users = data.get("users") or {}
    township = data.get("gaokeng")
    if township is None or not users:
        return
    R: date = data.get("reference_day") or date(2026, 11, 22)
    topics = list(TalkTopic.objects.filter(active=True))
    township_user, county_user = users["township_a"], users["county_admin"]
    secretaries = services.secretaries_below(township, on=R - timedelta(days=40))
    _link_village_account(data, users)
    n_talks = 0
    if secretaries:
        n_talks += _election_campaign(ctx, township, secretaries, township_user, topics, R)
        n_talks += _last_years_campaign(township, secretaries, township_user, topics, R)
        n_talks += _single_talks(township, secretaries, township_user, county_user, R)
    n_talks += _interview(ctx, R)
    ctx.out(f"  talks: {n_talks} talk records, 2 campaigns")


def _link_village_account(data, users) -> None:
    """The demo village secretary signs in as the roster's secretary (their own talks, report upload)."""
    village, user = data.get("gaokeng_village"), users.get("village_a1")
    if village is None or user is None or user.person_id:
        return
    post = Post.objects.current().filter(org=village, kind="secretary").select_related("person").first()
    if post is not None:
        user.person = post.person
        user.save(update_fields=["person"])


def _election_campaign(ctx, township, secretaries, actor, topics, R) -> int:
    """This year's post-election talks: most talked (stage 1 closed), one prepared, the rest not yet; stage 2 held."""
    campaign = services.campaign_create(
        org=township,
        title=f"{R.year}年村（社区）党组织书记换届后政治谈话",
        starts_on=R - timedelta(days=40),
        ends_on=R + timedelta(days=5),
        talker="镇党委书记、镇纪委书记、镇长",
        target_mode="secretaries",
        talkers=[actor],
        actor=actor,
    )
    people = secretaries[: min(len(secretaries), 12)]
    talked = people[: max(1, len(people) * 2 // 3)]
    n = 0
    for i, person in enumerate(talked):
        held_on = R - timedelta(days=35 - i)
        talk = services.talk_plan(
            organiser=township,
            kind=campaign.kind,
            held_on=held_on,
            talker="镇党委书记、镇纪委书记",
            talkees=[person],
            campaign=campaign,
            place="镇党委会议室",
            topics=topics,
            actor=actor,
        )
        open_items = list(door.open_items_of(actor, person.org)[:1])
        if open_items:
            services.problem_add(talk=talk, actor=actor, source="patrol", item=open_items[0])
        for j in range(2):
            source, title = PROBLEMS[(i + j) % len(PROBLEMS)]
            services.problem_add(
                talk=talk,
                actor=actor,
                source=source,
                title=title,
                deadline=held_on + timedelta(days=30 + 15 * j),
            )
        services.comment_add(talk=talk, actor=actor, leader=COMMENTS[i % 3][0], text=COMMENTS[i % 3][1])
        services.commitment_add(
            talk=talk,
            actor=actor,
            text=COMMITMENTS[i % len(COMMITMENTS)],
            deadline=held_on + timedelta(days=45),
        )
        services.talk_close(
            talk=talk,
            actor=actor,
            content=(
                f"{person.name}同志汇报了换届以来班子运行、党建重点任务落实情况；镇纪委书记通报了日常监督、"
                "专项检查和巡察中发现的问题；镇党委书记逐项点评，提出整改要求。"
            ),
            statement="完全认同通报的问题，坚决扛起第一责任人责任，按期整改到位。",
            today=held_on,
        )
        n += 1
    rest = people[len(talked) :]
    if rest:
        services.talk_plan(
            organiser=township,
            kind=campaign.kind,
            held_on=R + timedelta(days=2),
            talker="镇党委书记、镇纪委书记",
            talkees=[rest[0]],
            campaign=campaign,
            topics=topics,
            internal_notes="近期群众来信反映该村议事程序不规范，谈话时重点了解。",
            actor=actor,
        )
        n += 1
    together = services.talk_plan(
        organiser=township,
        kind=campaign.kind,
        held_on=R - timedelta(days=3),
        talker="镇党委书记",
        talkees=talked,
        collective=True,
        campaign=campaign,
        place="镇政府三楼会议室",
        topics=topics,
        actor=actor,
    )
    services.commitment_add(
        talk=together,
        actor=actor,
        text="各村（社区）书记年底前向镇党委书面报告整改情况",
        deadline=R + timedelta(days=30),
    )
    services.talk_close(
        talk=together,
        actor=actor,
        content="集体谈话：通报个别谈话情况，强调换届后班子建设、作风建设和问题整改要求。",
        statement="各书记集体表态：对照问题清单逐项整改，按时销号。",
        today=R - timedelta(days=3),
    )
    services.campaign_look_back(campaign=campaign, actor=actor, today=R)
    return n + 1


def _last_years_campaign(township, secretaries, actor, topics, R) -> int:
    """Last year's talks with two secretaries: held, the campaign closed."""
    start = date(R.year - 1, 3, 1)
    people = secretaries[-2:]
    campaign = services.campaign_create(
        org=township,
        title=f"{R.year - 1}年度党组织书记抓党建述职后谈话",
        starts_on=start,
        ends_on=start + timedelta(days=30),
        talker="镇党委书记",
        target_mode="picked",
        targets=people,
        actor=actor,
    )
    for i, person in enumerate(people):
        held_on = start + timedelta(days=5 + i)
        talk = services.talk_plan(
            organiser=township,
            kind=campaign.kind,
            held_on=held_on,
            talker="镇党委书记",
            talkees=[person],
            campaign=campaign,
            topics=topics[:2],
            actor=actor,
        )
        services.talk_close(
            talk=talk,
            actor=actor,
            content=f"与{person.name}同志谈话，肯定成绩，指出述职评议中反映的不足。",
            statement="虚心接受，认真改进。",
            today=held_on,
        )
    services.campaign_close(campaign=campaign, actor=actor)
    return len(people)


def _single_talks(township, secretaries, township_user, county_user, R) -> int:
    """A reminder talk, a cancelled one, an admonishment filed, a letter awaiting reply and one answered late."""
    person = secretaries[0]
    reminder = services.talk_plan(
        organiser=township,
        kind="reminder",
        held_on=R - timedelta(days=20),
        talker="镇纪委书记",
        talkees=[person],
        actor=township_user,
    )
    services.talk_close(
        talk=reminder,
        actor=township_user,
        content="提醒其注意村级工程项目管理中的苗头性问题，严格执行“四议两公开”。",
        statement="接受提醒，立即自查。",
        today=R - timedelta(days=20),
    )
    services.addendum_add(talk=reminder, actor=township_user, text="回访：已完成自查，报送自查报告一份。")
    cancelled = services.talk_plan(
        organiser=township,
        kind="reminder",
        held_on=R + timedelta(days=3),
        talker="镇纪委书记",
        talkees=[secretaries[-1]],
        actor=township_user,
    )
    services.talk_cancel(
        talk=cancelled, actor=township_user, note="谈话对象已调整岗位，改由新任书记参加集体谈话。"
    )
    admonished = secretaries[1 % len(secretaries)]
    held_on = R - timedelta(days=25)
    admonition = services.talk_plan(
        organiser=township,
        kind="admonition",
        held_on=held_on,
        talker="县纪委监委第三派驻组组长",
        talkees=[admonished],
        actor=county_user,
    )
    services.talk_close(
        talk=admonition,
        actor=county_user,
        content="就违规发放村干部补贴问题进行诫勉谈话，责令其作出深刻检查。",
        explanation="本人对违规发放补贴问题负有直接责任，已全额清退，今后严格执行财经纪律。",
        head_signed_by="高坑镇党委书记",
        head_signed_on=held_on + timedelta(days=1),
        today=held_on + timedelta(days=1),
    )
    services.filing_record(
        talk=admonition,
        actor=county_user,
        discipline_on=held_on + timedelta(days=3),
        org_dept_on=held_on + timedelta(days=4),
        today=R,
    )
    services.talk_plan(
        organiser=township,
        kind="letter",
        held_on=R - timedelta(days=5),
        talker="县纪委",
        talkees=[person],
        letter="有群众反映你村2025年道路硬化工程未经村民代表会议决议即发包，请于收到本函后15个工作日内作出书面说明。",
        actor=county_user,
    )
    sent = R - timedelta(days=60)
    late = services.talk_plan(
        organiser=township,
        kind="letter",
        held_on=sent,
        talker="县纪委",
        talkees=[admonished],
        letter="有群众反映你村集体资产出租未公开招租，请作出书面说明。",
        actor=county_user,
    )
    services.talk_close(
        talk=late,
        actor=county_user,
        content="就群众反映的村集体资产出租问题进行函询。",
        reply="已书面说明出租经过并附合同，相关程序履行完整。",
        replied_on=late.reply_due_on + timedelta(days=2),
        late_reason="函询送达时本人在市委党校脱产培训。",
        today=R,
    )
    return 5


def build_heart_to_heart(ctx: DemoContext) -> None:
    """This year's heart-to-heart talks, after the other steps have filled the rolls (new members count too)."""
    data = ctx.data
    township, users = data.get("gaokeng"), data.get("users") or {}
    if township is None or "township_a" not in users:
        return
    R: date = data.get("reference_day") or date(2026, 11, 22)
    n = _heart_to_heart(ctx, township, users["township_a"], R)
    ctx.out(f"  talks: {n} heart-to-heart talks")


def _heart_to_heart(ctx, township, actor, R) -> int:
    """Heart-to-heart talks in three villages of the township, so the coverage shows both sides.

    The first village is covered: every two committee members talked with each other and every
    other member talked with a committee member. In the second only the secretary talked, with
    every member but not with the rest of the committee (part (a) is missing). In the third two
    committee members were talked to by someone named only in words, which counts for nothing.
    Committee members hold talks with their own sign-in (linked to the roster), or nobody could
    tell who talked.
    """
    villages = [v for v in ctx.data.get("villages", []) if v.path.startswith(township.path)]
    first = ctx.data.get("gaokeng_village")
    if first in villages:
        villages.remove(first)
        villages.insert(0, first)
    n = 0
    start = max(date(R.year, 1, 2), R - timedelta(days=120))

    def talk(talker_user, talker, person) -> None:
        nonlocal n
        day = min(start + timedelta(days=n % 90), R - timedelta(days=1))
        record = services.talk_plan(
            organiser=township,
            kind="heart_to_heart",
            held_on=day,
            talker=talker,
            talkers=[talker_user] if talker_user else [],
            talkees=[person],
            actor=actor,
        )
        services.talk_close(
            talk=record,
            actor=actor,
            content="互相谈思想、谈工作，开诚布公指出对方存在的不足，为组织生活会作准备。",
            today=day,
        )
        n += 1

    roles = [_both_parts, _secretary_with_members, _unlinked_talker]
    for village in villages:
        if not roles:
            break
        committee = list(
            dict.fromkeys(
                p.person
                for p in Post.objects.current(R)
                .filter(org=village, kind__in=COMMITTEE_POSTS)
                .select_related("person")
                .order_by("kind", "pk")
            )
        )
        ids = {p.pk for p in committee}
        members = [p for p in Person.objects.members().filter(org=village).order_by("pk") if p.pk not in ids]
        if len(committee) >= 2 and members:
            roles.pop(0)(talk, committee, members)
    return n


def _both_parts(talk, committee, members) -> None:
    accounts = [_sign_in(person) for person in committee]
    for (a, user), (b, _user) in combinations(zip(committee, accounts, strict=True), 2):
        talk(user, a.name, b)
    for m, person in enumerate(members):
        k = m % len(committee)
        talk(accounts[k], committee[k].name, person)


def _secretary_with_members(talk, committee, members) -> None:
    user = _sign_in(committee[0])
    for person in members:
        talk(user, committee[0].name, person)


def _unlinked_talker(talk, committee, members) -> None:
    for person in committee[:2]:
        talk(None, "村党支部书记", person)


def _sign_in(person):
    """The committee member's own sign-in (a plain member's role at their branch), created on first need."""
    user = User.objects.filter(person=person).first()
    if user is None:
        user = User(
            username=f"{person.name_initials or 'dy'}{person.pk}", display_name=person.name, person=person
        )
        user.set_unusable_password()
        user.save()
        RoleAssignment.objects.create(user=user, role=Role.MEMBER, org=person.org, include_subtree=False)
    return user


def _interview(ctx, R) -> int:
    """The interview (约谈) that the county held over the ledger demo's escalated item."""
    item = ctx.data.get("escalated_item")
    if item is None:
        return 0
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
    return 1


# ------------------------------------------------------------------ a further county (city and province scale)

HEART_TO_HEART_NOTES = (
    "谈班子团结和换届后工作思路，提醒其带头落实“四议两公开”。",
    "谈村级集体经济发展和党员队伍建设，指出发展党员偏少的问题。",
    "谈个人思想和家庭情况，勉励其履职尽责、廉洁自律。",
)
REMINDER_NOTES = (
    "提醒其注意村级工程项目管理中的苗头性问题，严格执行“四议两公开”。",
    "提醒其及时公开村级财务，回应群众关切。",
)


def build_county(ctx: DemoContext) -> None:
    """The ``county`` step: two years of a further county's talks, written in bulk with their history.

    Each township talks heart to heart with every village secretary once a year and reminds one in
    five; every talk is held and closed (PLANNED → CLOSED), recorded by the county's demo officer.
    """
    from datetime import datetime, time

    from django.utils import timezone

    from dangjian.core import workflow

    from .models import TalkKind, TalkRecord

    data, rng = ctx.data, ctx.rng
    R: date = data["reference_day"]
    secretaries = data["secretaries"]
    names = dict(Person.objects.filter(pk__in=list(secretaries.values())).values_list("pk", "name"))
    townships = {t.path: t for t in data["townships"]}
    actor = data.get("users", {}).get("county_admin")
    talks: list[tuple[TalkRecord, int]] = []
    for village in data["villages"]:
        person_id = secretaries.get(village.pk)
        township = townships.get(village.path[: -village.steplen])
        if person_id not in names or township is None:
            continue
        for years_back in (1, 0):
            kinds = [TalkKind.HEART_TO_HEART] + ([TalkKind.REMINDER] if rng.random() < 0.2 else [])
            for kind in kinds:
                held = R - timedelta(days=365 * years_back + rng.randrange(5, 340))
                at = timezone.make_aware(datetime.combine(held, time(15, rng.randrange(60))))
                heart = kind == TalkKind.HEART_TO_HEART
                talk = TalkRecord(
                    org=village,
                    organiser=township,
                    kind=kind,
                    status=TalkRecord.Status.CLOSED,
                    held_on=held,
                    place="镇党委会议室",
                    talker="镇党委书记" if heart else "镇纪委书记",
                    talkee=names[person_id],
                    content=rng.choice(HEART_TO_HEART_NOTES if heart else REMINDER_NOTES),
                    statement="接受组织谈话，按要求抓好落实。",
                    recorded_by=actor,
                    closed_by=actor,
                    created_at=at - timedelta(days=3),
                    status_changed_at=at,
                )
                talks.append((talk, person_id))
    TalkRecord.objects.bulk_create([talk for talk, _ in talks], batch_size=2000)
    through = TalkRecord.talkees.through
    through.objects.bulk_create(
        [through(talkrecord_id=talk.pk, person_id=person_id) for talk, person_id in talks], batch_size=5000
    )
    S = TalkRecord.Status
    workflow.record_history(
        (talk, S.PLANNED, S.CLOSED, actor, talk.status_changed_at, "") for talk, _ in talks
    )
    ctx.out(f"  talks: {len(talks)} talks in two years")
