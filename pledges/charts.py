"""Progress over time as SVG, drawn on the server: the same markup serves the dashboard and
the PDF reports (WeasyPrint draws SVG). No script, no inline style."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.html import escape

from onemind.lib.dates import day

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40
CIT_COLOUR, COVERAGE_COLOUR, GRID_COLOUR = "#00687d", "#1a4480", "#71767a"


@dataclass(frozen=True)
class Point:
    day: date
    cit_per_mille: int  # share of people in scope with CIT, in thousandths
    coverage_per_mille: int


def _x(when: date, first: date, last: date) -> float:
    span = max((last - first).days, 1)
    return LEFT + (WIDTH - LEFT - RIGHT) * (when - first).days / span


def _y(per_mille: int) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1000 - min(per_mille, 1000)) / 1000


def _line(points: list[Point], attribute: str, first: date, last: date) -> str:
    return " ".join(f"{_x(p.day, first, last):.1f},{_y(getattr(p, attribute)):.1f}" for p in points)


def progress_chart(points: list[Point], cit_target_percent: int) -> str:
    """An accessible SVG line chart of CIT and coverage shares over the days given."""
    if not points:
        return ""
    first, last = points[0].day, points[-1].day
    latest = points[-1]
    summary = (
        f"Progress from {day(first)} to {day(last)}: "
        f"trained {latest.coverage_per_mille / 10:.1f}%, CIT {latest.cit_per_mille / 10:.1f}%."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="chart-title" class="progress-chart">',
        f'<title id="chart-title">{escape(summary)}</title>',
    ]
    for percent in (0, 25, 50, 75, 100):
        y = _y(percent * 10)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID_COLOUR}" stroke-width="0.5"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#1b1b1b">{percent}%</text>'
        )
    target_y = _y(cit_target_percent * 10)
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{target_y:.1f}" y2="{target_y:.1f}" '
        f'stroke="{CIT_COLOUR}" stroke-dasharray="6 4" stroke-width="1"/>'
    )
    # One day of history is one date under the chart, not the same date twice overlapping.
    ends = [("start", first), ("end", last)] if last != first else [("start", first)]
    for anchor, when in ends:
        parts.append(
            f'<text x="{_x(when, first, last):.1f}" y="{HEIGHT - 12}" text-anchor="{anchor}" '
            f'font-size="12" fill="#1b1b1b">{escape(day(when))}</text>'
        )
    for attribute, colour in (
        ("coverage_per_mille", COVERAGE_COLOUR),
        ("cit_per_mille", CIT_COLOUR),
    ):
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" '
            f'points="{_line(points, attribute, first, last)}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
