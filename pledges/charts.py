"""Progress over time as SVG, drawn on the server: the same markup serves the dashboard and
the PDF reports (WeasyPrint draws SVG). No script, no inline style.

The chart must read from an agency's first day (one point) to the end of a three-year pledge
(some 1,100 points), from a desktop page down to a phone. The page scales the drawing to its
width, so the text scales with it: below 40em `app.css` sets the labels in larger user units
and hides the labels marked `minor`. Dates under the axis are chosen by span (days, months,
years) so that, measured with a generous estimate of their width, they never overlap nor
leave the drawing, at either size. The lines differ by dash pattern and marker as well as by
colour (WCAG 1.4.1), and a legend under the drawing shows the same patterns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.dateformat import format as format_date
from django.utils.html import escape
from django.utils.translation import gettext as _

from onemind.lib.dates import add_months, day
from pledges.engine.evaluation import as_percent

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
# Text sizes in the drawing's units. FONT_SIZE reads as 13 px where the chart is drawn
# 640 px wide; PHONE_FONT_SIZE is what app.css sets below 40em (at 390 px the chart is drawn
# about 358 px wide: 12 px).
FONT_SIZE, PHONE_FONT_SIZE = 13, 22
# A character's advance in em, generous for digits and capitals in DejaVu Sans (the PDF's
# font) and Source Sans (the page's), and the least room between two labels.
CHARACTER_EM, LABEL_GAP_EM = 0.62, 0.6
# Markers on every point while they stand this far apart; otherwise on the latest only.
MARKER_SPACING = 14

COVERAGE_COLOUR, CIT_COLOUR, TARGET_COLOUR = "#1a4480", "#00687d", "#565c65"
GRID_COLOUR, TEXT_COLOUR = "#a9aeb1", "#1b1b1b"
# Line patterns, so that no line is told from another by colour alone.
CIT_DASHES, TARGET_DASHES = "9 5", "2 4"


@dataclass(frozen=True)
class Point:
    day: date
    cit_per_mille: int  # share of people in scope with CIT, in thousandths
    coverage_per_mille: int


@dataclass(frozen=True)
class Label:
    """A date under the axis: `x` is where its tick is; `anchor` says which part of the
    text sits there. `minor` labels are hidden at phone width."""

    x: float
    text: str
    anchor: str = "middle"
    minor: bool = False

    def extent(self, font_size: float) -> tuple[float, float]:
        """The text's left and right edges, by the width estimate."""
        width = text_width(self.text, font_size)
        left = {"start": self.x, "middle": self.x - width / 2, "end": self.x - width}
        return left[self.anchor], left[self.anchor] + width


def text_width(text: str, font_size: float) -> float:
    return len(text) * CHARACTER_EM * font_size


def labels_fit(labels: list[Label], font_size: float) -> bool:
    """Within the drawing, in order, and never closer than the gap."""
    right_of_previous = 0.0
    gap = 0.0
    for label in labels:
        left, right = label.extent(font_size)
        if left < right_of_previous + gap or right > WIDTH:
            return False
        right_of_previous, gap = right, LABEL_GAP_EM * font_size
    return True


class Axis:
    """Days to x positions: `first` at the left edge of the plot, `last` at the right; a
    single day in the middle."""

    def __init__(self, first: date, last: date):
        self.first, self.last = first, last
        self.span = (last - first).days

    def x(self, when: date) -> float:
        """Rounded as the markup writes it, so labels are measured where they are drawn."""
        if not self.span:
            return LEFT + PLOT_WIDTH / 2
        return round(LEFT + PLOT_WIDTH * (when - self.first).days / self.span, 1)


def y(per_mille: int) -> float:
    return TOP + PLOT_HEIGHT * (1000 - min(per_mille, 1000)) / 1000


# Ticks by span, finest first: each is a function from (first, last) to the tick days.


def _every_days(step: int) -> Callable[[date, date], Iterator[date]]:
    def ticks(first: date, last: date) -> Iterator[date]:
        for offset in range(0, (last - first).days + 1, step):
            yield first + timedelta(days=offset)

    return ticks


def _every_months(step: int) -> Callable[[date, date], Iterator[date]]:
    """The first of every `step`-th month of the year (January first), within the span."""

    def ticks(first: date, last: date) -> Iterator[date]:
        when = first.replace(day=1)
        while when <= last:
            if when >= first and (when.month - 1) % step == 0:
                yield when
            when = add_months(when, 1)

    return ticks


def _every_years(step: int) -> Callable[[date, date], Iterator[date]]:
    def ticks(first: date, last: date) -> Iterator[date]:
        for year in range(first.year, last.year + 1):
            when = date(year, 1, 1)
            if first <= when <= last and year % step == 0:
                yield when

    return ticks


def _day_texts(days: list[date]) -> list[str]:
    """Mar 1, 2026 · Mar 8 · …: the year on the first date and where it changes."""
    texts, year = [], None
    for when in days:
        texts.append(day(when) if when.year != year else format_date(when, "M j"))
        year = when.year
    return texts


def _month_texts(days: list[date]) -> list[str]:
    """Nov 2026 · Dec · 2027 · Feb …: the year alone for January, and with the first month."""
    texts = []
    for index, when in enumerate(days):
        if when.month == 1:
            texts.append(format_date(when, "Y"))
        else:
            texts.append(format_date(when, "M Y" if index == 0 else "M"))
    return texts


def _year_texts(days: list[date]) -> list[str]:
    return [format_date(when, "Y") for when in days]


TICKS = [
    *((_every_days(step), _day_texts) for step in (1, 2, 7, 14)),
    *((_every_months(step), _month_texts) for step in (1, 2, 3, 6)),
    *((_every_years(step), _year_texts) for step in (1, 2, 5)),
]


def _anchored(x: float, text: str) -> Label:
    """A label centred on its tick, or flush with it where centring at phone size would
    leave the drawing."""
    half = text_width(text, PHONE_FONT_SIZE) / 2
    if x - half < 0:
        return Label(x, text, "start")
    if x + half > WIDTH:
        return Label(x, text, "end")
    return Label(x, text)


def date_labels(first: date, last: date) -> list[Label]:
    """The dates under the axis: the finest ticks whose labels fit at the drawing's text
    size, then every second (third, …) of them kept at phone size, the others `minor`."""
    axis = Axis(first, last)
    if not axis.span:
        return [_anchored(axis.x(first), day(first))]
    for ticks, texts in TICKS:
        days = list(ticks(first, last))
        labels = [_anchored(axis.x(d), text) for d, text in zip(days, texts(days), strict=True)]
        if labels and labels_fit(labels, FONT_SIZE):
            break
    else:
        labels = [_anchored(axis.x(first), day(first))]
    for every in range(1, len(labels) + 1):
        if labels_fit(labels[::every], PHONE_FONT_SIZE):
            break
    return [
        Label(label.x, label.text, label.anchor, minor=index % every != 0)
        for index, label in enumerate(labels)
    ]


def _vertices(points: list[Point], attribute: str, axis: Axis) -> list[tuple[float, float]]:
    """The line's corners: a run of days at the same share is drawn as its two ends."""
    heights = [y(getattr(p, attribute)) for p in points]
    return [
        (axis.x(p.day), heights[i])
        for i, p in enumerate(points)
        if i in (0, len(points) - 1) or not heights[i - 1] == heights[i] == heights[i + 1]
    ]


def _marker(kind: str, x: float, y_: float) -> str:
    if kind == "circle":
        return (
            f'<circle cx="{x:.1f}" cy="{y_:.1f}" r="5" fill="#ffffff" '
            f'stroke="{COVERAGE_COLOUR}" stroke-width="2.5"/>'
        )
    return f'<rect x="{x - 3:.1f}" y="{y_ - 3:.1f}" width="6" height="6" fill="{CIT_COLOUR}"/>'


# (attribute, colour, dashes, marker) for each line, drawn in this order.
SERIES = [
    ("coverage_per_mille", COVERAGE_COLOUR, None, "circle"),
    ("cit_per_mille", CIT_COLOUR, CIT_DASHES, "square"),
]


def _series(points: list[Point], axis: Axis) -> list[str]:
    spaced = len(points) == 1 or PLOT_WIDTH / max(len(points) - 1, 1) >= MARKER_SPACING
    parts = []
    for attribute, colour, dashes, marker in SERIES:
        vertices = _vertices(points, attribute, axis)
        if len(vertices) > 1:
            dashing = f' stroke-dasharray="{dashes}"' if dashes else ""
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2.5"{dashing} '
                f'stroke-linejoin="round" points="'
                + " ".join(f"{x:.1f},{y_:.1f}" for x, y_ in vertices)
                + '"/>'
            )
        marked = points if spaced else points[-1:]
        parts.extend(_marker(marker, axis.x(p.day), y(getattr(p, attribute))) for p in marked)
    return parts


def _key(colour: str, dashes: str | None, marker: str | None, width: str = "2.5") -> str:
    """A legend's sample of a line: its colour, pattern and marker."""
    dashing = f' stroke-dasharray="{dashes}"' if dashes else ""
    return (
        '<svg class="chart-key" xmlns="http://www.w3.org/2000/svg" width="40" height="14" '
        'viewBox="0 0 40 14" aria-hidden="true" focusable="false">'
        f'<line x1="1" x2="39" y1="7" y2="7" stroke="{colour}" stroke-width="{width}"'
        f"{dashing}/>" + (_marker(marker, 20, 7) if marker else "") + "</svg>"
    )


def legend(cit_name: str, cit_target_percent: int) -> str:
    items = [
        (_key(COVERAGE_COLOUR, None, "circle"), _("People in scope trained")),
        (_key(CIT_COLOUR, CIT_DASHES, "square"), _("With %(course)s") % {"course": cit_name}),
        (
            _key(TARGET_COLOUR, TARGET_DASHES, None, "1.5"),
            _("%(course)s minimum: %(percent)d%%")
            % {"course": cit_name, "percent": cit_target_percent},
        ),
    ]
    return (
        '<ul class="chart-legend">'
        + "".join(f"<li>{key}{escape(text)}</li>" for key, text in items)
        + "</ul>"
    )


def progress_chart(points: list[Point], cit_target_percent: int, cit_name: str = "CIT") -> str:
    """An accessible SVG line chart of the CIT and coverage shares over the days given (at
    least one), with its legend."""
    if not points:
        return ""
    first, last, latest = points[0].day, points[-1].day, points[-1]
    axis = Axis(first, last)
    if first == last:
        title = _("Progress on %(day)s") % {"day": day(first)}
    else:
        title = _("Progress from %(first)s to %(last)s") % {"first": day(first), "last": day(last)}
    description = _(
        "On %(day)s: %(trained)s of people in scope trained, %(cit)s with %(course)s; "
        "the %(course)s minimum is %(percent)d%%."
    ) % {
        "day": day(last),
        "trained": as_percent(latest.coverage_per_mille),
        "cit": as_percent(latest.cit_per_mille),
        "course": cit_name,
        "percent": cit_target_percent,
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="chart-title" aria-describedby="chart-description" '
        f'class="progress-chart" font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-description">{escape(description)}</desc>',
    ]
    for percent in (0, 25, 50, 75, 100):
        at = y(percent * 10)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{at:.1f}" y2="{at:.1f}" '
            f'stroke="{GRID_COLOUR}" stroke-width="0.75"/>'
            f'<text x="{LEFT - 8}" y="{at:.1f}" dy="0.35em" text-anchor="end">{percent}%</text>'
        )
    target = y(cit_target_percent * 10)
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{target:.1f}" y2="{target:.1f}" '
        f'stroke="{TARGET_COLOUR}" stroke-width="1.5" stroke-dasharray="{TARGET_DASHES}"/>'
    )
    for label in date_labels(first, last):
        minor = ' class="minor"' if label.minor else ""
        parts.append(
            f'<line x1="{label.x:.1f}" x2="{label.x:.1f}" y1="{TOP + PLOT_HEIGHT}" '
            f'y2="{TOP + PLOT_HEIGHT + 5}" stroke="{TEXT_COLOUR}" stroke-width="1"/>'
            f'<text x="{label.x:.1f}" y="{TOP + PLOT_HEIGHT + 6}" dy="1em" '
            f'text-anchor="{label.anchor}"{minor}>{escape(label.text)}</text>'
        )
    parts.extend(_series(points, axis))
    parts.append("</svg>")
    return "".join(parts) + legend(cit_name, cit_target_percent)
