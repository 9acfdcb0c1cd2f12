"""The meeting list's rows, written in Python: the markup the template wrote, character for character
(whitespace between elements aside), escaped, in both languages and in the local time zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from dangjian.core.tests.markup import assert_rows_as_template
from dangjian.orglife.models import Meeting, MeetingKind
from dangjian.orglife.templatetags.orglife_tags import meeting_rows
from dangjian.orgs.models import Organisation

# The rows as meeting_list.html wrote them before (the reference).
TEMPLATE = """{% load i18n %}{% for m in page %}
    <tr data-testid="meeting-row"><td>{{ m.starts_at|date:"Y-m-d H:i" }}</td><td>{{ m.org.label }}</td><td>{{ m.get_kind_display }}</td>
      <td><a href="{% url 'orglife:meeting_detail' m.pk %}">{{ m.topic }}</a></td>
      <td class="text-end">{% if m.status == "held" %}{{ m.present }}/{{ m.expected }}{% else %}—{% endif %}</td>
      <td>{% if m.status == "planned" %}<span class="badge bg-blue-lt">{{ m.get_status_display }}</span>{% else %}{{ m.get_status_display }}{% endif %}</td></tr>
  {% empty %}<tr><td colspan="6" class="text-secondary">{% translate "No meetings." %}</td></tr>{% endfor %}"""  # noqa: E501


def _meetings() -> list[Meeting]:
    town = Organisation(name="中共高坑镇委员会", short_name="高坑镇")
    plain = Organisation(name='<script>alert("x")</script>村', short_name="")
    found = []
    for pk, (org, kind, status, starts, topic, present, expected) in enumerate(
        [
            # 17:30 UTC is 01:30 the next day in Beijing: the day shown is the local one.
            (
                town,
                MeetingKind.GENERAL_MEETING,
                "held",
                datetime(2026, 11, 30, 17, 30, tzinfo=UTC),
                "学习<二十大>精神 & 讨论",
                12,
                15,
            ),
            (
                plain,
                MeetingKind.LESSON,
                "planned",
                datetime(2026, 12, 8, 1, 0, tzinfo=UTC),
                "\"引号\"与'单引号'",
                0,
                0,
            ),
            (town, MeetingKind.COMMITTEE, "held", datetime(2026, 1, 9, 8, 5, tzinfo=UTC), "支委会", 0, 0),
        ],
        start=71,
    ):
        meeting = Meeting(
            pk=pk, kind=kind, status=status, starts_at=starts, topic=topic, present=present, expected=expected
        )
        meeting.org = org
        found.append(meeting)
    return found


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_are_the_templates_markup(language):
    assert_rows_as_template(meeting_rows, TEMPLATE, (_meetings(), []), language)


def test_topics_and_names_are_escaped_and_times_are_local():
    html = meeting_rows(_meetings())
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;二十大&gt;" in html and "&amp; 讨论" in html
    assert "2026-12-01 01:30" in html


@pytest.mark.django_db
def test_the_meeting_list_shows_the_rows_the_tag_writes(client, county, personas):
    meeting = Meeting.objects.create(
        org=county.village_a1,
        kind=MeetingKind.LESSON,
        status="planned",
        starts_at=datetime(2026, 12, 8, 1, 0, tzinfo=UTC),
        topic="<党课>",
    )
    client.force_login(personas.township_a)
    html = client.get(reverse("orglife:meeting_list")).content.decode()
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    assert body == meeting_rows([Meeting.objects.select_related("org").get(pk=meeting.pk)])
    assert "&lt;党课&gt;" in body
