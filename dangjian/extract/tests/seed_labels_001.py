"""Hand labels of seed 001 (a county news report of township secretaries' accountability reports): development.

Labelled by reading the report as the county office's clerk would when typing the 问题交办 and
任务分解 tables, before the extractor was ever run on this seed. The report is mostly narrative
of the meeting; the lines a clerk types from it are the shortcomings raised in the meeting and
the two pieces of work the county secretary handed over. Two paragraphs (the secretary's
points and the supervisor's remarks) are printed twice in the seed: a label matches both copies.
The year of the meeting is not stated (the date only matters for deadlines, and none is stated).

Labelled: the problems the party members' questions and the supervisor named (one label per
sentence that states them), and the two tasks of the secretary's "宋云文强调" paragraph that
hand over work: 全面推行村代会常态制度和社区网格化管理, 全面建成乡村两级基层工作制. No unit
is named for either (the meeting is the townships', but the sentences name none).

Non-tasks, with the reason:
- the headline, the lead paragraph and the photo captions ("县委副书记刘祖欣给乡镇交办问题清单"):
  what happened, told by the reporter — "查摆…存在的问题" names no shortcoming;
- "19位乡镇党委书记…述职", "面对这些热辣提问…表态解决", "县委常委会成员…打分": narrative;
- "如何保证低限运转经费逐额发放到位？": a question that states no shortcoming;
- "在点评环节…", "宋云文对此次述职会表示肯定…", "突出问题导向，这次述职述的是问题…": the
  secretary's assessment of the meeting (praise);
- "要充分认识“抓党建是第一责任”的深刻内涵，进一步强化主业意识" and its two siblings
  (要充分认识…深刻内涵): exhortations of attitude, nothing to hand over; the maxims between
  them ("从严管党治党，关键在书记", "发展是第一要务…", "基层党组织是党在基层的“神经末梢”…");
- "把基层党建工作和四个安乡建设统筹起来…实现…双赢": a general direction of work (统筹, 结合),
  no action a unit could report done — borderline, judged an exhortation;
- "宋云文希望大家以这次述职评议为新的起点…": the closing exhortation;
- "杨先平认为我县在抓基层党建工作时责任明确…在肯定成绩的同时": praise;
- "他建议在下一步工作中，我县要突出重点，发挥…作用，创新管理，加强目标激励…": the
  supervisor's general advice restating the problems as aims — an exhortation;
- the list of leaders present and the credits.
"""

from __future__ import annotations

from datetime import date

SEED = "001_4a0602ec57c1db69.txt"
SPEECH_DATE = date(2018, 1, 16)  # "1月16日"; the year is not stated
REGION_START = "乡镇党委书记期末考"
UNIT_TREE = []

T, P = "task", "problem"

LABELS = [
    # The party members' questions in the meeting: each names a shortcoming, then asks what will be done.
    {"kind": P, "quotes": ["七项重点工作排名靠后"]},
    {"kind": P, "quotes": ["党员冬春训流于形式"]},
    {"kind": P, "quotes": ["不合格党员处置工作不到位"]},
    # The supervisor's three shortcomings, stated in one sentence.
    {"kind": P, "quotes": ["存在重点欠突出"]},
    # The secretary's two pieces of work (the rest of his paragraph is exhortation).
    {"kind": T, "quotes": ["全面推行村代会常态制度和社区网格化管理"]},
    {"kind": T, "quotes": ["全面建成乡村两级基层工作制"]},
]
