"""One way to declare a workflow: every stateful model has a registered table, and only the engine moves it."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone

from dangjian.core import workflow
from dangjian.core.models import Parameter, StatusChange
from dangjian.orgs.models import Person
from dangjian.orgs.rules import PERSON_TRANSITIONS
from dangjian.orgs.tests.factories import make_person

ROOT = Path(__file__).resolve().parents[2]  # the dangjian package
P = Person.Status
# `x.status = …`, `.update(status=…)` and `bulk_update(…, ["status" …])` outside the engine.
STATUS_WRITE = re.compile(r"\.status\s*=(?!=)|\.update\([^)]*\bstatus\s*=|bulk_update\([^)]*[\"']status[\"']")


def _stateful_models() -> list:
    models = []
    for model in apps.get_models():
        field = next((f for f in model._meta.get_fields() if f.name == "status"), None)
        if field is not None and getattr(field, "choices", None):
            models.append(model)
    return models


def test_the_project_has_stateful_models_to_check():
    labels = {m._meta.label for m in _stateful_models()}
    assert {"ledger.Item", "ledger.ItemList", "ledger.ExtensionRequest", "orgs.Person"} <= labels


@pytest.mark.parametrize("model", _stateful_models(), ids=lambda m: m._meta.label)
def test_every_stateful_model_has_a_registered_table(model):
    table = workflow.rules_for(model)
    assert table, f"{model._meta.label} has an empty workflow table"
    states = {value for value, _label in model._meta.get_field("status").flatchoices}
    assert {state for pair in table for state in pair} <= states


def test_no_model_keeps_its_table_as_a_class_attribute():
    assert [m._meta.label for m in _stateful_models() if hasattr(m, "ALLOWED")] == []


def test_no_code_outside_the_engine_writes_a_status():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{rel}" or "/migrations/" in rel or rel == "core/workflow.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if STATUS_WRITE.search(line):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert offenders == []


def test_the_status_write_check_catches_the_usual_shapes():
    assert STATUS_WRITE.search("item.status = Item.Status.CLOSED")
    assert STATUS_WRITE.search("Item.objects.filter(pk=1).update(status='closed')")
    assert STATUS_WRITE.search('Item.objects.bulk_update(rows, ["status"])')
    assert not STATUS_WRITE.search("if item.status == S.CLOSED:")
    assert not STATUS_WRITE.search("Item.objects.filter(status=S.CLOSED)")


def test_a_model_without_a_table_is_refused_with_a_clear_message():
    with pytest.raises(ImproperlyConfigured, match="core.Parameter has no workflow table"):
        workflow.rules_for(Parameter)


def test_registering_the_same_table_again_is_harmless():
    workflow.register(Person, PERSON_TRANSITIONS)
    assert workflow.rules_for(Person) is PERSON_TRANSITIONS


def test_a_second_different_table_for_a_model_is_refused():
    other = {(P.ACTIVE, P.LEFT): workflow.Transition(label="leave")}
    with pytest.raises(ImproperlyConfigured, match="orgs.Person already has a different workflow table"):
        workflow.register(Person, other)
    assert workflow.rules_for(Person) is PERSON_TRANSITIONS


def test_a_table_naming_unknown_states_is_refused():
    with pytest.raises(ImproperlyConfigured, match="unknown states"):
        workflow.register(Person, {(P.ACTIVE, "emigrated"): workflow.Transition(label="emigrate")})
    assert workflow.rules_for(Person) is PERSON_TRANSITIONS


# ------------------------------------------------------------------ record_history

AT = timezone.make_aware(datetime(2026, 3, 1, 10, 0))


def _history(person) -> list[tuple[str, str, str]]:
    return list(
        StatusChange.objects.filter(object_id=person.pk, content_type__model="person")
        .order_by("at", "pk")
        .values_list("old", "new", "note")
    )


def test_record_history_writes_back_dated_steps_that_show_in_the_timeline(county, personas):
    from dangjian.core import audit

    person = make_person(county.village_a1, "赵六")
    # On the roll now; its history says it left and came back.
    later = AT.replace(month=6)
    written = workflow.record_history(
        [
            (person, P.ACTIVE, P.LEFT, personas.county_admin, AT, "外出务工"),
            (person, P.LEFT, P.ACTIVE, None, later, "返乡"),
        ]
    )
    assert written == 2
    assert _history(person) == [("active", "left", "外出务工"), ("left", "active", "返乡")]
    steps = [e for e in audit.timeline(person) if e.kind == "status"]
    assert [(e.at, e.text) for e in steps] == [(later, "已离开 → 在册"), (AT, "在册 → 已离开")]


def test_record_history_refuses_a_move_the_table_does_not_have_and_writes_nothing(county, personas):
    person = make_person(county.village_a1, "钱七")
    before = StatusChange.objects.count()
    with pytest.raises(ValidationError) as exc:
        workflow.record_history(
            [
                (person, P.ACTIVE, P.DECEASED, None, AT, ""),
                (person, P.DECEASED, P.LEFT, None, AT, "误录"),
            ]
        )
    assert exc.value.messages == ["“已故”不能变更为“已离开”。"]
    assert StatusChange.objects.count() == before


def test_record_history_refuses_a_step_without_the_reason_the_table_asks_for(county):
    person = make_person(county.village_a1, "孙八")
    with pytest.raises(ValidationError) as exc:
        workflow.record_history([(person, P.ACTIVE, P.LEFT, None, AT, " ")])
    assert exc.value.messages == ["请填写理由。"]
    assert _history(person) == []


def test_record_history_refuses_steps_that_do_not_follow_on(county):
    person = make_person(county.village_a1, "周九")
    with pytest.raises(ValueError, match="does not follow"):
        workflow.record_history(
            [(person, P.ACTIVE, P.LEFT, None, AT, "外出"), (person, P.DECEASED, P.ACTIVE, None, AT, "误录")]
        )
    assert _history(person) == []


def test_record_history_refuses_a_history_that_ends_elsewhere_than_the_record(county):
    person = make_person(county.village_a1, "吴十")  # on the roll
    with pytest.raises(ValueError, match="ends in left but the record is active"):
        workflow.record_history([(person, P.ACTIVE, P.LEFT, None, AT, "外出")])
    assert _history(person) == []
