from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class OrgsConfig(AppConfig):
    name = "dangjian.orgs"
    label = "orgs"
    verbose_name = gettext_lazy("Organisations and members")

    def ready(self) -> None:
        from dangjian.core import audit

        from . import models, params  # noqa: F401 - declares rule parameters

        audit.register(models.Organisation, exclude_fields=["path", "depth", "numchild", "sort_key"])
        from .validators import birth_year_only, mask_id

        audit.register(
            models.Person,
            exclude_fields=["id_cipher", "id_digest", "name_pinyin", "name_initials", "version"],
            # The birth date is part of the ID number: histories show its year only, and old masks re-masked.
            redact={"birth_date": birth_year_only, "id_masked": mask_id},
        )
        audit.register(models.Post)
        audit.register(models.Transfer)

        from django.utils.translation import gettext_lazy as _

        from dangjian.core import nav

        from .views.organisations import home_warnings_block

        nav.register(
            nav.NavEntry(key="orgs", label=_("Organisations"), icon="sitemap", url_name="orgs:tree", order=10)
        )
        nav.register(
            nav.NavEntry(
                key="org_warnings",
                label=_("Warnings"),
                icon="alert-triangle",
                url_name="orgs:warnings",
                order=12,
            )
        )
        nav.register_home_block(
            "org_warnings",
            order=20,
            template="orgs/partials/org_home_warnings.html",
            context=home_warnings_block,
        )

        nav.register(
            nav.NavEntry(
                key="people", label=_("Members"), icon="users", url_name="orgs:person_list", order=11
            )
        )

        from dangjian.core import demo as core_demo

        from . import demo

        core_demo.register("orgs", order=10, build=demo.build)
        core_demo.register("orgs_history", order=30, build=demo.build_history)
