"""Using a page with the keyboard alone, as many people must: Tab to a control, see where
the focus is, type, Space to tick, Enter to submit."""

from __future__ import annotations

TAB_LIMIT = 80  # more Tab presses than any page of the product needs to reach a control


def is_focused(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page, locator) -> None:
    """Press Tab until `locator` has the focus, and check the focus can be seen there."""
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        if is_focused(locator):
            assert_focus_visible(locator)
            return
    raise AssertionError(f"{locator} cannot be reached with the Tab key")


def assert_focus_visible(locator) -> None:
    """WCAG 2.4.7: the focused control shows an outline (the design system's focus ring)."""
    # The design system hides a checkbox or radio and draws it, focus ring included, as
    # its label's ::before.
    style = locator.evaluate(
        """element => {
          const drawn = ["checkbox", "radio"].includes(element.type)
            && element.nextElementSibling && element.nextElementSibling.tagName === "LABEL";
          const s = drawn ? getComputedStyle(element.nextElementSibling, "::before")
                          : getComputedStyle(element);
          return [s.outlineStyle, s.outlineWidth];
        }"""
    )
    assert style[0] != "none" and style[1] not in {"0px", ""}, f"no visible focus: {style}"


def type_into(page, locator, text: str) -> None:
    tab_to(page, locator)
    page.keyboard.type(text)


def choose_radio(page, name: str, value: str) -> None:
    """Tab into a radio group (the focus lands on its checked radio), then arrow keys."""
    tab_to(page, page.locator(f"main input[name={name}]:checked"))
    wanted = page.locator(f"main input[name={name}][value={value}]")
    for _ in range(page.locator(f"main input[name={name}]").count()):
        if wanted.is_checked():
            return
        page.keyboard.press("ArrowDown")
    assert wanted.is_checked(), f"the arrow keys do not reach {name}={value}"
