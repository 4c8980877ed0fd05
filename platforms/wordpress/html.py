"""Our plain text as the HTML a WordPress post's `content` holds.

Blank lines separate paragraphs (`<p>`), single line breaks become `<br />`, everything is escaped,
and `http(s)://` links become anchors, as WordPress's own `make_clickable` does for comments:
trailing sentence punctuation stays outside the link.
"""

from __future__ import annotations

import html
import re

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
TRAILING = ".,;:!?)]}"


def _linked(line: str) -> str:
    """One line, escaped, with its links as anchors."""
    out, last = [], 0
    for match in LINK.finditer(line):
        url = match.group(0).rstrip(TRAILING)
        if not url.split("://", 1)[1]:
            continue
        start = match.start()
        out.append(html.escape(line[last:start], quote=False))
        href = html.escape(url)
        out.append(f'<a href="{href}">{html.escape(url, quote=False)}</a>')
        last = start + len(url)
    out.append(html.escape(line[last:], quote=False))
    return "".join(out)


def to_html(text: str) -> str:
    """`text` as paragraphs of escaped HTML with clickable links; "" for blank text."""
    paragraphs = [
        p.strip("\n") for p in PARAGRAPH_BREAK.split(text.replace("\r\n", "\n"))
    ]
    return "\n".join(
        "<p>" + "<br />\n".join(_linked(line) for line in p.split("\n")) + "</p>"
        for p in paragraphs
        if p.strip()
    )
