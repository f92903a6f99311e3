"""What every page of the product must be (one accessible layout, checked by `check_page`),
and the addresses of pages that tests reach from an object."""

from html.parser import HTMLParser

from django.urls import reverse


class PageStructure(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.labels_for: set[str] = set()
        self.h1_count = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "label" and attrs.get("for"):
            self.labels_for.add(attrs["for"])
        self.h1_count += tag == "h1"
        # The document's title; an SVG's <title> inside the body is its accessible name.
        self._in_title = tag == "title" and not any(t == "body" for t, _ in self.tags)

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def controls_without_label(self):
        return [
            attrs.get("name")
            for tag, attrs in self.tags
            if tag in {"input", "select", "textarea"}
            and attrs.get("type") not in {"hidden", "submit"}
            and attrs.get("id") not in self.labels_for
            and not attrs.get("aria-label")
        ]


def check_page(html: str) -> PageStructure:
    page = PageStructure()
    page.feed(html)
    tags = page.tags
    assert tags[0] == ("html", {"lang": "en"}), "html lang"
    assert page.title.strip().endswith("One Mind Pledge Tracker"), page.title
    first_link = next(attrs for tag, attrs in tags if tag == "a")
    assert first_link == {"class": "usa-skipnav", "href": "#main-content"}, "skip link first"
    assert ("main", {"id": "main-content", "tabindex": "-1"}) in tags
    assert any(tag == "header" for tag, _ in tags) and any(tag == "footer" for tag, _ in tags)
    assert any(tag == "nav" and attrs.get("aria-label") for tag, attrs in tags)
    assert page.h1_count == 1, f"{page.h1_count} h1 elements"
    assert page.controls_without_label() == []
    assert not any("style" in attrs for _, attrs in tags), "inline styles break the CSP"
    assert not any(
        tag == "script" and "src" not in attrs and attrs.get("type") != "application/json"
        for tag, attrs in tags
    ), "inline scripts break the CSP"
    return page


def download_url(document):
    return reverse(
        "document_download",
        kwargs={"agency_slug": document.agency.slug, "document_id": document.public_id},
    )
