"""The ledger contributor to ``manage.py demo``: lists and items in every state, for the demo county.

Two parts:

* a realistic subset written through ``ledger.services`` (so every step has its status
  change, notice and audit entry), dated backwards from the demo's reference day: a county
  list awaiting approval, a draft, a task handed to all 19 townships, 高坑镇's political-talk
  problem list to its villages — with items handed down, acknowledged, rectifying, closure
  requested, returned, closed on time and late, overdue (red), due soon (yellow), long-term,
  extensions pending / approved / refused, look-backs confirmed / relapsed, and escalations
  with an interview (talk record) and an accountability record;
* bulk items for the statistics (``bulk_create`` in batches, their back-dated status history
  written in bulk through ``core.workflow.record_history``, so each item page shows how it got
  to its state): a few thousand in the county, ≥ 200 000 at city scale for the benchmark.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from datetime import time as clock

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from dangjian.core import workflow
from dangjian.core.demo import DemoContext, refresh_planner_statistics

from . import services
from .deadlines import is_closed_late, is_overdue
from .models import Accountability, Category, DeadlineBasis, Item, ItemKind, ItemList, Progress, Source
from .rules import RECTIFYING_MOVES

S = Item.Status
ON_THE_SPOT = "on_the_spot"  # the plan's mark for an item fixed at once (立行立改)

# Problems as the seeds word them (政治谈话, 述职评议, 督查暗访 …): (problem, category, who it fits, measure).
# Who it fits: t township committees, v village and community branches, a agencies and institutions,
# e enterprises — so no porcelain factory is told about public banquets and no village about rankings.
PROBLEM_PLAN = [
    (
        "政治站位不高，“四个意识”树得不牢，工作中讲条件、找借口",
        "政治建设",
        "tva",
        "班子成员逐一对照检查，书记带头讲专题党课，每月开展一次政治理论集中学习。",
    ),
    (
        "理论学习不够深入，领会不深，存在学习上的“二传手”现象",
        "思想建设",
        "tvae",
        "制定年度学习计划，落实“第一议题”制度，学习情况纳入季度考核。",
    ),
    (
        "工作作风不实，遇到困难依赖性强，有消极、拖延现象",
        "作风建设",
        "tva",
        "建立重点工作销号清单，每周调度一次，对拖延事项约谈提醒。",
    ),
    (
        "“三会一课”被动召开、流于形式，会议记录不完整",
        "组织建设",
        "vae",
        "建立“三会一课”月报制度，会议记录由上级党组织组织委员每月审核签字。",
    ),
    (
        "组织生活会会前谈心谈话不到位，批评与自我批评辣味不足",
        "组织建设",
        "tvae",
        "补开专题组织生活会，会前谈心谈话全覆盖，相互批评意见逐条反馈本人。",
    ),
    (
        "主题党日活动内容单一，与中心工作结合不紧",
        "组织建设",
        "vae",
        "制定全年主题党日计划，结合人居环境整治、志愿服务等中心工作开展。",
    ),
    (
        "党组织书记配备不到位，书记空缺超过三个月",
        "组织建设",
        "ve",
        "一个月内完成书记选配，暂由镇党委班子成员兼任并报备。",
    ),
    (
        "基层党组织应建未建、应撤未撤，组织设置未及时调整",
        "组织建设",
        "t",
        "全面排查辖区党组织设置，对应建未建、应撤未撤的逐一调整并报县委组织部备案。",
    ),
    (
        "党员冬春训流于形式，缺乏实质谋划",
        "思想建设",
        "tv",
        "重新制定冬春训方案，分片集中培训，党员参训率达到95%以上。",
    ),
    (
        "不合格党员处置工作不到位",
        "组织建设",
        "tv",
        "结合民主评议党员，对不合格党员逐一组织处置，处置材料报镇党委审核。",
    ),
    (
        "村级组织活动场所“六有”不全，阵地建设不达标",
        "组织建设",
        "v",
        "按“六有”标准改造活动场所，配齐党旗、书报和制度牌。",
    ),
    (
        "软弱涣散基层党组织整顿未见明显成效",
        "组织建设",
        "tv",
        "实行镇领导挂点包村，派驻第一书记，“一村一策”制定整顿方案并逐月销号。",
    ),
    (
        "村集体经济薄弱，增收渠道单一",
        "组织建设",
        "v",
        "盘活闲置资产，发展光伏和土地流转项目，年内村集体经济收入达到10万元以上。",
    ),
    (
        "党建与业务“两张皮”，存在重业务、轻党建现象",
        "政治建设",
        "tae",
        "将党建工作与业务工作同部署、同考核，党建考核结果与年度评优挂钩。",
    ),
    (
        "发展党员把关不严，程序不规范，公示不到位",
        "组织建设",
        "tv",
        "对近三年发展党员档案逐本复查，补齐公示和政审材料，规范25个步骤。",
    ),
    (
        "党费收缴不及时，党费台账不完整",
        "制度建设",
        "vae",
        "重新核定党费基数，按月收缴并建立党费收缴台账，每季度公示一次。",
    ),
    (
        "村干部坐班值班制度落实不到位",
        "作风建设",
        "v",
        "落实村干部坐班值班制度，公示值班表，镇纪委不定期暗访。",
    ),
    (
        "第一书记到岗到位情况较差，驻村时间不足",
        "作风建设",
        "t",
        "落实第一书记考勤打卡和月报制度，驻村不足20天的约谈提醒。",
    ),
    (
        "“四议两公开”程序执行不规范，决议公开不及时",
        "制度建设",
        "v",
        "对年内重大事项逐项补齐“四议”记录，决议和实施结果在公开栏公示。",
    ),
    (
        "非公企业党组织作用发挥不明显，党的工作游离于生产经营之外",
        "组织建设",
        "e",
        "开展“党员先锋岗”创建，党组织参与企业重大事项讨论，每季度向出资人通报党建工作。",
    ),
    (
        "“党员进社区”活动形式大于内容，服务群众不够",
        "作风建设",
        "a",
        "机关党员每月到社区报到服务一次，服务情况纳入年度评议。",
    ),
    (
        "村干部待遇落实不到位，报酬未按时足额发放",
        "制度建设",
        "t",
        "核对村干部报酬发放台账，年底前补发到位，建立按月发放机制。",
    ),
    (
        "低限运转经费未逐额发放到位",
        "制度建设",
        "t",
        "清理核对各村运转经费拨付情况，未到位的一个月内全额拨付。",
    ),
    (
        "责任担当不到位，管党治党压力层层递减",
        "政治建设",
        "t",
        "签订党建工作责任书，班子成员每季度到联系村督导一次并记录。",
    ),
    (
        "问题查处不到位，执纪问责不严格，存在“老好人”思想",
        "纪律建设",
        "t",
        "对巡察移交问题线索逐件复核，该问责的严肃问责，处理结果公开通报。",
    ),
    (
        "制度执行不到位，党内政治生活不严肃",
        "制度建设",
        "tva",
        "汇编党内政治生活制度，逐项明确执行标准，纳入支部标准化考核。",
    ),
    (
        "基层党建工作台账不规范、资料不齐全",
        "制度建设",
        "tv",
        "统一台账模板，按月整理归档，镇党委每季度抽查一次。",
    ),
    (
        "流动党员管理不到位，失联党员未及时排查",
        "组织建设",
        "v",
        "逐一联系流动党员，建立流动党员信息台账，失联党员按规定排查处置。",
    ),
    (
        "党员教育培训覆盖面不足，村干部年度培训未全覆盖",
        "思想建设",
        "t",
        "分批举办村干部培训班，年底前培训全覆盖，培训情况建档备查。",
    ),
    (
        "七项重点工作排名靠后，扭转落后局面措施不力",
        "作风建设",
        "t",
        "召开专题会议分析排名原因，逐项明确牵头领导，每月通报进展。",
    ),
    (
        "政商关系“亲而不清”，违规从事营利活动问题仍有发生",
        "党风廉政建设",
        "ta",
        "开展违规从事营利活动专项清理，干部逐人签订承诺书，发现一起查处一起。",
    ),
    (
        "“四风”问题树倒根存，节假日公款吃喝问题时有反弹",
        "党风廉政建设",
        "ta",
        "节前集中开展廉政提醒，纪委开展节日期间专项督查并通报典型问题。",
    ),
]
PROBLEMS = [(title, category) for title, category, _fits, _measure in PROBLEM_PLAN]
MEASURE_FOR = {title: measure for title, _category, _fits, measure in PROBLEM_PLAN}
TOWNSHIP_PROBLEMS = [(t, c) for t, c, fits, _m in PROBLEM_PLAN if "t" in fits]
VILLAGE_PROBLEMS = [(t, c) for t, c, fits, _m in PROBLEM_PLAN if "v" in fits]
MEASURES = list(MEASURE_FOR.values())


def measure_for(title: str) -> str:
    """The measure that answers this problem (each problem has its own)."""
    return MEASURE_FOR.get(title, MEASURES[0])


PROGRESS = [
    "已召开支委会专题研究，制定整改方案并报镇党委备案。",
    "已完成首轮集中学习，参学党员 23 人，学习记录已归档。",
    "已补齐近三个月会议记录，建立月报台账。",
    "活动场所改造已完成主体工程，正在配置设施。",
    "已开展谈心谈话 12 人次，形成问题清单 5 条。",
    "整改任务基本完成，正在整理佐证材料。",
]
PDF = b"%PDF-1.4\n% dangjian demo evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# The county demo: about 4 items a village a year, tens per township (what an office really handles);
# the city and province scales are for the benchmark.
# County: tens of items per township a year on top of the hand-made ones (issue 8, point 18); city and
# province: volume for the benchmarks.
BULK_TARGET = {"tiny": 0, "tiny_province": 40, "county": 400, "city": 210_000, "province": 1_000_000}
BATCH = 5000


def build(ctx: DemoContext) -> None:
    """Build the realistic lists, then the bulk items for the statistics.

    The daily job runs over the simulated months in a later step (``build_daily``), once every
    module has raised its items (inspections, talks, meetings … through ``ledger.door``).
    """
    data = ctx.data
    if "users" in data and "county" in data:
        with transaction.atomic():
            realistic = Realistic(ctx)
            realistic.build()
            realistic.hold_to_account()
        ctx.out(f"  ledger: {realistic.count} realistic items in every state")
    _bulk_for_county(ctx)


def build_daily(ctx: DemoContext) -> None:
    """The ``ledger_daily`` step, after every module's items: the daily job over the simulated months.

    Reminders, notices, escalations and month-end figures as ``manage.py daily`` would have left
    them — over every item, bulk ones and other modules' included, so every figure is one the
    rules would produce, dated the day the rules give it.
    """
    refresh_planner_statistics(ctx.out)  # the year's rows are all new: without, PostgreSQL guesses badly
    day = ctx.data.get("reference_day") or date(2026, 11, 22)
    runs = run_daily_over_the_months(until=day)
    ctx.out(f"  ledger: the daily job run on {runs} days of the simulated months")


def save_month_so_far() -> None:
    """The demo's last step: the roll-up's month so far, as ``manage.py daily`` run today leaves it for the
    wide scopes (a city, a province) whose roll-up and home figures read it; and the subtree sums of the
    past months, saved county by county while the demo was built (as the daily run saves them each month)."""
    from .models import RollupSnapshot

    today = timezone.localdate()
    services.snapshot_month(month=today, today=today)
    # Each month once: ordered by the month alone (the model's order would make DISTINCT per organisation).
    months = RollupSnapshot.objects.filter(month__lt=today.replace(day=1)).order_by("month")
    for month in months.values_list("month", flat=True).distinct():
        services.save_subtrees(month=month)


def build_county(ctx: DemoContext) -> None:
    """The ``county`` step: a further county's share of the bulk items and its past months' figures.

    Reminders and escalations over them are left to the daily job (``manage.py daily``), which
    would otherwise go over the whole province once per county.
    """
    _bulk_for_county(ctx)
    _past_snapshots(ctx.data["reference_day"], under=ctx.data["county"].path)


def _bulk_for_county(ctx: DemoContext) -> None:
    """``BULK_TARGET`` is for the whole scale; each county gets its share."""
    target = BULK_TARGET.get(ctx.scale, 0) // ctx.data.get("county_count", 1)
    if target:
        n = build_bulk(ctx, target)
        ctx.out(f"  ledger: {n} items bulk-inserted for the statistics")


def event_days(until: date) -> list[date]:
    """The days on which the daily job has something to do for the items now in the ledger, up to ``until``.

    Each item's reminders (7 days and 1 day before its deadline, the day after), its escalation
    (the first day it is overdue beyond the parameter), the days its closure was requested and
    verified (an escalation is resolved), its standing-duty review, and every month end (the
    roll-up snapshot) — so the cost follows the events, not the length of the period.
    """
    from dangjian.core.params import get as param

    from . import params

    beyond = int(param(params.ESCALATE_AFTER_DAYS.key))
    items = Item.objects.handed_down().values_list(
        "issued_on", "deadline", "long_term", "closure_requested_on", "closed_on", "next_review_on"
    )
    days: set[date] = set()
    first = until
    for issued, deadline, long_term, requested, closed, review in items:
        first = min(first, issued)
        if deadline is not None and not long_term:
            days.update(deadline + timedelta(days=n) for n in (-7, -1, 1, beyond + 1))
        days.update(d for d in (requested, closed, review) if d is not None)
    month = services.month_start(first)
    while month <= until:
        days.add(services.month_end(month))
        month = services.month_end(month) + timedelta(days=1)
    days.add(until)
    return sorted(d for d in days if first <= d <= until)


def run_daily_over_the_months(until: date) -> int:
    """Run the ledger's daily job, as ``manage.py daily`` would have, on every event day up to ``until``.

    The items are built first (the hand-made ones through the services, back-dated; the bulk ones
    inserted in their final state) and the job is run afterwards, day after day: interleaving it
    with the steps would mean replaying the bulk items' histories row by row. It judges each item
    as it stood on the day it runs for from the dates the item carries — handed down
    (``issued_on``), closure requested, verified (``deadlines.working_on_q`` and ``overdue_q``) —
    so a reminder or escalation is dated the day the rules give it. Known gaps: a deadline moved
    by an extension is judged at its new date only, and a returned item counts as in hand also
    while its returned request was waiting.
    """
    days = event_days(until)
    with transaction.atomic():
        for day in days:
            services.daily_run(today=day)
    return len(days)


def _past_snapshots(day: date, under: str = "") -> None:
    """Past months' figures, as the month-end job would have saved them."""
    for months_back in (2, 1):
        month = services.month_start(services.month_start(day) - timedelta(days=28 * months_back))
        services.snapshot_month(month=month, today=services.month_end(month), under=under)


def evidence(name: str = "整改佐证材料.pdf") -> ContentFile:
    return ContentFile(PDF, name=name)


def evidence_of(item: Item, day: date) -> ContentFile:
    """A plausibly named evidence file, dated in the month it was uploaded."""
    return evidence(f"{item.org.label}整改佐证材料（{day.year}年{day.month}月）.pdf")


class Realistic:
    """The hand-made part of the demo, through the services, dated backwards from the reference day."""

    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.rng = ctx.rng
        data = ctx.data
        self.R: date = data.get("reference_day") or date(2026, 11, 22)
        users = data["users"]
        self.county_admin = users["county_admin"]
        self.admin = users["admin"]  # approves the lists the county officer draws up
        self.township = users["township_a"]
        self.village = users["village_a1"]
        self.inspector = users["inspector"]
        self.county = data["county"]
        self.gaokeng = data["gaokeng"]
        self.gaokeng_village = data["gaokeng_village"]
        self.townships = [t for t in data["townships"] if t.path.startswith(self.county.path)]
        self.villages = [v for v in data["villages"] if v.path.startswith(self.gaokeng.path)]
        self.categories = {c.name: c for c in Category.objects.all()}
        self.secretaries = _roster_people(data.get("secretaries", {}))
        self.count = 0
        self.review_items: list[Item] = []

    def day(self, offset: int) -> date:
        return self.R + timedelta(days=offset)

    def cat(self, name: str):
        return self.categories.get(name)

    def rectifier(self, item: Item):
        """Who enters the rectifying steps: the organisation's own sign-in, else a superior (代录, marked)."""
        if item.org_id == self.gaokeng_village.pk:
            return self.village
        if item.org.path.startswith(self.gaokeng.path):
            return self.township  # 高坑镇 itself, or 代录 for its villages without a demo sign-in
        return self.county_admin  # 代录 for townships without a demo sign-in

    def verifier(self, item: Item):
        """Never whoever rectified: 高坑镇 verifies its demo village; the county's 督查组 everything else."""
        return self.township if item.org_id == self.gaokeng_village.pk else self.inspector

    # -------------------------------------------------------------- steps

    def advance(self, item: Item, target: str, *, start: date, deadline_late: bool = False) -> Item:
        """Walk ``item`` from handed down to ``target``, one dated step after another."""
        who, boss = self.rectifier(item), self.verifier(item)
        d = start
        if target == S.HANDED_DOWN:
            return item
        d += timedelta(days=2)
        item = services.item_acknowledge(item=item, actor=who, today=d, note="已签收，立即研究整改。")
        if target == S.ACKNOWLEDGED:
            return item
        d += timedelta(days=3)
        item = services.item_file_measures(item=item, actor=who, measures=measure_for(item.title), today=d)
        d += timedelta(days=4)
        if d <= self.R:
            services.progress_add(item=item, actor=who, on=d, text=PROGRESS[0], percent=30, today=d)
        if target == S.RECTIFYING:
            return item
        close_day = item.deadline + timedelta(days=9) if deadline_late else min(item.deadline, self.day(-3))
        close_day = min(max(close_day, d + timedelta(days=1)), self.day(-2))
        services.progress_add(
            item=item, actor=who, on=close_day, text=PROGRESS[5], percent=100, today=close_day
        )
        item = services.item_request_closure(
            item=item,
            actor=who,
            files=[evidence_of(item, close_day)],
            note="整改已完成，申请销号。",
            today=close_day,
        )
        if target == S.CLOSURE_REQUESTED:
            return item
        # The verifier takes a few days (核验用时); a request made in time stays on time.
        check_day = min(close_day + timedelta(days=self.rng.choice((1, 2, 4))), self.day(-1))
        if target == S.RETURNED:
            return services.item_return(
                item=item, actor=boss, note="佐证材料不充分，缺少会议记录原件扫描件。", today=check_day
            )
        return services.item_verify(
            item=item, actor=boss, note="经核查，整改到位，同意销号。", today=check_day
        )

    def fix_on_the_spot(self, item: Item, *, start: date) -> Item:
        """立行立改: fixed at once and sent to verification with evidence; verified by somebody else."""
        day = start + timedelta(days=1)
        item = services.item_request_closure(
            item=item,
            actor=self.rectifier(item),
            measures="当场补齐会议记录并张贴公示，立行立改。",
            files=[evidence("立行立改现场照片.pdf")],
            note="已立行立改，申请销号。",
            today=day,
        )
        return services.item_verify(
            item=item, actor=self.verifier(item), note="现场核实，同意销号。", today=day + timedelta(days=1)
        )

    def new_list(
        self,
        org,
        actor,
        title,
        *,
        issued_on,
        source=Source.ASSIGNED,
        kind=ItemKind.PROBLEM,
        document="",
        needs_approval=False,
    ) -> ItemList:
        return services.list_create(
            org=org,
            title=title,
            actor=actor,
            issued_on=issued_on,
            source=source,
            kind=kind,
            document=document,
            needs_approval=needs_approval,
            today=issued_on,
        )

    def leader_for(self, org):
        """责任领导: the secretary of the township the organisation belongs to (from the roster)."""
        township = next((t for t in self.townships if org.path.startswith(t.path)), None)
        return self.secretaries.get(township.pk) if township is not None else None

    def add(self, item_list, org, actor, problem, **fields) -> Item:
        title, category = problem
        self.count += 1
        fields.setdefault("leader", self.leader_for(org))
        return services.item_create(
            item_list=item_list,
            org=org,
            title=title,
            actor=actor,
            category=self.cat(category),
            today=item_list.issued_on,
            **fields,
        )

    # -------------------------------------------------------------- the lists

    def build(self) -> None:
        self.county_lists()
        self.task_to_all_townships()
        self.gaokeng_talk_list()

    def county_lists(self) -> None:
        # A draft, not yet handed down.
        draft = self.new_list(
            self.county,
            self.county_admin,
            "2027年度基层党建重点任务清单（征求意见稿）",
            issued_on=self.R,
            kind=ItemKind.TASK,
            document="萍川组字〔2026〕待定号",
        )
        for problem in TOWNSHIP_PROBLEMS[10:13]:
            self.add(draft, self.townships[-1], self.county_admin, problem, deadline=self.day(120))
        # Awaiting the leader's approval.
        pending = self.new_list(
            self.county,
            self.county_admin,
            "2026年第四季度督查暗访发现问题清单",
            issued_on=self.day(-2),
            source=Source.INSPECTION,
            document="萍川督查〔2026〕12号",
            needs_approval=True,
        )
        for i, problem in enumerate(TOWNSHIP_PROBLEMS[14:17]):
            self.add(
                pending,
                self.townships[(2 + i) % len(self.townships)],
                self.county_admin,
                problem,
                deadline=self.day(30),
            )
        services.list_submit(
            item_list=pending, actor=self.county_admin, note="请部长审核。", today=self.day(-1)
        )

        # Duty-report evaluation problems, approved and handed down in March: every state.
        start = date(2026, 3, 16)
        review = self.new_list(
            self.county,
            self.county_admin,
            "2025年度乡镇党委书记抓基层党建述职评议反馈问题清单",
            issued_on=start,
            source=Source.REVIEW,
            document="萍川组字〔2026〕8号",
            needs_approval=True,
        )
        plan = [
            (S.CLOSED, 60, False),
            (S.CLOSED, 45, True),
            (S.CLOSED, 90, False),
            (S.RETURNED, 240, False),
            (S.CLOSURE_REQUESTED, 250, False),
            (S.RECTIFYING, 200, False),
            (S.RECTIFYING, 252, False),
            (S.ACKNOWLEDGED, 251, False),
            (S.HANDED_DOWN, 260, False),
            (S.RECTIFYING, None, False),
            (S.RECTIFYING, 280, False),
            (S.RECTIFYING, 215, False),
            (S.CLOSED, 120, True),
        ]
        items = []
        for i, (state, days, late) in enumerate(plan):
            township = self.townships[i % len(self.townships)]
            problem = TOWNSHIP_PROBLEMS[i % len(TOWNSHIP_PROBLEMS)]
            fields = (
                {"long_term": True, "review_cycle_days": 90}
                if days is None
                else {"deadline": start + timedelta(days=days)}
            )
            items.append(
                (
                    self.add(
                        review,
                        township,
                        self.county_admin,
                        problem,
                        target="问题整改到位，长效机制健全。",
                        **fields,
                    ),
                    state,
                    late,
                )
            )
        services.list_submit(item_list=review, actor=self.county_admin, today=start)
        # Approved by somebody other than its author.
        services.list_approve(item_list=review, actor=self.admin, note="同意下发。", today=start)
        done = {}
        for item, state, late in items:
            item.refresh_from_db()
            done[item.number] = self.advance(item, state, start=start, deadline_late=late)
        # Extensions, each asked before its deadline: one approved, one refused, one pending.
        ext_items = [
            i
            for i in done.values()
            if i.status in services.EXTENSION_STATES and not i.long_term and i.deadline >= self.day(-1)
        ]
        if len(ext_items) >= 3:
            a, b, c = ext_items[:3]
            ext = services.extension_request(
                item=a,
                actor=self.rectifier(a),
                requested_to=a.deadline + timedelta(days=30),
                reason="涉及场所改造，施工周期较长。",
                today=self.day(-20),
            )
            services.extension_decide(
                extension=ext,
                actor=self.inspector,
                approve=True,
                note="同意延期一个月。",
                today=self.day(-18),
            )
            ext = services.extension_request(
                item=b,
                actor=self.rectifier(b),
                requested_to=b.deadline + timedelta(days=60),
                reason="村“两委”换届，工作力量不足。",
                today=self.day(-12),
            )
            services.extension_decide(
                extension=ext,
                actor=self.inspector,
                approve=False,
                note="换届不是延期理由，请按期完成。",
                today=self.day(-10),
            )
            services.extension_request(
                item=c,
                actor=self.rectifier(c),
                requested_to=c.deadline + timedelta(days=20),
                reason="需等待县级资金下达后实施。",
                today=self.day(-1),
            )
        # Look-backs: one confirmed, one relapsed (reopened for a second round).
        closed = [i for i in done.values() if i.status == S.CLOSED]
        if len(closed) >= 2:
            checks = services.recheck_schedule(
                actor=self.inspector, item_list=review, scheduled_on=self.day(-15), today=self.day(-30)
            )
            by_item = {c.item_id: c for c in checks}
            services.recheck_record(
                recheck=by_item[closed[0].pk],
                actor=self.inspector,
                result="confirmed",
                note="实地查看会议记录和活动场所，整改到位。",
                today=self.day(-14),
            )
            services.recheck_record(
                recheck=by_item[closed[1].pk],
                actor=self.inspector,
                result="relapsed",
                note="回头看发现近两个月“三会一课”又未按时召开。",
                files=[evidence("回头看记录.pdf")],
                new_deadline=self.day(40),
                today=self.day(-14),
            )
        self.review_items = list(done.values())

    def hold_to_account(self) -> None:
        """Of the items overdue beyond N days on the reference day (the daily job lists them on the
        escalation list, see ``build_daily``), one gets an accountability decision (the talks
        module's demo records the interview held over it), another an honest mistake tolerated."""
        overdue = [i for i in self.review_items if i.status != S.CLOSED and is_overdue(i, self.R, beyond=7)]
        if overdue:
            item = overdue[0]
            item.refresh_from_db()
            self.ctx.data["escalated_item"] = item  # the talks demo records the interview held over it
            services.accountability_record(
                item=item,
                target=Accountability.Target.CADRE,
                forms=[Accountability.Form.NOTICE],
                person_name=f"{item.org.label}党委书记",
                body=Accountability.Body.DISCIPLINE,
                facts="整改逾期超过三个月，经提醒仍未推进，予以通报。",
                decided_on=self.day(-3),
                document_number="萍川纪通〔2026〕5号",
                actor=self.inspector,
                today=self.R,
            )
        if len(overdue) > 1:
            item = overdue[1]
            services.accountability_record(
                item=item,
                target=Accountability.Target.CADRE,
                outcome=Accountability.Outcome.TOLERATED,
                person_name=f"{item.org.label}组织委员",
                body=Accountability.Body.PARTY_COMMITTEE,
                facts="逾期系推进村级活动场所改造中因政策调整所致，无谋私，依“三个区分开来”予以容错。",
                decided_on=self.day(-2),
                actor=self.inspector,
                today=self.R,
            )

    def task_to_all_townships(self) -> None:
        """One task handed to every township (the roll-up of one group)."""
        start = date(2026, 9, 1)
        tasks = self.new_list(
            self.county,
            self.county_admin,
            "关于开展软弱涣散基层党组织集中整顿的任务清单",
            issued_on=start,
            kind=ItemKind.TASK,
            document="萍川组字〔2026〕21号",
        )
        group = services.item_hand_down_many(
            item_list=tasks,
            orgs=self.townships,
            actor=self.county_admin,
            today=start,
            title="排查整顿软弱涣散村（社区）党组织，逐村制定“一村一策”整顿方案并销号",
            category=self.cat("组织建设"),
            deadline_days=60,
            deadline_basis=DeadlineBasis.WORKING,
            target="年底前软弱涣散党组织全部完成整顿，转化升级。",
        )
        self.count += len(self.townships)
        services.list_issue(item_list=tasks, actor=self.county_admin, today=start)
        states = [
            S.CLOSED,
            S.CLOSED,
            S.CLOSURE_REQUESTED,
            S.RECTIFYING,
            S.RECTIFYING,
            S.ACKNOWLEDGED,
            S.RETURNED,
            S.HANDED_DOWN,
        ]
        for i, item in enumerate(group.items.select_related("org", "supervisor_org").order_by("number")):
            self.advance(item, states[i % len(states)], start=start, deadline_late=i % 5 == 4)

    def gaokeng_talk_list(self) -> None:
        """高坑镇's political-talk problems (seed 000) to its villages: due soon, overdue, closed, returned."""
        start = self.day(-40)
        talk_list = self.new_list(
            self.gaokeng,
            self.township,
            "高坑镇村（社区）党组织书记政治谈话问题整改清单",
            issued_on=start,
            source=Source.TALK,
            document="高坑党字〔2026〕15号",
        )
        villages = self.villages or [self.gaokeng_village]
        V = VILLAGE_PROBLEMS
        plan = [
            (self.gaokeng_village, V[0], 2, S.RECTIFYING),  # yellow
            (self.gaokeng_village, V[1], -4, S.RECTIFYING),  # red
            (self.gaokeng_village, V[2], 25, S.RETURNED),
            (self.gaokeng_village, V[3], 20, S.CLOSURE_REQUESTED),
            (self.gaokeng_village, V[4], 30, S.HANDED_DOWN),
            (self.gaokeng_village, V[13], 20, ON_THE_SPOT),
        ]
        for i, village in enumerate(villages[1:7]):
            plan.append(
                (
                    village,
                    V[(i + 5) % len(V)],
                    (-10, 3, 15, -1, 40, 8)[i],
                    (S.RECTIFYING, S.ACKNOWLEDGED, S.CLOSED, S.RECTIFYING, S.HANDED_DOWN, S.CLOSED)[i],
                )
            )
        added = [
            (
                self.add(
                    talk_list,
                    org,
                    self.township,
                    problem,
                    deadline=self.day(deadline),
                ),
                state,
            )
            for org, problem, deadline, state in plan
        ]
        services.list_issue(item_list=talk_list, actor=self.township, today=start)
        for item, state in added:
            item.refresh_from_db()
            if state == ON_THE_SPOT:
                self.fix_on_the_spot(item, start=start)
            else:
                self.advance(item, state, start=start)


# ------------------------------------------------------------------ bulk items (statistics, benchmark)


def _roster_people(secretaries: dict) -> dict:
    """{organisation id: Person} of the current secretaries the orgs demo recorded (one query)."""
    from dangjian.orgs.models import Person

    people = Person.objects.in_bulk(list(secretaries.values()))
    return {org_id: people[pk] for org_id, pk in secretaries.items() if pk in people}


def build_bulk(ctx: DemoContext, target: int) -> int:
    """Insert about ``target`` items spread over every branch, one list per township, with their history."""
    from dangjian.orgs.models import Organisation, Person

    rng = ctx.rng
    R: date = ctx.data.get("reference_day") or date(2026, 11, 22)
    townships = {t.path: t for t in ctx.data.get("townships", [])}
    if not townships:
        return 0
    step = Organisation.steplen
    depth = next(iter(townships.values())).depth
    branches = list(
        Organisation.objects.filter(pk__in=ctx.data.get("branch_ids", []), depth__gt=depth).values_list(
            "pk", "path"
        )
    )
    if not branches:
        return 0
    categories = list(Category.objects.values_list("pk", flat=True)) or [None]
    author = ctx.data.get("users", {}).get("county_admin")
    lists: dict[str, ItemList] = {}
    issued_at = _moment(BULK_LISTS_ISSUED, 9)
    for path, township in townships.items():
        lists[path] = ItemList(
            org=township,
            title=f"{township.label}2026年度基层党建问题整改台账",
            kind=ItemKind.PROBLEM,
            source=Source.SELF_CHECK,
            issued_on=BULK_LISTS_ISSUED,
            status=ItemList.Status.ISSUED,
            status_changed_at=issued_at,
            created_by=author,
        )
    ItemList.objects.bulk_create(lists.values(), batch_size=1000)
    LS = ItemList.Status
    workflow.record_history((lst, LS.DRAFT, LS.ISSUED, author, issued_at, "") for lst in lists.values())
    numbers = dict.fromkeys(lists, 1000)  # bulk items start at 1001, clear of hand-made ones
    branches = [(pk, path) for pk, path in branches if path[: depth * step] in lists]
    if not branches:
        return 0
    per_branch, extra = divmod(target, len(branches))
    rows, written, started = [], 0, time.monotonic()
    sources = [
        Source.SELF_CHECK,
        Source.DAILY,
        Source.INSPECTION,
        Source.TALK,
        Source.REVIEW,
        Source.PATROL,
        Source.ASSESSMENT,
        Source.AUDIT,
        Source.PUBLIC,
    ]
    # 责任人: the branch's secretary; 责任领导: the township's — named people from the roster.
    secretaries = ctx.data.get("secretaries", {})
    names = dict(Person.objects.filter(pk__in=list(secretaries.values())).values_list("pk", "name"))
    for index, (org_id, path) in enumerate(branches):
        township_path = path[: depth * step]
        item_list = lists[township_path]
        person_id, leader_id = secretaries.get(org_id), secretaries.get(item_list.org_id)
        for _n in range(per_branch + (1 if index < extra else 0)):
            numbers[township_path] += 1
            item = _bulk_item(rng, R, item_list, org_id, numbers[township_path], categories, sources)
            if person_id in names:
                item.person_id, item.responsible_person = person_id, names[person_id]
            if leader_id in names:
                item.leader_id, item.responsible_leader = leader_id, names[leader_id]
            rows.append(item)
            if len(rows) >= BATCH:
                written += _insert_with_history(rows, author)
                rows = []
                if written % 50_000 == 0:
                    ctx.out(f"  ledger: {written} items ({time.monotonic() - started:.0f} s)")
    if rows:
        written += _insert_with_history(rows, author)
    return written


BULK_LISTS_ISSUED = date(2026, 1, 10)
RETURN_NOTE = "佐证材料不充分，请补充会议记录和整改前后对比材料。"
VERIFY_NOTE = "经核查，整改到位，同意销号。"


def _moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock(hour, 0)))


def _bulk_steps(item: Item) -> list[tuple[str, str, datetime, str]]:
    """The dated steps that brought a bulk item from draft to its state: ``(old, new, at, note)``."""
    issued = item.issued_on
    path = [(S.DRAFT, S.HANDED_DOWN, _moment(issued, 9), "")]
    if item.status == S.HANDED_DOWN:
        return path
    path.append((S.HANDED_DOWN, S.ACKNOWLEDGED, _moment(issued + timedelta(days=1), 10), ""))
    if item.status == S.ACKNOWLEDGED:
        return path
    path.append((S.ACKNOWLEDGED, S.RECTIFYING, _moment(issued + timedelta(days=2), 11), ""))
    if item.status == S.RECTIFYING:
        return path
    requested = item.closure_requested_on
    path.append((S.RECTIFYING, S.CLOSURE_REQUESTED, _moment(requested, 9), ""))
    if item.status == S.CLOSED:
        path.append((S.CLOSURE_REQUESTED, S.CLOSED, _moment(item.closed_on, 15), VERIFY_NOTE))
    elif item.status == S.RETURNED:
        path.append(
            (S.CLOSURE_REQUESTED, S.RETURNED, _moment(requested + timedelta(days=1), 15), RETURN_NOTE)
        )
    return path


def _insert_with_history(rows: list[Item], author) -> int:
    """Insert one batch of bulk items, the status history of each and its reported progress.

    The list's author hands down and verifies; the rectifying steps are the branches' own, whose
    staff have no demo sign-in (recorded without a person), so nobody verifies what they rectified.
    """
    steps = [_bulk_steps(item) for item in rows]
    for item, path in zip(rows, steps, strict=True):
        item.status_changed_at = path[-1][2]
    Item.objects.bulk_create(rows)
    workflow.record_history(
        (item, old, new, None if (old, new) in RECTIFYING_MOVES else author, at, note)
        for item, path in zip(rows, steps, strict=True)
        for old, new, at, note in path
    )
    # Every percentage shown was reported in a progress entry (never set silently).
    Progress.objects.bulk_create(
        [
            Progress(
                item=item,
                on=item.progress_on,
                text=PROGRESS[min(item.percent // 20, len(PROGRESS) - 1)],
                percent=item.percent,
                created_at=_moment(item.progress_on, 8),
            )
            for item in rows
            if item.percent
        ],
        batch_size=BATCH,
    )
    return len(rows)


def _bulk_item(rng, R: date, item_list: ItemList, org_id: int, number: int, categories, sources) -> Item:
    # Bulk items go to village and community branches: only problems that fit them.
    title, _category = VILLAGE_PROBLEMS[rng.randrange(len(VILLAGE_PROBLEMS))]
    roll = rng.random()
    if roll < 0.5:
        issued = date(2026, 1, 10) + timedelta(days=rng.randrange(0, (R - date(2026, 1, 10)).days - 5))
    else:  # work still open was mostly handed down in recent months: about one open item in five is overdue
        issued = R - timedelta(days=rng.randrange(5, 100))
    long_term = rng.random() < 0.03
    deadline = None if long_term else issued + timedelta(days=rng.choice((15, 30, 45, 60, 90, 90, 120, 120)))
    closed_on = requested = None
    if roll < 0.5 and not long_term:
        status = S.CLOSED
        latest = min(R, deadline + timedelta(days=40))
        closed_on = issued + timedelta(days=rng.randrange(3, max(4, (latest - issued).days + 1)))
        # The verifier takes a few days (核验用时); lateness is judged at the request.
        requested = max(issued + timedelta(days=3), closed_on - timedelta(days=rng.randrange(0, 6)))
    else:
        status = rng.choice(
            (
                S.HANDED_DOWN,
                S.ACKNOWLEDGED,
                S.RECTIFYING,
                S.RECTIFYING,
                S.RECTIFYING,
                S.CLOSURE_REQUESTED,
                S.RETURNED,
            )
        )
    if status in (S.CLOSURE_REQUESTED, S.RETURNED):  # about two thirds of the way from hand-down to today
        requested = issued + timedelta(days=max(3, (R - issued).days * 2 // 3))
    if status in (S.CLOSED, S.CLOSURE_REQUESTED):
        percent = 100
    elif status == S.HANDED_DOWN:
        percent = 0  # progress is reported only once the item is acknowledged
    else:
        percent = rng.choice((0, 20, 40, 60, 80))
    item = Item(
        item_list=item_list,
        number=number,
        kind=ItemKind.PROBLEM,
        title=title,
        category_id=rng.choice(categories),
        source=rng.choice(sources),
        org_id=org_id,
        supervisor_org_id=item_list.org_id,
        issued_on=issued,
        deadline=deadline,
        original_deadline=None,
        long_term=long_term,
        review_cycle_days=90 if long_term else None,
        measures=measure_for(title) if status not in (S.HANDED_DOWN, S.ACKNOWLEDGED) else "",
        percent=percent,
        status=status,
        closed_on=closed_on,
        closed_by_id=item_list.created_by_id if closed_on else None,
        closure_requested_on=requested,
        created_by_id=item_list.created_by_id,
    )
    item.closed_late = status == S.CLOSED and is_closed_late(item)
    # The day the percentage was reported: just before the closure request, else while rectifying.
    item.progress_on = requested or issued + timedelta(
        days=2 + rng.randrange(0, max(1, (R - issued).days - 1))
    )
    return item
