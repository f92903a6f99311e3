"""The built-in words of records systems, and what a rank or title proposes."""

import pytest

from training.imports.courses import NOT_FOR_THE_PLEDGE, match_course, usable_courses
from training.imports.vocabularies import CATEGORY, SELECTED, STATUS, category_from_title


@pytest.mark.parametrize(
    ("vocabulary", "words", "meaning"),
    [
        (CATEGORY, ["Y", "yes", "TRUE", "1", "X", "Sworn", "Officer", "Deputy"], "sworn"),
        (CATEGORY, ["N", "No", "Civilian", "Professional Staff", "Non-Sworn", "non sworn"],
         "non_sworn"),
        (STATUS, ["Active", "A", "Full-Time", "Light Duty", "Probationary"], "active"),
        (STATUS, ["LOA", "L.O.A.", "FMLA", "Military", "Extended leave", "Leave",
                  "Workers Comp"], "leave"),
        (STATUS, ["Retired", "Resigned", "Terminated", "Deceased", "Separated", "Inactive"],
         "separated"),
        (SELECTED, ["Y", "Yes", "X", "Selected"], "yes"),
        (SELECTED, ["N", "No", "Excluded"], "no"),
    ],
)  # fmt: skip
def test_common_words_mean_what_agencies_mean_by_them(vocabulary, words, meaning):
    assert {word: vocabulary.builtin(word) for word in words} == dict.fromkeys(words, meaning)


@pytest.mark.parametrize("word", ["Maybe", "Prof", "Reserve", "Transferred", ""])
def test_other_words_have_no_meaning_until_someone_says(word):
    assert CATEGORY.builtin(word) is None or word == ""
    assert STATUS.builtin(word) is None


@pytest.mark.parametrize(
    ("title", "proposed"),
    [
        ("Police Officer I", "sworn"), ("PO II", "sworn"), ("Sgt.", "sworn"),
        ("Lt.", "sworn"), ("Deputy Sheriff", "sworn"), ("Trooper First Class", "sworn"),
        ("Chief of Police", "sworn"), ("Detective", "sworn"),
        ("Dispatcher", "non_sworn"), ("Telecommunicator II", "non_sworn"),
        ("Records Clerk", "non_sworn"), ("Crime Analyst", "non_sworn"),
        ("Community Service Officer", "non_sworn"), ("Parking Enforcement Officer", "non_sworn"),
        ("Public Information Officer", "non_sworn"),
        ("Detention Officer", None), ("Jailer", None), ("Recruit", None), ("Chaplain", None),
    ],
)  # fmt: skip
def test_a_rank_or_title_proposes_sworn_or_not_and_jail_staff_are_asked(title, proposed):
    assert category_from_title(title)[0] == proposed


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Crisis Intervention Team (CIT)", "cit"),
        ("CIT 40-Hour Basic Course", "cit"),
        ("cit", "cit"),
        ("Crisis Intervention Team Training - 40 hr", "cit"),
        ("CIT Refresher", "other"),  # the catalogue's refresher, which counts for nothing
        ("Mental Health First Aid - Public Safety", "mhfa"),
        ("MHFA for Public Safety", "mhfa"),
        ("Crisis Response and Intervention Training", "cit_equivalent"),
        ("Defensive Tactics", None),
        ("Firearms Qualification", None),
        ("Mental Health Awareness", None),
        ("Crisis Negotiation", None),
    ],
)
def test_course_titles_match_the_catalogue_or_nothing(db, agency_a, title, kind):
    courses = usable_courses(agency_a)
    match = match_course(title, courses)
    matched = {str(c.public_id): c.kind for c in courses}.get(match.choice)
    assert matched == kind
    assert (match.choice == NOT_FOR_THE_PLEDGE) == (kind is None)
