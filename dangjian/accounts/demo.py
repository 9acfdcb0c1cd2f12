"""The accounts contributor to ``manage.py demo``: one sign-in per persona, sharing one demo password.

The personas match conftest's ``personas`` fixture, so ``ctx.data["users"]`` has the same keys:
admin, county_admin, township_a (高坑镇), township_b, village_a1 (a village in 高坑镇),
inspector and member.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password

from dangjian.core.demo import DemoContext

from .models import RoleAssignment, User
from .roles import Role

DEMO_PASSWORD = "Pingchuan-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    """A demo sign-in: which persona, its username, role and where the role applies."""

    persona: str
    username: str
    role: str | None  # None: superuser
    where: str  # key into ctx.data of the organisation ("county", "gaokeng", ...)
    subtree: bool = True
    display: str = ""


ACCOUNTS = [
    DemoAccount("admin", "sysadmin", None, "", display="系统管理员"),
    DemoAccount("county_admin", "zzb", Role.ORG_DEPT, "county", display="组织部干事"),
    DemoAccount("township_a", "gaokeng", Role.TOWNSHIP, "gaokeng"),
    DemoAccount("township_b", "qingshan", Role.TOWNSHIP, "township_b"),
    DemoAccount("village_a1", "gkcun", Role.BRANCH_SECRETARY, "gaokeng_village"),
    DemoAccount("inspector", "ducha", Role.INSPECTOR, "county", display="县委督查组"),
    DemoAccount("member", "dangyuan", Role.MEMBER, "gaokeng_village", subtree=False),
]
USERNAMES = [a.username for a in ACCOUNTS]


def _display_name(ctx: DemoContext, account: DemoAccount, org) -> str:
    """The persona's name: the organisation's current secretary where there is one."""
    if account.display:
        return account.display
    if account.role in (Role.TOWNSHIP, Role.BRANCH_SECRETARY):
        return org.contact_name or f"{org.label}书记"
    return ctx.rng.choice(["刘", "李", "张", "王", "陈", "彭"]) + ctx.rng.choice(
        ["晓明", "丽华", "建国", "海燕", "志强"]
    )


def build(ctx: DemoContext) -> None:
    """Create the demo sign-ins and their role assignments; put them in ``ctx.data["users"]``."""
    data = ctx.data
    townships = [t for t in data["townships"] if t.path.startswith(data["county"].path)]
    data.setdefault("township_b", next(t for t in townships if t.pk != data["gaokeng"].pk))
    users = {}
    hashed = make_password(DEMO_PASSWORD)  # hashed once: seven slow hashes of the same password add nothing
    for account in ACCOUNTS:
        org = data[account.where] if account.where else None
        # A plain member signs in as one person of the branch's roster (their own record is what they see).
        person = org.people.order_by("pk").first() if account.role == Role.MEMBER else None
        display = _display_name(ctx, account, org) if org or account.display else account.username
        if person is not None:
            display = person.name
        user = User(
            username=account.username,
            display_name=display,
            is_superuser=account.role is None,
            is_staff=account.role is None,
            person=person,
        )
        user.password = hashed
        user.save()
        if account.role:
            RoleAssignment.objects.create(
                user=user, role=account.role, org=org, include_subtree=account.subtree
            )
        users[account.persona] = user
    data["users"] = users
    ctx.out(f"  accounts: {len(users)} demo sign-ins, password {DEMO_PASSWORD}")


def county_users(ctx: DemoContext) -> None:
    """The ``county`` step: the demo sign-ins in ``ctx.data["users"]`` (authors of other steps' bulk records)."""
    by_name = User.objects.in_bulk(USERNAMES, field_name="username")
    ctx.data["users"] = {a.persona: by_name[a.username] for a in ACCOUNTS if a.username in by_name}


def account_rows() -> list[tuple[str, str, str, str]]:
    """(username, role, organisation, password) of the demo accounts that exist, for ``manage.py demo_accounts``."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=USERNAMES).prefetch_related("assignments__org")
    }
    rows = []
    unchanged: dict[str, bool] = {}
    for account in ACCOUNTS:
        user = users.get(account.username)
        if user is None:
            continue
        assignment = next(iter(user.assignments.all()), None)
        role = assignment.get_role_display() if assignment else ("超级管理员" if user.is_superuser else "")
        org = assignment.org.label if assignment else "全部"
        if user.password not in unchanged:
            unchanged[user.password] = check_password(DEMO_PASSWORD, user.password)
        password = DEMO_PASSWORD if unchanged[user.password] else "（已修改）"
        rows.append((user.username, str(role), org, password))
    return rows
