"""The relaxed JSON the Workfront docs write in ``updates=``: ``{ name: "x" }``.

The docs' examples leave keys unquoted (``{accessRules: [...]}``), quote strings with single
quotes (``accessorID: 'abc123'``), leave some values bare (``docObjCode: PROJ``), and show
typographic quotes (``“name”``). Workfront accepts them; so does this parser. Strict JSON is
parsed by :func:`json.loads` first, so valid JSON keeps its exact meaning.
"""

from __future__ import annotations

import json
import re
from typing import Any

_QUOTES = {'"': '"', "'": "'", "\u201c": "\u201d", "\u201d": "\u201d"}
_CLOSERS = {'"': '"', "'": "'", "\u201d": "\u201d"}
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_BARE_END = set(",:]}")


class RelaxedJsonError(ValueError):
    """The text is not JSON, even relaxed; the message says where."""


def loads(text: str) -> Any:
    """Parse strict JSON, or the docs' relaxed form of it."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    parser = _Parser(text)
    value = parser.value()
    parser.skip_space()
    if parser.at < len(text):
        raise parser.fail("unexpected text after the value")
    return value


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def fail(self, what: str) -> RelaxedJsonError:
        snippet = self.text[max(0, self.at - 15):self.at + 15]
        return RelaxedJsonError(f"{what} at character {self.at} (near {snippet!r})")

    def skip_space(self) -> None:
        while self.at < len(self.text) and self.text[self.at].isspace():
            self.at += 1

    def peek(self) -> str:
        self.skip_space()
        if self.at >= len(self.text):
            raise self.fail("unexpected end")
        return self.text[self.at]

    def value(self) -> Any:
        char = self.peek()
        if char == "{":
            return self.obj()
        if char == "[":
            return self.array()
        if char in _QUOTES:
            return self.quoted()
        return self.bare(_BARE_END)

    def obj(self) -> dict:
        self.at += 1
        out: dict[str, Any] = {}
        while True:
            char = self.peek()
            if char == "}":
                self.at += 1
                return out
            key = self.quoted() if char in _QUOTES else self.bare(set(":"), as_text=True)
            if self.peek() != ":":
                raise self.fail(f"expected ':' after the key {key!r}")
            self.at += 1
            out[str(key)] = self.value()
            char = self.peek()
            if char == ",":
                self.at += 1
            elif char != "}":
                raise self.fail("expected ',' or '}'")

    def array(self) -> list:
        self.at += 1
        out: list[Any] = []
        while True:
            if self.peek() == "]":
                self.at += 1
                return out
            out.append(self.value())
            char = self.peek()
            if char == ",":
                self.at += 1
            elif char != "]":
                raise self.fail("expected ',' or ']'")

    def quoted(self) -> str:
        opener = self.text[self.at]
        closer = _QUOTES[opener]
        self.at += 1
        out = []
        while self.at < len(self.text):
            char = self.text[self.at]
            if char == "\\" and self.at + 1 < len(self.text):
                out.append(self.escape())
                continue
            if char == closer or (closer == "\u201d" and char in _CLOSERS and char != "'"):
                self.at += 1
                return "".join(out)
            out.append(char)
            self.at += 1
        raise self.fail("unterminated string")

    def escape(self) -> str:
        """One backslash escape; ``\\'`` is a quote, the rest mean what they mean in JSON."""
        size = 6 if self.text[self.at + 1] == "u" else 2
        sequence = self.text[self.at:self.at + size]
        self.at += size
        if sequence == "\\'":
            return "'"
        try:
            return json.loads(f'"{sequence}"')
        except ValueError:
            raise self.fail(f"bad escape {sequence!r}") from None

    def bare(self, ends: set[str], as_text: bool = False) -> Any:
        start = self.at
        while (self.at < len(self.text) and self.text[self.at] not in ends and self.text[self.at] not in "{["
               and not self.text[self.at].isspace()):
            self.at += 1
        word = self.text[start:self.at].strip()
        if not word:
            raise self.fail("expected a value")
        if as_text:
            return word
        if word in ("true", "false"):
            return word == "true"
        if word == "null":
            return None
        if _NUMBER.match(word):
            number = float(word)
            return int(number) if number.is_integer() and not re.search(r"[.eE]", word) else number
        return word
