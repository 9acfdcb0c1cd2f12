"""Rule parameters of duty-report evaluation (DOMAIN.md §5–6, *local*): each new session copies them.

The points of each grade and the lowest total of each overall grade are the defaults an
organiser starts from; the session's own values can then be edited until the first ballot.
"""

from django.utils.translation import gettext_lazy as _

from dangjian.core import params

POINTS = {
    "good": params.declare("reviews.points_good", 100, _("Evaluation: points of the grade Good")),
    "fairly_good": params.declare(
        "reviews.points_fairly_good", 80, _("Evaluation: points of the grade Fairly good")
    ),
    "average": params.declare("reviews.points_average", 60, _("Evaluation: points of the grade Average")),
    "poor": params.declare("reviews.points_poor", 40, _("Evaluation: points of the grade Poor")),
}
THRESHOLDS = {
    "good": params.declare("reviews.threshold_good", 90, _("Evaluation: lowest total graded Good")),
    "fairly_good": params.declare(
        "reviews.threshold_fairly_good", 80, _("Evaluation: lowest total graded Fairly good")
    ),
    "average": params.declare("reviews.threshold_average", 60, _("Evaluation: lowest total graded Average")),
}


def default_points() -> dict[str, int]:
    return {grade: params.get(spec.key) for grade, spec in POINTS.items()}


def default_thresholds() -> dict[str, int]:
    return {grade: params.get(spec.key) for grade, spec in THRESHOLDS.items()}
