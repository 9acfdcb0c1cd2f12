"""The queue pages' rows, written in Python: the markup the template wrote, character for character
(whitespace between elements aside), escaped, in both languages."""

from __future__ import annotations

from datetime import date

import pytest
from django.template import engines
from django.utils import translation

from dangjian.core.tests.markup import squeezed
from dangjian.ledger.models import Item
from dangjian.ledger.templatetags.ledger_tags import queue_rows
from dangjian.orgs.models import Organisation

# The rows as queue.html wrote them before (the reference).
TEMPLATE = """{% load i18n ledger_tags %}{% for item in rows %}
    <label class="list-group-item d-flex gap-3 align-items-start" data-testid="queue-row" data-item="{{ item.pk }}">
      <input class="form-check-input mt-1 flex-shrink-0" type="checkbox" name="items" value="{{ item.pk }}" aria-label="{{ item.title }}">
      <span class="flex-grow-1">
        <span class="d-block item-line-title">{{ item.light|light_dot }} <a href="{% url 'ledger:item_detail' item.pk %}">{{ item.title }}</a></span>
        <span class="d-block small text-secondary">{{ item.org.label }} · {% if item.long_term %}{% translate "Long-term" %}{% else %}{% translate "Deadline" %} {{ item.deadline|date:"Y-m-d" }}{% endif %}{% if key == "to_verify" and item.closure_requested_on %} · {% translate "Closure requested on" %} {{ item.closure_requested_on|date:"Y-m-d" }}{% endif %}</span>
      </span>
    </label>
  {% empty %}<div class="list-group-item text-secondary">{% translate "Nothing is waiting here." %}</div>{% endfor %}"""  # noqa: E501


def _rows() -> list[Item]:
    town = Organisation(name="中共高坑镇委员会", short_name="高坑镇")
    plain = Organisation(name='<script>alert("x")</script>村', short_name="")
    found = []
    for pk, (title, org, deadline, long_term, requested, light) in enumerate(
        [
            ("整改<软弱涣散>问题 & 台账", town, date(2026, 12, 5), False, date(2026, 11, 30), "yellow"),
            ("长期坚持的任务", plain, None, True, None, "none"),
            ("\"引号\"与'单引号'", town, date(2026, 1, 9), False, None, "red"),
        ],
        start=41,
    ):
        item = Item(
            pk=pk, title=title, deadline=deadline, long_term=long_term, closure_requested_on=requested
        )
        item.org = org
        item.light = light
        found.append(item)
    return found


@pytest.mark.parametrize("key", ["to_acknowledge", "to_verify"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_are_the_templates_markup(key, language):
    reference = engines["django"].from_string(TEMPLATE)
    with translation.override(language):
        for rows in (_rows(), []):
            expected = reference.render({"rows": rows, "key": key})
            assert squeezed(queue_rows(rows, key)) == squeezed(expected)


def test_titles_and_names_are_escaped():
    html = queue_rows(_rows(), "to_verify")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;软弱涣散&gt;" in html and "&amp; 台账" in html
