"""Render answer Markdown as Telegram-safe HTML or as plain text, and split long replies.

Telegram's HTML mode accepts only a few tags (b, i, u, s, code, pre, a, blockquote…) and rejects a
message with any other. So Markdown is converted with the `markdown` package and the result is
rewritten through a whitelist: paragraphs become blank lines, list items become bullets,
headings become bold, and every text node is escaped again.
"""

from __future__ import annotations

import collections
import functools
import html
import re
import threading
from collections.abc import Iterable
from html.parser import HTMLParser

import markdown as md  # type: ignore[import-untyped, unused-ignore]

__all__ = [
    "TELEGRAM_LIMIT",
    "blocks_to_html",
    "dropped_words",
    "raw_markup",
    "split_message",
    "to_html",
    "to_plain",
]

TELEGRAM_LIMIT = 4096

_INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i", "u": "u", "ins": "u", "s": "s",
           "del": "s", "strike": "s", "code": "code", "pre": "pre", "blockquote": "blockquote"}
_BLOCK_BREAK = {"p", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "table",
                "hr"}


class _TelegramHTML(HTMLParser):
    def __init__(self, keep_tags: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.keep_tags = keep_tags
        self.out: list[str] = []
        self.open: list[str] = []
        self.open_blocks: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [next number], 0 for bullets

    def _emit_tag(self, text: str) -> None:
        if self.keep_tags:
            self.out.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre":
            self.open_blocks.append(tag)
        if tag in ("ul", "ol"):
            start = dict(attrs).get("start") or "1"
            self.lists.append([int(start) if tag == "ol" and start.isdigit() else 0])
        if tag == "li":
            counter = self.lists[-1] if self.lists else [0]
            if counter[0]:  # a numbered list keeps its numbers: "điểm 3" must stay findable
                self.out.append(f"{counter[0]}. ")
                counter[0] += 1
            else:
                self.out.append("• ")
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._emit_tag("<b>")
        elif tag == "br":
            self.out.append("\n")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith(("http://", "https://", "tg://")):
                self._emit_tag(f'<a href="{html.escape(href, quote=True)}">')
                self.open.append("a")
            else:
                self.open.append("")
        elif tag in _INLINE:
            self._emit_tag(f"<{_INLINE[tag]}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre" and self.open_blocks:
            self.open_blocks.pop()
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag == "li":
            self.out.append("\n")
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._emit_tag("</b>")
            self.out.append("\n\n")
        elif tag == "a":
            if self.open and self.open.pop() == "a":
                self._emit_tag("</a>")
        elif tag in _INLINE:
            self._emit_tag(f"</{_INLINE[tag]}>")
        if tag in _BLOCK_BREAK and tag not in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.out.append("\n\n")

    def handle_data(self, data: str) -> None:
        if data.strip() == "" and "\n" in data:
            return
        if "pre" not in self.open_blocks:
            # A source line wrap inside a paragraph (with a list item's indent) is one space,
            # and so is a run of spaces; after a line break (<br>) the indent goes.
            data = _SPACES.sub(" ", _WRAP.sub(" ", data))
            if self.out and self.out[-1].endswith("\n"):
                data = data.lstrip(" ")
        self.out.append(html.escape(data, quote=False) if self.keep_tags else data)

    def result(self) -> str:
        text = "".join(self.out)
        while "\n\n\n" in text:
            text = text.replace("\n\n\n", "\n\n")
        return "\n".join(line.rstrip() for line in text.strip().split("\n"))


_WRAP = re.compile(r"[ \t]*\n[ \t]*")
_SPACES = re.compile(r"[ \t]{2,}")
_local = threading.local()


def _markdown(source: str) -> str:
    # One converter per thread, reset between texts: building a new one for every text costs
    # a third of the conversion.
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = md.Markdown(output_format="html")
    html: str = converter.reset().convert(source)
    return html


def _convert(source: str, keep_tags: bool) -> str:
    parser = _TelegramHTML(keep_tags)
    # Raw HTML is never markup here: "x <script>y" must show as typed, not vanish. Markdown
    # keeps the entity, and the parser turns it back into a "<" that is escaped again.
    parser.feed(_markdown(source.replace("<", "&lt;")))
    parser.close()
    return parser.result()


@functools.lru_cache(maxsize=8192)
def to_html(source: str) -> str:
    """Markdown → HTML using only tags Telegram accepts, with all text escaped.

    Cached: answers are composed from the same few hundred entries, and Markdown conversion
    costs about as much as finding the answer.
    """
    return _convert(source, keep_tags=True)


def blocks_to_html(blocks: Iterable[str]) -> str:
    """Markdown blocks (each complete in itself, as in `Answer.blocks`) → Telegram HTML.

    The same as `to_html` of the blocks joined by blank lines, but each block is converted and
    cached on its own, so a new question whose answer shows known entries converts nothing.
    """
    return "\n\n".join(html for html in map(to_html, blocks) if html)


def to_plain(source: str) -> str:
    """Markdown → plain text (for the CLI and JSON output): no tags, no entities."""
    return _convert(source, keep_tags=False)


_RAW_TAG = re.compile(r"<[A-Za-z!/?][^>\n]*>?|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_WORD = re.compile(r"\w+")


def raw_markup(source: str) -> list[str]:
    """HTML tags and entities written into Markdown: the KB is reviewed as Markdown only."""
    return _RAW_TAG.findall(source)


def dropped_words(source: str) -> list[str]:
    """Words of `source` that do not reach the reader once rendered (the KB check's guard).

    Link targets are not shown by design; everything else a writer types must be read.
    """
    shown = collections.Counter(_WORD.findall(to_plain(source).casefold()))
    wanted = collections.Counter(_WORD.findall(_LINK_TARGET.sub("]", source).casefold()))
    return sorted((wanted - shown).keys())


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split a rendered reply into parts of at most `limit` characters.

    Cuts at paragraph breaks, then line breaks, then spaces. Rendered HTML closes every tag
    within its paragraph, so paragraph and line cuts never break markup; a single line longer
    than the limit is cut at spaces and any tag left open is closed and reopened.
    """
    if limit < 16:
        raise ValueError("limit too small")
    parts: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        candidate = f"{current}\n\n{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            if current:
                parts.append(current)
            current = piece
    if current:
        parts.append(current)
    return parts or [""]


def _pieces(text: str, limit: int) -> list[str]:
    out = []
    for paragraph in text.split("\n\n"):
        if len(paragraph) <= limit:
            out.append(paragraph)
            continue
        for line in paragraph.split("\n"):
            if len(line) <= limit:
                out.append(line)
            else:
                out.extend(_hard_split(line, limit))
    return out


def _hard_split(line: str, limit: int) -> list[str]:
    words = line.split(" ")
    chunks, current = [], ""
    budget = limit - 40  # room for closing/reopening tags
    for word in words:
        while len(word) > budget:
            head, word = word[:budget], word[budget:]
            if current:
                chunks.append(current)
                current = ""
            chunks.append(head)
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= budget:
            current = candidate
        else:
            chunks.append(current)
            current = word
    if current:
        chunks.append(current)
    return _balance(chunks)


def _balance(chunks: list[str]) -> list[str]:
    """Close tags left open at the end of a chunk and reopen them at the start of the next."""
    out: list[str] = []
    carry: list[str] = []
    for chunk in chunks:
        text = "".join(f"<{t}>" for t in carry) + chunk
        stack: list[str] = []
        for token in _tags(text):
            if token.startswith("/"):
                if stack and stack[-1] == token[1:]:
                    stack.pop()
            else:
                stack.append(token)
        out.append(text + "".join(f"</{t}>" for t in reversed(stack)))
        carry = stack
    return out


def _tags(text: str) -> list[str]:
    tags = []
    i = 0
    while (start := text.find("<", i)) != -1:
        end = text.find(">", start)
        if end == -1:
            break
        name = text[start + 1:end].split(" ")[0]
        if name.strip("/") in ("b", "i", "u", "s", "code", "pre", "blockquote"):
            tags.append(name)
        i = end + 1
    return tags
