"""Choice labels translated once per language: the same answers as Django's ``get_FOO_display``."""

from __future__ import annotations

import inspect
from datetime import date

from django.db import models
from django.test.utils import isolate_apps
from django.utils import translation

from dangjian.core import choices, registry


def _choice_fields():
    from auditlog.models import LogEntry  # the audit log's entries (django-auditlog), shown by core's page

    module_models = [model for config in registry.modules.values() for model in config.get_models()]
    for model in [*module_models, LogEntry]:
        for field in model._meta.fields:
            if field.choices:
                yield model, field


def test_every_module_models_choice_fields_answer_as_django_in_every_language():
    """Each value of each choice field of every module's models (and one that is not a choice) shows
    what Django's own get_FOO_display shows, in Chinese and in English."""
    checked = 0
    for model, field in _choice_fields():
        method = f"get_{field.name}_display"
        assert choices.display_field(model, method) is field, f"{model.__name__}.{method}"
        installed = inspect.getattr_static(model, method)
        assert installed.func is choices.label_of, f"{model.__name__}.{method} was not installed"
        values = [value for value, _label in field.flatchoices] + ["not-a-choice", None]
        for language in ("zh-hans", "en"):
            with translation.override(language):
                for value in values:
                    record = model()
                    setattr(record, field.attname, value)
                    expected = models.Model._get_FIELD_display(record, field)
                    assert getattr(record, method)() == expected, (
                        model.__name__,
                        field.name,
                        value,
                        language,
                    )
                    checked += 1
    assert checked > 500  # every module's choice fields, not an empty walk


@isolate_apps("dangjian.core")
def test_labels_follow_the_language_and_a_model_keeps_a_display_method_it_writes_itself():
    from dangjian.orgs.models import Post, PostKind

    post = Post(kind=PostKind.SECRETARY, started_on=date(2020, 1, 1))
    with translation.override("zh-hans"):
        chinese = post.get_kind_display()
    with translation.override("en"):
        english = post.get_kind_display()
    assert chinese == "书记" and english == "Secretary"
    with translation.override("en"):
        assert choices.choice_label(post, "kind") == english

    class Own(models.Model):  # noqa: DJ008 - a model made for this test only
        kind = models.CharField(max_length=5, choices=[("a", "A")])

        class Meta:
            app_label = "core"

        def get_kind_display(self):
            return "mine"

    choices.install([Own])
    assert Own(kind="a").get_kind_display() == "mine"
    assert choices.display_field(Own, "get_kind_display") is None


@isolate_apps("dangjian.core")
def test_a_value_that_is_not_text_comes_back_as_django_gives_it():
    class Numbered(models.Model):  # noqa: DJ008 - a model made for this test only
        level = models.IntegerField(choices=[(1, "one")])

        class Meta:
            app_label = "core"

    choices.install([Numbered])
    field = Numbered._meta.get_field("level")
    for value in (1, 2, None):
        record = Numbered(level=value)
        assert record.get_level_display() == models.Model._get_FIELD_display(record, field)
    assert Numbered(level=1).get_level_display() == "one" and Numbered(level=2).get_level_display() == 2
