"""The supervision contributor to ``manage.py demo``: a year of the county's supervision, through the services.

Twelve months of unannounced inspections (plans sampled from the county's villages, visits with
scores and findings handed down as ledger items) and a briefing issued each month; this month's
plan under way with a visit still being recorded and a draft briefing (reviewed once and returned
with a reason), a township's briefing reviewed and waiting to be issued; last year's ratings in every
state; four weak organisations (flagged, and rectifying with their lists); venues with a few villages
still at zero (清零), one of them handed down as a ledger item.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.core.demo import DemoContext

from . import params, selectors, services

PROBLEMS = [
    "村干部坐班值班制度落实不到位，督查时无人在岗",
    "“三会一课”记录不完整，会议记录无签到",
    "党务公开栏内容长期未更新",
    "党建工作台账不规范、资料不齐全",
    "活动场所“六有”不全，党旗和制度牌缺失",
    "主题党日活动内容单一，与中心工作结合不紧",
    "党费收缴台账不完整",
    "流动党员管理不到位，未建立联系台账",
]
GOOD_PRACTICE = [
    "高坑镇推行“党建+网格”，村干部包片联户，群众诉求当日响应。",
    "各乡镇普遍建立村干部坐班公示制度，坐班在岗率明显提高。",
    "部分村探索“积分制”管理党员，党员参与组织生活积极性提高。",
]


def _month_back(day: date, n: int) -> date:
    year, month = day.year, day.month - n
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, 1)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=timezone.get_current_timezone())


# Villages sampled each month: a city's county has hundreds, so its inspectors visit more of them.
SAMPLE_SIZE = {"tiny": 8, "county": 8, "city": 24, "province": 24}


def build(ctx: DemoContext) -> None:
    """Before the ledger's demo: inspections with their findings, ratings, weak organisations and venues."""
    data = ctx.data
    users = data.get("users")
    if not users or "county" not in data:
        return
    from dangjian.orgs.demo._common import reference_day

    rng = ctx.rng
    today = data.get("reference_day") or reference_day()
    county = data["county"]
    townships = [t for t in data["townships"] if t.path.startswith(county.path)]
    villages = [v for v in data["villages"] if v.path.startswith(county.path)]
    inspector = users["inspector"]

    # Twelve months of inspections (the month's briefing follows in build_briefings, after the ledger).
    visits = findings = 0
    for back in range(12, 0, -1):
        month = _month_back(today, back)
        plan = services.plan_create(
            org=county,
            month=month,
            theme=f"{month.month}月村级党建工作督查暗访",
            team="王明（县委组织部）\n李华（县纪委监委）\n赵敏（县委两办督查室）",
            checklist="\n".join(params.split(params.INSPECTION_CHECKLIST.key)),
            sample_within=county,
            sample_size=min(SAMPLE_SIZE.get(ctx.scale, 8), len(villages)),
            seed=f"demo-{month:%Y%m}",
            actor=inspector,
        )
        services.plan_start(plan=plan, actor=inspector)
        for i, org in enumerate(plan.targets.order_by("path")):
            # Visits spread over the month's working hours, however many villages are sampled.
            day = month + timedelta(days=min(5 + (5 * i) % 21, 25))
            picked = rng.sample(PROBLEMS, rng.randint(0, 2))
            visit = services.visit_record(
                plan=plan,
                org=org,
                visited_at=_at(day, 9 + i % 9),
                inspectors="王明、李华",
                scores={c: rng.randint(4, 10) for c in plan.checks},
                notes="随机抽取，未提前通知。",
                findings=picked,
                deadline=day + timedelta(days=30) if picked else None,
                actor=inspector,
                today=day,
            )
            services.visit_submit(visit=visit, actor=inspector, today=day)
            visits += 1
            findings += len(picked)
        services.plan_close(plan=plan, actor=inspector)
    # This month: a plan under way (one visit handed down, one still being recorded), next month's in preparation.
    month = today.replace(day=1)
    # The branch-secretary persona's village is visited this month: the demo shows the visited side too.
    village = data.get("gaokeng_village")
    own_first = (
        [village, *[v for v in villages if v.pk != getattr(village, "pk", None)]] if village else villages
    )
    current = services.plan_create(
        org=county,
        month=month,
        theme=f"{month.month}月软弱涣散村党组织整顿督查",
        team="王明（县委组织部）\n赵敏（县委两办督查室）",
        checklist="\n".join(params.split(params.INSPECTION_CHECKLIST.key)),
        targets=own_first[:3],
        actor=inspector,
    )
    services.plan_start(plan=current, actor=inspector)
    for j, org in enumerate(own_first[:2]):
        day = max(month, today - timedelta(days=3 - j))
        visit = services.visit_record(
            plan=current,
            org=org,
            visited_at=_at(day, 10),
            inspectors="王明、赵敏",
            scores={c: rng.randint(3, 9) for c in current.checks},
            findings=rng.sample(PROBLEMS, 2),
            deadline=today + timedelta(days=30),
            actor=inspector,
            today=today,
        )
        if j == 0:
            services.visit_submit(visit=visit, actor=inspector, today=today)
    services.plan_create(
        org=county,
        month=_month_back(today, -1),
        theme="年终“清零”任务推进情况暗访",
        team="李华（县纪委监委）\n赵敏（县委两办督查室）",
        checklist="六有\n活动场所建设进度\n公开栏",
        targets=villages[3:6],
        actor=inspector,
    )
    _ratings(ctx, today, villages, townships, users)
    _weak(ctx, today, villages, users)
    _venues(ctx, today, villages, users)
    ctx.out(f"  supervision: 13 inspections, {visits} visits, {findings} findings")


def build_briefings(ctx: DemoContext) -> None:
    """After the ledger's demo (its figures are in the briefings): a briefing published each month, this
    month's draft, and the annual assessments."""
    data = ctx.data
    users = data.get("users")
    if not users or "county" not in data:
        return
    from dangjian.orgs.demo._common import reference_day

    from .models import InspectionPlan

    rng = ctx.rng
    today = data.get("reference_day") or reference_day()
    county = data["county"]
    townships = [t for t in data["townships"] if t.path.startswith(county.path)]
    zzb, admin, gaokeng = users["county_admin"], users["admin"], users["township_a"]
    ranking_set = services.ranking_set_save(
        org=county,
        name="七项重点工作",
        items=[
            {"key": "supervision.inspection_score", "weight": 30},
            {"key": "ledger.closed_on_time_rate", "weight": 30},
            {"key": "ledger.overdue_items", "weight": 20},
            {"key": "supervision.inspection_findings", "weight": 20},
        ],
        actor=zzb,
    )
    village_set = services.ranking_set_save(
        org=data["gaokeng"],
        name="高坑镇村级党建考评",
        items=[
            {"key": "supervision.inspection_score", "weight": 60},
            {"key": "ledger.overdue_items", "weight": 40},
        ],
        actor=gaokeng,
    )

    for back in range(12, 0, -1):
        month = _month_back(today, back)
        plan = InspectionPlan.objects.filter(org=county, month=month).first()
        visited = plan.targets.count() if plan else 0
        briefing = services.briefing_create(
            org=county,
            month=month,
            title=f"关于{month.year}年{month.month}月基层党建工作情况的通报",
            ranking_set=ranking_set,
            summary=f"{month.month}月，县委督查组随机抽取{visited}个村开展暗访，现将各乡镇重点工作推进情况通报如下。",
            good_practice=rng.choice(GOOD_PRACTICE),
            actor=zzb,
        )
        issued_on = min(_month_back(today, back - 1) + timedelta(days=4), today)
        # Compiled by the organisation department, reviewed and issued by somebody else.
        services.briefing_review(briefing=briefing, actor=admin, today=issued_on)
        services.briefing_publish(briefing=briefing, actor=admin, today=issued_on)
    month = today.replace(day=1)
    draft = services.briefing_create(
        org=county,
        month=month,
        title=f"关于{month.year}年{month.month}月基层党建工作情况的通报",
        ranking_set=ranking_set,
        summary="（草稿）本月督查暗访正在进行，数据实时更新。",
        actor=zzb,
    )
    # Reviewed once, then sent back: the reason stays in its history.
    services.briefing_review(briefing=draft, actor=admin, today=today)
    services.briefing_return(
        briefing=draft, actor=admin, note="本月暗访尚未结束，请补充暗访发现的问题后再送审。"
    )
    last = _month_back(today, 1)
    village_briefing = services.briefing_create(
        org=data["gaokeng"],
        month=last,
        title=f"高坑镇{last.year}年{last.month}月村级党建工作通报",
        ranking_set=village_set,
        summary=f"{last.month}月，镇党委对各村党支部重点工作推进情况进行了督查，现将情况通报如下。",
        good_practice=rng.choice(GOOD_PRACTICE),
        actor=gaokeng,
    )
    services.briefing_review(briefing=village_briefing, actor=zzb, today=today)
    # Last month's last townships called in for an interview, each with an item in its ledger.
    ranked = sum(1 for r in selectors.ranking(ranking_set, county, last).rows if r.rank is not None)
    if ranked > 1:
        services.ranking_call(
            ranking_set=ranking_set,
            root=county,
            month=last,
            bottom=min(params.numbers(params.BOTTOM_N.key)[0], ranked - 1),
            deadline=today + timedelta(days=30),
            actor=zzb,
            today=today,
        )
    _assessments(ctx, today, county, townships, users)
    ctx.out("  supervision: 12 briefings issued, one reviewed, one returned to draft, two annual assessments")


def _assessments(ctx, today, county, townships, users) -> None:
    """Last year's township assessment confirmed (述职评议 scored by the office), this year's being scored."""
    rng = ctx.rng
    items = [
        {"key": "ledger.closed_on_time_rate", "weight": 30},
        {"key": "ledger.overdue_items", "weight": 20},
        {"key": "supervision.inspection_score", "weight": 20},
    ]
    for year in (today.year - 1, today.year):
        assessment = services.assessment_create(
            org=county,
            year=year,
            title=f"{year}年度乡镇党委书记抓基层党建工作考核",
            items=items,
            manual_items="述职评议 20\n党员教育培训 10",
            actor=users["county_admin"],
        )
        scored = townships if year < today.year else townships[: len(townships) // 2]
        for org in scored:
            for item, note in (("述职评议", "述职评议测评结果"), ("党员教育培训", "培训台账抽查情况")):
                services.assessment_score(
                    assessment=assessment,
                    org=org,
                    item=item,
                    score=rng.randint(70, 98),
                    note=note,
                    actor=users["admin"],
                )
        if year < today.year:
            services.assessment_confirm(assessment=assessment, actor=users["admin"])


def _ratings(ctx, today, villages, townships, users) -> None:
    """Last year's ratings: confirmed (one five-star), waiting for the county, or only self-assessed."""
    rng, year = ctx.rng, today.year - 1
    gaokeng = ctx.data["gaokeng"]
    own = [v for v in villages if v.path.startswith(gaokeng.path)]
    # The county's scoresheet: two items filled from the registry's figures, two scored by the village.
    sheet = services.scoresheet_save(
        org=ctx.data["county"],
        year=year,
        name=f"{year}年度村党组织分类定级评星评分表",
        items=[
            {
                "name": "“三会一课”落实",
                "weight": 40,
                "indicator": "orglife.meeting_completion_rate",
                "full": 100,
            },
            {"name": "问题整改", "weight": 20, "indicator": "ledger.overdue_items", "full": 10},
            {"name": "阵地建设", "weight": 20},
            {"name": "群众满意度", "weight": 20},
        ],
        grade_thresholds=params.split(params.GRADE_GOOD.key)
        + params.split(params.GRADE_FAIRLY_GOOD.key)
        + params.split(params.GRADE_AVERAGE.key),
        star_thresholds=params.split(params.STAR_THRESHOLDS.key),
        actor=users["county_admin"],
    )
    for i, org in enumerate(own):
        top = 100 if i == 0 else 92
        # Every item scored: those the registry fills are taken from their figures instead.
        rating = services.rating_self_assess(
            org=org,
            year=year,
            item_scores={
                item["name"]: {"score": rng.randint(75, top), "note": "对照台账自评"} for item in sheet.items
            },
            self_note="对照年度党建工作责任清单逐项自评。",
            actor=users["admin"],
        )
        state = ("confirmed", "rated", "self_assessed", "confirmed")[i % 4]
        if state == "self_assessed":
            continue
        try:
            rating = services.rating_rate(
                rating=rating,
                poll_score=rng.randint(70, top),
                township_score=rng.randint(55, top),
                actor=users["township_a"],
            )
        except ValidationError:
            rating = services.rating_rate(
                rating=rating, poll_score=80, township_score=80, actor=users["township_a"]
            )
        if state == "confirmed":
            services.rating_confirm(rating=rating, actor=users["county_admin"])


def _weak(ctx, today, villages, users) -> None:
    """Four weak organisations: two flagged, two rectifying with their lists handed down."""
    gaokeng = ctx.data["gaokeng"]
    own = [v for v in villages if v.path.startswith(gaokeng.path)][-4:]
    own += [v for v in villages if not v.path.startswith(gaokeng.path)][: 4 - len(own)]
    cases = [
        (["secretary"], "村党支部书记空缺近半年，班子运转困难。"),
        (["meetings", "economy"], "组织生活长期不正常，集体经济收入不足3万元。"),
        (["divided"], "村“两委”班子不团结，议事决策推不动。"),
        (["petitions", "finances"], "信访矛盾集中，村务财务公开不及时。"),
    ]
    for i, (org, (reasons, note)) in enumerate(zip(own, cases, strict=False)):
        actor = users["township_a"] if org.path.startswith(gaokeng.path) else users["county_admin"]
        weak = services.weak_flag(
            org=org,
            year=today.year,
            reasons=reasons,
            note=note,
            county_contact="县委常委、组织部部长",
            township_contact="乡镇党委副书记",
            actor=actor,
        )
        if i >= 2:
            services.weak_hand_down(
                weak=weak,
                problems=["选优配强村党支部书记", "建立“三会一课”月报制度", "清理规范村务财务"],
                deadline=today + timedelta(days=90),
                actor=actor,
                today=today,
            )


def _venues(ctx, today, villages, users) -> None:
    """Venues of the county's villages: most with a venue, three still at zero with a plan (one handed down)."""
    rng = ctx.rng
    standard = params.split(params.VENUE_CHECKLIST.key)
    zero = {v.pk for v in villages[-3:]}
    handed = False
    for org in villages:
        if org.pk in zero:
            venue = services.venue_save(
                org=org,
                kind="none",
                plan=rng.choice(["new_build", "conversion", "shared"]),
                plan_deadline=date(today.year, 12, 31),
                actor=users["admin"],
            )
            if not handed:
                services.venue_hand_down(venue=venue, actor=users["admin"], today=today)
                handed = True
            continue
        met = [c for c in standard if rng.random() < 0.85]
        services.venue_save(
            org=org,
            kind="own" if rng.random() < 0.8 else "shared",
            area=rng.randint(60, 400),
            address=f"{org.label.removesuffix('党支部').removesuffix('党总支')}村委会",
            checked=met,
            actor=users["admin"],
        )


def build_county(ctx: DemoContext) -> None:
    """The ``county`` step: the last two years' classification of a further county's villages, all confirmed,
    scored as ``rating_rate`` scores (weights, grades and stars from the rule parameters), with their history."""
    from decimal import Decimal

    from dangjian.core import workflow

    from .models import Rating

    data, rng = ctx.data, ctx.rng
    R: date = data["reference_day"]
    users = data.get("users", {})
    township_user, county_user = users.get("township_a"), users.get("county_admin")
    rows = []
    for year in (R.year - 2, R.year - 1):
        rated_at = timezone.make_aware(datetime.combine(date(year + 1, 1, 20), time(10)))
        for village in data["villages"]:
            self_score = Decimal(rng.randint(72, 94))
            poll, town = Decimal(rng.randint(65, 93)), Decimal(rng.randint(55, 92))
            score = services.overall(self_score, poll, town)
            stars = min(services.stars_for(score), 4)  # five stars are the township's quota, given by hand
            rows.append(
                Rating(
                    org=village,
                    year=year,
                    self_score=self_score,
                    self_note="对照年度党建工作责任清单逐项自评。",
                    poll_score=poll,
                    township_score=town,
                    score=score,
                    grade=services.grade_for(score),
                    stars=stars,
                    rated_by=township_user,
                    status=Rating.Status.CONFIRMED,
                    created_by=township_user,
                    created_at=rated_at - timedelta(days=10),
                    status_changed_at=rated_at + timedelta(days=5),
                )
            )
    Rating.objects.bulk_create(rows, batch_size=2000)
    S = Rating.Status
    workflow.record_history(
        step
        for r in rows
        for step in (
            (r, S.SELF_ASSESSED, S.RATED, township_user, r.status_changed_at - timedelta(days=5), ""),
            (r, S.RATED, S.CONFIRMED, county_user, r.status_changed_at, ""),
        )
    )
    ctx.out(f"  supervision: {len(rows)} ratings in two years")
