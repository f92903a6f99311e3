"""Which catalogue course a learning system's course title is.

Learning systems name the program's courses their own way ("CIT 40-Hour Basic Course",
"Mental Health First Aid - Public Safety"), and export every other course too ("Defensive
Tactics"). Each distinct title is matched to the courses the agency may use (the program
catalogue and its own proposals) with rapidfuzz, after spelling out the program's
acronyms; a title like none of them is proposed as "not for the pledge", so unrelated
training never blocks a file. The coordinator confirms or changes each match in the
courses step, and the choices are remembered for the agency's next import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from rapidfuzz import fuzz, utils

from agencies.models import Agency
from training.models import Course, CourseKind, CourseStatus

# What a course title may hold instead of a course: its rows are skipped, or the title is
# proposed to the program as an equivalent of CIT or MHFA.
NOT_FOR_THE_PLEDGE = "skip"
PROPOSE = {
    "propose:cit_equivalent": CourseKind.CIT_EQUIVALENT,
    "propose:mhfa_equivalent": CourseKind.MHFA_EQUIVALENT,
}
# A proposed equivalent's length when the file gives none: the usual length of each course.
USUAL_HOURS = {
    CourseKind.CIT_EQUIVALENT: Decimal(40),
    CourseKind.MHFA_EQUIVALENT: Decimal("6.5"),
}

# token_set_ratio at or above this is a match: "CIT 40-Hour Basic Course" scores 84 against
# the catalogue's CIT course, "Mental Health Awareness" 72 against MHFA, "Defensive Tactics"
# under 40 against anything.
MATCH_SCORE = 80

_ACRONYMS = {
    "cit": "crisis intervention team",
    "mhfa": "mental health first aid",
    "crit": "crisis response and intervention training",
}
_REFRESHER = re.compile(r"refresher|in service|update|recert|renewal|annual")


def _spelled_out(title: str) -> str:
    return " ".join(_ACRONYMS.get(word, word) for word in utils.default_process(title).split())


@dataclass(frozen=True)
class CourseMatch:
    choice: str  # a course's public id, NOT_FOR_THE_PLEDGE, or a PROPOSE key
    reason: str


def usable_courses(agency: Agency) -> list[Course]:
    """The courses an import may record: the catalogue and the agency's own proposals."""
    return list(
        Course.objects.available_to(agency)
        .exclude(status=CourseStatus.REJECTED)
        .order_by("agency_id", "name")
    )


def match_course(title: str, courses: list[Course]) -> CourseMatch:
    """The course a title most likely is, and why; not for the pledge when none is alike."""
    for course in courses:
        if course.name.casefold() == title.casefold():
            return CourseMatch(str(course.public_id), _("the same name"))
    wanted = _spelled_out(title)
    refresher = _REFRESHER.search(wanted) is not None
    # A refresher is never taken for the course itself, nor the course for its refresher.
    candidates = [c for c in courses if (c.refresher_of_id is not None) == refresher]
    scored = [
        (fuzz.token_set_ratio(wanted, _spelled_out(c.name)), fuzz.ratio(wanted, c.name), c)
        for c in candidates
    ]
    best = max(scored, key=lambda s: (s[0], s[1]), default=None)
    if best is None or best[0] < MATCH_SCORE:
        return CourseMatch(NOT_FOR_THE_PLEDGE, _("no course of the catalogue is like it"))
    return CourseMatch(
        str(best[2].public_id),
        _("%(score)d%% alike “%(course)s”") % {"score": round(best[0]), "course": best[2].name},
    )


def choice_labels(courses: list[Course]) -> list[tuple[str, str]]:
    """The courses step's options for every title: each course, then propose, then skip."""
    options = [(str(c.public_id), _course_label(c)) for c in courses]
    options += [
        ("propose:cit_equivalent", _("Propose it to the program as a CIT equivalent")),
        ("propose:mhfa_equivalent", _("Propose it to the program as an MHFA equivalent")),
        (NOT_FOR_THE_PLEDGE, _("Not for the pledge: skip these rows")),
    ]
    return options


def _course_label(course: Course) -> str:
    if course.status == CourseStatus.PROPOSED:
        return _("%(course)s (your proposal, awaiting approval)") % {"course": course.name}
    if not course.counts:
        return _("%(course)s (recorded, does not count toward the pledge)") % {
            "course": course.name
        }
    return course.name
