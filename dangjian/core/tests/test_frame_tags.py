"""The tags of every page's frame: ``{% load i18n %}``, ``{% load static %}`` (core/templatetags/core_i18n.py,
core_static.py) and ``{% csrf_token %}`` (core_csrf.py). Django's output, with a quoted ``{% translate %}`` and
``{% static %}`` worked out once instead of on every page and a token's input once per rendering."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template import Context, Engine, TemplateSyntaxError, engines
from django.test import override_settings
from django.utils import translation

from dangjian.core.templatetags import core_i18n, core_static

DJANGOS = Engine(libraries={"i18n": "django.templatetags.i18n", "static": "django.templatetags.static"})

TRANSLATIONS = [
    '{% translate "Log out" %}',
    "{% translate 'My jobs' %}",
    '{% trans "Log out" %}',
    '{% translate "Log out" as label %}[{{ label }}]',
    '{% translate "Log out" noop %}',
    '{% translate "Fish & <chips>" %}',
    '{% translate "50%% done" %}',
    '{% translate "Fish & <chips>" as label %}{{ label }}',
    '{% autoescape off %}{% translate "Fish & <chips>" %}{% endautoescape %}',
    '{% translate "May" context "month name" %}',
    '{% translate "Log out"|upper %}',
    "{% translate word %}",
    '{% translate "12" %}',
    "{% blocktranslate %}Log out{% endblocktranslate %}",
    "{% get_current_language as L %}{{ L }}",
    "{{ 'en'|language_name_local }}",
]

STATICS = [
    '{% static "css/dangjian.css" %}',
    "{% static 'vendor/htmx/htmx.min.js' %}",
    '{% static "css/dangjian.css" as css %}<{{ css }}>',
    '{% static "a b&c.css" %}',
    '{% autoescape off %}{% static "a b&c.css" %}{% endautoescape %}',
    "{% static path %}",
    '{% static "css/"|add:"dangjian.css" %}',
    "{% get_static_prefix %}",
    "{% get_media_prefix %}",
]


def _ours(code: str, library: str, **context) -> str:
    return engines["django"].from_string(f"{{% load {library} %}}{code}").render(context)


def _djangos(code: str, library: str, **context) -> str:
    return DJANGOS.from_string(f"{{% load {library} %}}{code}").render(Context(context))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_translation_is_written_as_django_writes_it(language):
    values = {"word": "Log out"}
    with translation.override(language):
        for code in TRANSLATIONS:
            template = engines["django"].from_string("{% load i18n %}" + code)
            for _twice in range(2):  # the second time from what the first kept
                assert template.render(values) == _djangos(code, "i18n", **values), code


def test_a_kept_translation_follows_the_language_and_the_escaping():
    code = (
        '{% translate "Log out" %}|{% autoescape off %}{% translate "Fish & <chips>" as f %}{{ f }}'
        '{% endautoescape %}|{% translate "Fish & <chips>" as f %}{{ f }}'
    )
    template = engines["django"].from_string("{% load i18n %}" + code)
    written = {}
    for language in ("zh-hans", "en", "zh-hans", "en"):
        with translation.override(language):
            written.setdefault(language, set()).add(template.render({}))
            assert template.render({}) == _djangos(code, "i18n"), language
    assert {len(texts) for texts in written.values()} == {1}
    assert written["zh-hans"].pop().startswith("退出登录|") and written["en"].pop().startswith("Log out|")


def test_a_quoted_translation_is_looked_up_once_and_any_other_every_time():
    from django.template import base

    template = engines["django"].from_string(
        "{% load i18n %}"
        + "".join(['{% translate "Log out" %}', '{% translate "My jobs" as j %}{{ j }}']) * 5
    )
    variable = engines["django"].from_string("{% load i18n %}{% translate word %}")
    with translation.override("zh-hans"):
        template.render({})
        variable.render({"word": "Log out"})
        with mock.patch.object(base, "gettext_lazy", wraps=base.gettext_lazy) as looked_up:
            for _n in range(3):
                template.render({})
            assert looked_up.call_count == 0
            variable.render({"word": "Log out"})
            assert looked_up.call_count == 1


def test_kept_translations_are_dropped_when_the_catalogues_change():
    template = engines["django"].from_string('{% load i18n %}{% translate "Log out" %}')
    with translation.override("zh-hans"):
        template.render({})
        (node,) = [n for n in template.template.nodelist if isinstance(n, core_i18n.LiteralTranslateNode)]
        assert node.written
        with override_settings(LANGUAGES=[("zh-hans", "简体中文"), ("en", "English")]):
            assert node.written == {}


def test_translate_keeps_django_s_errors():
    for code in ("{% translate %}", '{% translate "x" as %}', '{% translate "x" context %}'):
        with pytest.raises(TemplateSyntaxError):
            engines["django"].from_string("{% load i18n %}" + code)


def test_every_static_url_is_written_as_django_writes_it():
    for code in STATICS:
        for _twice in range(2):
            assert _ours(code, "static", path="img/favicon.svg") == _djangos(
                code, "static", path="img/favicon.svg"
            ), code


def test_a_quoted_static_path_is_asked_of_the_storage_once():
    template = engines["django"].from_string(
        '{% load static %}{% static "css/dangjian.css" %}{% static "js/progress.js" as p %}{% static path %}'
    )
    template.render({"path": "img/favicon.svg"})
    with mock.patch.object(
        type(staticfiles_storage._wrapped), "url", autospec=True, return_value="/x"
    ) as url:
        for _n in range(3):
            out = template.render({"path": "img/favicon.svg"})
        assert [call.args[1] for call in url.call_args_list] == ["img/favicon.svg"] * 3
    assert out.startswith("/static/css/dangjian.css")


def test_kept_static_urls_follow_a_changed_static_url():
    template = engines["django"].from_string('{% load static %}{% static "css/dangjian.css" %}')
    assert template.render({}) == "/static/css/dangjian.css"
    with override_settings(STATIC_URL="/assets/"):
        assert template.render({}) == "/assets/css/dangjian.css"
    assert template.render({}) == "/static/css/dangjian.css"
    assert any(isinstance(n, core_static.LiteralStaticNode) for n in template.template.nodelist)


def test_the_replaced_libraries_raise_no_warning_and_any_other_name_used_twice_still_does():
    from django.core import checks

    from dangjian.core.templating import Templates

    assert [m for m in checks.run_checks(tags=[checks.Tags.templates]) if m.id == "templates.W003"] == []
    assert set(engines["django"].engine.libraries.items()) >= {
        ("i18n", "dangjian.core.templatetags.core_i18n"),
        ("static", "dangjian.core.templatetags.core_static"),
    }
    clash = Templates(
        {
            "NAME": "clash",
            "DIRS": [],
            "APP_DIRS": True,
            "OPTIONS": {"libraries": {"core_tags": "dangjian.core.templatetags.core_urls"}},
        }
    )
    (warning,) = clash.check()
    assert warning.id == "templates.W003" and "'core_tags'" in warning.msg


@pytest.mark.filterwarnings("ignore:Calling format_html")  # Django's own tag, for "NOTPROVIDED"
@pytest.mark.parametrize("token", ["a1b2c3&<", "NOTPROVIDED", ""])
def test_csrf_token_is_written_as_django_writes_it(token):
    code = "{% for i in rows %}<form>{% csrf_token %}</form>{% endfor %}"
    values = {"rows": range(3), "csrf_token": token}
    assert _ours(code, "i18n", **values) == _djangos(code, "i18n", **values)


def test_a_list_of_forms_writes_its_token_once():
    from django.template import defaulttags

    template = engines["django"].from_string("{% for i in rows %}<form>{% csrf_token %}</form>{% endfor %}")
    with mock.patch.object(defaulttags, "format_html", wraps=defaulttags.format_html) as written:
        out = template.render({"rows": range(30), "csrf_token": "t0k3n"})
    assert out.count('value="t0k3n"') == 30 and written.call_count == 1
    with mock.patch.object(defaulttags, "format_html", wraps=defaulttags.format_html) as written:
        template.render({"rows": range(2), "csrf_token": "other"})
    assert written.call_count == 1
