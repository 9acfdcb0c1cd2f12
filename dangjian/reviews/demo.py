"""The evaluation module's part of the demo county (萍川): last year's session of the township secretaries,
closed with its results and the problem lists handed over; this year's session in progress (some reporters
scored, one being scored, the rest waiting, with on-site questions and comments); and 高坑镇's
"双述双评" of its village secretaries still in preparation — every state of session and reporter.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from dangjian.core.demo import DemoContext

from . import services
from .models import Grade, ReviewSession
from .services import GroupSpec

COUNTY_GROUPS = [
    GroupSpec("县委常委", 30, 7, 5),
    GroupSpec("党代表", 30, 12, 8),
    GroupSpec("部门负责人", 20, 8, 5),
    GroupSpec("党员群众代表", 20, 10, 6),
]
TOWNSHIP_GROUPS = [
    GroupSpec("镇党委班子成员", 40, 7, 5),
    GroupSpec("党员代表", 40, 15, 10),
    GroupSpec("群众代表", 20, 10, 6),
]
POINTS = {"good": 100, "fairly_good": 80, "average": 60, "poor": 40}
THRESHOLDS = {"good": 90, "fairly_good": 80, "average": 60}

PROBLEMS = [
    "党员冬春训流于形式，缺乏实质谋划",
    "不合格党员处置工作不到位",
    "村级低限运转经费未足额发放",
    "软弱涣散村党组织整顿进度滞后",
    "发展党员工作程序不规范",
    "三会一课记录不完整",
    "村级集体经济收入偏低",
    "党员活动室管理使用不规范",
]
QUESTIONS = [
    (
        "党代表",
        "七项重点工作排名靠后，乡镇干部有压头情绪，作为党委书记，采取什么措施扭转落后局面？",
        "建立干部谈心谈话机制，按月通报重点工作，年底前进入全县中游。",
    ),
    ("党代表", "如何保证低限运转经费逐额发放到位？", "已建立经费发放台账，由纪委书记每季度核查一次。"),
    ("党员群众代表", "党员冬春训流于形式，今后如何改进？", "分片区组织现场教学，增加实训比重。"),
    ("部门负责人", "不合格党员处置工作不到位，下段怎么打算？", "一季度内完成摸底，按程序稳妥处置。"),
]
COMMENTS = [
    "述职查摆问题不深不实，避重就轻，对软弱涣散村整顿的责任没有讲透。",
    "抓党建第一责任意识不强，党建与中心工作两张皮，要拿出具体整改措施。",
    "亮点突出，问题查摆到位，但村级集体经济发展办法不多。",
]
GRADE_MIX = {
    "strong": [Grade.GOOD] * 7 + [Grade.FAIRLY_GOOD] * 3,
    "middle": [Grade.GOOD] * 3 + [Grade.FAIRLY_GOOD] * 5 + [Grade.AVERAGE] * 2,
    "weak": [Grade.FAIRLY_GOOD] * 3 + [Grade.AVERAGE] * 5 + [Grade.POOR] * 2,
}


def build(ctx: DemoContext) -> None:
    """Three sessions (closed, in progress, in preparation) through the services."""
    data = ctx.data
    if "users" not in data or "county" not in data:
        return
    with transaction.atomic():
        builder = _Builder(ctx)
        builder.closed_last_year()
        builder.live_this_year()
        builder.township_draft()
    ctx.out(f"  reviews: 3 evaluation sessions, {builder.ballots} anonymous ballots")


class _Builder:
    def __init__(self, ctx: DemoContext):
        self.ctx, self.rng = ctx, ctx.rng
        data = ctx.data
        self.R: date = data.get("reference_day") or date(2026, 11, 22)
        self.users = data["users"]
        self.county = data["county"]
        self.gaokeng = data["gaokeng"]
        self.townships = [t for t in data["townships"] if t.path.startswith(self.county.path)][:19]
        self.ballots = 0

    def host(self):
        return self.users["county_admin"]

    def filer(self, org):
        return self.users["township_a"] if org.pk == self.gaokeng.pk else self.host()

    def session(self, *, org, actor, year, title, held_on, venue, groups, reporters):
        session = services.session_create(
            org=org, actor=actor, year=year, title=title, held_on=held_on, venue=venue, with_comment=True
        )
        services.sheet_update(
            session=session,
            actor=actor,
            groups=groups,
            indicators=[],
            grade_points=POINTS,
            thresholds=THRESHOLDS,
        )
        for reporter_org in reporters:
            secretary = reporter_org.contact_name or f"{reporter_org.label}书记"
            services.reporter_add(session=session, org=reporter_org, secretary=secretary, actor=actor)
        services.credentials_issue(session=session, actor=actor)
        return session

    def file_report(self, reporter, n: int):
        problems = self.rng.sample(PROBLEMS, 3)
        services.report_file(
            reporter=reporter,
            actor=self.filer(reporter.org),
            achievements=(
                f"{reporter.org.label}全年召开党委会专题研究党建工作{6 + n % 5}次，"
                f"整顿软弱涣散村党组织{1 + n % 3}个，新发展党员{8 + n % 7}名，村级集体经济收入均达5万元以上。"
            ),
            problems="\n".join(f"{i}. {p}" for i, p in enumerate(problems, start=1)),
            plans="压紧压实书记抓党建责任，逐村建立问题清单，一季度内完成全部整改事项；推进村级活动场所提档升级。",
        )

    def vote(self, session, reporter, mix: str, *, short_group: str | None = None, share: float = 1.0):
        """Cast ballots from each group's credentials; ``short_group`` falls below its quorum."""
        by_group = {}
        for credential in session.credentials.select_related("group").order_by("pk"):
            by_group.setdefault(credential.group, []).append(credential.code)
        for group, group_codes in by_group.items():
            count = len(group_codes)
            if group.name == short_group:
                count = max(group.quorum - 2, 1)
            count = max(1, round(count * share))
            for code in group_codes[:count]:
                services.ballot_submit(
                    code=code, reporter_id=reporter.pk, grade=self.rng.choice(GRADE_MIX[mix])
                )
                self.ballots += 1

    def closed_last_year(self):
        session = self.session(
            org=self.county,
            actor=self.host(),
            year=self.R.year - 1,
            title=f"{self.R.year - 1}年度乡镇党委书记抓基层党建工作述职评议会",
            held_on=date(self.R.year, 1, 16),
            venue="县委大会议室",
            groups=COUNTY_GROUPS,
            reporters=self.townships,
        )
        services.session_open(session=session, actor=self.host())
        mixes = ["strong", "middle", "weak"]
        reporters = list(session.reporters.select_related("org").order_by("position"))
        for n, reporter in enumerate(reporters):
            self.file_report(reporter, n)
            services.scoring_open(reporter=reporter, actor=self.host())
            question = QUESTIONS[n % len(QUESTIONS)]
            services.question_add(
                reporter=reporter,
                actor=self.host(),
                asker_role=question[0],
                question=question[1],
                answer=question[2],
            )
            services.comment_add(
                reporter=reporter, actor=self.host(), commenter="县委书记", text=COMMENTS[n % 3]
            )
            self.vote(session, reporter, mixes[n % 3], short_group="党员群众代表" if n == 1 else None)
            services.scoring_close(reporter=reporter, actor=self.host())
        services.session_close(session=session, actor=self.host())
        handed_on = date(self.R.year, 1, 20)
        # "整改到位 by the end of the year": not yet due on the reference day, so still open and not escalated.
        deadline = max(date(self.R.year, 12, 31), self.R + timedelta(days=30))
        for reporter in reporters[:4]:
            titles = [line.split(". ", 1)[-1] for line in reporter.problems.splitlines()]
            titles += [q.question for q in reporter.questions.all()][:1]
            services.problems_hand_over(
                reporter=reporter,
                actor=self.host(),
                titles=titles,
                deadline=deadline,
                today=handed_on,
            )

    def live_this_year(self):
        session = self.session(
            org=self.county,
            actor=self.host(),
            year=self.R.year,
            title=f"{self.R.year}年度乡镇党委书记抓基层党建工作述职评议会",
            held_on=self.R,
            venue="县委大会议室",
            groups=COUNTY_GROUPS,
            reporters=self.townships,
        )
        reporters = list(session.reporters.select_related("org").order_by("position"))
        unfiled = 2 if len(reporters) > 4 else 1  # the last townships have not filed yet
        for n, reporter in enumerate(reporters[:-unfiled]):
            self.file_report(reporter, n + 1)
        services.session_open(session=session, actor=self.host())
        scored = min(3, len(reporters) - 1)
        for n, reporter in enumerate(reporters[:scored]):
            services.scoring_open(reporter=reporter, actor=self.host())
            question = QUESTIONS[(n + 1) % len(QUESTIONS)]
            services.question_add(
                reporter=reporter,
                actor=self.host(),
                asker_role=question[0],
                question=question[1],
                answer=question[2],
            )
            services.comment_add(
                reporter=reporter, actor=self.host(), commenter="县委书记", text=COMMENTS[(n + 1) % 3]
            )
            self.vote(session, reporter, ["middle", "strong", "weak"][n])
            services.scoring_close(reporter=reporter, actor=self.host())
        current = reporters[scored]
        services.scoring_open(reporter=current, actor=self.host())
        services.question_add(
            reporter=current,
            actor=self.host(),
            asker_role=QUESTIONS[0][0],
            question=QUESTIONS[0][1],
            answer="",
        )
        self.vote(session, current, "middle", share=0.5)

    def township_draft(self):
        villages = [v for v in self.ctx.data["villages"] if v.path.startswith(self.gaokeng.path)][:8]
        if not villages:
            return
        actor = self.users["township_a"]
        session = self.session(
            org=self.gaokeng,
            actor=actor,
            year=self.R.year,
            title=f"{self.gaokeng.label}{self.R.year}年度村党组织书记“双述双评”会",
            held_on=self.R + timedelta(days=20),
            venue=f"{self.gaokeng.label}政府三楼会议室",
            groups=TOWNSHIP_GROUPS,
            reporters=villages,
        )
        for n, reporter in enumerate(session.reporters.select_related("org").order_by("position")[:3]):
            services.report_file(
                reporter=reporter,
                actor=actor,
                achievements=f"{reporter.org.label}完成党群服务中心改造，新发展党员{1 + n}名。",
                problems="1. 三会一课记录不完整\n2. 党员活动室管理使用不规范",
                plans="建立主题党日清单，逐月落实。",
            )


class _FurtherCounty(_Builder):
    """A further county: its townships and administrator stand where the demo county's personas stand."""

    def __init__(self, ctx: DemoContext):
        data = ctx.data
        ctx = DemoContext(
            scale=ctx.scale,
            seed=ctx.seed,
            rng=ctx.rng,
            out=ctx.out,
            data={**data, "gaokeng": data["townships"][0]},
        )
        super().__init__(ctx)

    def host(self):
        # The demo county's officer holds no role in another county: the system administrator hosts.
        return self.users["admin"]

    def filer(self, org):
        return self.host()


def build_county(ctx: DemoContext) -> None:
    """The ``county`` step: a further county's evaluation of last year, held and closed with its ballots and
    its problems handed over to the ledger (one session a year; this year's is not held yet there)."""
    if not ctx.data.get("townships") or "admin" not in ctx.data.get("users", {}):
        return
    builder = _FurtherCounty(ctx)
    builder.closed_last_year()
    ctx.out(f"  reviews: 1 evaluation session, {builder.ballots} anonymous ballots")


def present() -> bool:
    return ReviewSession.objects.exists()
