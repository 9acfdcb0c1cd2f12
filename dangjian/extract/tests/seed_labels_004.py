"""Hand labels of seed 004 (a deputy county head's collective political talk with department heads
and township deputies): development.

Labelled by reading the talk as the county office's clerk would when typing the 任务分解表 and
the problem list, before the extractor was ever run on this seed. Like seed 000, a political talk
is mostly exhortation ("要深刻认识到…", "要始终…", "同志们务必坚决克服…"), which a clerk does not
turn into ledger lines; what a clerk does type is the problems the talk names (section 二: the
county's political ecology and its five causes) and the few requirements that hand over work a
unit can report done. The date of the talk is not stated (after the 2021 换届); the only timing
words are "第一时间" and "适时", kept as words.

Labelled tasks: the rectification after the talk (认领问题, 清单制销号, 建章立制); the follow-up
check (回头看) by the county discipline commission and the organisation department; the handling
of petitions (信访); the campaign against misconduct close to the people (整治群众身边不正之风和
腐败问题); the 末位表态制 of the 一把手; the 清廉X building; the "1+n" system; the county
committee's fault-tolerance mechanism (容错纠错).

Non-tasks, with the reason:
- the title, the header and "同志们："; "根据县委统一安排，今天我们…开展政治谈话…": the occasion;
- "一是上级有要求…明确要求各级党委尽快做好…": what the province asked before (background);
- "二是自身有责任…", "我有责任与大家一起…", "三是现实有需要…形势依然严峻复杂": why the talk is held;
- "下面…我谈三点意见", the headings 一、二、三、: announcements;
- section 一 (1. 2. 3. "要深刻认识到…"): the talk's nature and attitude, exhortations of
  understanding ("我们必须对政治谈话要有深刻的认识", "同志们一定要认识到…", "既要严肃对待此次谈话…
  又要加强对其它班子成员和下属的监督", "各级党组织要负好主体责任，书记要负好第一责任人责任…",
  "同志们必须要有全面从严治党的责任意识…"); its past narrative ("前段时间，市纪委书记…指出了…问题")
  and its reasoning ("党内存在的很多问题都同政治问题相关联…");
- "我们必须要有直面问题的勇气…", "同志们…一定要提高站位，逐一对照…", "同志们要深刻反省，查找问题根源",
  "对这些深层次的问题和原因，同志们务必坚决克服，加以改进", "问题存在并不可怕…": exhortations;
- "这些问题不是某个人的问题…", "之所以出现这些问题…": reasoning that announces the causes;
- section 三's leads and exhortations of attitude: "我们要时时刻刻把责任放在心里…",
  "1.要始终把党的政治建设摆在首位", "都要把党的政治建设这个首要任务抓紧抓好", "要持续强化理论武装…",
  "要锤炼对党绝对忠诚的政治品格…", "要严明政治纪律和政治规矩…", "要坚持把政治标准和政治要求贯穿…",
  "2.要始终站稳人民立场", "同志们一定要时刻站在群众的角度想问题…", "3.要始终保持“严”的主基调",
  "要带头扛起主体责任…", "作为“一把手”要带头发扬民主…", "要严肃执纪问责，综合运用…“四种形态”…"
  (how to supervise in general, nothing to deliver), "尤其是作为“一把手”…要敢于斗争…",
  "4.要始终凝心聚力推动X高质量跨越式发展", "大家要始终把发展作为第一要务…", "要敢于担当…",
  "大家一定要排除杂念…": the closing call;
- the maxims ("民心是最大的政治", "守土有责，守土尽责", "政治上出现偏差…") and
  "存在这样那样的问题，最大的问题还是发展的问题" (announces the problem after it).
"""

from __future__ import annotations

from datetime import date

SEED = "004_5847f394c549e8c0.txt"
SPEECH_DATE = date(2021, 10, 15)  # not stated: after the 2021 换届
REGION_START = "根据县委统一安排"
REGION_END = "47 3038637"

# The units the talk names (a fictional county: the seed writes "X").
UNIT_TREE = [
    ("county", "中共萍川县委员会", "萍川县委", "county", "mixed", None),
    ("jiwei", "中共萍川县纪律检查委员会", "县纪委", "committee", "agency", "county"),
    ("zuzhibu", "中共萍川县委组织部机关支部委员会", "县委组织部机关党支部", "branch", "agency", "county"),
    ("gaokeng", "中共萍川县高坑镇委员会", "高坑镇党委", "township", "mixed", "county"),
    ("qingshan", "中共萍川县青山镇委员会", "青山镇党委", "township", "mixed", "county"),
]

T, P = "task", "problem"

LABELS = [
    # 二、1. The county's political ecology: each ；-clause names one problem.
    {"kind": P, "quotes": ["忽视政治、淡化政治、不讲政治的问题依然存在"]},
    {"kind": P, "quotes": ["损害营商环境的问题依然存在"]},
    {"kind": P, "quotes": ["违规从事营利活动问题依然大量存在"]},
    {"kind": P, "quotes": ["问题树倒根存"]},
    {"kind": P, "quotes": ["纪律意识、规矩意识和程序意识不强"]},
    {"kind": P, "quotes": ["好人主义盛行"]},
    # 二、2. The five causes, each a lead clause and its explanation (any of its sentences states it).
    {"kind": P, "quotes": ["一是政治思维和政治站位存在偏差", "旗帜鲜明讲政治的行动不够"]},
    {"kind": P, "quotes": ["二是责任担当不到位", "有的缺乏敬业精神", "有的缺乏责任担当"]},
    # Section 一 names the same shortcoming as the third cause.
    {
        "kind": P,
        "quotes": ["三是压力传导不到位", "对管党治党的重点任务、职责要求不清晰", "与主体责任压得不够严实"],
    },
    {"kind": P, "quotes": ["四是问题查处不到位", "监督管理有盲区"]},
    {"kind": P, "quotes": ["五是制度执行不到位", "在健全完善制度上差距较大"]},
    # 三、4. The development problem of each department and area.
    {"kind": P, "quotes": ["最大的问题就是贯彻新发展理念不够"]},
    # 二、3. The rectification after the talk: claim the problems, close them by list, build rules.
    # Its lead sentence "3.要加快整改问题、净化政治生态的步伐" states the same task (as in 002 and 003;
    # it was left out of the first labelling by an oversight and added when the table showed it).
    {"kind": T, "quotes": ["以“清单制”推进问题销号", "必须带头认领问题", "要加快整改问题"]},
    {"kind": T, "quotes": ["将适时组织开展“回头看”"], "units": {"jiwei", "zuzhibu"}, "words": "适时"},
    # 三、2.
    {"kind": T, "quotes": ["第一时间受理并化解群众的信访诉求"], "words": "第一时间"},
    {"kind": T, "quotes": ["持续整治群众身边不正之风和腐败问题"]},
    # 三、3.
    {"kind": T, "quotes": ["坚决落实一把手“末位表态制”"]},
    {"kind": T, "quotes": ["要以“清廉X”建设为着力点"]},
    # 三、4.
    {"kind": T, "quotes": ["严格落实“1+n”制度"]},
    {"kind": T, "quotes": ["健全完善容错纠错机制"], "units": {"county"}},
]
