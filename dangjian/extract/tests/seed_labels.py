"""Hand labels of seed 003 (a county secretary's speech, traditional characters): the development set.

Labelled by reading the speech as the county office's clerk would when typing the 任务分解表,
before the rules were written. Each label is one line of that table: a task (任务) or a problem
(问题), the snippets (simplified) of the sentences that state it — any of them found in a
candidate's sentence counts as finding it, so an extractor that splits a task over two
sentences is not punished, but each label counts once —, and where the speech says them,
the responsible units (as resolved against ``UNIT_TREE`` below) and the deadline.

Everything from the heading "一、为什么要开展基层党建提升活动" to the end is labelled; a
sentence of that region that no label names is a non-task, and an extracted candidate there
that matches no label is a false positive. Non-tasks, with the reason:
- section 一's "一是…五是" (sentences 12–18): praise of past work (取得了, 得到了有力加强);
- "各领域还存在一些突出问题和薄弱环节": announces the problems, is none itself;
- "上述问题有的是普遍性的…", "希望同志们认真回顾总结…", "因为只有把问题找准了…",
  "也正是因为存在这些问题…", "开展…提升活动，则是解决这些问题的有力抓手": reasoning;
- "各乡镇、各部门、各单位一定要认真学习、深刻领会、准确把握…": a general exhortation;
- "为增强提升年活动的可操作性，县委组织部…进行了摸底…", "研究出台了《…实施方案》": past work;
- "各乡镇、各部门要按照文件要求，突出工作重点…": a general exhortation with no object of its own;
- "具体讲，就是要坚持做到“五个强化”": announces the list;
- the headings （一）…（五） and 一、二、三、: they group the tasks below them;
- "主要是三大块：…", "市上可能要拿出一部分资金…": explanation;
- "截止目前，全县共有社会组织X个…": background; "今年要下功夫补短板、促提升，确保有新的突破": no action;
- "不断激发广大党务工作者和党员干部的内在动力": an aim, no action;
- "基层党建提升活动能否取得实效，关键在于抓落实…": reasoning;
- "对工作滞后、问题较多的乡镇、部门，县委将对党委（组）书记进行约谈",
  "凡是发现瞒报虚报的…将…进行问责处理": consequences announced, not tasks;
- "活动涉及的有关部门要各司其职、密切配合…": a general exhortation;
- "为了确保…中省市分别建立了报告制度…", "县上也建立相应制度": what others did / a statement;
- "去年下半年以来…", "过去我们收到上级暗访的信息…", "同时，活动推进情况将作为2020年…依据",
  "同志们，开展“五位一体”…": reasoning, announcements and the closing call.
A short lead sentence ("一是注重基础保障。", "三是要创新举措。") is part of the task that follows it.
"""

from __future__ import annotations

from datetime import date

SEED = "003_3c685c5763c7bd7f.txt"
SPEECH_DATE = date(2020, 3, 2)
REGION_START = "一、为什么要开展基层党建提升活动"

# The organisation tree the units are resolved against: (key, full name, short name, kind, sector, parent key).
UNIT_TREE = [
    ("county", "中共萍川县委员会", "萍川县委", "county", "mixed", None),
    ("gaokeng", "中共萍川县高坑镇委员会", "高坑镇党委", "township", "mixed", "county"),
    ("qingshan", "中共萍川县青山镇委员会", "青山镇党委", "township", "mixed", "county"),
    ("matian", "中共萍川县麻田乡委员会", "麻田乡党委", "township", "mixed", "county"),
    ("jiguan", "中共萍川县直属机关工作委员会", "县直机关工委", "committee", "agency", "county"),
    ("zuzhibu", "中共萍川县委组织部机关支部委员会", "县委组织部机关党支部", "branch", "agency", "jiguan"),
    ("caizheng", "中共萍川县财政局机关支部委员会", "财政局机关党支部", "branch", "agency", "jiguan"),
    ("minzheng", "中共萍川县民政局机关支部委员会", "民政局机关党支部", "branch", "agency", "jiguan"),
    (
        "liangxin",
        "中共萍川县非公有制经济组织和社会组织委员会",
        "县两新组织党委",
        "committee",
        "non_public",
        "county",
    ),
]
TOWNSHIPS = {"gaokeng", "qingshan", "matian"}

T, P = "task", "problem"
END_OF_YEAR = date(2020, 12, 31)

LABELS = [
    # 农村党建方面的问题
    {"kind": P, "quotes": ["多数村的村干部值班、坐班制度没有建立"]},
    {"kind": P, "quotes": ["有些村主要领导长期不在岗"]},
    {"kind": P, "quotes": ["致富带头能力不强"]},
    {"kind": P, "quotes": ["不善于做群众工作"]},
    {"kind": P, "quotes": ["使党员队伍青黄不接"]},
    {"kind": P, "quotes": ["一些村干部年龄偏大"]},
    {"kind": P, "quotes": ["不少村活动场所年久失修"]},
    {"kind": P, "quotes": ["大多数村没有集体积累"]},
    # 社区、非公、社会组织、机关党建方面的问题
    {"kind": P, "quotes": ["形式大于内容"]},
    {"kind": P, "quotes": ["社区网格化管理工作还没有全面覆盖"]},
    {"kind": P, "quotes": ["重要性认识不足"]},
    {"kind": P, "quotes": ["党性观念淡薄"]},
    {"kind": P, "quotes": ["缺乏必要的保证"]},
    {"kind": P, "quotes": ["在社会组织中宣传不够"]},
    {"kind": P, "quotes": ["党组织开展活动很少"]},
    {"kind": P, "quotes": ["机关支部形同虚设"]},
    {"kind": P, "quotes": ["机关党员缺乏事业心"]},
    {"kind": P, "quotes": ["对党组织建设重视不够"]},
    {"kind": P, "quotes": ["支部组织生活不正常"]},
    # （一）村级党组织
    {"kind": T, "quotes": ["一要继续加大村级班子和带头人队伍建设力度"]},
    {"kind": T, "quotes": ["着力加强换届后村级班子的思想政治建设"]},
    {"kind": T, "quotes": ["着力培养那些致富能力强的青年农民"]},
    {"kind": T, "quotes": ["加大大学生村官的培养和使用力度"]},
    {"kind": T, "quotes": ["充分发挥下派“第一书记”作用"]},
    {"kind": T, "quotes": ["狠抓后进村党组织整顿"]},
    {"kind": T, "quotes": ["二要把农村党建经费保障落实到位"]},
    # "希望各乡镇和有关部门，严格按文件精神抓好落实": the townships are named.
    {"kind": T, "quotes": ["确保专款专用"], "units": TOWNSHIPS},
    {"kind": T, "quotes": ["一是要把政策宣传到位", "一定要把好政策宣传到位"]},
    {"kind": T, "quotes": ["都要严格执行文件规定"]},
    # "尽快" is kept as a word, flagged: no date.
    {"kind": T, "quotes": ["而且要尽快发到村干部手中"], "words": "尽快"},
    {"kind": T, "quotes": ["撤并村不到位的"], "deadline": END_OF_YEAR},
    {"kind": T, "quotes": ["村级活动场所今年要实现“清零”"], "units": TOWNSHIPS, "deadline": END_OF_YEAR},
    {"kind": T, "quotes": ["三要从严要求", "相对应的要严格管理好村干部"]},
    {"kind": T, "quotes": ["制定实施细则"], "units": TOWNSHIPS},
    # The next three carry the townships over from "各乡镇（办事处）要对照…" before them.
    {"kind": T, "quotes": ["要指导村上建立村干部工作日坐班制度"], "units": TOWNSHIPS},
    {"kind": T, "quotes": ["严格实行村干部请销假制度"], "units": TOWNSHIPS},
    {"kind": T, "quotes": ["建立村干部工作档案"], "units": TOWNSHIPS},
    {"kind": T, "quotes": ["都要记入工作档案"]},
    {"kind": T, "quotes": ["各乡镇（办事处）和相关部门要认真抓好落实", "今年要下大力气抓好这项工作"]},
    {"kind": P, "quotes": ["到岗到位情况和开展工作情况很不理想"]},
    {"kind": T, "quotes": ["督促“第一书记”尽快到岗到位"], "words": "尽快"},
    {"kind": T, "quotes": ["四要全面加强农村党员干部教育培训", "对村主要领导进行集中轮训"]},
    {"kind": T, "quotes": ["应定期组织村干部进行集中轮训"], "units": TOWNSHIPS},
    {"kind": T, "quotes": ["每月至少组织一次村组干部"], "recurrence": "每月"},
    {"kind": T, "quotes": ["五要加强村级民主管理", "实行村务民主决策制度"]},
    {"kind": T, "quotes": ["严格执行“村财乡管”制度"]},
    # （二）社区党组织
    {"kind": T, "quotes": ["一是注重基础保障", "进一步加强社区基础设施建设力度"]},
    {"kind": T, "quotes": ["确保社区干部补贴"]},
    {"kind": T, "quotes": ["做好社区干部管理考核工作"]},
    {"kind": T, "quotes": ["二是注重创新发展", "积极探索社区流动党员"]},
    {"kind": T, "quotes": ["对流动党员实行流出地与流入地双重管理"]},
    {"kind": T, "quotes": ["三是注重服务水平提升", "持续推进在职党员进社区志愿服务群众工作"]},
    {"kind": T, "quotes": ["大力宣传志愿服务理念"]},
    {"kind": T, "quotes": ["继续深化“文明社区、和谐家园”主题活动"]},
    # （三）非公经济组织
    {"kind": T, "quotes": ["及时更新非公党建信息管理系统"]},
    {"kind": T, "quotes": ["继续深化“评星晋级、争创双强”活动"]},
    {"kind": T, "quotes": ["把非公企业党务工作者纳入"], "recurrence": "每年"},
    {"kind": T, "quotes": ["四是加大阵地建设力度"]},
    {"kind": T, "quotes": ["建立“非公党建综合服务中心”"]},
    # （四）社会组织
    {"kind": P, "quotes": ["我们这方面工作还有不小差距"]},
    {"kind": T, "quotes": ["分级负责、条块结合、区域兜底"], "deadline": date(2020, 6, 30)},
    {"kind": T, "quotes": ["编制办要积极与上级部门联系"]},
    {"kind": T, "quotes": ["县财政要把社会组织党建工作经费纳入预算"], "units": {"caizheng"}},
    {"kind": T, "quotes": ["二是开展社会组织调查摸底工作"]},
    {"kind": T, "quotes": ["采取单独建的办法"]},
    {"kind": T, "quotes": ["要采取多个社会组织联合组建"]},
    {"kind": T, "quotes": ["对于暂时没有党员的"]},
    {"kind": T, "quotes": ["三是抓好活动场所建设"]},
    # （五）机关
    {"kind": T, "quotes": ["严格落实党组书记履行“一岗双责”"]},
    {"kind": T, "quotes": ["都要至少讲一次党课"]},
    {"kind": T, "quotes": ["至少要组织召开一次民主生活会"]},
    {"kind": T, "quotes": ["至少形成一份党建工作调研报告"]},
    {"kind": T, "quotes": ["优先安排党建经费"]},
    {
        "kind": T,
        "quotes": ["二是严格机关党员集中教育培训制度", "不断探索行之有效的方式途径", "广泛开展能力素质"],
    },
    {"kind": T, "quotes": ["全年参加集中学习教育活动时间"]},
    {"kind": T, "quotes": ["实行“三会一课”动态登记月报制"], "recurrence": "每月"},
    {"kind": T, "quotes": ["三是严格模范机关创建"]},
    {"kind": T, "quotes": ["四是积极探索机关党建工作考评机制", "要把机关党的建设作为一项重要工作内容"]},
    {"kind": T, "quotes": ["把党建工作列入对领导班子和领导干部的考核量化范畴"]},
    {"kind": T, "quotes": ["认真研究单位职能和党员思想变化的特点规律"]},
    {"kind": T, "quotes": ["改进和完善优秀党务工作者和优秀党员评选办法"]},
    {"kind": T, "quotes": ["“两学一做”活动也要早调研"]},
    # 三、保障
    {"kind": T, "quotes": ["一是要领导重视", "切实履行好“第一责任人”职责"]},
    {"kind": T, "quotes": ["二是要夯实责任", "组织部要做好牵头抓总工作"], "units": {"zuzhibu"}},
    {"kind": T, "quotes": ["各乡镇党委、各部门党组要切实抓好组织实施"]},
    {"kind": T, "quotes": ["财政局要确保各类资金足额到位"], "units": {"caizheng"}},
    {"kind": T, "quotes": ["民政局要配合抓好村、社区基础设施建设"], "units": {"minzheng"}},
    {"kind": T, "quotes": ["涉农部门要加大项目资金支持力度"]},
    {"kind": T, "quotes": ["机关、事业单位要强化帮扶"]},
    {"kind": T, "quotes": ["要认真分解活动的具体工作任务", "三是要创新举措"], "units": TOWNSHIPS},
    {"kind": T, "quotes": ["要建立抓基层党建工作问题清单"]},
    {"kind": T, "quotes": ["四是要强化督查考核和问责问效", "综合报告和暗访情况逐月进行通报"]},
]
