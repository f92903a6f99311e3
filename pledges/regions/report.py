"""The region's report as a tagged PDF: the totals, the agencies at risk and due soon, and
every member agency on a line of fixed-width text. WeasyPrint spends its time per line box
(a table row of a 2,000-agency region costs it about 30 ms), so the agencies are set as the
progress report sets its people (`pledges.report.listing`): a region of 2,000 in seconds."""

from __future__ import annotations

from onemind.lib.dates import day
from onemind.lib.pdfs import render_pdf
from pledges.regions.queries import MemberRow, RegionReport
from pledges.report import Listing, listing

# Column widths in characters; the line fits the 128 characters of 7pt DejaVu Sans Mono that
# fill the report's 7.5in line (as in the progress report).
COLUMNS = [("Agency", 44), ("State", 6), ("Pledge", 28), ("Target", 14), ("Met", 8),
           ("CIT", 8), ("Trained", 9), ("Pace", 8)]  # fmt: skip


def _cell(text: str, width: int) -> str:
    """`text` on one line, cut with an ellipsis to leave a space before the next column."""
    text = " ".join(str(text).split())
    return text if len(text) < width else text[: width - 2] + "…"


def _line(values: list[str]) -> str:
    cells = [_cell(value, width) for value, (_, width) in zip(values, COLUMNS, strict=True)]
    return "".join(f"{cell:<{width}}" for cell, (_, width) in zip(cells, COLUMNS, strict=True))


def agency_line(row: MemberRow) -> str:
    agency = row.agency
    return _line(
        [
            agency.name,
            agency.region,
            row.pledge_words,
            day(row.target_date) if row.target_date else "—",
            f"{row.met_count} of 4" if row.computed else "—",
            row.cit_share,
            row.trained_share,
            row.pace_words,
        ]
    ).rstrip()


def agency_listing(rows: list[MemberRow]) -> Listing:
    header = _line([name for name, _ in COLUMNS]).rstrip()
    return listing((agency_line(row) for row in rows), header, per_line=1, width=128)


def region_report_pdf(report: RegionReport) -> bytes:
    context = {"report": report, "agencies": agency_listing(report.agencies)}
    return render_pdf("regions/report_pdf.html", context)
