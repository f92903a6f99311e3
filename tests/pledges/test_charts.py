"""The progress chart, read back as SVG: from one day to three years, its dates never overlap
nor leave the drawing at the page's text size or the phone's; a lone day is a visible point;
its lines differ by more than colour, as its legend shows; its shares are the cards'."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta

from defusedxml.ElementTree import fromstring
from hypothesis import given, settings
from hypothesis import strategies as st

from onemind.lib.dates import day
from onemind.lib.findings import Finding
from pledges import charts
from pledges.charts import Point, progress_chart
from pledges.engine.evaluation import Figures, TrainingFigures, evaluate
from pledges.queries import HistoryDay, chart
from tests.factories import CURRENT_RULES

SVG = "{http://www.w3.org/2000/svg}"
START = date(2026, 12, 2)
# Where the text's top and bottom lie from its baseline, in em (generous for DejaVu Sans).
ASCENT, DESCENT = 0.8, 0.25


def read(markup: str) -> ET.Element:
    return fromstring(f"<chart>{markup}</chart>")


def rising(count: int, start: date = START) -> list[Point]:
    """`count` days from `start`, every share rising a little each day."""
    return [
        Point(start + timedelta(days=n), 300 * n // count, min(1000, 900 * n // count))
        for n in range(count)
    ]


def date_labels(svg: ET.Element) -> list[ET.Element]:
    return [t for t in svg.iter(f"{SVG}text") if not t.text.endswith("%")]


def text_box(text: ET.Element, font_size: float) -> tuple[float, float, float, float]:
    """left, top, right, bottom of a label, by the width estimate of the chart."""
    width = len(text.text) * charts.CHARACTER_EM * font_size
    x = float(text.get("x"))
    left = {"start": x, "middle": x - width / 2, "end": x - width}[text.get("text-anchor")]
    baseline = float(text.get("y")) + float(text.get("dy", "0em").removesuffix("em")) * font_size
    return left, baseline - ASCENT * font_size, left + width, baseline + DESCENT * font_size


def assert_readable(svg: ET.Element) -> None:
    """Every text inside the drawing at both sizes, and no two dates closer than the gap:
    all of them at the page's size, those shown on a phone at the phone's."""
    for font_size, shown in (
        (charts.FONT_SIZE, lambda t: True),
        (charts.PHONE_FONT_SIZE, lambda t: t.get("class") != "minor"),
    ):
        for text in svg.iter(f"{SVG}text"):
            if shown(text):
                left, top, right, bottom = text_box(text, font_size)
                assert left >= 0 and right <= charts.WIDTH, (text.text, font_size)
                assert top >= 0 and bottom <= charts.HEIGHT, (text.text, font_size)
        boxes = sorted(text_box(t, font_size) for t in date_labels(svg) if shown(t))
        assert boxes, f"no date at {font_size}"
        for before, after in zip(boxes, boxes[1:], strict=False):
            assert after[0] - before[2] >= charts.LABEL_GAP_EM * font_size, (before, after)


def assert_inside(svg: ET.Element) -> None:
    """Every line, point and marker inside the viewBox."""
    xs, ys = [], []
    for line in svg.iter(f"{SVG}line"):
        xs += [float(line.get("x1")), float(line.get("x2"))]
        ys += [float(line.get("y1")), float(line.get("y2"))]
    for polyline in svg.iter(f"{SVG}polyline"):
        for pair in polyline.get("points").split():
            x, y = pair.split(",")
            xs.append(float(x))
            ys.append(float(y))
    for circle in svg.iter(f"{SVG}circle"):
        r = float(circle.get("r"))
        xs += [float(circle.get("cx")) - r, float(circle.get("cx")) + r]
        ys += [float(circle.get("cy")) - r, float(circle.get("cy")) + r]
    for rect in svg.iter(f"{SVG}rect"):
        xs += [float(rect.get("x")), float(rect.get("x")) + float(rect.get("width"))]
        ys += [float(rect.get("y")), float(rect.get("y")) + float(rect.get("height"))]
    assert min(xs) >= 0 and max(xs) <= charts.WIDTH
    assert min(ys) >= 0 and max(ys) <= charts.HEIGHT


def drawn(points: list[Point]) -> ET.Element:
    svg = read(progress_chart(points, 20)).find(f"{SVG}svg")
    assert svg.get("viewBox") == f"0 0 {charts.WIDTH} {charts.HEIGHT}"
    return svg


def test_one_day_is_a_visible_point_under_its_date():
    svg = drawn([Point(START, 0, 0)])

    assert svg.find(f"{SVG}polyline") is None  # a line needs two days
    (circle,) = svg.iter(f"{SVG}circle")
    (square,) = svg.iter(f"{SVG}rect")
    assert float(circle.get("r")) >= 4 and float(square.get("width")) >= 5
    (label,) = date_labels(svg)
    assert label.text == day(START) and label.get("text-anchor") == "middle"
    assert float(label.get("x")) == float(circle.get("cx"))
    assert svg.find(f"{SVG}title").text == f"Progress on {day(START)}"
    assert_readable(svg)
    assert_inside(svg)


def test_two_days_are_labelled_at_both_ends_inside_the_drawing():
    svg = drawn(rising(2))

    labels = date_labels(svg)
    assert [t.text for t in labels] == [day(START), "Dec 3"]
    assert [t.get("text-anchor") for t in labels] == ["start", "end"]
    assert svg.find(f"{SVG}title").text == f"Progress from {day(START)} to Dec 3, 2026"
    assert_readable(svg)
    assert_inside(svg)


def test_thirty_days_are_labelled_by_week_with_a_marker_on_each_day():
    svg = drawn(rising(30))

    texts = [t.text for t in date_labels(svg)]
    assert texts == [day(START), "Dec 9", "Dec 16", "Dec 23", "Dec 30"]
    assert len(list(svg.iter(f"{SVG}circle"))) == len(list(svg.iter(f"{SVG}rect"))) == 30
    assert_readable(svg)
    assert_inside(svg)


def test_three_years_are_labelled_by_quarter_and_year_with_fewer_on_a_phone():
    svg = drawn(rising(1100))

    labels = date_labels(svg)
    texts = [t.text for t in labels]
    assert {"2027", "2028", "2029"} <= set(texts)
    assert set(texts) - {"2027", "2028", "2029"} == {"Apr", "Jul", "Oct"}
    on_phone = [t.text for t in labels if t.get("class") != "minor"]
    assert 3 <= len(on_phone) < len(texts)
    # One marker each, on the latest day: 1,100 would hide the lines.
    assert len(list(svg.iter(f"{SVG}circle"))) == len(list(svg.iter(f"{SVG}rect"))) == 1
    assert_readable(svg)
    assert_inside(svg)


def test_a_year_of_unchanged_shares_is_drawn_from_its_two_ends():
    points = [Point(START + timedelta(days=n), 200, 500) for n in range(365)]

    for polyline in drawn(points).iter(f"{SVG}polyline"):
        assert len(polyline.get("points").split()) == 2


# No deadline: a chart takes milliseconds, but a busy machine must not fail the property.
@settings(deadline=None)
@given(
    first=st.dates(date(2020, 1, 1), date(2035, 12, 31)),
    span=st.integers(0, 1100),
)
def test_the_dates_fit_whatever_the_first_day_and_the_span(first, span):
    points = [Point(first, 0, 0), Point(first + timedelta(days=span), 1000, 1000)][: span + 1]
    assert_readable(drawn(points))


def test_the_lines_differ_by_pattern_and_marker_as_the_legend_shows():
    chart_and_legend = read(progress_chart(rising(10), 20))
    svg = chart_and_legend.find(f"{SVG}svg")
    lines = [(p.get("stroke"), p.get("stroke-dasharray")) for p in svg.iter(f"{SVG}polyline")]
    target = next(line for line in svg.iter(f"{SVG}line") if line.get("stroke-dasharray"))
    patterns = [dashes for _, dashes in lines] + [target.get("stroke-dasharray")]
    assert len(set(patterns)) == 3, "each line its own pattern (solid, dashed, dotted)"

    legend = chart_and_legend.find("ul")
    keys = [(item.find(f"{SVG}svg"), "".join(item.itertext())) for item in legend]
    assert [text for _, text in keys] == [
        "People in scope trained",
        "With CIT",
        "CIT minimum: 20%",
    ]
    shown = [*lines, (target.get("stroke"), patterns[2])]
    for (key, _), (stroke, dashes) in zip(keys, shown, strict=True):
        sample = key.find(f"{SVG}line")
        assert (sample.get("stroke"), sample.get("stroke-dasharray")) == (stroke, dashes)
    assert keys[0][0].find(f"{SVG}circle") is not None  # trained: a ring, as on the chart
    assert keys[1][0].find(f"{SVG}rect") is not None  # CIT: a square
    assert all(key.get("aria-hidden") == "true" for key, _ in keys)


def test_the_chart_rounds_shares_as_the_requirement_cards_do():
    """37 of 179 is 20.67%: the card says 20.7%, and so must the chart (not 20.6%)."""
    training = TrainingFigures(in_scope=179, cit_strict=37, cit_any=37, either_any=100)
    evaluation = evaluate(CURRENT_RULES, Figures(training, Finding(True), Finding(True)))
    on = date(2027, 3, 1)
    history = [HistoryDay(on - timedelta(days=1), 179, 37, 100)]

    svg = read(chart(history, evaluation, CURRENT_RULES, on)).find(f"{SVG}svg")

    cit, coverage = evaluation["cit"], evaluation["coverage"]
    assert (cit.percent_text, coverage.percent_text) == ("20.7%", "55.9%")
    description = svg.find(f"{SVG}desc").text
    assert f"{coverage.percent_text} of people in scope trained" in description
    assert f"{cit.percent_text} with CIT or equivalent" in description
    cit_line = next(p for p in svg.iter(f"{SVG}polyline") if p.get("stroke-dasharray"))
    assert cit_line.get("points").split()[0].endswith(f",{charts.y(207):.1f}")
