"""The rating list's rows, written in Python: the markup the template wrote, character for character
(whitespace between elements aside), escaped, in both languages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from dangjian.core.tests.markup import assert_rows_as_template
from dangjian.orgs.models import Organisation
from dangjian.supervision import services
from dangjian.supervision.models import Grade, Rating
from dangjian.supervision.templatetags.supervision_tags import rating_rows

# The rows as rating_list.html wrote them before (the reference).
TEMPLATE = """{% load i18n supervision_tags %}{% for r in page %}
  <tr data-testid="rating-row"><td><a href="{% url 'supervision:rating_detail' r.pk %}">{{ r.org.label }}</a></td><td class="text-end">{{ r.self_score }}</td><td class="text-end">{{ r.poll_score|default_if_none:"—" }}</td><td class="text-end">{{ r.township_score|default_if_none:"—" }}</td>
    <td class="text-end fw-bold">{{ r.score|default_if_none:"—" }}</td><td>{{ r.get_grade_display|default:"—" }}</td><td class="text-yellow">{{ r.stars|stars }}</td><td><span class="badge bg-secondary-lt">{{ r.get_status_display }}</span></td><td class="d-none d-md-table-cell small text-secondary">{{ r.self_note|truncatechars:40 }}</td></tr>
  {% empty %}<tr><td colspan="9" class="text-secondary">{% translate "No ratings for this year." %}</td></tr>{% endfor %}"""  # noqa: E501


def _ratings() -> list[Rating]:
    town = Organisation(name="中共高坑村委员会", short_name="高坑村")
    plain = Organisation(name='<script>alert("x")</script>村', short_name="")
    found = []
    for pk, (org, scores, grade, stars, status, note) in enumerate(
        [
            (town, ("95.5", "92.0", "90.5", "92.7"), Grade.GOOD, 5, "confirmed", "全年" * 30),  # cut at 40
            (plain, ("70.0", None, None, None), "", 0, "self_assessed", "<b>自评</b> & 说明"),
            (town, ("100.0", "0.0", "60.0", "55.0"), Grade.POOR, 1, "rated", ""),
        ],
        start=41,
    ):
        self_score, poll, township, overall = (None if s is None else Decimal(s) for s in scores)
        rating = Rating(
            pk=pk,
            year=2025,
            self_score=self_score,
            poll_score=poll,
            township_score=township,
            score=overall,
            grade=grade,
            stars=stars,
            status=status,
            self_note=note,
        )
        rating.org = org
        found.append(rating)
    return found


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_are_the_templates_markup(language):
    assert_rows_as_template(rating_rows, TEMPLATE, (_ratings(), []), language)


def test_names_and_notes_are_escaped_and_notes_cut():
    html = rating_rows(_ratings())
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;自评&lt;/b&gt; &amp; 说明" in html
    assert "全年" * 18 in html and "全年" * 20 not in html  # sixty characters cut to forty
    assert ">92.7<" in html and ">—<" in html


@pytest.mark.django_db
def test_the_rating_list_shows_the_rows_the_tag_writes(client, county, personas):
    rating = services.rating_self_assess(
        org=county.village_a1, year=2025, self_score=88, actor=personas.admin, self_note="<自评>"
    )
    client.force_login(personas.township_a)
    html = client.get(reverse("supervision:rating_list"), {"year": 2025}).content.decode()
    body = html.split('data-testid="rating-table">')[1].split("<tbody>")[1].split("</tbody>")[0]
    assert body == rating_rows([Rating.objects.select_related("org").get(pk=rating.pk)])
    assert "&lt;自评&gt;" in body
