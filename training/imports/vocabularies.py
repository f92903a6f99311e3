"""What the words in an agency's export mean.

Records systems say "Y", "Sworn", "LOA" or "Retired" where the roster needs sworn or
non-sworn, a status, or whether a non-sworn person is in scope. Each of those columns is a
vocabulary: the built-in synonyms below give the common words their meaning, the agency's
remembered choices come first, and the coordinator confirms or changes every distinct value
in the values step. Where a file has no sworn column, a rank or title proposes one
("Sergeant" is sworn, "Dispatcher" is not), shown per title to be confirmed, never silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from training.models import Category, Status

# A value whose rows are left out of the import, listed with the reason.
SKIP = "skip"
YES, NO = "yes", "no"

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def value_key(text: str) -> str:
    """How a cell's value is remembered: case and spacing do not make another value."""
    return " ".join(text.casefold().split())


def word_key(text: str) -> str:
    """How a built-in synonym is recognised: letters and digits only ("L.O.A." is "loa")."""
    return _NOT_WORD.sub("", text.casefold())


@dataclass(frozen=True)
class Vocabulary:
    field: str
    label: str
    question: str  # the values step's heading for this column
    meanings: tuple[tuple[str, str], ...]  # (meaning, label), SKIP last
    words: dict[str, str]  # word_key -> meaning

    def builtin(self, text: str) -> str | None:
        return self.words.get(word_key(text))

    def label_of(self, meaning: str) -> str:
        return dict(self.meanings).get(meaning, "")


def _words(meanings: dict[str, str]) -> dict[str, str]:
    """{word_key: meaning} from each meaning's words, written "y|yes|true"."""
    return {
        word_key(word): meaning for meaning, words in meanings.items() for word in words.split("|")
    }


_SKIP_ROWS = (SKIP, _("Skip these rows"))
_SWORN_OR_NOT = ((Category.SWORN, _("Sworn")), (Category.NON_SWORN, _("Non-sworn")), _SKIP_ROWS)

CATEGORY = Vocabulary(
    field="category",
    label=_("Sworn or non-sworn"),
    question=_("What each value in the sworn column means"),
    meanings=_SWORN_OR_NOT,
    words=_words(
        {
            Category.SWORN: "y|yes|true|1|x|sworn|s|officer|deputy|leo|peace officer|certified"
            "|commissioned|sworn officer",
            Category.NON_SWORN: "n|no|false|0|civilian|civ|c|non-sworn|nonsworn|non sworn"
            "|not sworn|professional staff|professional|support staff|support|staff",
        }
    ),
)

STATUS = Vocabulary(
    field="status",
    label=_("Status"),
    question=_("What each value in the status column means"),
    meanings=(
        (Status.ACTIVE, _("Active")),
        (Status.LEAVE, _("Extended leave")),
        (Status.SEPARATED, _("Separated")),
        _SKIP_ROWS,
    ),
    words=_words(
        {
            Status.ACTIVE: "active|a|current|employed|working|full time|full-time|part time"
            "|part-time|light duty|probation|probationary|seasonal|temporary",
            Status.LEAVE: "leave|l|loa|leave of absence|on leave|fmla|military|military leave"
            "|extended leave|medical leave|disability leave|administrative leave|suspended"
            "|workers comp|workers compensation",
            Status.SEPARATED: "separated|retired|resigned|terminated|deceased|inactive|former"
            "|termed|dismissed|discharged|laid off|transferred out",
        }
    ),
)

SELECTED = Vocabulary(
    field="selected",
    label=_("Non-sworn in scope"),
    question=_("What each value in the in-scope column means"),
    meanings=((YES, _("In scope")), (NO, _("Not in scope")), _SKIP_ROWS),
    words=_words(
        {
            YES: "y|yes|true|1|x|selected|in scope|included",
            NO: "n|no|false|0|not selected|out of scope|excluded",
        }
    ),
)

# For files without a sworn column: a rank or title proposes sworn or non-sworn. The
# non-sworn words are looked for first, so "Community Service Officer" is not sworn.
_NON_SWORN_TITLE_WORDS = [
    "dispatcher", "dispatch", "telecommunicator", "telecommunications", "communications",
    "call taker", "calltaker", "clerk", "records", "analyst", "civilian", "technician",
    "tech", "assistant", "secretary", "administrative", "admin", "receptionist",
    "community service", "cso", "parking", "animal control", "victim advocate", "advocate",
    "coordinator", "specialist", "accountant", "mechanic", "custodian", "it ",
    "information technology", "evidence", "property", "crime scene", "volunteer", "intern",
    "cadet", "professional staff", "payroll", "human resources", "hr ", "public information",
]  # fmt: skip
# Titles sworn in some agencies and not in others (jail staff above all, and recruits):
# nothing is proposed, the coordinator says.
_UNDECIDED_TITLE_WORDS = ["detention", "jailer", "corrections", "correctional", "recruit"]
_SWORN_TITLE_WORDS = [
    "officer", "ofc", "po", "deputy", "dep", "trooper", "tpr", "corporal", "cpl", "sergeant",
    "sgt", "detective", "det", "lieutenant", "lt", "captain", "capt", "cpt", "chief",
    "sheriff", "undersheriff", "major", "colonel", "col", "commander", "cmdr", "inspector",
    "investigator", "agent", "constable", "marshal", "patrol", "patrolman", "patrolwoman",
    "police", "superintendent", "commissioner", "ranger", "warden", "sworn",
]  # fmt: skip

RANK_CATEGORY = Vocabulary(
    field="rank_category",
    label=_("Sworn or non-sworn, from the rank or title"),
    question=_(
        "The file has no sworn column: confirm, for each rank or title of the people new to "
        "the roster, whether they are sworn"
    ),
    meanings=_SWORN_OR_NOT,
    words={},
)


def _has_word(title: str, word: str) -> bool:
    return re.search(rf"(?<![a-z]){re.escape(word.strip())}(?![a-z])", title) is not None


def category_from_title(title: str) -> tuple[str | None, str]:
    """Sworn or non-sworn as a rank or title suggests, and the word that suggests it."""
    text = " ".join(title.casefold().replace(".", " ").split())
    if any(_has_word(text, word) for word in _UNDECIDED_TITLE_WORDS):
        return None, ""
    for words, meaning in (
        (_NON_SWORN_TITLE_WORDS, Category.NON_SWORN),
        (_SWORN_TITLE_WORDS, Category.SWORN),
    ):
        for word in words:
            if _has_word(text, word):
                return meaning, word.strip()
    return None, ""


VOCABULARIES = {v.field: v for v in (CATEGORY, STATUS, SELECTED, RANK_CATEGORY)}
