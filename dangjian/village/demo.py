"""Village governance's part of the demo county, dated backwards from the reference day.

In the persona township (高坑镇) and the county seat's communities: office rotas and holiday
duty, three months of check-ins with realistic gaps (one village keeps its rota on paper only),
leave in every state (one not back after its end), major-matter reports (two late), work files,
first secretaries (one under the monthly minimum); 四议两公开 decisions at every step (one stuck,
one voted down, one large one reviewed by the township); grid matters in every state in the
communities. Records go through the services; the three months of check-ins are bulk-inserted.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.core.demo import DemoContext
from dangjian.orgs.models import Organisation, Post, PostKind

from . import services
from .duty import due_person_ids
from .models import CADRE_POSTS, CheckIn, Decision, GridMatter, HolidayDuty, Leave, OfficeRota

DAYS_BACK = 92
MAX_VILLAGES = 24
# The city and province scales are for the benchmark: every village and community of the demo gets a
# weekday rota, the last weeks' check-ins (and some leave), and two grids with a year of matters.
BULK_CHECKIN_DAYS = {"city": 30, "province": 10}
BULK_MATTERS_PER_VILLAGE = {"city": 40, "province": 8}
BATCH = 5000


def _first(rows):
    return next(iter(rows), None)


class VillageDemo:
    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.rng = ctx.rng
        data = ctx.data
        self.R: date = data.get("reference_day") or timezone.localdate()
        self.users = data["users"]
        self.admin = self.users["admin"]
        self.secretary_user = self.users["village_a1"]
        self.township_user = self.users["township_a"]
        self.county_user = self.users["county_admin"]
        county = data["county"]
        villages = [v for v in data["villages"] if v.path.startswith(county.path)]
        gaokeng = data["gaokeng"]
        self.home = data["gaokeng_village"]
        self.gaokeng_villages = [v for v in villages if v.path.startswith(gaokeng.path)][:MAX_VILLAGES]
        seat = _first(t for t in data["townships"] if t.path.startswith(county.path) and "城关" in t.name)
        self.communities = [
            v for v in villages if seat and v.path.startswith(seat.path) and v.sector == "community"
        ]
        if not self.communities:
            self.communities = [v for v in villages if v.sector == "community"][:6] or self.gaokeng_villages[
                :3
            ]
        self.communities = self.communities[:8]
        self.villages = list(dict.fromkeys([self.home, *self.gaokeng_villages, *self.communities]))
        self.paper_village = self.gaokeng_villages[-1] if len(self.gaokeng_villages) > 2 else None
        self.posts = {
            v.pk: list(
                Post.objects.filter(org=v, kind__in=CADRE_POSTS)
                .current(self.R)
                .select_related("person")
                .order_by("kind", "pk")
            )
            for v in self.villages
        }
        self.count = {}

    def day(self, offset: int) -> date:
        return self.R - timedelta(days=offset)

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour, minute)))

    def post_of(self, org, kind) -> Post | None:
        return _first(p for p in self.posts[org.pk] if p.kind == kind)

    # --- duty ---

    def link_secretary(self) -> None:
        """The branch-secretary persona signs in as the village's secretary (for "My duty")."""
        secretary = self.post_of(self.home, PostKind.SECRETARY)
        if secretary and self.secretary_user.person_id is None:
            from django.contrib.auth import get_user_model

            if not get_user_model().objects.filter(person=secretary.person).exists():
                self.secretary_user.person = secretary.person
                self.secretary_user.save(update_fields=["person"])

    def rotas(self) -> None:
        since = self.day(DAYS_BACK + 30)
        rows = []
        for village in self.villages:
            people = list(
                dict.fromkeys(p.person_id for p in self.posts[village.pk] if p.kind != PostKind.GRID_MEMBER)
            )
            for i, person_id in enumerate(people):
                # Each cadre sits two or three weekdays; the secretary and the first secretary more.
                weekdays = {1 + (i + k) % 5 for k in range(3 if i < 2 else 2)}
                rows += [
                    OfficeRota(org=village, person_id=person_id, weekday=w, active_from=since)
                    for w in sorted(weekdays)
                ]
        OfficeRota.objects.bulk_create(rows)
        years = sorted({self.day(DAYS_BACK).year, self.R.year})
        for village in self.villages:
            for year in years:
                try:
                    services.holiday_duty_generate(org=village, year=year, actor=self.admin, today=self.R)
                except ValidationError:  # a village without cadres, or a year the calendar does not know
                    continue
        self.count["rota"] = len(rows)

    def checkins(self) -> None:
        rota = list(OfficeRota.objects.filter(org__in=self.villages))
        duties = list(HolidayDuty.objects.filter(org__in=self.villages, day__gte=self.day(DAYS_BACK)))
        first_secretaries = {
            p.person_id for v in self.villages for p in self.posts[v.pk] if p.kind == PostKind.FIRST_SECRETARY
        }
        short = self.short_first_secretary()
        rows = []
        for offset in range(DAYS_BACK, 0, -1):
            day = self.day(offset)
            for org_id, person_id in sorted(due_person_ids(day, rota, duties)):
                if person_id in first_secretaries:
                    continue
                rate = 0.35 if self.paper_village and org_id == self.paper_village.pk else 0.88
                if self.rng.random() < rate:
                    rows.append(self._checkin(org_id, person_id, day))
            # First secretaries live in the village (住村): most working days and some weekends, whatever
            # the rota says — except one, who is mostly away.
            for village in self.villages:
                for post in self.posts[village.pk]:
                    if post.kind != PostKind.FIRST_SECRETARY:
                        continue
                    away = post.person_id == short
                    rate = (0.55 if away else 0.98) if day.weekday() < 5 else (0.05 if away else 0.4)
                    if self.rng.random() < rate:
                        rows.append(self._checkin(village.pk, post.person_id, day))
        CheckIn.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        self.count["checkins"] = len(rows)

    def _checkin(self, org_id: int, person_id: int, day: date) -> CheckIn:
        at = self.at(day, 7 + self.rng.randrange(3), self.rng.randrange(60))
        return CheckIn(
            org_id=org_id,
            person_id=person_id,
            day=day,
            at=at,
            location=self.rng.choice(["", "村委会", "便民服务中心"]),
        )

    def short_first_secretary(self) -> int | None:
        for village in self.gaokeng_villages[1:]:
            post = self.post_of(village, PostKind.FIRST_SECRETARY)
            if post:
                return post.person_id
        return None

    # --- leave and reports ---

    def leave(self) -> None:
        cadres = [p for v in self.villages[:8] for p in self.posts[v.pk] if p.kind != PostKind.GRID_MEMBER]
        if len(cadres) < 6:
            return
        plans = [
            (cadres[1], 40, 2, "县委党校村干部培训", [Leave.Status.APPROVED, Leave.Status.RETURNED]),
            (cadres[0], 20, 1, "赴市里参加招商推介会", [Leave.Status.APPROVED, Leave.Status.RETURNED]),
            (cadres[2], 9, 5, "家中老人住院陪护", [Leave.Status.APPROVED]),  # not back after its end
            (cadres[3], -3, 2, "子女婚事", []),  # waiting for approval
            (cadres[4], 15, 2, "外出务工探亲", [Leave.Status.REFUSED]),
            (cadres[5], -10, 1, "参加乡镇业务培训", [Leave.Status.APPROVED]),
        ]
        for post, offset, days, reason, moves in plans:
            start = self.day(offset)
            try:
                leave = services.leave_request(
                    post=post,
                    starts_on=start,
                    ends_on=start + timedelta(days=days - 1),
                    reason=reason,
                    actor=self.admin,
                )
            except ValidationError:  # the same person holding two posts, or a post begun after the day
                continue
            for to in moves:
                # The organisation department may decide anywhere; the persona secretary decides his village's own.
                approver = self.county_user
                if (
                    leave.org_id == self.home.pk
                    and leave.level == Leave.Level.VILLAGE
                    and to != Leave.Status.RETURNED
                ):
                    approver = (
                        self.secretary_user if self.secretary_user.person_id != leave.person_id else approver
                    )
                note = "换届选举期间原则上不准假" if to == Leave.Status.REFUSED else ""
                services.leave_move(
                    leave=leave,
                    to=to,
                    actor=approver,
                    note=note,
                    returned_on=leave.ends_on + timedelta(days=1),
                )
        self.count["leave"] = len(plans)

    def reports(self) -> None:
        plans = [
            (
                PostKind.SECRETARY,
                "外出（3天以上）",
                7,
                12,
                "赴广东考察特色产业项目，预计外出5天，工作由副书记主持",
            ),
            (
                PostKind.VILLAGE_DIRECTOR,
                "婚丧嫁娶",
                30,
                28,
                "本人女儿出嫁，拟办酒席10桌，不收受管理服务对象礼金",
            ),
            (PostKind.SECRETARY, "涉及集体资金", 25, 27, "村集体拟出借资金5万元用于合作社周转（补报）"),
            (PostKind.GRADUATE_OFFICIAL, "突发事件", 2, 3, "暴雨致村道塌方两处，已设警示标志并组织抢修"),
            (PostKind.FIRST_SECRETARY, "突发事件", 8, 14, "山林火情一处，已扑灭，无人员伤亡（逾期报告）"),
        ]
        n = 0
        for i, (kind, matter, filed_back, occurs_back, text) in enumerate(plans):
            village = self.villages[i % min(len(self.villages), 4)]
            post = self.post_of(village, kind) or self.post_of(village, PostKind.SECRETARY)
            if post is None:
                continue
            report = services.report_file(
                post=post,
                kind=self.kinds[matter],
                occurs_on=self.day(occurs_back)
                if matter != "外出（3天以上）"
                else self.day(filed_back) + timedelta(days=5),
                description=text,
                actor=self.admin,
                today=self.day(filed_back),
            )
            if i % 2 == 0:
                services.report_acknowledge(report=report, actor=self.county_user, note="已知悉")
            n += 1
        self.count["reports"] = n

    def first_secretaries(self) -> None:
        n = 0
        units = ["县农业农村局", "县财政局", "县人民医院", "县供电公司", "县委组织部", "县自然资源局"]
        for village in self.villages:
            post = self.post_of(village, PostKind.FIRST_SECRETARY)
            if post is None:
                continue
            services.posting_create(
                post=post,
                sending_unit=units[n % len(units)],
                started_on=max(post.started_on, self.day(400)),
                ends_on=None,
                actor=self.admin,
            )
            n += 1
        self.count["first secretaries"] = n

    def work_files(self) -> None:
        grades = ["excellent", "competent", "competent", "basic"]
        n = 0
        for i, post in enumerate(p for p in self.posts[self.home.pk] if p.kind != PostKind.GRID_MEMBER):
            for year in (self.R.year - 1, self.R.year):
                done = year < self.R.year
                services.work_file_save(
                    post=post,
                    year=year,
                    actor=self.admin,
                    today=self.R,
                    targets="村集体经济收入增长10%；完成人居环境整治任务；发展党员1名",
                    commitments="为民办实事三件：硬化组道1.2公里、新建便民桥1座、改造自来水管网",
                    grade=grades[i % len(grades)] if done else "",
                    evaluation="群众评议满意率92%" if done else "",
                    remuneration=24000 + 1200 * (i % 3) if done else None,
                    remuneration_paid_on=date(year, 12, 28) if done else None,
                    rewards="获评县级优秀村干部" if done and i == 0 else "",
                    sanctions="",
                )
                n += 1
        self.count["work files"] = n

    # --- 四议两公开 ---

    def decisions(self) -> None:
        villages = self.gaokeng_villages[:6] or [self.home]
        titles = [
            ("村级道路硬化工程（二期）", "project", 380000, 6),
            ("2027年村集体经济发展规划", "plan", 0, 5),
            ("脱贫户产业奖补资金分配方案", "subsidy", 120000, 4),
            ("村部光伏发电项目", "project", 260000, 3),
            ("集体林地流转给农业公司", "land", 1800000, 3),  # large: township review before step 4
            ("村民文化广场改造", "project", 90000, 2),
            ("村规民约修订", "other", 0, 1),
            ("新建冷链仓储设施", "project", 450000, 0),
        ]
        n = 0
        for i, (title, category, amount, steps) in enumerate(titles):
            village = villages[i % len(villages)]
            d = services.decision_create(
                org=village, title=title, category=category, amount=amount, actor=self.creator(village)
            )
            self.walk(d, steps, start=self.day(80 - 6 * i))
            n += 1
        # Voted down at the representatives' meeting: the attempt stays in the history.
        rejected = services.decision_create(
            org=villages[0],
            title="出让村集体荒山开采权",
            category="land",
            amount=300000,
            actor=self.creator(villages[0]),
        )
        self.walk(rejected, 3, start=self.day(50))
        services.decision_record_step(
            decision=rejected,
            step=4,
            held_on=self.day(40),
            actor=self.admin,
            today=self.R,
            minutes="多数代表担心生态破坏，未通过",
            **self.meeting(35, 30, 9, 19, 2),
        )
        # The large decision: reviewed by the township.
        large = Decision.objects.filter(title="集体林地流转给农业公司").first()
        if large is not None:
            services.decision_review(
                decision=large, actor=self.township_user, note="经镇党委会研究，同意提交村民代表会议"
            )
        # Stuck: proposed long ago and nothing since.
        stuck = services.decision_create(
            org=villages[-1],
            title="村集体闲置校舍改建养老服务站",
            category="project",
            amount=150000,
            actor=self.creator(villages[-1]),
        )
        self.walk(stuck, 2, start=self.day(75))
        Decision.objects.filter(pk=stuck.pk).update(status_changed_at=self.at(self.day(74), 10))
        self.count["decisions"] = n + 2

    def creator(self, village):
        """The persona secretary registers his own village's decisions; the administrator the others'."""
        return self.secretary_user if village.pk == self.home.pk else self.admin

    @staticmethod
    def meeting(expected, present, votes_for, against=0, abstain=0):
        return {
            "expected": expected,
            "present": present,
            "votes_for": votes_for,
            "votes_against": against,
            "votes_abstain": abstain,
        }

    def walk(self, decision: Decision, steps: int, start: date) -> None:
        day = start
        for number in range(1, steps + 1):
            data: dict = {}
            if number == 3:
                data = {**self.meeting(42, 36, 33, 1, 2), "minutes": "党员大会审议，同意提交村民代表会议决议"}
            elif number == 4:
                data = {
                    **self.meeting(35, 28, 24, 2, 2),
                    "assembly": "representatives",
                    "minutes": "村民代表会议表决通过",
                }
            elif number in (5, 6):
                data = {
                    "published_where": "村务公开栏、村微信群",
                    "published_from": day,
                    "published_until": day + timedelta(days=7),
                }
            if number == 6:
                implemented = day - timedelta(days=1)
                services.decision_implemented(
                    decision=decision, implemented_on=implemented, actor=self.admin, today=self.R
                )
            services.decision_record_step(
                decision=decision, step=number, held_on=day, actor=self.admin, today=self.R, **data
            )
            day += timedelta(days=3 if number != 5 else 9)

    # --- grid matters ---

    def grids(self) -> None:
        S = GridMatter.Status
        matters = [
            ("楼道堆放杂物影响消防通道", "patrol", "安全隐患", []),
            ("小区路灯不亮", "resident", "公共设施", [S.HANDLING]),
            ("垃圾清运不及时", "hotline", "环境卫生", ["route", S.HANDLING]),
            ("邻里装修噪音纠纷", "resident", "邻里纠纷", [S.HANDLING, S.RESOLVED]),
            ("独居老人申请临时救助", "referral", "民生救助", [S.HANDLING, S.RESOLVED, S.ANSWERED]),
            ("下水道井盖破损", "patrol", "公共设施", [S.HANDLING, S.RESOLVED, S.ANSWERED, S.CLOSED]),
            ("违规饲养家禽", "resident", "环境卫生", [S.HANDLING, S.RESOLVED, "unsatisfied", "reopen"]),
            ("广场舞噪音扰民", "hotline", "邻里纠纷", ["route"]),
        ]
        supervisor = self.county_user  # 督查问效 by somebody who took no part
        n = 0
        for c, community in enumerate(self.communities[:4]):
            grids = [
                services.grid_create(
                    org=community,
                    name=f"第{k}网格",
                    area=f"{k}号楼至{k + 5}号楼",
                    members=[],
                    actor=self.admin,
                )
                for k in (1, 2)
            ]
            for i, (title, source, category, moves) in enumerate(matters):
                registered = self.day(3 + 4 * i + c)
                matter = services.matter_register(
                    grid=grids[i % 2],
                    actor=self.admin,
                    today=self.R,
                    title=title,
                    source=source,
                    category=self.categories[category],
                    registered_on=registered,
                    location=f"{community.short_name or community.name}{grids[i % 2].name}",
                    reporter_name=self.rng.choice(["王女士", "李先生", "张大爷", "刘阿姨"]),
                    reporter_phone=f"139{self.rng.randrange(10**8):08d}",
                )
                township = Organisation.objects.filter(path=community.path[:-4]).first()
                for move in moves:
                    matter.refresh_from_db()
                    if move == "route" and township is not None:
                        services.matter_route(
                            matter=matter, to_org=township, reason="涉及多部门，需镇街协调", actor=self.admin
                        )
                    elif move == S.HANDLING:
                        services.matter_move(matter=matter, to=S.HANDLING, actor=self.admin, today=self.R)
                    elif move == S.RESOLVED:
                        late = i % 3 == 0
                        day = min(self.R, registered + timedelta(days=12 if late else 2))
                        services.matter_move(
                            matter=matter,
                            to=S.RESOLVED,
                            actor=self.admin,
                            measures="网格员上门协调处置，已整改到位",
                            resolved_on=day,
                            today=self.R,
                        )
                    elif move in (S.ANSWERED, "unsatisfied"):
                        services.matter_move(
                            matter=matter,
                            to=S.ANSWERED,
                            actor=self.admin,
                            feedback_how="电话回访",
                            feedback_on=matter.resolved_on,
                            satisfaction="unsatisfied" if move == "unsatisfied" else "satisfied",
                            today=self.R,
                        )
                    elif move == S.CLOSED:
                        services.matter_move(
                            matter=matter, to=S.CLOSED, actor=supervisor, note="回访满意，办结"
                        )
                    elif move == "reopen":
                        services.matter_move(
                            matter=matter, to=S.HANDLING, actor=supervisor, note="群众不满意，督促重新处置"
                        )
                n += 1
        self.count["grid matters"] = n

    def dictionaries(self) -> None:
        """The shared entries (installed by the migration), and the county's own: a category of its
        communities' matters with a longer limit, and one it no longer uses."""
        from .models import GridCategory, ReportKind

        county = self.ctx.data["county"]
        services.dictionary_defaults_install()  # gone when the database was flushed before the demo
        for name, days, active in (("物业管理", 10, True), ("违章搭建", 5, False)):
            services.dictionary_entry_create(
                model=GridCategory,
                org=county,
                actor=self.county_user,
                name=name,
                order=60,
                respond_days=1,
                resolve_days=days,
                active=active,
            )
        self.categories = {c.name: c for c in GridCategory.objects.applying_to(county)}
        self.kinds = {k.name: k for k in ReportKind.objects.applying_to(county)}

    def build(self) -> None:
        self.dictionaries()
        self.link_secretary()
        self.rotas()
        self.checkins()
        self.leave()
        self.reports()
        self.first_secretaries()
        self.work_files()
        self.decisions()
        self.grids()


class VillageBulk:
    """The bulk records of the benchmark scales, bulk-inserted (their rules are tested on the hand-made ones).

    Villages the hand-made part already covers are left alone, so its stories stay as told.
    """

    def __init__(self, ctx: DemoContext, done: set[int]):
        from .models import GridCategory

        self.ctx, self.rng = ctx, ctx.rng
        self.R: date = ctx.data.get("reference_day") or timezone.localdate()
        self.villages = [v for v in ctx.data["villages"] if v.pk not in done]
        self.categories = list(GridCategory.objects.filter(org__isnull=True, active=True))
        self.count: dict[str, int] = {}

    def _insert(self, model, rows: list, **options) -> int:
        model.objects.bulk_create(rows, batch_size=BATCH, **options)
        return len(rows)

    def duty(self, days: int) -> None:
        from .duty import rota_weekday

        cadres: dict[int, list[int]] = {}
        for org_id, person_id in (
            Post.objects.filter(org__in=self.villages, kind__in=CADRE_POSTS)
            .exclude(kind=PostKind.GRID_MEMBER)
            .current(self.R)
            .order_by("org_id", "kind", "pk")
            .values_list("org_id", "person_id")
        ):
            if person_id not in cadres.setdefault(org_id, []):
                cadres[org_id].append(person_id)
        since = self.R - timedelta(days=days + 30)
        weekdays: dict[tuple[int, int], set[int]] = {}
        rota, leave = [], []
        for org_id, people in cadres.items():
            for i, person_id in enumerate(people):
                weekdays[(org_id, person_id)] = {1 + (i + k) % 5 for k in range(3 if i < 2 else 2)}
                rota += [
                    OfficeRota(org_id=org_id, person_id=person_id, weekday=w, active_from=since)
                    for w in sorted(weekdays[(org_id, person_id)])
                ]
                if self.rng.random() < 0.03:  # a few cadres on approved leave in the period
                    start = self.R - timedelta(days=self.rng.randrange(days))
                    leave.append(
                        Leave(
                            org_id=org_id,
                            person_id=person_id,
                            starts_on=start,
                            ends_on=start + timedelta(days=self.rng.randrange(1, 5)),
                            reason="外出学习培训",
                            level=Leave.Level.VILLAGE,
                            status=Leave.Status.APPROVED,
                        )
                    )
        self.count["bulk rota"] = self._insert(OfficeRota, rota)
        self.count["bulk leave"] = self._insert(Leave, leave)
        checkins, inserted = [], 0
        for offset in range(days, 0, -1):
            day = self.R - timedelta(days=offset)
            weekday = rota_weekday(day)
            if weekday is None:
                continue
            for (org_id, person_id), sits in weekdays.items():
                if weekday in sits and self.rng.random() < 0.85:
                    at = timezone.make_aware(datetime.combine(day, time(7 + self.rng.randrange(3))))
                    checkins.append(CheckIn(org_id=org_id, person_id=person_id, day=day, at=at))
            if len(checkins) >= BATCH * 4:
                inserted += self._insert(CheckIn, checkins, ignore_conflicts=True)
                checkins = []
        self.count["bulk check-ins"] = inserted + self._insert(CheckIn, checkins, ignore_conflicts=True)

    def grids(self, per_village: int) -> None:
        from dangjian.core import calendar

        from .models import Grid

        S = GridMatter.Status
        grids = self._insert(
            Grid, [Grid(org=v, name=f"第{k}片区网格", area=f"{k}组") for v in self.villages for k in (1, 2)]
        )
        self.count["bulk grids"] = grids
        by_org: dict[int, list] = {}
        for grid in Grid.objects.filter(org__in=self.villages, name__endswith="片区网格"):
            by_org.setdefault(grid.org_id, []).append(grid)
        townships = {v.pk: v.path[: -v.steplen] for v in self.villages}
        township_ids = dict(
            Organisation.objects.filter(path__in=set(townships.values())).values_list("path", "pk")
        )
        limits: dict[tuple[date, int], tuple[date, date]] = {}

        def limit(day: date, category) -> tuple[date, date]:
            key = (day, category.pk)
            if key not in limits:
                limits[key] = (
                    calendar.add_working_days(day, category.respond_days),
                    calendar.add_working_days(day, category.resolve_days),
                )
            return limits[key]

        titles = ["楼道堆放杂物", "路灯不亮", "垃圾清运不及时", "邻里噪音纠纷", "井盖破损", "违规饲养家禽"]
        states = (
            [S.CLOSED] * 12 + [S.ANSWERED] * 2 + [S.RESOLVED, S.HANDLING, S.HANDLING, S.ROUTED, S.REGISTERED]
        )
        rows, total = [], 0
        for village in self.villages:
            for n in range(per_village):
                registered = self.R - timedelta(days=self.rng.randrange(365))
                category = self.rng.choice(self.categories)
                respond_by, resolve_by = limit(registered, category)
                status = self.rng.choice(states) if registered < self.R - timedelta(days=20) else S.HANDLING
                done = status in (S.RESOLVED, S.ANSWERED, S.CLOSED)
                resolved = (
                    min(self.R, registered + timedelta(days=self.rng.randrange(1, 12))) if done else None
                )
                answered = status in (S.ANSWERED, S.CLOSED)
                routed = status == S.ROUTED and townships[village.pk] in township_ids
                rows.append(
                    GridMatter(
                        org=village,
                        grid=by_org[village.pk][n % 2],
                        handler_org_id=township_ids[townships[village.pk]] if routed else village.pk,
                        source=self.rng.choice(["resident", "patrol", "hotline", "referral"]),
                        category=category,
                        title=self.rng.choice(titles),
                        registered_on=registered,
                        respond_by=respond_by,
                        resolve_by=resolve_by,
                        responded_on=registered if status != S.REGISTERED and not routed else None,
                        resolved_on=resolved,
                        measures="网格员上门协调处置" if done else "",
                        feedback_how="电话回访" if answered else "",
                        feedback_on=resolved if answered else None,
                        satisfaction=self.rng.choice(["satisfied"] * 6 + ["basic"] * 2 + ["unsatisfied"])
                        if answered
                        else "",
                        status=status,
                    )
                )
            if len(rows) >= BATCH * 4:
                total += self._insert(GridMatter, rows)
                rows = []
        self.count["bulk grid matters"] = total + self._insert(GridMatter, rows)


def build(ctx: DemoContext) -> None:
    """Add village governance records to the demo county (needs the orgs and accounts contributors)."""
    if "users" not in ctx.data or "county" not in ctx.data:
        return
    with transaction.atomic():
        demo = VillageDemo(ctx)
        demo.build()
    ctx.out("  village: " + ", ".join(f"{n} {what}" for what, n in demo.count.items()))
    days, per_village = BULK_CHECKIN_DAYS.get(ctx.scale, 0), BULK_MATTERS_PER_VILLAGE.get(ctx.scale, 0)
    if days or per_village:
        with transaction.atomic():
            bulk = VillageBulk(ctx, {v.pk for v in demo.villages})
            bulk.duty(days)
            bulk.grids(per_village)
        ctx.out("  village: " + ", ".join(f"{n} {what}" for what, n in bulk.count.items()))


def build_county(ctx: DemoContext) -> None:
    """The ``county`` step: two years of a further county's office duty — every village secretary on the rota
    one weekday a week since two years ago, checked in on almost every such working day."""
    from dangjian.core import calendar

    data, rng = ctx.data, ctx.rng
    R: date = data["reference_day"]
    start = R - timedelta(days=730)
    secretaries = data["secretaries"]
    working: dict[date, bool] = {}
    rota, checkins = [], []
    for village in data["villages"]:
        person_id = secretaries.get(village.pk)
        if person_id is None:
            continue
        weekday = rng.randint(1, 5)
        rota.append(OfficeRota(org=village, person_id=person_id, weekday=weekday, active_from=start))
        day = start + timedelta(days=(weekday - 1 - start.weekday()) % 7)
        while day <= R:
            if day not in working:
                working[day] = calendar.is_working_day(day)
            if working[day] and rng.random() < 0.95:
                at = timezone.make_aware(datetime.combine(day, time(7 + rng.randrange(3), rng.randrange(60))))
                checkins.append(
                    CheckIn(
                        org=village,
                        person_id=person_id,
                        day=day,
                        at=at,
                        location=rng.choice(["", "村委会", "便民服务中心"]),
                    )
                )
            day += timedelta(days=7)
    OfficeRota.objects.bulk_create(rota, batch_size=2000)
    CheckIn.objects.bulk_create(checkins, batch_size=5000, ignore_conflicts=True)
    ctx.out(f"  village: {len(rota)} rota days, {len(checkins)} check-ins in two years")
