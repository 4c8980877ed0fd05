"""Postiz content is a small HTML subset (p, br, strong, u, a, ul, li, h1-h3, span); our posts are
plain text. Paragraphs and line breaks become newlines, list items get a bullet, links keep their
text (and their address when the text does not show it); every other tag is dropped, text kept."""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCKS = frozenset({"p", "h1", "h2", "h3", "ul", "li", "div"})


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._href: str | None = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self._block()
            self.parts.append("- ")
        elif tag in BLOCKS:
            self._block()
        elif tag == "a":
            self._href = dict(attrs).get("href")
            self._link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self._block()
        elif tag == "a" and self._href is not None:
            text = "".join(self._link_text)
            if self._href and self._href not in text:
                self.parts.append(f" ({self._href})" if text else self._href)
            self._href = None

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        if self._href is not None:
            self._link_text.append(data)

    def _block(self) -> None:
        if self.parts and not "".join(self.parts).endswith("\n"):
            self.parts.append("\n")


def to_text(content: str) -> str:
    """Plain text for `content`; text without tags comes back unchanged but for outer blanks."""
    if "<" not in content and "&" not in content:
        return content.strip()
    parser = _Text()
    parser.feed(content)
    parser.close()
    text = "".join(parser.parts)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
