"""Precision and recall of the extractor against the hand labels (shared by the test and the bench)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dangjian.extract.extractor import OrgRef, extract
from dangjian.extract.text import simplified

from . import seed_labels as L

SEEDS_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"


def seed_path(labels=L) -> Path:
    for folder in (Path("/work/shared/seeds"), SEEDS_DIR, Path(__file__).parent / "seeds"):
        if (folder / labels.SEED).is_file():
            return folder / labels.SEED
    raise FileNotFoundError(labels.SEED)


def unit_tree(labels=L) -> tuple[list[OrgRef], dict[str, int]]:
    """The labels' organisation tree as OrgRefs (ids 1…n, paths by parent)."""
    ids: dict[str, int] = {}
    paths: dict[str, str] = {}
    refs = []
    for n, (key, name, short, kind, sector, parent) in enumerate(labels.UNIT_TREE, start=1):
        ids[key] = n
        paths[key] = (paths[parent] if parent else "") + f"{n:04d}"
        refs.append(OrgRef(pk=n, name=name, short_name=short, kind=kind, sector=sector, path=paths[key]))
    return refs, ids


@dataclass
class Score:
    tasks_found: int
    tasks_labelled: int
    tasks_hit: int
    tasks_predicted: int
    tasks_correct: int
    problems_labelled: int
    problems_hit: int
    problems_predicted: int
    problems_correct: int
    units_labelled: int
    units_right: int
    deadlines_labelled: int
    deadlines_right: int
    misses: list
    false: list

    @staticmethod
    def rate(a: int, b: int) -> float:
        return a / b if b else 1.0

    @property
    def task_recall(self):
        return self.rate(self.tasks_hit, self.tasks_labelled)

    @property
    def task_precision(self):
        return self.rate(self.tasks_correct, self.tasks_predicted)

    @property
    def problem_recall(self):
        return self.rate(self.problems_hit, self.problems_labelled)

    @property
    def problem_precision(self):
        return self.rate(self.problems_correct, self.problems_predicted)

    @property
    def units(self):
        return self.rate(self.units_right, self.units_labelled)

    @property
    def deadlines(self):
        return self.rate(self.deadlines_right, self.deadlines_labelled)


def score(labels=L, text: str | None = None) -> Score:
    """The extractor's scores on one labelled seed (its region only)."""
    text = seed_path(labels).read_text(encoding="utf-8") if text is None else text
    refs, ids = unit_tree(labels)
    plain = simplified(text)
    region = plain.find(labels.REGION_START)
    end = plain.find(labels.REGION_END) if getattr(labels, "REGION_END", "") else len(plain)
    candidates = [
        c for c in extract(text, speech_date=labels.SPEECH_DATE, orgs=refs) if region <= c.start < end
    ]
    quotes = [simplified(c.quote) for c in candidates]
    hit_by = {}
    matched = set()
    for n, label in enumerate(labels.LABELS):
        for c, q in zip(candidates, quotes, strict=True):
            if any(s in q for s in label["quotes"]):
                matched.add(id(c))
                if c.kind == label["kind"]:
                    hit_by.setdefault(n, []).append(c)
    s = Score(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, [], [])
    for n, label in enumerate(labels.LABELS):
        found = hit_by.get(n, [])
        if label["kind"] == "task":
            s.tasks_labelled += 1
            s.tasks_hit += bool(found)
        else:
            s.problems_labelled += 1
            s.problems_hit += bool(found)
        if not found:
            s.misses.append(label["quotes"][0])
            continue
        # A label stated over several sentences is right when the sentence that states it is.
        if "units" in label:
            s.units_labelled += 1
            s.units_right += any(set(c.org_ids) == {ids[k] for k in label["units"]} for c in found)
        if "deadline" in label or "words" in label:
            s.deadlines_labelled += 1
            s.deadlines_right += any(
                c.deadline == label.get("deadline")
                and ("words" not in label or (c.deadline_vague and c.deadline_words == label["words"]))
                for c in found
            )
    for c in candidates:
        ok = id(c) in matched and any(
            any(s in simplified(c.quote) for s in lab["quotes"]) and lab["kind"] == c.kind
            for lab in labels.LABELS
        )
        if c.kind == "task":
            s.tasks_predicted += 1
            s.tasks_correct += ok
        else:
            s.problems_predicted += 1
            s.problems_correct += ok
        if not ok:
            s.false.append((c.kind, c.quote[:40]))
    return s


def long_speech(length: int = 20_000):
    """(text, organisations): seed 003 repeated to ``length`` characters, with 600 villages in scope."""
    text = seed_path().read_text(encoding="utf-8")
    text = (text * (length // len(text) + 1))[:length]
    refs, _ids = unit_tree()
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
    return text, refs + villages


def long_speech_line() -> str:
    """The time the extractor takes on a 20 000-character speech (bench; the issue's target is 2 s)."""
    import time

    text, orgs = long_speech()
    started = time.perf_counter()
    found = extract(text, speech_date=L.SPEECH_DATE, orgs=orgs)
    ms = (time.perf_counter() - started) * 1000
    return (
        f"{len(text)} characters, {len(orgs)} organisations in scope: "
        f"{len(found)} rows in {ms:.0f} ms (target < 2000 ms)"
    )


def quality_lines() -> list[str]:
    """The quality table: a header, a line per labelled document and one overall (command and bench)."""
    import time

    from . import seed_labels_000, seed_labels_001, seed_labels_002, seed_labels_004

    columns = ("tasks recall", "tasks precision", "problems recall", "problems prec.", "units", "deadlines")
    lines = [f"{'document':<22}" + "".join(f"{c:>17}" for c in columns) + f"{'ms':>7}"]
    totals = [0] * 12
    for name, labels in (
        ("003 (development)", L),
        ("001 (development)", seed_labels_001),
        ("004 (development)", seed_labels_004),
        ("000 (development)", seed_labels_000),
        ("002 §二 (held out)", seed_labels_002),
    ):
        started = time.perf_counter()
        s = score(labels)
        ms = (time.perf_counter() - started) * 1000
        counts = [
            s.tasks_hit, s.tasks_labelled, s.tasks_correct, s.tasks_predicted,
            s.problems_hit, s.problems_labelled, s.problems_correct, s.problems_predicted,
            s.units_right, s.units_labelled, s.deadlines_right, s.deadlines_labelled,
        ]  # fmt: skip
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        lines.append(f"{name:<22}{_row(counts)}{ms:>7.0f}")
    lines.append(f"{'overall':<22}{_row(totals)}")
    return lines


def _row(c) -> str:
    def rate(a, b):
        return f"{a}/{b} {a / b:.0%}" if b else "—"

    pairs = ((c[0], c[1]), (c[2], c[3]), (c[4], c[5]), (c[6], c[7]), (c[8], c[9]), (c[10], c[11]))
    return "".join(f"{rate(a, b):>17}" for a, b in pairs)
