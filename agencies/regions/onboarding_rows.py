"""What inviting each agency of a list would do: read the list a region coordinator uploads
(CSV or Excel, column names matched loosely, as the roster import does), check every row
and find the agencies already registered. One row typed in the invitation form is a list
of one.

A row is either a problem to fix (missing name, bad address, an ORI of the wrong shape or
state, a place unknown, a repeat of another row, an agency already invited or already a
member), an invitation to register, or a request to an agency registered already to join.
Every read is one query for the whole list, however long.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import ORI_VALIDATOR, Agency
from agencies.names import clean_name
from agencies.places import REGIONS_BY_COUNTRY, normalize_region, ori_matches_state
from agencies.regions.models import (
    CURRENT_STATUSES,
    MemberAgency,
    MemberAgencyStatus,
    OnboardingInvitation,
    Region,
)
from onemind.lib.dates import day
from onemind.lib.spreadsheets import looks_like_formula
from onemind.lib.tables import TableError, guess_mapping, read_table

if TYPE_CHECKING:
    from collections.abc import Iterable

# More agencies than any state has; a list is checked and sent within one request.
MAX_LIST_ROWS = 5_000
MAX_LIST_BYTES = 5 * 1024 * 1024

INVITE = "invite"  # invite the coordinator-to-be to register the agency, then join
ASK = "ask"  # the agency is registered: ask it to join

# The list's columns, with the other names spreadsheets give them.
COLUMNS: dict[str, list[str]] = {
    "agency_name": ["agency", "name", "agency name", "department", "organization", "agency/dept"],
    "ori": ["ori number", "ori code", "ncic ori", "originating agency identifier"],
    "state": ["state or province", "province", "st", "state code"],
    "email": [
        "coordinator email", "coordinator e-mail", "e-mail", "email address", "contact email",
        "chief email", "chief's email",
    ],
}  # fmt: skip
COLUMN_LABELS = {
    "agency_name": gettext_lazy("Agency"),
    "ori": gettext_lazy("ORI"),
    "state": gettext_lazy("State"),
    "email": gettext_lazy("Coordinator email"),
}
REQUIRED_COLUMNS = ("agency_name", "email")


@dataclass
class ListRow:
    """One agency of a list: what the file says (cleaned), and what inviting it would do."""

    number: int  # the row's number in the file, as the spreadsheet shows it
    agency_name: str
    ori: str = ""
    state: str = ""
    email: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    action: str = ""  # INVITE or ASK once the row is good
    agency: Agency | None = None  # the registered agency an ASK row asks

    @property
    def values(self) -> list:
        """The row as the confirmation carries it, to be checked again when sent."""
        return [self.number, self.agency_name, self.ori, self.state, self.email]

    def problem(self, column: str, message: str) -> None:
        self.errors.append((column, message))

    @property
    def problems(self) -> list[tuple[str, str]]:
        """(column label, message) of each problem, for the page."""
        return [(str(COLUMN_LABELS[column]), message) for column, message in self.errors]


@dataclass
class ListPlan:
    rows: list[ListRow]

    @property
    def errors(self) -> list[ListRow]:
        return [row for row in self.rows if row.errors]

    @property
    def invited(self) -> list[ListRow]:
        return [row for row in self.rows if row.action == INVITE]

    @property
    def asked(self) -> list[ListRow]:
        return [row for row in self.rows if row.action == ASK]


class ListError(Exception):
    """The file as a whole cannot be used; the message says why, for whoever uploaded it."""


def read_list(data: bytes, filename: str) -> list[ListRow]:
    """The agencies of an uploaded CSV or XLSX file, as typed (cleaned only of spaces)."""
    if len(data) > MAX_LIST_BYTES:
        raise ListError(
            _("The file is %(size).1f MB; a list of agencies may be up to %(limit)d MB.")
            % {"size": len(data) / 1048576, "limit": MAX_LIST_BYTES // 1048576}
        )
    names = [name for column, others in COLUMNS.items() for name in [column, *others]]
    try:
        table = read_table(data, filename, max_rows=MAX_LIST_ROWS, header_names=names)
    except TableError as error:
        raise ListError(str(error)) from error
    mapping = guess_mapping(table.headers, COLUMNS)
    missing = [str(COLUMN_LABELS[c]) for c in REQUIRED_COLUMNS if c not in mapping]
    if missing:
        raise ListError(
            _(
                "No column of the file is named for: %(missing)s. Name the columns “Agency”, "
                "“ORI”, “State” and “Coordinator email” (the ORI and state may be left out) "
                "and upload it again."
            )
            % {"missing": ", ".join(missing)}
        )
    if not table.rows:
        raise ListError(_("The file has column names but no agencies below them."))

    def cell(row, column: str) -> str:
        index = mapping.get(column)
        return row.cells[index] if index is not None else ""

    return [
        ListRow(
            number=row.number,
            agency_name=cell(row, "agency_name"),
            ori=cell(row, "ori"),
            state=cell(row, "state"),
            email=cell(row, "email"),
        )
        for row in table.rows
    ]


def rows_from_values(values: Iterable[list]) -> list[ListRow]:
    """The rows a confirmation carried back (`ListRow.values`)."""
    return [
        ListRow(number=int(number), agency_name=name, ori=ori, state=state, email=email)
        for number, name, ori, state, email in values
    ]


def plan_list(region: Region, rows: list[ListRow]) -> ListPlan:
    """Check every row and say what inviting it would do. Rows are changed in place."""
    for row in rows:
        _clean(region, row)
    _match_registered(region, rows)
    _check_waiting(region, [row for row in rows if row.action == INVITE])
    _check_repeats(rows)
    for row in rows:
        if row.errors:
            row.action, row.agency = "", None
    return ListPlan(rows)


def _clean(region: Region, row: ListRow) -> None:
    country = str(region.country)
    row.agency_name = clean_name(row.agency_name)
    if not row.agency_name:
        row.problem("agency_name", _("The agency's name is missing."))
    elif looks_like_formula(row.agency_name):
        # A list can carry a spreadsheet formula ("=HYPERLINK(…)"); no agency is named so,
        # and the name would be a formula in every list and export it is copied to.
        row.problem(
            "agency_name",
            _("“%(value)s” looks like a spreadsheet formula, not an agency's name.")
            % {"value": _shortened(row.agency_name)},
        )
    elif len(row.agency_name) > 200:
        row.problem("agency_name", _("The agency's name is longer than 200 characters."))

    row.email = row.email.strip().lower()
    if not row.email:
        row.problem("email", _("The coordinator's email address is missing."))
    else:
        try:
            validate_email(row.email)
        except ValidationError:
            row.problem(
                "email",
                _("“%(value)s” is not an email address.") % {"value": _shortened(row.email)},
            )

    state = row.state.strip() or region.state
    try:
        row.state = normalize_region(country, state)
    except ValueError as error:
        row.problem("state", str(error))
        row.state = ""
    else:
        if country in REGIONS_BY_COUNTRY and not row.state:
            row.problem("state", _("The agency's state or province is missing."))

    row.ori = row.ori.strip().upper().replace(" ", "")
    if row.ori:
        try:
            ORI_VALIDATOR(row.ori)
        except ValidationError as error:
            row.problem("ori", str(error.messages[0]))
        else:
            if country == "US" and row.state and not ori_matches_state(row.ori, row.state):
                row.problem(
                    "ori",
                    _("%(ori)s is not an ORI of %(state)s: a US ORI starts with its state's code.")
                    % {"ori": row.ori, "state": row.state},
                )
    if not row.errors:
        row.action = INVITE


def _shortened(value: str) -> str:
    return value if len(value) <= 60 else value[:60] + "…"


def _name_key(name: str, state: str) -> tuple[str, str]:
    return name.lower(), state.upper()


def _match_registered(region: Region, rows: list[ListRow]) -> None:
    """An agency registered already is asked to join instead: found by its ORI, else by its
    name and state (when that names one agency without a different ORI)."""
    good = [row for row in rows if row.action == INVITE]
    if not good:
        return
    by_ori = {
        agency.ori: agency
        for agency in Agency.objects.filter(ori__in={row.ori for row in good if row.ori})
    }
    by_name: dict[tuple[str, str], list[Agency]] = defaultdict(list)
    named = Agency.objects.annotate(lower_name=Lower("name"), upper_region=Upper("region")).filter(
        country=region.country, lower_name__in={row.agency_name.lower() for row in good}
    )
    for agency in named:
        by_name[(agency.lower_name, agency.upper_region)].append(agency)
    for row in good:
        agency = by_ori.get(row.ori) if row.ori else None
        if agency is None:
            same_name = [
                a
                for a in by_name.get(_name_key(row.agency_name, row.state), [])
                if not (row.ori and a.ori)  # two different ORIs: two agencies
            ]
            if len(same_name) > 1:
                row.problem(
                    "agency_name",
                    _(
                        "%(count)d registered agencies in %(state)s are named %(name)s: add "
                        "the ORI to say which one."
                    )
                    % {"count": len(same_name), "state": row.state, "name": row.agency_name},
                )
                continue
            agency = same_name[0] if same_name else None
        if agency is not None:
            row.action, row.agency = ASK, agency
    _check_standing(region, [row for row in good if row.action == ASK])


def _check_standing(region: Region, rows: list[ListRow]) -> None:
    current = {
        member.agency_id: member
        for member in MemberAgency.all_regions.filter(
            region=region, agency__in=[row.agency for row in rows], status__in=CURRENT_STATUSES
        )
    }
    for row in rows:
        member = current.get(row.agency.pk)
        if member is None:
            continue
        if member.status == MemberAgencyStatus.MEMBER:
            row.problem(
                "agency_name",
                _("%(agency)s is already a member of this region.") % {"agency": row.agency.name},
            )
        else:
            row.problem(
                "agency_name",
                _("%(agency)s was asked to join on %(day)s and has not answered yet.")
                % {"agency": row.agency.name, "day": _day(member.invited_at)},
            )


def _check_waiting(region: Region, rows: list[ListRow]) -> None:
    """An invitation still waiting to be used (not expired, withdrawn or used) is not sent
    twice: to the same address, or for the same agency."""
    if not rows:
        return
    waiting = OnboardingInvitation.all_regions.filter(
        region=region, registered_at=None, revoked_at=None, expires_at__gt=timezone.now()
    ).only("agency_name", "ori", "state", "email", "created_at")
    by_email, by_ori, by_name = {}, {}, {}
    for invitation in waiting:
        by_email[invitation.email] = invitation
        if invitation.ori:
            by_ori[invitation.ori] = invitation
        by_name[_name_key(invitation.agency_name, invitation.state)] = invitation
    for row in rows:
        earlier = (
            (by_ori.get(row.ori) if row.ori else None)
            or by_name.get(_name_key(row.agency_name, row.state))
            or by_email.get(row.email)
        )
        if earlier is not None:
            row.problem(
                "email" if earlier.email == row.email else "agency_name",
                _("%(agency)s was invited (at %(email)s) on %(day)s; that invitation is waiting.")
                % {
                    "agency": earlier.agency_name,
                    "email": earlier.email,
                    "day": _day(earlier.created_at),
                },
            )


def _check_repeats(rows: list[ListRow]) -> None:
    """Each agency and each address once in a list: a later row that repeats one is a
    problem naming the row it repeats."""
    seen: dict[tuple, int] = {}
    for row in rows:
        keys = [
            ("ori", row.ori, _("Row %(row)d has the same ORI.")),
            (
                "agency_name",
                _name_key(row.agency_name, row.state) if row.agency_name and row.state else "",
                _("Row %(row)d names the same agency in the same state."),
            ),
            (
                "email",
                row.email,
                _("Row %(row)d invites the same address: one agency per address."),
            ),
        ]
        for column, value, message in keys:
            if not value:
                continue
            first = seen.setdefault((column, value), row.number)
            if first != row.number:
                row.problem(column, message % {"row": first})


def _day(moment) -> str:
    return day(timezone.localdate(moment))
