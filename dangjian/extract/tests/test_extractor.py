"""The offline extractor's rules, each with a sentence from the seeds, and its measured quality."""

from __future__ import annotations

import time
from datetime import date

import pytest

from dangjian.extract import extractor
from dangjian.extract.extractor import OrgRef, extract, make_title, parse_deadline
from dangjian.extract.text import sentences, simplified

from . import seed_labels, seed_labels_000, seed_labels_002
from .scoring import score, seed_path, unit_tree

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


# ------------------------------------------------------------------ titles


def test_a_title_drops_the_enumerator_the_unit_and_the_cue_and_keeps_the_main_clause():
    assert make_title("二要把农村党建经费保障落实到位。") == "把农村党建经费保障落实到位"
    assert make_title("财政局要确保各类资金足额到位；", ["财政局"]) == "确保各类资金足额到位"
    assert make_title(
        "按照《关于加强城市社区工作的实施意见》精神，确保社区干部补贴按新标准如期拨付。"
    ).startswith("确保社区干部补贴")


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
        ("15天内整改到位", date(2026, 3, 17)),
        ("国庆节前完成", date(2026, 9, 30)),
        # 2026-03-02 is a Monday: five working days later is Monday 9 March.
        ("5个工作日内报送", date(2026, 3, 9)),
    ],
)
def test_deadlines_are_dates_relative_to_the_speech(words, expected):
    assert parse_deadline(words, SPEECH)[0] == expected


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


def test_the_hand_labelled_seed_is_extracted_above_the_measured_floor():
    s = score()
    # Floors just under the values measured on the development set (seed 003): a regression fails.
    assert s.task_recall >= 0.97, s.misses
    assert s.task_precision >= 0.97, s.false
    assert s.problem_recall >= 0.95, s.misses
    assert s.problem_precision >= 0.95, s.false
    assert s.units >= 0.9 and s.units_labelled >= 10
    assert s.deadlines >= 0.9 and s.deadlines_labelled >= 5


def test_the_held_out_seed_is_extracted_above_its_measured_floor():
    # Seed 002 was labelled before the rules met it and they were not tuned on it: measured
    # task recall 15/18, precision 15/18, problems 2/3 found and 2 of 3 right.
    s = score(seed_labels_002)
    assert s.task_recall >= 0.8, s.misses
    assert s.task_precision >= 0.8, s.false
    assert s.problem_recall >= 0.6 and s.problem_precision >= 0.6


def test_the_held_out_talk_minutes_show_the_over_generation_on_exhortations():
    # Seed 000 (minutes of political talks), held out: every labelled line is found (4/4 tasks,
    # 3/3 problems) but 10 of the 14 task candidates are exhortations a clerk would drop.
    s = score(seed_labels_000)
    assert s.task_recall >= 0.95 and s.problem_recall >= 0.95, s.misses
    assert s.task_precision >= 0.25 and s.problem_precision >= 0.8, s.false


def test_a_twenty_thousand_character_speech_is_read_in_under_two_seconds():
    text = seed_path().read_text(encoding="utf-8")
    text = (text * (20_000 // len(text) + 1))[:20_000]
    refs, _ids = tree()
    villages = [
        OrgRef(
            pk=1000 + i,
            name=f"中共萍川县第{i}村支部委员会",
            short_name=f"第{i}村党支部",
            kind="branch",
            path=f"0001{i:04d}",
        )
        for i in range(600)
    ]
    started = time.perf_counter()
    extract(text, speech_date=SPEECH, orgs=refs + villages)
    assert time.perf_counter() - started < 2.0


def test_the_quality_command_prints_a_table_per_document_and_overall():
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("extract_quality", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line[:3] for line in lines[1:5]] == ["003", "002", "000", "ove"]
    assert "71/71" in lines[1]


def test_the_bench_case_prints_the_same_quality_table_as_the_command():
    import sys
    from pathlib import Path

    from .scoring import quality_lines

    bench = Path(__file__).resolve().parents[3] / "bench"
    sys.path.insert(0, str(bench))
    try:
        import cases  # noqa: F401  (registers the cases)
        from harness import CASES
    finally:
        sys.path.remove(str(bench))
    case = next(c for c in CASES if c.name.startswith("extraction quality"))
    lines = case.run(None).splitlines()
    # The last column is the time taken, which varies between runs.
    assert [line[:124] for line in lines] == [line[:124] for line in quality_lines()]
    assert len(lines) == 5 and lines[-1].startswith("overall") and "71/71" in lines[1]
