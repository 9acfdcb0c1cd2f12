"""Hand labels of seed 002 (a district secretary's speech), section 二: the held-out set.

Labelled before the extractor was ever run on this seed, and the rules were not tuned on it
afterwards: its scores say how the rules do on a speech they were not written for. (Its false
positives were printed beside those of 000, 001 and 004 while the exhortation rules were written;
no rule was written for its sentences, but "存在不少问题" — problems referred to, none named — is
one of the forms the reference rule covers.) Only
tasks and problems are labelled (no units: the district's organisations are not in any tree here).

Non-tasks of the region, with the reason:
- "组织、宣传、统战、政法、群团等工作肩负着…必须用真劲、做实功…": a general exhortation;
- "党的建设是一切工作的统领…", "干部干部，干字当头…", "理论创新每前进一步…": maxims;
- "通过此次省委常规巡视，我区在自查中发现基层党建存在不少问题": announces the problems below;
- "这样的党组织书记，何谈政治执行力…？": a rhetorical question;
- "第二，把准政治导向…" and "无论是理论武装…都要围绕…来谋划和推进": a heading and a general call.
Lead sentences ("一是全面加强政治建设。", "第一，建强组织体系…") belong to the task after them.
"""

from __future__ import annotations

from datetime import date

SEED = "002_d10717b9c570a753.txt"
SPEECH_DATE = date(2021, 3, 2)
REGION_START = "二、明确重点任务"
REGION_END = "二是提高政治站位，守好意识形"
UNIT_TREE = []

T, P = "task", "problem"

LABELS = [
    {"kind": T, "quotes": ["第一，建强组织体系", "组织部门要深入贯彻落实新时代党的建设总要求"]},
    {"kind": T, "quotes": ["一是全面加强政治建设", "教育引导党员干部严守党的政治纪律"]},
    {"kind": T, "quotes": ["两先一优"]},
    {"kind": P, "quotes": ["基层党组织书记配备不到位"]},
    {"kind": P, "quotes": ["被动召开、流于形式"]},
    {"kind": P, "quotes": ["党建与业务“两张皮”"]},
    {"kind": T, "quotes": ["二是推动基层党组织高质量建设", "牢固树立“大抓支部”的鲜明导向"]},
    {"kind": T, "quotes": ["举办基层党组织书记和党务工作者能力素质提升培训班"]},
    {"kind": T, "quotes": ["要打造模范机关"]},
    {"kind": T, "quotes": ["全面落实“四议两公开”", "破解集体经济薄弱难题"]},
    {"kind": T, "quotes": ["重点抓“有形覆盖”向“有效覆盖”"]},
    {"kind": T, "quotes": ["城市党建要完善组织体系"]},
    {"kind": T, "quotes": ["要发挥网格服务功能"]},
    {"kind": T, "quotes": ["严把发展党员入口关"]},
    {"kind": T, "quotes": ["品牌支部"]},
    {"kind": T, "quotes": ["三是突出抓好干部人才队伍建设", "全面贯彻新时期“好干部”标准"]},
    {"kind": T, "quotes": ["要加强干部队伍监督管理"]},
    {"kind": T, "quotes": ["要推进领导干部能上能下的落实"]},
    {"kind": T, "quotes": ["一是把准政治方向，强化理论武装", "继续强化创新理论武装"]},
    {"kind": T, "quotes": ["要永葆政治本色"]},
    {"kind": T, "quotes": ["细化全年能力建设活动清单"]},
]
