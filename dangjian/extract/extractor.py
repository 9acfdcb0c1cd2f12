"""The offline extractor (任务分解): a speech or minutes in, draft tasks and problems out.

Deterministic rules, no network: the text is cut into sentences (``text.sentences``), each is
judged a task (要 / 必须 / 确保 … or an action verb inside a task section), a problem (存在 /
不到位 / 流于形式 …, or a question that first states one) or neither: praise of past work,
reasoning, definitions ("…是…"), quotations of higher leaders, announcements, and general
exhortations — an obligation whose every object is an attitude, an understanding or a stance
("要深刻认识到…", "要始终…", "既要…又要…", "务必坚决克服，加以改进"); a sentence that also
hands over work with a time is a task however it is worded. For each task or problem the rules
find a short title, the responsible organisations named in its subject (full names, short
names, "各乡镇（办事处）" …, carried over from the previous sentence of the same paragraph),
lead or support (牵头 / 配合), the deadline (a date relative to the speech, or a word such as
尽快 kept and flagged), the recurrence and the quote with its position in the original text.

Libraries where they solve the part: OpenCC for traditional characters (``text``), cn2an for numerals
in deadlines. The rules read characters, not words, so no segmenter is loaded (jieba loads a dictionary
of some hundred thousand words for nothing the rules would read); deadline phrases are the closed list below
rather than jionlp's general time parser, whose relative expressions ("年底前") need the speech date and
working-day calendar anyway, and whose dependencies are an order of magnitude larger than this app.
"""

from __future__ import annotations

import calendar as _month_calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import cn2an

from dangjian.core import calendar as working_calendar

from .text import HEADING_1, HEADING_2, HEADING_3, ORDINAL, POINT, Sentence, sentences

TITLE_MAX = 30

# --- what makes a sentence a task --------------------------------------------------------------

# 要 as a verb of obligation, not inside 重要 / 主要 / 需要 / 要求 / 纪要 …
_YAO = r"(?<![重主需只纪摘首概必想将扼不简纲提])要(?![求素点害闻]|务(?!实)|事(?![先前]))"
# "县委将…健全完善…": a named body announcing work it will do (not "将对…约谈", a consequence).
_WILL = r"(?<=[委部局办])将(?!对)(?=[^。；]{0,25}?(?:组织|开展|健全|完善|建立|推进|实施|出台))"
TASK_CUE = re.compile(
    rf"{_YAO}|必须|务必|确保|(?<!没有)(?<!未)抓紧|督促|应(?=定期|及时|按|当|在|把|将|切实|认真)|限期|力争|争取在|"
    rf"至少|不少于|{_WILL}"
)
# An obligation whose object is an attitude, an understanding or a stance, or a verb with no
# object: nothing a unit could report done ("要深刻认识到…", "要始终把…摆在首位", "务必坚决克服，加以改进").
ATTITUDE = re.compile(
    r"^(?:你们|同志们|大家|我们|[^，。；]{0,6}党员(?:干部)?)?"
    r"(?:(?:进一步|一定)?(?:始终|时刻|时时刻刻|在任何时候)|坚定(?!不移)|坚持以人民为中心|(?:充分|深刻|清醒)?认识|深刻(?:剖析|反省|领会)|"
    r"看到|从政治上认识|有[^，。；]{0,14}(?:勇气|意识|精神|情怀|自觉|认识)|敢于|严明|勇于|带头发扬|提高站位|"
    r"排除杂念|锤炼|严肃对待|(?:主动)?(?:乐于)?接受[^，。；]{0,4}监督|更加|冲锋在前|[作做]表率)|"
    r"^(?:坚决|切实|认真)?(?:克服|改进|改正|突出重点)(?=[，。；]|$)"
)
TAUTOLOGY = re.compile(r"^该([\u4e00-\u9fa5]{2,4})的[^，。；]{0,8}?(?:必须|要)\1$")
# Marks of a sentence that exhorts as a whole, whatever its verbs: "在任何时候，都要…", "…上作表率".
EXHORTING = re.compile(r"^在任何时候|[作做]好?表率")
ADVERBIAL_ONLY = re.compile(r"^(?:针对|按照|根据|围绕|对照)[^，。；]*$")
# The balanced call "既要…又要…" and "始终要…": the obligations it holds are the speaker's exhortation.
BALANCED = re.compile(r"(?<=[既又])要|(?<=始终)要|(?<=时刻)要")
# Purpose clauses ("为了确保…") state why, not what.
PURPOSE = re.compile(r"为了确保|为确保|为了")
ACTION_START = re.compile(
    r"^(?:着力|加强|加大|加快|建立|健全|完善|推进|推动|推行|落实|开展|强化|严格|深化|持续|抓好|抓实|做好|实行|"
    r"实现|制定|组织|督促|提升|提高|扎实|积极|认真|切实|进一步|坚持|继续|全面|深入|狠抓|打造|探索|注重|把|"
    r"建设|规范|统筹|优化|发挥|充分|举办|召开|完成|配齐|选派|整顿|清理|指导|定期|及时|重点|突出|广泛|大力|"
    r"从严|改进|聚焦|压实|用好|实施|建好|防止|严把|精心|拓宽|参照|按照|通过|对于|凡有|凡是涉及|以提高|在总结|"
    r"围绕|结合|引导|鼓励|支持|督导|核实|摸清|排查|整改|更新)"
)
# Praise of past work and what happened before: never a task.
PAST = re.compile(
    r"取得了|得到了|构建起|实现了|提升了|提高了|加强了|规范了|引领了|进行了|出台了|打出|已建立|已经|"
    r"开展了|指出了|提出了|召开了|注入了"
)
# What happened before the speech: background, whatever its verbs.
BACKGROUND_START = re.compile(
    r"^(?:近年来|截止目前|截至目前|过去|去年|今年以来|前段时间|[^，。；]{2,16}以来，)"
)
# A clause that says what a thing is, not what to do: "开展政治谈话，是落实主体责任的重要方式",
# "政治谈话就是要坚持问题导向", "其本质上都是政治问题" (not 还是 / 但是 / 特别是 / 凡是 / 不是…而是).
DEFINITION = re.compile(r"(?<![还但别凡其而不若像于总只可即或要求一二三四五六七八九十])是(?![否非不])")
# A higher leader quoted ("习近平总书记指出：“…”"): the speech's authority, not its tasks.
# (The speaker quoted in minutes — "宋云文强调：“要…”" — is read like the speech itself.)
CITATION = re.compile(r"(?:总书记|习近平|毛泽东|邓小平|中央|全会)[^，。；“]{0,12}(?:指出|强调|说)：“")
# Sentences that look like tasks but hand out nothing: reasoning, announcements, exhortations, consequences.
NOT_A_TASK = re.compile(
    r"^(?:具体讲|下面|我讲|主要讲|主要是|上述问题|因为|也正是因为|希望同志们|同志们，|为什么)|"
    r"^[^，。；]{2,20}就是要|"
    r"关键在于|关键在书记|关键要|并不可怕|深刻认识到，|之所以|只有把|则是解决|希望大家|一定要认真学习|各司其职|按照文件要求|确保有新的突破|"
    r"内在动力|迅速行动起来|可能要|将对.{0,30}(?:约谈|问责)|进行问责处理|就是要坚持做到|"
    r"存在一些突出问题和薄弱环节|存在(?:一些|不少)?问题$"
)
# Background sections: their action verbs describe what was done, not what is to be done.
BACKGROUND_SECTION = re.compile(r"为什么|成效|意义|形势|回顾|认识|正视问题")

# --- problems -------------------------------------------------------------------------------

PROBLEM_CUE = re.compile(
    r"存在|不到位|流于形式|滞后|薄弱|不够|不足|不强|不高|不实|不力|缺乏|没有|不严|不规范|形同虚设|不正常|"
    r"偏大|偏低|淡薄|不准|不及时|差距|短板|弱化|虚化|淡化|边缘化|两张皮|走过场|表面化|形式化|不理想|"
    r"不明显|意见很大|不注重|不重视|很少|青黄不接|年久失修|闲置|游离|形式大于内容|拖三拉四|脱离群众|"
    r"不在岗|不善于|得过且过|依赖性强|不上进|有折扣|根深蒂固|不担当|树倒根存|排名靠后"
)
# "查摆…存在的问题", "存在这样那样的问题": problems referred to, none of them named.
PROBLEM_REFERENCE = re.compile(
    r"存在的[^，。；]{0,4}(?:问题|不足|短板)|(?:存在|还有)?(?:这样那样|哪些|什么)的?问题|"
    r"存在(?:不少|一些|很多|较多|许多)?问题(?=[，。；]|$)|是不是[^，。；]{0,12}存在|是否存在"
)
# The question word of a question put in a meeting ("党员冬春训流于形式，…今后如何改进？").
QUESTION = re.compile(r"如何|怎么|怎样|什么|哪些")
SOLUTION = re.compile(r"解决|破解|防止|克服|整改|避免|杜绝")

# --- deadlines and recurrence -------------------------------------------------------------

_NUM = r"(\d{1,2}|[一二两三四五六七八九十]{1,3})"
VAGUE_WORDS = ("尽快", "立即", "马上", "抓紧", "即刻", "第一时间", "适时")
LONG_TERM = re.compile(r"长期坚持|常抓不懈|长期保持")
RECURRENCE = (
    (re.compile(r"每月|逐月|月报"), "每月"),
    (re.compile(r"每季度|逐季"), "每季度"),
    (re.compile(r"每半年"), "每半年"),
    (re.compile(r"每年|每一年"), "每年"),
    (re.compile(r"每周"), "每周"),
)

# --- units ------------------------------------------------------------------------------

LEAD = re.compile(r"牵头")
SUPPORT = re.compile(r"配合")
UNIT_SUFFIX = re.compile(
    r"([\u4e00-\u9fa5A-Za-z0-9]{1,10}?(?:部门|单位|党委|党组|办公室|督查室|工委|委员会|部|办|局|委|室|院|所|乡镇|街道|支部|镇|乡|村|社区|中心|公司|协会|学校))$"
)
GROUPS = (
    # (pattern, group key) — longest first; "本乡镇" / "所在乡镇" name one township, not all.
    (
        re.compile(
            r"各乡镇(?:党委)?(?:（(?:办事处|街道)）)?|(?<![本所在])乡镇（(?:办事处|街道)）|各乡（镇）"
        ),
        "townships",
    ),
    (re.compile(r"县直各单位|县直各部门|县直机关各单位|县直单位"), "agencies"),
    (re.compile(r"两新组织|非公企业和社会组织"), "two_new"),
)


# A subject that is only "县委" / "市委" names the committee of that level (when it is in scope);
# inside a longer name ("县委组织部", "县委办") it never does.
SELF_NAMES = {"县委": "county", "区委": "county", "市委": "city"}


@dataclass(frozen=True)
class OrgRef:
    """An organisation the units may resolve to (in the speaker's scope)."""

    pk: int
    name: str
    short_name: str = ""
    unit_name: str = ""
    kind: str = ""
    sector: str = ""
    path: str = ""


@dataclass
class Candidate:
    """One task or problem found in the text, as the review page shows it."""

    kind: str  # "task" or "problem"
    title: str
    quote: str  # the original text of the sentence
    start: int
    end: int
    sentence: int
    org_ids: list[int] = field(default_factory=list)
    units: list[str] = field(default_factory=list)  # the unit words as written (simplified)
    unmatched: list[str] = field(default_factory=list)  # named units that match no organisation in scope
    role: str = ""  # "lead" / "support" / ""
    deadline: date | None = None
    deadline_words: str = ""
    deadline_vague: bool = False
    deadline_early: bool = False  # before the speech date
    long_term: bool = False
    recurrence: str = ""
    carried: bool = False  # the units were carried over from the previous sentence


# ------------------------------------------------------------------ classification


def _strip_lead(text: str) -> str:
    """The sentence without its enumerator and connective (一是 / （一） / 1. / 同时，)."""
    changed = True
    while changed:
        changed = False
        for pattern in (HEADING_1, HEADING_2, HEADING_3, ORDINAL, POINT):
            m = pattern.match(text)
            if m:
                text = text[m.end() :]
                changed = True
        m = re.match(
            r"^(?:同时|而且|并且|另外|此外|其次|最后|首先|今天会后|我这里强调[一二三四五六七八九十]点)[，：]?",
            text,
        )
        if m and m.end():
            text = text[m.end() :]
            changed = True
    return text.lstrip("，、：")


def classify(sentence: Sentence, *, task_context: bool, problem_context: bool) -> str:
    """Classify one sentence as "task", "problem" or "" (neither), given the passage it stands in."""
    text = sentence.text
    if sentence.heading in (1, 2) or len(text) < 4:
        return ""
    body = _strip_lead(text)
    if text.endswith("？"):
        return "problem" if _questioned_problem(body) else ""
    if NOT_A_TASK.search(text) or NOT_A_TASK.search(body):
        return ""
    if BACKGROUND_START.match(body) or CITATION.search(body) or text.endswith("："):
        return ""
    # What the sentence says a thing is ("…是…") states no work and no shortcoming: read the rest.
    clauses = [c for c in re.split(r"[，：；。]", body) if c]
    said = [c for c in clauses if not DEFINITION.search(re.sub(r"“[^”]*”", "“”", c))]
    if len(said) < len(clauses):
        if not any(TASK_CUE.search(c) for c in said) and not _names_problem("，".join(said)):
            return ""
        body = "，".join(said)
    cue_text = PURPOSE.sub("", body)
    # "一要…" / "二要…": the enumerator itself obliges.
    cues = list(TASK_CUE.finditer(cue_text))
    has_cue = bool(cues) or bool(re.match(r"^[一二三四五六七八九十]{1,2}要", text))
    # "要针对政治谈话要求，既要…": a cue before an adverbial alone obliges to nothing by itself.
    weighed = [m for m in cues if not ADVERBIAL_ONLY.match(_clause_after(cue_text, m))]
    exhorting = bool(EXHORTING.search(body))
    # Work with a time ("第一时间受理…", "年底前…", "每月…") is handed over, however it is worded.
    # ("抓紧抓好" is a grip, not a time.)
    plain = re.sub(r"抓紧抓[好实牢]", "", body)
    timed = any(w in plain for w in VAGUE_WORDS) or any(p.search(plain) for p, _kind in DEADLINES)
    timed = timed or any(p.search(plain) for p, _word in RECURRENCE)
    if not timed and (weighed or exhorting) and (exhorting or all(_exhorts(cue_text, m) for m in weighed)):
        return "problem" if _names_problem(body) else ""
    past = bool(PAST.search(body))
    if past and not (has_cue and re.search(r"了，", body)):
        return "problem" if _names_problem(body) else ""
    if has_cue or (task_context and not problem_context and ACTION_START.match(body)):
        return "task"
    if _names_problem(body):
        return "problem"
    return ""


def _exhorts(text: str, cue: re.Match) -> bool:
    """Whether the obligation at ``cue`` asks for an attitude rather than for work (see ATTITUDE)."""
    if BALANCED.match(text, cue.start()) and cue.start() > 0:
        return True
    clause_end = cue.end() + len(_clause_after(text, cue))
    clause_start = max(text.rfind(p, 0, cue.start()) for p in "，：；") + 1
    # "该严肃处理的问题必须严肃处理": the obligation repeats its condition and adds nothing.
    if TAUTOLOGY.match(text[clause_start:clause_end]):
        return True
    # A clause obliges to an attitude when any of its cues does ("必须对政治谈话要有深刻的认识").
    return any(
        ATTITUDE.search(text[m.end() : clause_end]) for m in TASK_CUE.finditer(text, clause_start, clause_end)
    )


def _clause_after(text: str, cue: re.Match) -> str:
    """The rest of the clause that ``cue`` stands in."""
    return re.split(r"[，：；。]", text[cue.end() :], maxsplit=1)[0]


def _names_problem(body: str) -> bool:
    """Whether the sentence names a shortcoming (not only refers to "存在的问题", not a remedy)."""
    named = PROBLEM_REFERENCE.sub("", body)
    return bool(PROBLEM_CUE.search(named)) and not SOLUTION.search(body)


def _questioned_problem(body: str) -> bool:
    """A question that first states a shortcoming ("党员冬春训流于形式，缺乏实质谋划，今后如何改进？")."""
    clauses = re.split(r"[，：；]", body)
    asked = next((i for i, c in enumerate(clauses) if QUESTION.search(c)), len(clauses))
    return asked > 0 and any(_names_problem(c) for c in clauses[:asked])


# ------------------------------------------------------------------ titles


ADVERBIAL = re.compile(
    r"^(?:按照|根据|参照|对于|对照|以|在|通过|为了|为|围绕|结合|针对|凡|关于|从|比如)|[的后时]$"
)
TOPIC = re.compile(r"^(?:[\u4e00-\u9fa5]{2,8}方面：|比如，|特别是)")
# "杨先平认为…", "宋云文指出：…": who said it, which a title leaves out.
REPORTER = re.compile(r"^[\u4e00-\u9fa5]{2,4}(?:认为|指出|强调)[：，]?")
# "要以党建述职分级分类为抓手": the lever of the work named after it, not the work.
LEVER = re.compile(
    r"^以[^，]{2,20}为(?:抓手|着力点|重点|契机|载体|突破口)$|^(?:针对|按照|根据|对照|围绕)[^，]*要求$"
)
# The obligation that opens a clause ("要…", "大家一定要…", "县委将…").
_OBLIGED = re.compile(rf"^(?:[\u4e00-\u9fa5]{{0,6}}?(?:将|{_YAO}|必须|务必|应当)(?:严格|认真|适时)?)")


def make_title(text: str, units: Sequence[str] = (), kind: str = "task") -> str:
    """A ledger title (≤ 30 characters) from a sentence: its main clause, without enumerator, subject or cue.

    For a problem, the first clause that names the shortcoming ("会场上…质询：七项重点工作排名靠后" →
    "七项重点工作排名靠后"); for a task, the first clause with an obligation that is not an attitude,
    read past an adverbial ("要以党建述职分级分类为抓手，全面建成…" → "全面建成…").
    """
    body = TOPIC.sub("", _strip_lead(text)).strip("。；")
    body = REPORTER.sub("", body)
    clauses = [c for c in re.split(r"[，：]", body) if c]
    main = [
        i for i, c in enumerate(clauses) if not ADVERBIAL.search(c) and not LEVER.match(_OBLIGED.sub("", c))
    ]
    if kind == "problem":
        chosen = next((i for i, c in enumerate(clauses) if _names_problem(c)), main[0] if main else 0)
    else:
        chosen = next((i for i in main if TASK_CUE.search(clauses[i])), main[0] if main else 0)
        cue = TASK_CUE.search(clauses[chosen]) if clauses else None
        if cue and ATTITUDE.search(clauses[chosen][cue.end() :]):
            chosen = next(
                (
                    i
                    for i in main
                    if i > chosen and not _OBLIGED.match(clauses[i]) and not ATTITUDE.search(clauses[i])
                ),
                chosen,
            )
    title = clauses[chosen] if clauses else body
    for extra in clauses[chosen + 1 :]:
        if len(title) >= 8 or len(title) + len(extra) + 1 > TITLE_MAX:
            break
        title = f"{title}，{extra}"
    cue = TASK_CUE.search(title)
    if cue and cue.start() > 0:
        subject = title[: cue.start()]
        if any(subject.startswith(u) for u in units) or UNIT_SUFFIX.search(subject.rstrip("都也还")):
            title = title[cue.start() :]
    title = re.sub(rf"^(?:我们|大家)?(?:也|都|还)?(?:一定)?(?:{_YAO}|必须|务必|应当|应)(?=.{{4}})", "", title)
    title = re.sub(r"^将(?:适时)?(?=.{4})", "", title)
    title = title.strip("，。；：、 ")
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
    return title


# ------------------------------------------------------------------ deadlines


def _number(word: str) -> int:
    """The value of a numeral as a speech writes it (12, 十二, 两); 0 for what is not a numeral (cn2an)."""
    try:
        return int(cn2an.cn2an(word, "smart"))
    except ValueError:
        return 0


def _month_end(year: int, month: int) -> date:
    return date(year, month, _month_calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, _month_calendar.monthrange(year, month)[1]))


DEADLINES = (
    (re.compile(rf"{_NUM}月{_NUM}日(?:前|之前|以前)?"), "day"),
    (re.compile(rf"{_NUM}月(?:底|末|份)(?:前|之前|以前)?"), "month_end"),
    (re.compile(r"本月底|本月内|月底前"), "this_month"),
    (re.compile(r"([一二三四1-4])季度末|第([一二三四1-4])季度"), "quarter"),
    (re.compile(r"本季度(?:末|内)?|季度末"), "this_quarter"),
    (re.compile(r"上半年"), "half"),
    (re.compile(r"下半年|年底|年末|今年内|年内|岁末"), "year_end"),
    (re.compile(rf"{_NUM}个?工作日内"), "working_days"),
    (re.compile(rf"{_NUM}(?:个)?月内"), "months"),
    (re.compile(rf"{_NUM}(?:天|日)内"), "days"),
    (re.compile(rf"{_NUM}(?:个)?(?:周|星期)内"), "weeks"),
    (re.compile(r"国庆节?前"), "national_day"),
    (re.compile(r"元旦前"), "new_year"),
    (re.compile(r"春节前"), "spring_festival"),
)


def parse_deadline(text: str, speech_date: date) -> tuple[date | None, str]:
    """(date, the words as written) of the first deadline in ``text``; (None, "") when there is none."""
    for pattern, kind in DEADLINES:
        m = pattern.search(text)
        if not m:
            continue
        year = speech_date.year
        words = m.group(0)
        if kind == "day":
            month, day = _number(m.group(1)), _number(m.group(2))
            if 1 <= month <= 12 and 1 <= day <= _month_calendar.monthrange(year, month)[1]:
                return date(year, month, day), words
            continue
        if kind == "month_end":
            month = _number(m.group(1))
            if 1 <= month <= 12:
                return _month_end(year, month), words
            continue
        if kind == "this_month":
            return _month_end(year, speech_date.month), words
        if kind == "quarter":
            quarter = _number(m.group(1) or m.group(2))
            if 1 <= quarter <= 4:
                return _month_end(year, quarter * 3), words
            continue
        if kind == "this_quarter":
            return _month_end(year, ((speech_date.month - 1) // 3 + 1) * 3), words
        if kind == "half":
            return date(year, 6, 30), words
        if kind == "year_end":
            return date(year, 12, 31), words
        if kind == "national_day":
            return date(year, 9, 30), words
        if kind == "new_year":
            return date(year, 12, 31), words
        if kind == "spring_festival":
            return _spring_festival_eve(year + (1 if speech_date.month > 2 else 0)), words
        count = _number(m.group(1))
        if kind == "working_days":
            return working_calendar.add_working_days(speech_date, count), words
        if kind == "months":
            return _add_months(speech_date, count), words
        if kind == "days":
            return speech_date + timedelta(days=count), words
        if kind == "weeks":
            return speech_date + timedelta(weeks=count), words
    return None, ""


def _spring_festival_eve(year: int) -> date:
    """The last day before the Spring Festival holiday of ``year`` (Jan 31 when the calendar does not know it)."""
    try:
        periods = working_calendar.statutory_holidays(year)
    except working_calendar.HolidaysUnknown:
        return date(year, 1, 31)
    for period in periods:
        if period.start.month <= 2 and "春" in str(period.name):
            return period.start - timedelta(days=1)
    return date(year, 1, 31)


# ------------------------------------------------------------------ units


class UnitIndex:
    """The organisations in scope under every name a speech may use for them."""

    def __init__(self, orgs: Sequence[OrgRef]):
        self.orgs = list(orgs)
        self.aliases: dict[str, set[int]] = {}
        townships = [o for o in self.orgs if o.kind == "township"]
        self.groups: dict[str, list[int]] = {
            "townships": [o.pk for o in townships],
            "agencies": [
                o.pk
                for o in self.orgs
                if o.sector == "agency"
                and o.kind != "committee"
                and not any(o.path.startswith(t.path) for t in townships)
            ],
            "two_new": [
                o.pk for o in self.orgs if o.kind == "committee" and o.sector in ("non_public", "social_org")
            ]
            or [o.pk for o in self.orgs if o.sector in ("non_public", "social_org")],
        }
        self.own = {
            word: [o.pk for o in self.orgs if o.kind == kind and word[0] in o.name]
            for word, kind in SELF_NAMES.items()
        }
        for org in self.orgs:
            for alias in _aliases(org):
                if len(alias) >= 2:
                    self.aliases.setdefault(alias, set()).add(org.pk)
        self._pattern = (
            re.compile("|".join(re.escape(a) for a in sorted(self.aliases, key=len, reverse=True)))
            if self.aliases
            else None
        )

    def resolve(self, subject: str) -> tuple[list[int], list[str], list[str]]:
        """(organisation ids, unit words found, unit words that match nothing) in a sentence's subject."""
        ids: list[int] = []
        found: list[str] = []
        bare = re.sub(r"^(?:同时|而且|另外)", "", subject).strip()
        own = self.own.get(bare)
        if own:
            # "县委将…健全完善容错纠错机制": the committee of the county itself, named alone.
            return list(own), [bare], []
        taken = [False] * len(subject)
        for pattern, key in GROUPS:
            for m in pattern.finditer(subject):
                if any(taken[m.start() : m.end()]):
                    continue
                found.append(m.group(0))
                ids.extend(i for i in self.groups[key] if i not in ids)
                for k in range(m.start(), m.end()):
                    taken[k] = True
        if self._pattern is not None:
            for m in self._pattern.finditer(subject):
                if any(taken[m.start() : m.end()]):
                    continue
                found.append(m.group(0))
                ids.extend(i for i in sorted(self.aliases[m.group(0)]) if i not in ids)
                for k in range(m.start(), m.end()):
                    taken[k] = True
        unmatched = []
        rest = "".join(ch if not taken[k] else "、" for k, ch in enumerate(subject))
        for part in re.split(r"[、，和及与]", rest):
            part = re.sub(r"^(?:同时|今天会后|活动涉及的|而且)", "", part).strip()
            m = UNIT_SUFFIX.search(part)
            # "你们作为领导干部": people addressed, not a unit (干部 ends in 部).
            if m and len(m.group(1)) >= 2 and not re.search(r"我们|你们|大家|同志|干部$", part):
                unmatched.append(m.group(1))
        return ids, found, unmatched


def _aliases(org: OrgRef) -> set[str]:
    """Every name a speech may use for ``org``: full, short, the unit's, without 中共 / the county / 党支部."""
    names = {org.name, org.short_name, org.unit_name} - {""}
    result = set(names)
    for name in names:
        bare = re.sub(r"^中共", "", name)
        bare = re.sub(r"(?:机关)?(?:总)?(?:党)?(?:支部委员会|支部|党支部|党总支|委员会|党委|党组)$", "", bare)
        if not bare:
            continue
        result.add(bare)
        # 萍川县财政局 → 县财政局 → 财政局; 萍川县高坑镇 → 高坑镇
        m = re.match(r"^[\u4e00-\u9fa5]{1,4}?[县市区](?=[\u4e00-\u9fa5]{2,})", bare)
        if m and org.kind not in ("county", "city", "province"):
            local = bare[m.end() :]
            result.add(local)
            result.add(bare[m.end() - 1 :])
            if local.startswith("委") and len(local) > 2:  # 县委组织部 → 组织部
                result.add(local[1:])
            if local.endswith("局") and len(local) > 2:  # 县财政局 → 县财政
                result.add("县" + local[:-1])
        if bare.startswith(("县委", "县")) and org.kind not in ("county",):
            result.add(bare.removeprefix("县委") if len(bare) > 4 else bare)
            result.add(bare.removeprefix("县"))
    return {r for r in result if len(r) >= 2 and r not in ("县委", "委员会")}


def _subjects(text: str) -> str:
    """The subject words before each obligation cue of a sentence, joined (where its units are named)."""
    parts = []
    body = _strip_lead(text)
    clause_start = 0
    for m in TASK_CUE.finditer(body):
        start = max(body.rfind(p, 0, m.start()) for p in "，；") + 1
        if start >= clause_start and m.start() > start:
            parts.append(body[start : m.start()])
        clause_start = max(clause_start, start + 1)
    hope = re.search(r"希望([^，。；]{2,20})，", text)
    if hope:
        # "希望各乡镇和有关部门，严格按文件精神抓好落实": the units are the ones hoped of.
        parts.append(hope.group(1))
    if not parts:
        # "民政局配合…": the named units stand before the first comma.
        head = re.split(r"[，；：]", _strip_lead(text))[0]
        if len(head) <= 20:
            parts.append(head)
    return "、".join(parts)


# ------------------------------------------------------------------ the whole text


def extract(original: str, *, speech_date: date, orgs: Sequence[OrgRef] = ()) -> list[Candidate]:
    """The draft tasks and problems of ``original`` (any script), units resolved against ``orgs`` only."""
    index = UnitIndex(orgs)
    found: list[Candidate] = []
    task_context = False
    problem_context = False
    paragraph = -1
    previous_units: tuple[list[int], list[str], list[str]] | None = None
    for sentence in sentences(original):
        background = bool(BACKGROUND_SECTION.search(sentence.section))
        if sentence.paragraph != paragraph:
            paragraph = sentence.paragraph
            previous_units = None
            first_kind = classify(sentence, task_context=not background, problem_context=False)
            problem_context = first_kind == "problem" or bool(re.search(r"方面：", sentence.text))
            task_context = not background and not problem_context
        if sentence.heading in (1, 2):
            continue
        kind = classify(sentence, task_context=task_context, problem_context=problem_context)
        if not kind:
            continue
        candidate = _candidate(original, sentence, kind, index, speech_date)
        if kind == "task":
            if candidate.org_ids or candidate.unmatched:
                previous_units = (candidate.org_ids, candidate.units, candidate.unmatched)
            elif previous_units is not None:
                candidate.org_ids, candidate.units, candidate.unmatched = (list(v) for v in previous_units)
                candidate.carried = True
        found.append(candidate)
    return found


def _candidate(
    original: str, sentence: Sentence, kind: str, index: UnitIndex, speech_date: date
) -> Candidate:
    text = sentence.text
    candidate = Candidate(
        kind=kind,
        title="",
        quote=original[sentence.start : sentence.end].strip(),
        start=sentence.start,
        end=sentence.end,
        sentence=sentence.index,
    )
    if kind == "task":
        subject = _subjects(text)
        candidate.org_ids, candidate.units, candidate.unmatched = index.resolve(subject)
        if LEAD.search(text):
            candidate.role = "lead"
        elif SUPPORT.search(text):
            candidate.role = "support"
        candidate.deadline, candidate.deadline_words = parse_deadline(text, speech_date)
        if candidate.deadline is None:
            for word in VAGUE_WORDS:
                if word in text:
                    candidate.deadline_words, candidate.deadline_vague = word, True
                    break
            if LONG_TERM.search(text):
                candidate.long_term = True
                candidate.deadline_words = candidate.deadline_words or LONG_TERM.search(text).group(0)
        candidate.deadline_early = candidate.deadline is not None and candidate.deadline < speech_date
        for pattern, word in RECURRENCE:
            if pattern.search(text):
                candidate.recurrence = word
                break
    candidate.title = make_title(text, candidate.units, kind)
    return candidate
