"""The offline extractor's rules, each with a sentence from the seeds, and its measured quality."""

from __future__ import annotations

from datetime import date

import pytest

from dangjian.extract import extractor
from dangjian.extract.extractor import OrgRef, extract, make_title, parse_deadline
from dangjian.extract.text import sentences, simplified

from . import seed_labels, seed_labels_000, seed_labels_001, seed_labels_002, seed_labels_004
from .scoring import long_speech, score, seed_path, unit_tree

SPEECH = date(2026, 3, 2)


def one(text: str, **kw):
    found = extract(text, speech_date=kw.pop("speech_date", SPEECH), **kw)
    assert len(found) == 1, [(c.kind, c.quote) for c in found]
    return found[0]


# ------------------------------------------------------------------ reading the text


def test_traditional_characters_are_read_as_simplified_with_positions_kept():
    original = "縣委組織部、兩辦督查室要組織人員明查暗訪,並通報督查情況。"
    assert simplified(original) == "县委组织部、两办督查室要组织人员明查暗访，并通报督查情况。"
    assert len(simplified(original)) == len(original)


def test_sentences_are_cut_at_full_stops_and_semicolons_and_keep_their_positions():
    text = "農村黨建方面:一是多數村的村幹部值班、坐班制度沒有建立;有些村主要領導長期不在崗。"
    cut = sentences(text)
    assert [s.text for s in cut] == [
        "农村党建方面：一是多数村的村干部值班、坐班制度没有建立；",
        "有些村主要领导长期不在岗。",
    ]
    assert text[cut[1].start : cut[1].end] == "有些村主要領導長期不在崗。"


def test_numbered_headings_are_recognised_and_not_taken_as_tasks():
    text = (
        "二、開展基層黨建提升活動的主要任務\n"
        "(一)強化村級黨組織領導核心地位,着力破解聯繫服務羣眾“最後一公里”問題。\n"
        "一要繼續加大村級班子和帶頭人隊伍建設力度。"
    )
    levels = [s.heading for s in sentences(text)]
    assert levels == [1, 2, 0]
    assert [c.title for c in extract(text, speech_date=SPEECH)] == ["继续加大村级班子和带头人队伍建设力度"]


# ------------------------------------------------------------------ tasks, problems, non-tasks


@pytest.mark.parametrize(
    "sentence",
    [
        "二要把農村黨建經費保障落實到位。",  # 003: 要
        "一是必须旗帜鲜明讲政治。",  # 002: 必须
        "財政局要確保各類資金足額到位;",  # 003: 确保
        "黨組書記和機關支部書記都要至少講一次黨課;",  # 003: 至少
    ],
)
def test_a_sentence_with_an_obligation_is_a_task(sentence):
    assert one(sentence).kind == "task"


def test_an_action_verb_inside_a_task_passage_is_a_task():
    text = (
        "三要從嚴要求,不斷強化村幹部管理。"
        "嚴格實行村幹部請銷假制度和重大事項報告制度;建立村幹部工作檔案,實行動態管理。"
    )
    found = extract(text, speech_date=SPEECH)
    assert [c.kind for c in found] == ["task", "task", "task"]


@pytest.mark.parametrize(
    "sentence",
    [
        "有的支部組織生活不正常,工作缺乏主動性和創造性。",  # 003
        "二是理论学习不够。",  # 000
        "党员冬春训流于形式，缺乏实质谋划。",  # 001
    ],
)
def test_a_sentence_naming_a_shortcoming_is_a_problem(sentence):
    assert one(sentence).kind == "problem"


@pytest.mark.parametrize(
    "sentence",
    [
        # 003: praise of past work
        "持續深化“文明社區、和諧家園”創建活動,社區黨建工作得到了有力加強。",
        # 003: a general exhortation
        "各鄉鎮、各部門、各單位一定要認真學習、深刻領會、準確把握,時刻緊繃基層黨建工作這根弦。",
        # 003: reasoning
        "基層黨建提升活動能否取得實效,關鍵在於抓落實,而落實的關鍵在於領導是否重視。",
        # 003: a consequence announced
        "對工作滯後、問題較多的鄉鎮、部門,縣委將對黨委(組)書記進行約談。",
        # 003: background
        "截止目前,全縣共有社會組織X個,已建立黨組織X個,均為單獨建立的黨支部。",
        # 003: the closing call
        "同志們,開展“五位一體”基層黨建提升年活動是一項重大的政治任務,希望大家迅速行動起來。",
    ],
)
def test_praise_reasoning_and_exhortation_are_left_out(sentence):
    assert extract(sentence, speech_date=SPEECH) == []


def test_the_background_section_gives_no_tasks_from_its_action_verbs():
    text = "一、為什麼要開展基層黨建提升活動\n持續深化“文明社區、和諧家園”創建活動。"
    assert extract(text, speech_date=SPEECH) == []


# ------------------------------------------------------------------ exhortations (seeds 000, 001, 004)


@pytest.mark.parametrize(
    "sentence",
    [
        # an obligation to understand, to hold a stance, to have a spirit: nothing to report done
        "1.要深刻認識到,政治談話是督促做到“兩個維護”的深刻警醒。",  # 004
        "要充分认识“抓好党建是最大政绩”的深刻内涵,进一步强化产出意识。",  # 001
        "为此,我们必须对政治谈话要有深刻的认识。",  # 004
        "要始终把担当与责任扛在肩上,大事要事不能卸。",  # 000
        "要敢于担当,敢于负责,敢闯敢干,开创工作新局面。",  # 004
        "大家一定要排除杂念,瞄准目标,担当实干,为推动X高质量发展贡献自己的力量。",  # 004
        "3.要始终保持“严”的主基调。",  # 004
        # an obligation that repeats its condition
        "尤其是作为“一把手”,不能总是掖着护着,要敢于斗争,敢于亮剑,该严肃处理的问题必须严肃处理。",  # 004
        # the addressees named between the cue and the attitude
        "通过政治谈话,提醒同志们在政治上、思想上、行动上和个人廉洁自律上还存在哪些问题,"
        "督促你们更加自觉地接受组织监督,更加自觉地履职尽责、担当作为。",  # 004
        # an obligation with no object of its own
        "对这些深层次的问题和原因,同志们务必坚决克服,加以改进。",  # 004
        "他建议在下一步工作中,我县要突出重点,发挥基层党组织一把手领头作用。",  # 001
        # the balanced call 既要…又要… and 始终要
        "既要着眼当前工作实际难点困难分析问题、提出解决问题办法 ,又要展望未来谋划发展,"
        "始终要坚持政治观点在发展上抬高、看远、想细、谋划未来。",  # 000
        # a cue before an adverbial alone ("要针对…要求") weighs nothing; the balanced call after it
        "要针对政治谈话要求,既要有标准规范内容,又要有谈话质量的体现。",  # 000
        # reasoning that asks why
        "为什么全面从严治党推进这么多年,还存在这样那样的问题,同志们要深刻反省,查找问题根源。",  # 004
        # a sentence that exhorts as a whole
        "在任何时候,都要把党的政治建设这个首要任务抓紧抓好。",  # 004
        "把基层党建工作和四个安乡建设统筹起来,在思想引领、项目引领、平台引领上下功夫,做表率。",  # 001
    ],
)
def test_an_exhortation_of_attitude_is_not_a_task(sentence):
    assert extract(sentence, speech_date=SPEECH) == []


def test_an_exhortation_that_also_hands_over_work_is_a_task():
    # 004: the attitude (人民情怀) comes with the petitions to take up "第一时间", kept as words.
    c = one("要有人民情怀,第一时间受理并化解群众的信访诉求,把矛盾纠纷化解在最基层。")
    assert c.kind == "task" and (c.deadline_words, c.deadline_vague) == ("第一时间", True)
    # 004: 带头 before work is no attitude; "你们作为领导干部" names people, not a unit (干部 ends in 部).
    c = one("你們作為領導幹部,必須帶頭認領問題,主動承擔責任。")
    assert c.kind == "task" and c.unmatched == [] and c.org_ids == []
    # 000: a definition first, the work after it.
    c = one(
        "开展政治谈话就是建设风清气正的政治生态环境,对当前存在的实际问题,要正确对待、迎难而上、妥善安排,"
        "确保各项整改任务按期完成。"
    )
    assert c.kind == "task"


@pytest.mark.parametrize(
    "sentence",
    [
        # what a thing is (…是…)
        "开展政治谈话,是落实主体责任的重要方式,是加强对党员干部日常教育管理监督的有效手段。",  # 004
        "政治谈话就是要坚持问题导向,什么问题突出就重点指出并督促整改什么问题。",  # 004
        "我们各项工作的出发点和落脚点都是为了人民,都要坚持以人民为中心。",  # 004
        "突出问题导向,这次述职述的是问题,谈的是整改,问的是软肋,评的是痛处。",  # 001
        "发展是第一要务,党建是根本保障。",  # 001 (要务 is no obligation)
        # a higher leader quoted
        "习近平总书记指出:“对干部经常开展同志式的谈心谈话,这是个好传统,要注意保持和发扬。”",  # 004
        # a lead that announces what follows
        "开展此次政治谈话,主要基于三个方面考虑:",  # 004
        "镇党委书记刘家水对各社区存在的问题分析指出:",  # 000
        # what happened before
        "党的十八大以来,全县各级党组织坚持党要管党、全面从严治党,为全县政治生态注入了正气和清风。",  # 004
        "前段时间,市纪委书记对我县党政主要负责人开展了政治谈话,严肃指出了我们政治生态存在的问题。",  # 004
        "19位乡镇党委书记面对与会评议代表开展简要谈成绩,重点谈问题和下一步工作打算的述职。",  # 001 (简要)
        # maxims and reasoning
        "从严管党治党,关键在书记。",  # 001
        "党要管党、从严治党,关键要抓住主体责任这个“牛鼻子”。",  # 004
        "问题存在并不可怕,可怕的是熟视无睹,依然我行我素。",  # 004
        "在全面从严治党实践中,我们党深刻认识到,党内存在的很多问题都同政治问题相关联,"
        "都是因为党的政治建设没有抓紧、没有抓实。",  # 004 (没有抓紧 obliges to nothing)
    ],
)
def test_definitions_quotations_leads_and_maxims_are_left_out(sentence):
    assert extract(sentence, speech_date=SPEECH) == []


@pytest.mark.parametrize(
    "sentence",
    [
        # the speaker of minutes quoted is read like the speech itself (001, quoted)
        "宋云文强调:“要以党建述职分级分类为抓手,全面建成乡村两级基层工作制。”",
        # a steadfast push is work, not an attitude (003's task, said 坚定不移)
        "要坚定不移狠抓后进村党组织整顿。",
        # 实事求是 is no definition (000's 坚持实事求实的原则, said right)
        "要坚持实事求是的原则,把问题谈到点子上、直指要害处。",
    ],
)
def test_what_the_exhortation_rules_leave_a_task(sentence):
    assert one(sentence).kind == "task"


@pytest.mark.parametrize(
    "sentence",
    [
        "会上,各乡镇党委书记依次汇报基层党建和个人履职情况,查摆基层党建和个人履职方面存在的问题。",  # 001
        "*存在这样那样的问题,最大的问题还是发展的问题。",  # 004
        "同志们一定要提高站位,逐一对照,看看这些问题是不是在自身不同程度存在,时刻保持清醒的头脑。",  # 004
        "如何保证低限运转经费逐额发放到位?",  # 001: a question that states no shortcoming
    ],
)
def test_problems_referred_to_but_not_named_are_left_out(sentence):
    assert extract(sentence, speech_date=SPEECH) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "党员冬春训流于形式,缺乏实质谋划,今后如何改进?",  # 001
        "会场上,也有党员代表现场质询:七项重点工作排名靠后,乡镇干部有压头情绪,作为党委书记,"
        "采取什么措施缓解干部压力,扭转落后局面?",  # 001
        "“四风”问题树倒根存,作风建设依然任重道远;",  # 004
        # an obligation to see, then the shortcoming seen
        "你们同样要看到,本部门、本区域最大的问题就是贯彻新发展理念不够,发展后劲不足,发展质量不高。",  # 004
    ],
)
def test_a_shortcoming_put_as_a_question_or_to_be_seen_is_a_problem(sentence):
    assert one(sentence).kind == "problem"


# ------------------------------------------------------------------ titles


def test_a_title_drops_the_enumerator_the_unit_and_the_cue_and_keeps_the_main_clause():
    assert make_title("二要把农村党建经费保障落实到位。") == "把农村党建经费保障落实到位"
    assert make_title("财政局要确保各类资金足额到位；", ["财政局"]) == "确保各类资金足额到位"
    assert make_title(
        "按照《关于加强城市社区工作的实施意见》精神，确保社区干部补贴按新标准如期拨付。"
    ).startswith("确保社区干部补贴")


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        # the work after the lever or the manner it is done in (001, 004)
        ("要以党建述职分级分类为抓手,全面建成乡村两级基层工作制。", "全面建成乡村两级基层工作制"),
        (
            "县委将严格按照“三个区分开来”的要求,健全完善容错纠错机制,及时为受到错告诬告的同志澄清正名。",
            "健全完善容错纠错机制",
        ),
        ("县纪委县监委、县委组织部将适时组织开展“回头看”。", "组织开展“回头看”"),
        # past the attitude to the work (004)
        (
            "要有人民情怀,第一时间受理并化解群众的信访诉求,把矛盾纠纷化解在最基层。",
            "第一时间受理并化解群众的信访诉求",
        ),
        # a problem is titled by the clause that names it, without who said it (001, 004)
        (
            "会场上,也有党员代表现场质询:七项重点工作排名靠后,乡镇干部有压头情绪,作为党委书记,"
            "采取什么措施缓解干部压力,扭转落后局面?",
            "七项重点工作排名靠后",
        ),
        (
            "杨先平认为我县党建工作存在重点欠突出、党建活动创新欠亮点,党员队伍活力不够强的问题。",
            "我县党建工作存在重点欠突出、党建活动创新欠亮点",
        ),
        (
            "你们同样要看到,本部门、本区域最大的问题就是贯彻新发展理念不够,发展后劲不足,发展质量不高。",
            "本部门、本区域最大的问题就是贯彻新发展理念不够",
        ),
    ],
)
def test_a_title_is_the_clause_that_states_the_work_or_the_shortcoming(sentence, title):
    assert one(sentence).title == title


def test_a_title_is_never_longer_than_thirty_characters():
    for c in extract(seed_path().read_text(encoding="utf-8"), speech_date=SPEECH):
        assert 0 < len(c.title) <= extractor.TITLE_MAX, c.title


# ------------------------------------------------------------------ deadlines and recurrence


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("确保年底全部到位", date(2026, 12, 31)),  # 003
        ("6月底前形成上下贯通、协调有力的管理体制", date(2026, 6, 30)),  # 003
        ("6月30日前完成", date(2026, 6, 30)),
        ("十一月三十日前报送", date(2026, 11, 30)),
        ("本月底前完成", date(2026, 3, 31)),
        ("三季度末全部完成", date(2026, 9, 30)),
        ("本季度完成专项检查", date(2026, 3, 31)),
        ("上半年完成换届", date(2026, 6, 30)),
        ("一个月内形成盘活利用方案", date(2026, 4, 2)),
        # Numerals as speeches write them, read by cn2an: 两, 十二, 二十五.
        ("两个月内完成整改", date(2026, 5, 2)),
        ("十二月二十五日前报送", date(2026, 12, 25)),
        ("二十天内整改到位", date(2026, 3, 22)),
        ("15天内整改到位", date(2026, 3, 17)),
        ("国庆节前完成", date(2026, 9, 30)),
        # 2026-03-02 is a Monday: five working days later is Monday 9 March.
        ("5个工作日内报送", date(2026, 3, 9)),
    ],
)
def test_deadlines_are_dates_relative_to_the_speech(words, expected):
    assert parse_deadline(words, SPEECH)[0] == expected


def test_a_day_that_is_no_date_gives_no_deadline():
    assert parse_deadline("二月三十日前完成", SPEECH) == (None, "")
    assert parse_deadline("十三月五日前完成", SPEECH) == (None, "")


def test_a_deadline_word_without_a_date_is_kept_and_flagged():
    c = one("而且要儘快發到村幹部手中。")  # 003
    assert (c.deadline, c.deadline_words, c.deadline_vague) == (None, "尽快", True)


def test_long_term_work_is_marked_long_term():
    c = one("要常抓不懈推进软弱涣散村党组织整顿，长期坚持。")
    assert c.long_term and c.deadline is None


def test_a_deadline_before_the_speech_date_is_flagged():
    c = one("要在1月31日前完成整改。", speech_date=date(2026, 3, 2))
    assert c.deadline == date(2026, 1, 31) and c.deadline_early


def test_recurrence_is_read():
    c = one("實行“三會一課”動態登記月報制,建立工作台賬,每月定期向組織部、縣直工委報告組織生活開展情況。")
    assert c.recurrence == "每月"


# ------------------------------------------------------------------ units


def tree():
    refs, ids = unit_tree()
    return refs, ids


def test_units_resolve_by_full_short_and_spoken_names():
    refs, ids = tree()
    assert one("財政局要確保各類資金足額到位;", orgs=refs).org_ids == [ids["caizheng"]]
    assert one("縣財政要把社會組織黨建工作經費納入預算。", orgs=refs).org_ids == [ids["caizheng"]]
    assert one("萍川县财政局要确保资金到位。", orgs=refs).org_ids == [ids["caizheng"]]
    assert one("高坑镇要抓紧完成活动场所建设。", orgs=refs).org_ids == [ids["gaokeng"]]


def test_every_township_is_named_by_ge_xiangzhen():
    refs, ids = tree()
    c = one("各鄉鎮(辦事處)要認真摸清本鄉鎮村級活動場所現狀。", orgs=refs)
    assert set(c.org_ids) == {ids[k] for k in seed_labels.TOWNSHIPS}


def test_agencies_and_two_new_organisations_are_groups():
    refs, ids = tree()
    assert set(one("县直各单位要抓好机关党建。", orgs=refs).org_ids) == {
        ids["zuzhibu"],
        ids["caizheng"],
        ids["minzheng"],
    }
    assert one("两新组织要扩大覆盖面。", orgs=refs).org_ids == [ids["liangxin"]]


def test_a_unit_named_before_carries_over_within_the_paragraph():
    refs, ids = tree()
    text = (
        "各鄉鎮(辦事處)要對照《村幹部管理考核辦法(試行)》,制定實施細則;要指導村上建立村幹部工作日坐班制度。"
    )
    first, second = extract(text, speech_date=SPEECH, orgs=refs)
    assert set(second.org_ids) == set(first.org_ids) == {ids[k] for k in seed_labels.TOWNSHIPS}
    assert second.carried and not first.carried


def test_lead_and_support_are_read():
    refs, _ids = tree()
    assert one("组织部要做好牵头抓总工作；", orgs=refs).role == "lead"
    assert one("民政局要配合抓好村、社区基础设施建设和干部培训；", orgs=refs).role == "support"


def test_a_unit_that_matches_no_organisation_is_kept_as_text():
    refs, _ids = tree()
    c = one("編製辦要積極與上級部門聯繫,爭取成立機構、核實編製。", orgs=refs)
    assert c.org_ids == [] and c.unmatched == ["编制办"]


def test_a_committee_announcing_its_own_work_is_a_task_of_that_committee():
    refs, ids = unit_tree(seed_labels_004)
    c = one(
        "县委将严格按照“三个区分开来”的要求,健全完善容错纠错机制,及时为受到错告诬告的同志澄清正名。",
        orgs=refs,
    )
    assert c.kind == "task" and c.org_ids == [ids["county"]]
    # Several units named together, and a timing word kept.
    c = one("县纪委县监委、县委组织部将适时组织开展“回头看”。", orgs=refs)
    assert set(c.org_ids) == {ids["jiwei"], ids["zuzhibu"]} and c.unmatched == ["县监委"]
    assert (c.deadline, c.deadline_words, c.deadline_vague) == (None, "适时", True)
    # "县委" resolves to the county committee only when that committee is in scope.
    townships = [r for r in refs if r.kind == "township"]
    c = one("县委将严格按照“三个区分开来”的要求,健全完善容错纠错机制。", orgs=townships)
    assert c.org_ids == [] and c.unmatched == ["县委"]


def test_units_never_resolve_outside_the_organisations_given():
    refs, ids = tree()
    only_gaokeng = [r for r in refs if r.pk == ids["gaokeng"]]
    c = one(["各乡镇要抓好落实", "财政局要确保资金到位。"][0] + "。", orgs=only_gaokeng)
    assert c.org_ids == [ids["gaokeng"]]
    assert one("财政局要确保资金到位。", orgs=only_gaokeng).org_ids == []


def test_an_org_ref_without_names_resolves_nothing():
    assert one("财政局要确保资金到位。", orgs=[OrgRef(pk=1, name="")]).org_ids == []


# ------------------------------------------------------------------ quality and speed


def test_traditional_input_gives_the_same_tasks_as_its_simplified_version():
    original = seed_path().read_text(encoding="utf-8")
    refs, _ids = tree()
    a = extract(original, speech_date=SPEECH, orgs=refs)
    b = extract(simplified(original), speech_date=SPEECH, orgs=refs)
    assert [(c.kind, c.title, c.org_ids, c.deadline) for c in a] == [
        (c.kind, c.title, c.org_ids, c.deadline) for c in b
    ]
    assert len(a) > 50


# Floors just under the values measured on each labelled seed (tasks recall, tasks precision,
# problems recall, problems precision), so that a regression on any one of them fails:
# 003 71/71 84/84 21/21 21/21; 001 2/2 4/4 4/4 8/8; 004 8/8 10/14 12/12 18/18;
# 000 4/4 4/6 3/3 7/7; 002 (held out) 15/18 15/18 3/3 3/3.
FLOORS = [
    (seed_labels, (0.97, 0.97, 0.97, 0.97)),
    (seed_labels_001, (0.97, 0.97, 0.97, 0.97)),
    (seed_labels_004, (0.97, 0.7, 0.97, 0.97)),
    (seed_labels_000, (0.97, 0.65, 0.97, 0.97)),
    (seed_labels_002, (0.8, 0.8, 0.97, 0.97)),
]


@pytest.mark.parametrize(("labels", "floors"), FLOORS, ids=lambda v: getattr(v, "SEED", "")[:3])
def test_each_labelled_seed_is_extracted_above_its_measured_floor(labels, floors):
    s = score(labels)
    assert s.task_recall >= floors[0], s.misses
    assert s.task_precision >= floors[1], s.false
    assert s.problem_recall >= floors[2], s.misses
    assert s.problem_precision >= floors[3], s.false


def test_the_five_seeds_together_meet_the_targets_above_their_measured_floor():
    # Measured on the five seeds: tasks 100/103 found, 117/126 right; problems 43/43, 57/57;
    # units 14/14; deadlines 7/7. The targets are 85 %, 75 %, 85 % and 90 %.
    scores = [score(labels) for labels, _floors in FLOORS]

    def total(attr):
        return sum(getattr(s, attr) for s in scores)

    assert total("tasks_hit") / total("tasks_labelled") >= 0.96
    assert total("tasks_correct") / total("tasks_predicted") >= 0.92
    assert total("problems_hit") / total("problems_labelled") >= 0.97
    assert total("problems_correct") / total("problems_predicted") >= 0.97
    assert total("units_right") / total("units_labelled") >= 0.97 and total("units_labelled") >= 14
    assert total("deadlines_right") / total("deadlines_labelled") >= 0.97 and total("deadlines_labelled") >= 7


def test_a_twenty_thousand_character_speech_is_read_whole():
    # Its time (the target: under 2 s) is measured in make bench, not here.
    text, orgs = long_speech()
    found = extract(text, speech_date=SPEECH, orgs=orgs)
    assert len(text) == 20_000 and found[-1].end > 19_000
    assert sum(c.kind == "task" for c in found) > 100


def test_the_bench_times_the_twenty_thousand_character_speech():
    lines = _bench_case("extraction of a 20 000-character speech").run(None)
    assert lines.startswith("20000 characters, 609 organisations in scope: ") and "ms" in lines


def test_the_quality_command_prints_a_table_per_document_and_overall():
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("extract_quality", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line[:3] for line in lines[1:]] == ["003", "001", "004", "000", "002", "ove"]
    assert "71/71" in lines[1]


def _bench_case(name: str):
    import sys
    from pathlib import Path

    bench = Path(__file__).resolve().parents[3] / "bench"
    sys.path.insert(0, str(bench))
    try:
        import cases  # noqa: F401  (registers the cases)
        from harness import CASES
    finally:
        sys.path.remove(str(bench))
    return next(c for c in CASES if c.name.startswith(name))


def test_the_bench_case_prints_the_same_quality_table_as_the_command():
    from .scoring import quality_lines

    lines = _bench_case("extraction quality").run(None).splitlines()
    # The last column is the time taken, which varies between runs.
    assert [line[:124] for line in lines] == [line[:124] for line in quality_lines()]
    assert len(lines) == 7 and lines[-1].startswith("overall") and "71/71" in lines[1]
