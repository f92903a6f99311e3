"""The dashboard's progress chart: dates under it, read as text."""

import re
from datetime import date

from pledges.charts import Point, day, progress_chart


def dates_under(svg: str) -> list[str]:
    return re.findall(r'<text x="[\d.]+" y="\d+" text-anchor="(start|end)"[^>]*>([^<]+)</text>',
                      svg)  # fmt: skip


def test_a_span_of_days_is_labelled_at_both_ends():
    first, last = date(2026, 3, 1), date(2026, 9, 1)
    svg = progress_chart([Point(first, 100, 200), Point(last, 300, 400)], 20)
    labels = [(a, text) for a, text in dates_under(svg) if not text.endswith("%")]
    assert labels == [("start", day(first)), ("end", day(last))]


def test_one_day_of_history_is_one_date_not_two_overlapping():
    only = date(2026, 12, 3)
    svg = progress_chart([Point(only, 0, 0)], 20)
    labels = [(a, text) for a, text in dates_under(svg) if not text.endswith("%")]
    assert labels == [("start", day(only))]
