"""Regenerate the Teams app icons (color.png 192x192, outline.png 32x32) with the standard library only.

    .venv/bin/python manifest/teams/make_icons.py

The glyph is a speech bubble holding a microphone: a media enquiry. ``color.png`` is a white bubble on NHS
blue (#005EB8) with the microphone cut out in blue; ``outline.png`` is the same glyph drawn in white on a
transparent background, as Teams requires of the outline icon. Output is deterministic (no timestamps), so
re-running it leaves the files unchanged unless this script changes.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
NHS_BLUE = (0x00, 0x5E, 0xB8)
WHITE = (0xFF, 0xFF, 0xFF)
SUPERSAMPLE = 4  # samples per pixel side, for anti-aliased edges

Point = tuple[float, float]
Sdf = Callable[[float, float], float]  # signed distance: negative inside, in glyph units (0..1)


# --------------------------------------------------------------------------- shapes (signed distances)


def rounded_box(cx: float, cy: float, hw: float, hh: float, r: float) -> Sdf:
    def sdf(x: float, y: float) -> float:
        qx, qy = abs(x - cx) - (hw - r), abs(y - cy) - (hh - r)
        return math.hypot(max(qx, 0.0), max(qy, 0.0)) + min(max(qx, qy), 0.0) - r

    return sdf


def _segment_distance(x: float, y: float, a: Point, b: Point) -> float:
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - (ax + t * dx), y - (ay + t * dy))


def capsule(a: Point, b: Point, r: float) -> Sdf:
    return lambda x, y: _segment_distance(x, y, a, b) - r


def polygon(points: Sequence[Point]) -> Sdf:
    edges = list(zip(points, [*points[1:], points[0]], strict=True))

    def sdf(x: float, y: float) -> float:
        d = min(_segment_distance(x, y, a, b) for a, b in edges)
        inside = False
        for (ax, ay), (bx, by) in edges:
            if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
                inside = not inside
        return -d if inside else d

    return sdf


def lower_arc(cx: float, cy: float, r: float, w: float) -> Sdf:
    """A stroked half ring (the microphone's holder), open at the top."""

    def sdf(x: float, y: float) -> float:
        if y >= cy:
            return abs(math.hypot(x - cx, y - cy) - r) - w / 2
        return min(math.hypot(x - (cx - r), y - cy), math.hypot(x - (cx + r), y - cy)) - w / 2

    return sdf


def union(*shapes: Sdf) -> Sdf:
    return lambda x, y: min(s(x, y) for s in shapes)


def stroke(shape: Sdf, w: float) -> Sdf:
    return lambda x, y: abs(shape(x, y)) - w / 2


# --------------------------------------------------------------------------- the glyph


def bubble() -> Sdf:
    return union(
        rounded_box(0.5, 0.44, 0.42, 0.32, 0.12),
        polygon([(0.24, 0.70), (0.46, 0.70), (0.16, 0.95)]),
    )


def microphone(zoom: float = 1.0, line: float = 0.045) -> Sdf:
    """Centred on (0.5, 0.44); ``zoom`` enlarges it about that point, ``line`` is the stroke width."""

    def at(x: float, y: float) -> Point:
        return 0.5 + (x - 0.5) * zoom, 0.44 + (y - 0.44) * zoom

    return union(
        capsule(at(0.5, 0.28), at(0.5, 0.42), 0.075 * zoom),
        lower_arc(*at(0.5, 0.42), 0.13 * zoom, line),
        capsule(at(0.5, 0.55), at(0.5, 0.61), line / 2),
        capsule(at(0.42, 0.62), at(0.58, 0.62), line / 2),
    )


# --------------------------------------------------------------------------- rasterising and PNG


def coverage(shape: Sdf, size: int, inset: float) -> list[list[float]]:
    """Fraction of each pixel inside ``shape``; the glyph's unit square maps to the canvas minus ``inset``."""
    span = size - 2 * inset
    n = SUPERSAMPLE
    rows = []
    for py in range(size):
        row = []
        for px in range(size):
            hits = 0
            for sy in range(n):
                for sx in range(n):
                    x = (px + (sx + 0.5) / n - inset) / span
                    y = (py + (sy + 0.5) / n - inset) / span
                    hits += shape(x, y) < 0
            row.append(hits / (n * n))
        rows.append(row)
    return rows


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png(width: int, height: int, rows: list[bytes], colour_type: int) -> bytes:
    """A PNG from raw scanlines (colour type 2 = RGB, 6 = RGBA; 8 bits per sample)."""
    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 on every scanline
    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> bytes:
    return bytes(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def color_icon(size: int = 192) -> bytes:
    """White bubble on NHS blue, the microphone cut out in blue; fully opaque."""
    outer = coverage(bubble(), size, inset=size * 0.2)
    mic = coverage(microphone(), size, inset=size * 0.2)
    rows = []
    for outer_row, mic_row in zip(outer, mic, strict=True):
        rows.append(
            b"".join(_mix(NHS_BLUE, WHITE, o * (1 - m)) for o, m in zip(outer_row, mic_row, strict=True))
        )
    return png(size, size, rows, colour_type=2)


def outline_icon(size: int = 32) -> bytes:
    """The bubble's outline and a filled microphone, white on transparent."""
    shape = union(stroke(bubble(), 2.0 / size), microphone(zoom=1.2, line=1.5 / size))
    cover = coverage(shape, size, inset=1.0)
    rows = [b"".join(bytes((*WHITE, round(255 * c))) for c in row) for row in cover]
    return png(size, size, rows, colour_type=6)


def main() -> None:
    (HERE / "color.png").write_bytes(color_icon())
    (HERE / "outline.png").write_bytes(outline_icon())
    print(f"wrote {HERE / 'color.png'} and {HERE / 'outline.png'}")


if __name__ == "__main__":
    main()
