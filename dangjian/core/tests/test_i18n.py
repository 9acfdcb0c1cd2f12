"""The interface speaks Chinese by default and English on request: messages are English source strings
with the Chinese in the catalogues, so switching the language really switches the text."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from dangjian.core import workflow
from dangjian.core.exports import RowError
from dangjian.orgs.models import Person
from dangjian.orgs.tests.factories import make_person
from dangjian.orgs.validators import parse_citizen_id

BAD_CHECK_DIGIT = "110105194912310021"


def _refusal(func) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        func()
    return exc.value.messages


def test_a_refused_citizen_id_reads_in_english_under_english():
    with translation.override("en"):
        messages = _refusal(lambda: parse_citizen_id(BAD_CHECK_DIGIT))
    assert messages == ["The check digit of the ID number is wrong; please check the number."]


def test_a_refused_citizen_id_reads_in_chinese_under_chinese():
    with translation.override("zh-hans"):
        messages = _refusal(lambda: parse_citizen_id(BAD_CHECK_DIGIT))
    assert messages == ["身份证号校验位不正确，请核对号码。"]


@pytest.fixture
def deceased(personas, county) -> Person:
    person = make_person(county.village_a1, "王五")
    workflow.transition(obj=person, to=Person.Status.DECEASED, actor=personas.county_admin)
    return person


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "“Deceased” cannot change to “Left”."),
        ("zh-hans", "“已故”不能变更为“已离开”。"),
    ],
)
def test_a_refused_transition_reads_in_the_active_language(personas, deceased, language, expected):
    with translation.override(language):
        messages = _refusal(
            lambda: workflow.transition(
                obj=deceased, to=Person.Status.LEFT, actor=personas.county_admin, note="moved away"
            )
        )
    assert messages == [expected]
    deceased.refresh_from_db()
    assert deceased.status == Person.Status.DECEASED


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Row 3, column “姓名”: Required; may not be empty"),
        ("zh-hans", "第 3 行“姓名”列：必填，不能为空"),
    ],
)
def test_an_import_problem_names_row_and_column_in_the_active_language(language, expected):
    with translation.override(language):
        assert str(RowError(3, "姓名", gettext("Required; may not be empty"))) == expected


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        ("zh-hans", "黄灯：距整改时限不足多少天（含当天）", "Yellow light: days left before the deadline"),
        ("en", "Yellow light: days left before the deadline (today included)", "黄灯"),
    ],
)
def test_the_parameters_page_shows_rule_labels_in_the_chosen_language(
    client, personas, language, shown, hidden
):
    client.force_login(personas.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    # The middleware activates the cookie's language for the rest of the thread; the override puts it back.
    with translation.override(settings.LANGUAGE_CODE):
        html = client.get(reverse("parameters")).content.decode()
    assert shown in html
    assert hidden not in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "导入党员名册：先检查每一行"), ("en", "Import a member roster: every row is checked first")],
)
def test_command_help_prints_in_the_active_language(capsys, language, expected):
    from django.core.management import execute_from_command_line

    with translation.override(language), pytest.raises(SystemExit):
        execute_from_command_line(["manage.py", "import_members", "--help"])
    assert expected in capsys.readouterr().out


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client, personas):
    from django.conf import settings
    from django.urls import reverse

    client.force_login(personas.township_a)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "我的工作" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "My work" in page


def test_text_of_a_lazy_translation_follows_the_active_language():
    from django.utils.functional import lazy
    from django.utils.translation import gettext_lazy

    from dangjian.core.text import text_of

    label = gettext_lazy("Members")
    with translation.override("zh-hans"):
        assert text_of(label) == "党员" == text_of(label)
    with translation.override("en"):
        assert text_of(label) == "Members"
    with translation.override("zh-hans"):
        assert text_of(label) == "党员"
    # Another lazy value may read anything: it is asked each time, never kept.
    calls = []
    counted = lazy(lambda: str(len(calls.append(1) or calls)), str)()
    assert [text_of(counted), text_of(counted)] == ["1", "2"]
    assert text_of("plain") == "plain"
