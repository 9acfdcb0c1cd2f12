"""Template filters of the evaluation pages."""

from django import template

from ..models import Grade

register = template.Library()


@register.filter
def grade_shares(group: dict) -> str:
    """A group's grade distribution as the results show it: 好 62%、较好 38%."""
    count = group.get("count") or 0
    if not count:
        return ""
    grades = group.get("grades") or {}
    return "、".join(
        f"{Grade(g).label} {round(100 * grades[g] / count)}%" for g in Grade.values if grades.get(g)
    )
