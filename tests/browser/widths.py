"""The widths pages are measured at (a small phone, a zoomed desktop window, a common
phone) and how a page is found to scroll sideways, for the browser tests that measure."""

NARROW = {"width": 320, "height": 640}
ZOOMED = {"width": 640, "height": 400}
PHONE = {"width": 390, "height": 844}


def fits(page, width: int) -> bool:
    return page.evaluate(f"document.documentElement.scrollWidth <= {width}")


# The innermost elements reaching past the right edge, outside any box that scrolls or
# clips them: what a failure names.
WIDEST = """width => {
  const past = e => e.getBoundingClientRect().right > width + 1;
  const held = e => {
    for (let p = e.parentElement; p; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") return true;
    }
    return false;
  };
  return Array.from(document.querySelectorAll("body *"))
  .filter(e => past(e) && !held(e) && !Array.from(e.children).some(past))
  .slice(0, 3)
  .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + " “" + e.textContent.trim().slice(0, 40) + "”");
}"""
