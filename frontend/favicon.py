"""Draws the site's icon, peerchallenge/static/peerchallenge/favicon.svg and favicon.ico (both
committed): two linked rings, peers, white on GOV.UK Frontend's blue. Our own, because GOV.UK
Frontend's favicon is the crown, for GOV.UK only. Run: python frontend/favicon.py"""

import struct
import zlib
from pathlib import Path

BLUE, WHITE = (0x1D, 0x70, 0xB8), (0xFF, 0xFF, 0xFF)
# In a 32-unit square: two rings of radius 7 and width 3, their centres 8 apart.
RINGS, RADIUS, WIDTH = ((12.0, 16.0), (20.0, 16.0)), 7.0, 3.0
OUT = Path(__file__).resolve().parent.parent / "peerchallenge/static/peerchallenge"

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" fill="#1d70b8"/>'
    + "".join(
        f'<circle cx="{x:g}" cy="{y:g}" r="{RADIUS:g}" fill="none" stroke="#fff" '
        f'stroke-width="{WIDTH:g}"/>'
        for x, y in RINGS
    )
    + "</svg>\n"
)


def _white_share(px: int, py: int, size: int, samples: int = 4) -> float:
    """How much of pixel (px, py) the rings cover, by sampling it on a grid (anti-aliasing)."""
    scale, hits = 32 / size, 0
    for i in range(samples):
        for j in range(samples):
            x = (px + (i + 0.5) / samples) * scale
            y = (py + (j + 0.5) / samples) * scale
            hits += any(
                abs(((x - cx) ** 2 + (y - cy) ** 2) ** 0.5 - RADIUS) <= WIDTH / 2
                for cx, cy in RINGS
            )
    return hits / samples**2


def png(size: int) -> bytes:
    rows = b""
    for py in range(size):
        row = bytearray([0])  # filter: none
        for px in range(size):
            share = _white_share(px, py, size)
            row += bytes(round(b + (w - b) * share) for b, w in zip(BLUE, WHITE, strict=True))
        rows += bytes(row)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def ico(sizes: tuple[int, ...] = (16, 32, 48)) -> bytes:
    """An .ico of PNG images (every browser since Internet Explorer 9 reads them)."""
    images = [png(size) for size in sizes]
    offset = 6 + 16 * len(images)
    directory = b""
    for size, image in zip(sizes, images, strict=True):
        directory += struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
    return struct.pack("<HHH", 0, 1, len(images)) + directory + b"".join(images)


if __name__ == "__main__":
    (OUT / "favicon.svg").write_text(SVG)
    (OUT / "favicon.ico").write_bytes(ico())
