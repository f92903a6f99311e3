"""Markdown written by program staff, made into HTML that is safe in a page and in an email:
no raw HTML, links only to http, https and mailto, images only from the site itself."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import nh3
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "img", "li", "ol", "p",
    "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def _site_host() -> str:
    return urlsplit(settings.SITE_URL).netloc.lower()


def own_image(src: str) -> str | None:
    """The image's absolute address when it is on the site's own host, else None (an email
    must not load a stranger's tracking pixel)."""
    absolute = urljoin(settings.SITE_URL + "/", src.strip())
    parts = urlsplit(absolute)
    if parts.scheme not in {"http", "https"} or parts.netloc.lower() != _site_host():
        return None
    return absolute


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    # Markdown's own images are checked as they are rendered; this catches any other way in.
    if element == "img" and attribute == "src":
        return own_image(value)
    return value


def _markdown() -> MarkdownIt:
    # "commonmark" with raw HTML off: what staff type is text, never markup.
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    default_image = parser.renderer.rules.get("image")

    def image(renderer, tokens, idx, options, env):
        token = tokens[idx]
        src = own_image(token.attrGet("src") or "")
        if src is None:  # a foreign image becomes its description
            return renderer.renderInlineAsText(token.children or [], options, env)
        token.attrSet("src", src)
        return default_image(tokens, idx, options, env)

    parser.add_render_rule("image", image)
    return parser


_PARSER = _markdown()


def sanitize(html: str) -> str:
    """Only the listed tags and attributes, safe link schemes, own images, rel on links."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str) -> SafeString:
    """The Markdown as sanitized HTML, ready for a page or an email."""
    return mark_safe(sanitize(_PARSER.render(text or "")))  # noqa: S308 - sanitized just above
