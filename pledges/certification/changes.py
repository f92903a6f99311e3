"""What changed since the return: a resubmission's frozen evidence beside the evidence of the
submission the reviewer returned, requirement by requirement, so the reviewer checks what the
agency fixed instead of reading everything again.

Both sides are frozen snapshots (`pledges.engine.submissions`): the figures of each
requirement, the MOUs and the policy in force with their documents' SHA-256, and the people
counted. Nothing is read live, so the comparison says what the two decisions were judged on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from pledges.models import REQUIREMENT_TITLES, Decision, Review, Submission

# People listed per kind of change; the counts are always whole.
LISTED_PEOPLE = 100


@dataclass(frozen=True)
class Figure:
    """One figure of a requirement, as returned and as resubmitted."""

    label: str
    before: int | None
    after: int | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class DocumentChange:
    """An MOU's or the policy's document added, removed or replaced (by fingerprint)."""

    ADDED, REMOVED, REPLACED = "added", "removed", "replaced"

    what: str  # the agreement or policy, in words
    change: str  # ADDED, REMOVED or REPLACED
    before: dict | None  # {"id", "file", "sha256"} as frozen
    after: dict | None

    @property
    def label(self) -> str:
        return {
            self.ADDED: _("Added"),
            self.REMOVED: _("Removed"),
            self.REPLACED: _("Replaced"),
        }[self.change]


@dataclass(frozen=True)
class RequirementChange:
    """One requirement: the reviewer's comment on the return, and what moved since."""

    key: str
    title: str
    comment: str  # "" when the reviewer said nothing of it
    met_before: bool | None  # None: the returned submission did not judge it
    met_after: bool
    figures: list[Figure] = field(default_factory=list)
    documents: list[DocumentChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return (
            self.met_before != self.met_after
            or any(f.changed for f in self.figures)
            or bool(self.documents)
        )


@dataclass(frozen=True)
class CountedPerson:
    employee_id: str
    name: str
    cit: bool
    mhfa: bool


@dataclass(frozen=True)
class PeopleChange:
    """Who joined or left the counted list, and whose training changed on it."""

    added: list[CountedPerson]  # the first LISTED_PEOPLE of each
    removed: list[CountedPerson]
    retrained: list[tuple[CountedPerson, CountedPerson]]  # (as returned, as resubmitted)
    added_count: int
    removed_count: int
    retrained_count: int

    @property
    def changed(self) -> bool:
        return bool(self.added_count or self.removed_count or self.retrained_count)

    # How many of each are not listed.

    @property
    def added_more(self) -> int:
        return self.added_count - len(self.added)

    @property
    def removed_more(self) -> int:
        return self.removed_count - len(self.removed)

    @property
    def retrained_more(self) -> int:
        return self.retrained_count - len(self.retrained)


@dataclass(frozen=True)
class SinceReturn:
    """A resubmission beside the submission the reviewer returned."""

    returned: Submission
    review: Review
    requirements: list[RequirementChange]
    people: PeopleChange

    @property
    def changed(self) -> bool:
        return self.people.changed or any(r.changed for r in self.requirements)


def since_return(submission: Submission) -> SinceReturn | None:
    """The changes since the latest return of the submission's pledge before it; None for a
    first submission. Two queries."""
    review = (
        Review.all_agencies.filter(
            submission__pledge_id=submission.pledge_id,
            submission__submitted_at__lt=submission.submitted_at,
            decision=Decision.RETURNED,
        )
        .select_related("submission", "reviewer")
        .order_by("-submission__submitted_at")
        .first()
    )
    if review is None:
        return None
    returned = review.submission
    before, after = returned.snapshot, submission.snapshot
    return SinceReturn(
        returned=returned,
        review=review,
        requirements=requirement_changes(before, after, review.comments),
        people=people_changes(before.get("people", []), after.get("people", [])),
    )


def requirement_changes(before: dict, after: dict, comments: dict) -> list[RequirementChange]:
    """Each requirement of `after` with its figures and documents beside `before`'s."""
    earlier = {r["key"]: r for r in before.get("requirements", [])}
    documents = {
        "partnership": partnership_documents(
            before.get("partnerships", []), after.get("partnerships", [])
        ),
        "policy": policy_documents(before.get("policy"), after.get("policy")),
    }
    changes = []
    for requirement in after.get("requirements", []):
        key = requirement["key"]
        old = earlier.get(key, {})
        changes.append(
            RequirementChange(
                key=key,
                title=requirement.get("title") or REQUIREMENT_TITLES.get(key, key),
                comment=comments.get(key, ""),
                met_before=old.get("met"),
                met_after=requirement["met"],
                figures=_figures(key, old, requirement),
                documents=documents.get(key, []),
            )
        )
    return changes


def _figures(key: str, old: dict, new: dict) -> list[Figure]:
    """The training requirements' figures: people in scope, trained, needed."""
    if new.get("total") is None:
        return []
    trained = _("With CIT") if key == "cit" else _("Covered")
    return [
        Figure(_("In scope"), old.get("total"), new.get("total")),
        Figure(trained, old.get("count"), new.get("count")),
        Figure(_("Required"), old.get("required"), new.get("required")),
    ]


def partnership_documents(before: list[dict], after: list[dict]) -> list[DocumentChange]:
    """The MOUs in force, matched by title and organization (the partnership they belong
    to): a document that appears, disappears or has another fingerprint."""

    def by_agreement(rows):
        return {(row["title"], row["organization"]): row.get("document") for row in rows}

    old, new = by_agreement(before), by_agreement(after)
    changes = []
    for title, organization in sorted(old.keys() | new.keys()):
        what = _("MOU “%(title)s” with %(organization)s") % {
            "title": title,
            "organization": organization,
        }
        change = _document_change(
            what, old.get((title, organization)), new.get((title, organization))
        )
        if change:
            changes.append(change)
    return changes


def policy_documents(before: dict | None, after: dict | None) -> list[DocumentChange]:
    """The policy in force: its document added, removed or replaced."""
    policy = after or before
    if policy is None:
        return []
    what = _("policy “%(title)s”") % {"title": policy["title"]}
    change = _document_change(what, (before or {}).get("document"), (after or {}).get("document"))
    return [change] if change else []


def _document_change(what: str, old: dict | None, new: dict | None) -> DocumentChange | None:
    if old and new:
        if old["sha256"] == new["sha256"]:
            return None
        return DocumentChange(what, DocumentChange.REPLACED, old, new)
    if new:
        return DocumentChange(what, DocumentChange.ADDED, None, new)
    if old:
        return DocumentChange(what, DocumentChange.REMOVED, old, None)
    return None


def people_changes(before: list[list], after: list[list]) -> PeopleChange:
    """The counted lists compared by employee ID (unique in an agency's roster)."""
    old = {row[0]: _person(row) for row in before}
    new = {row[0]: _person(row) for row in after}
    added = [new[key] for key in new.keys() - old.keys()]
    removed = [old[key] for key in old.keys() - new.keys()]
    retrained = [
        (old[key], new[key])
        for key in new.keys() & old.keys()
        if (old[key].cit, old[key].mhfa) != (new[key].cit, new[key].mhfa)
    ]

    def by_name(person: CountedPerson):
        return (person.name.casefold(), person.employee_id)

    added.sort(key=by_name)
    removed.sort(key=by_name)
    retrained.sort(key=lambda pair: by_name(pair[1]))
    return PeopleChange(
        added=added[:LISTED_PEOPLE],
        removed=removed[:LISTED_PEOPLE],
        retrained=retrained[:LISTED_PEOPLE],
        added_count=len(added),
        removed_count=len(removed),
        retrained_count=len(retrained),
    )


def _person(row: list) -> CountedPerson:
    employee_id, last_name, first_name, cit, mhfa = row
    name = f"{last_name}, {first_name}" if first_name else last_name
    return CountedPerson(employee_id, name, bool(cit), bool(mhfa))
