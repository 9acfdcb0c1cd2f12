"""Leak-walk rows of the development module: files, steps, notices, quotas (see core/tests/leakwalk.py)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from dangjian.core.tests.leakwalk import api_action, api_detail, api_list, create, detail, export, page, write

VILLAGES = ("village_a1", "village_a2", "village_b1")


def _today():
    return timezone.localdate()


def _open(world, key, name, days):
    from dangjian.devel import demo, services
    from dangjian.orgs.tests.factories import make_id

    if key not in VILLAGES:
        return None
    return services.file_open(
        org=world.orgs[key],
        actor=world.admin,
        name=name,
        id_number=make_id(date(1996, 4, 2)),
        applied_on=_today() - timedelta(days=days),
        files=[demo.scan("申请书.pdf")],
    )


def _file(world, key):
    name = f"申请{key}"
    file = _open(world, key, name, 40)
    return (file, [name]) if file else None


def _activist(world, key):
    from dangjian.devel import demo

    name = f"积极{key}"
    file = _open(world, key, name, 200)
    if file is None:
        return None
    demo.advance(file, 6, branch=world.admin, higher=world.admin)
    return file, [name]


def _admitted(world, key):
    """A file walked to step 17 (notices, votes, the township's approval and its reply)."""
    from dangjian.devel import demo, services
    from dangjian.devel.models import Quota
    from dangjian.orgs.tests.factories import make_person

    name = f"预备{key}"
    file = _open(world, key, name, 600)
    if file is None:
        return None
    org = world.orgs[key]
    parent = world.orgs["township_a" if key.startswith("village_a") else "township_b"]
    for year in {file.applied_on.year, _today().year, (file.applied_on + timedelta(days=540)).year}:
        if not Quota.objects.filter(org=parent, year=year).exists():
            services.quota_set(org=parent, year=year, number=9, actor=world.admin)
    sponsors = [make_person(org, f"介绍人甲{key}"), make_person(org, f"介绍人乙{key}")]
    demo.advance(file, 17, branch=world.admin, higher=world.personas["county_admin"], sponsors=sponsors)
    return file, [name]


OBJECTS = {"devel_file": _file, "devel_activist": _activist, "devel_admitted": _admitted}
ALL = ("devel_file", "devel_activist", "devel_admitted")


def _new_file(world, org, key) -> dict:
    from dangjian.devel import demo
    from dangjian.orgs.tests.factories import make_id

    return {
        "org": org.pk,
        "name": f"走查申请人{key}",
        "id_number": make_id(date(1997, 6, 6)),
        "applied_on": _today().isoformat(),
        "ethnicity": "汉族",
        "education": "",
        "job": "",
        "phone": "",
        "files": demo.scan("走查申请书.pdf"),
    }


def _talk(world, file, key) -> dict:
    return {
        "done_on": (file.applied_on + timedelta(days=5)).isoformat(),
        "body": "",
        "people": "走查谈话人",
        "note": "",
        "version": file.version,
    }


def _assessment(world, file, key) -> dict:
    return {"done_on": _today().isoformat(), "people": "走查联系人", "note": "走查考察意见"}


def _notice(world, file, key) -> dict:
    return {
        "before_step": 7,
        "place": "走查公示栏",
        "starts_on": (file.applied_on + timedelta(days=1)).isoformat(),
        "ends_on": (file.applied_on + timedelta(days=20)).isoformat(),
        "outcome": "",
    }


def _stop(world, file, key) -> dict:
    return {"done_on": _today().isoformat(), "reason": "走查停止发展原因", "version": file.version}


def _quota(world, org, key) -> dict:
    return {"org": org.pk, "year": _today().year, "number": 3}


ROUTES = {
    "devel:pipeline": page(ALL, outside_query={"org": "org"}),
    "devel:export": export(ALL, outside_query={"org": "org"}),
    "devel:file_open": create("org", _new_file, obj="org"),
    "devel:file_detail": detail(ALL),
    "devel:index_docx": detail(ALL),
    "devel:notice_docx": detail("devel_admitted", kwargs=lambda f: {"pk": f.pk, "step": 15}),
    "devel:reply_docx": detail("devel_admitted", kwargs=lambda f: {"pk": f.pk, "step": 17}),
    "devel:step_record": write("devel_file", _talk),
    "devel:assessment_add": write("devel_activist", _assessment),
    "devel:notice_add": write("devel_file", _notice),
    "devel:file_stop": write("devel_file", _stop),
    "api-devel-file-list": api_list(ALL),
    "api-devel-file-detail": api_detail(ALL),
    "api-devel-file-step": api_action("devel_file", lambda w, f, key: {"number": 2, **_talk(w, f, key)}),
    "api-devel-file-stop": api_action("devel_file", _stop),
    "devel:quotas": page("org", outside_query={"org": "org"}),
    "devel:quota_set": create("org", _quota, obj="org"),
}


def _visible_files(world, persona, org=None):
    """Files of the organisations the persona may see (the oracle, not visible_to), in ``org``'s subtree."""
    from dangjian.devel.models import DevelopmentFile

    files = DevelopmentFile.objects.filter(org__in=world.record_orgs(persona))
    return files.filter(org__path__startswith=org.path) if org is not None else files


def _pipeline_counts(world, persona, client) -> list[str]:
    """The stage counts and the rows per organisation count only files the persona may see."""
    from dangjian.devel.selectors import stage_statuses
    from dangjian.orgs.models import Organisation

    problems = []
    for org in [None, *world.allowed_orgs(persona)]:
        response = client.get(reverse("devel:pipeline"), {"org": org.pk} if org else {})
        if response.status_code != 200:
            continue
        text = response.content.decode()
        for stage, count in re.findall(r'data-testid="stage-(\d)" data-count="(\d+)"', text):
            expected = (
                _visible_files(world, persona, org).filter(status__in=stage_statuses(int(stage))).count()
            )
            if int(count) != expected:
                problems.append(
                    f"pipeline {org}: stage {stage} shows {count}, the persona may see {expected}"
                )
        for pk, total in re.findall(r'data-org="(\d+)" data-total="(\d+)"', text):
            expected = _visible_files(world, persona, Organisation.objects.get(pk=pk)).count()
            if int(total) != expected:
                problems.append(
                    f"pipeline {org}: organisation {pk} shows {total}, the persona may see {expected}"
                )
    return problems


def _quota_counts(world, persona, client) -> list[str]:
    """Quota rows count used and pipeline files only among those the persona may see."""
    from dangjian.devel.selectors import pipeline_q
    from dangjian.orgs.models import Organisation

    problems = []
    for year in {_today().year, _today().year - 1}:
        for org in world.allowed_orgs(persona):
            response = client.get(reverse("devel:quotas"), {"org": org.pk, "year": year})
            if response.status_code != 200:
                continue
            rows = re.findall(
                r'data-org="(\d+)" data-allocated="\d*" data-used="(\d+)" data-pipeline="(\d+)"',
                response.content.decode(),
            )
            for pk, used, in_pipeline in rows:
                files = _visible_files(world, persona, Organisation.objects.get(pk=pk))
                expected = (files.filter(quota_year=year).count(), files.filter(pipeline_q()).count())
                if (int(used), int(in_pipeline)) != expected:
                    problems.append(
                        f"quotas {org} {year}: organisation {pk} shows {used}/{in_pipeline}, expected {expected}"
                    )
    return problems


NUMBERS = {"devel:pipeline": [_pipeline_counts], "devel:quotas": [_quota_counts]}
