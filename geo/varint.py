"""Whole numbers as bytes for the maps' compact encodings (issue 18): unsigned LEB128
varints, zigzag for signed numbers, a window of recently used table indexes, and a name's
repeat number. Used by :mod:`geo.maps` (*Prioritering*'s grid) and :mod:`geo.coverage_grid`
(*Dækning*'s grid); each map's script reads them back the same way.

Hand-written rather than a library's: the protobuf/LEB128 packages on PyPI encode whole
messages, not a stream the maps' few lines of JavaScript must decode in step.
"""

from __future__ import annotations

import re


def put(out: bytearray, u: int) -> None:
    """``u`` (≥ 0) as an unsigned LEB128 varint: 7 bits a byte, the high bit set on all but the last."""
    while u >= 0x80:
        out.append(u & 0x7F | 0x80)
        u >>= 7
    out.append(u)


def zz(v: int) -> int:
    """Zigzag: 0, -1, 1, -2, … → 0, 1, 2, 3, … (a small number of either sign in one byte)."""
    return 2 * v if v >= 0 else -2 * v - 1


def unzz(u: int) -> int:
    return -(u + 1) // 2 if u % 2 else u // 2


class Reader:
    """The varints of :func:`put`, one after the other."""

    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def u(self) -> int:
        x = shift = 0
        while True:
            c = self.data[self.at]
            self.at += 1
            x |= (c & 0x7F) << shift
            shift += 7
            if c < 0x80:
                return x

    def z(self) -> int:
        return unzz(self.u())


class Recent:
    """Indexes into a table as small numbers: 0 is the lowest index not used yet (tables in
    the order the cells first use them), ``1..limit`` one of the ``limit`` indexes used last
    (most recent first), ``limit + 1 + i`` index ``i`` itself. The encoder's and the
    decoder's copies change alike."""

    def __init__(self, limit: int) -> None:
        self.limit, self.window, self.seen, self.next = limit, [], set(), 0

    def _use(self, v: int) -> int:
        if v in self.window:
            self.window.remove(v)
        self.window.insert(0, v)
        del self.window[self.limit:]
        self.seen.add(v)
        while self.next in self.seen:
            self.next += 1
        return v

    def code(self, v: int) -> int:
        c = 0 if v == self.next else self.window.index(v) + 1 if v in self.window else self.limit + 1 + v
        self._use(v)
        return c

    def value(self, c: int) -> int:
        return self._use(self.next if c == 0 else self.window[c - 1] if c <= self.limit else c - self.limit - 1)


def split_repeat(text: str) -> tuple[str, int]:
    """``"Name (3)"`` → ``("Name", 3)``; any other text → ``(text, 0)`` (exact both ways:
    :func:`geo.maps.grid_cells` puts ``" (3)"`` back only for a number ≥ 2)."""
    m = re.fullmatch(r"(.*) \((\d+)\)", text, flags=re.S)
    if m and int(m.group(2)) >= 2 and str(int(m.group(2))) == m.group(2):
        return m.group(1), int(m.group(2))
    return text, 0
