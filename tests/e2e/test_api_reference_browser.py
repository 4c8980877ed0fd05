"""The API reference (/docs/api) in Chromium: summaries, the realistic default example, and
WCAG AA contrast on the text Swagger UI draws in colour (issue #21 point 9).

Contrast is measured in the page: each element's computed colour over its effective background
(the opaque ancestors' colours, composed over white), as axe's color-contrast rule does.
"""

from __future__ import annotations

from typing import Any

from tests.e2e.test_dashboard_browser import browser_page  # noqa: F401  (fixture)

# The text Swagger UI colours itself, and which static/swagger.css darkens.
COLOURED = [
    ".opblock-summary-method",
    ".info .title small pre",
    ".info a",
    ".btn.authorize span",
    ".parameter__in",
    ".parameter__type",
    ".btn.execute",
    ".btn.cancel",
]

CONTRASTS = """(selectors) => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(",").map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
  const background = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] === 1) break; }
    }
    return layers.reverse().reduce((under, layer) => over(layer, under), [255, 255, 255, 1]);
  };
  const luminance = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const found = [];
  for (const selector of selectors) {
    for (const element of document.querySelectorAll(selector)) {
      const text = element.textContent.trim();
      if (!element.offsetParent || !text) continue;
      const bg = background(element);
      const fg = over(parse(getComputedStyle(element).color), bg);
      const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
      found.push([selector, text.slice(0, 40), (a + 0.05) / (b + 0.05)]);
    }
  }
  return found;
}"""


def low_contrast(page: Any) -> tuple[set[str], list[Any]]:
    measured = page.evaluate(CONTRASTS, COLOURED)
    return {m[0] for m in measured}, [m for m in measured if m[2] < 4.5]


def test_the_reference_reads_well_and_starts_from_a_real_post(
    live_server: Any,
    browser_page: Any,  # noqa: F811
) -> None:
    page = browser_page
    page.goto(f"{live_server.url}/docs/api")
    page.wait_for_selector(".opblock")
    assert page.get_attribute("html", "lang") == "en"
    create = page.locator("#operations-posts-createPost")
    assert "Publish, schedule or save a post" in create.inner_text()

    create.locator(".opblock-summary-control").click()
    create.locator(".try-out__btn").click()
    body = create.locator("textarea.body-param__text")
    assert "Dark mode is here" in body.input_value()
    assert body.get_attribute("aria-label") == "Request body"  # static/swagger-a11y.js

    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        seen, failing = low_contrast(page)
        assert {".opblock-summary-method", ".btn.execute", ".parameter__in"} <= seen
        assert failing == [], f"below 4.5:1 at {width} px"
    assert page.csp_violations == []
