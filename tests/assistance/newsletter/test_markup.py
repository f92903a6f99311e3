"""Staff's Markdown is made safe for a page and an email: no script, no event handler, no
javascript: link, no image from another host."""

import pytest

from assistance.newsletter.markup import render_markdown, sanitize


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://pledge.onemind.example"


def test_a_script_is_text_never_markup():
    html = render_markdown("Before <script>alert('x')</script> after")
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_a_script_in_html_is_removed_with_its_content():
    assert sanitize("<p>kept<script>alert('x')</script></p>") == "<p>kept</p>"


def test_an_event_handler_attribute_is_removed():
    html = sanitize('<p onclick="steal()">hi <img src="/static/a.png" onerror="steal()"></p>')
    assert "onclick" not in html and "onerror" not in html
    assert 'src="https://pledge.onemind.example/static/a.png"' in html


def test_a_javascript_link_loses_its_address():
    html = render_markdown("[click](javascript:alert(1)) and [ok](https://iacp.example/)")
    assert 'href="javascript' not in html
    assert '<a href="https://iacp.example/" rel="noopener noreferrer">ok</a>' in html
    assert 'href="javascript' not in sanitize('<a href="javascript:alert(1)">x</a>')


def test_an_image_from_another_host_is_dropped_to_its_description():
    html = render_markdown("![a tracking pixel](https://tracker.example/pixel.gif)")
    assert "<img" not in html and "tracker.example" not in html
    assert "a tracking pixel" in html


def test_an_image_from_the_site_itself_is_kept_with_its_full_address():
    html = render_markdown(
        "![our logo](/static/img/logo.png) ![again](https://pledge.onemind.example/x.png)"
    )
    assert '<img src="https://pledge.onemind.example/static/img/logo.png" alt="our logo">' in html
    assert '<img src="https://pledge.onemind.example/x.png" alt="again">' in html


def test_an_image_from_another_host_in_html_loses_its_address():
    assert "tracker.example" not in sanitize('<img src="https://tracker.example/p.gif">')


def test_style_and_iframe_are_removed():
    html = sanitize('<style>p{}</style><iframe src="https://x.example"></iframe><p style="x">t</p>')
    assert html == "<p>t</p>"


def test_links_carry_noopener_and_mailto_is_allowed():
    html = render_markdown("[write to us](mailto:onemind@iacp.example)")
    assert 'href="mailto:onemind@iacp.example" rel="noopener noreferrer"' in html


def test_tables_and_emphasis_are_kept():
    html = render_markdown("**bold**\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<strong>bold</strong>" in html and "<table>" in html and "<td>1</td>" in html
