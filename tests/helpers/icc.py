"""A small ICC v2 RGB matrix/TRC profile built from its primaries and gamma, for colour-management
tests on a machine with no .icc file and no internet: Adobe RGB (1998)'s primaries (adapted to D50,
as its profile stores them) and a gamma of 2.2."""

from __future__ import annotations

import struct

# D50-adapted colorants (X, Y, Z) of Adobe RGB (1998)'s red, green and blue, as its own profile holds them.
ADOBE_RGB = ((0.6097, 0.3111, 0.0195), (0.2053, 0.6257, 0.0609), (0.1492, 0.0632, 0.7446))
D65 = (0.9505, 1.0, 1.0891)  # the media white point a v2 display profile records
D50 = (0.9642, 1.0, 0.8249)  # the profile connection space's illuminant


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(values: tuple[float, float, float]) -> bytes:
    return b"XYZ " + bytes(4) + b"".join(_s15(v) for v in values)


def _curve(gamma: float) -> bytes:
    return b"curv" + bytes(4) + struct.pack(">IH", 1, round(gamma * 256))


def _description(text: str) -> bytes:
    """textDescriptionType: ASCII, then empty Unicode and ScriptCode parts (v2)."""
    ascii_text = text.encode("ascii") + b"\0"
    return b"desc" + bytes(4) + struct.pack(">I", len(ascii_text)) + ascii_text + struct.pack(">IIHB", 0, 0, 0, 0) + bytes(67)


def rgb_profile(colorants=ADOBE_RGB, gamma: float = 2.2, name: str = "Adobe RGB primaries, gamma 2.2 (test)") -> bytes:
    """ICC v2 display profile bytes: header, tag table, desc, cprt, wtpt, rXYZ/gXYZ/bXYZ, rTRC/gTRC/bTRC."""
    red, green, blue = colorants
    tags = [(b"desc", _description(name)), (b"cprt", b"text" + bytes(4) + b"none\0"), (b"wtpt", _xyz(D65)),
            (b"rXYZ", _xyz(red)), (b"gXYZ", _xyz(green)), (b"bXYZ", _xyz(blue)),
            (b"rTRC", _curve(gamma)), (b"gTRC", _curve(gamma)), (b"bTRC", _curve(gamma))]
    start = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        body += bytes(-len(body) % 4)  # tags start on 4-byte boundaries
        table += signature + struct.pack(">II", start + len(data), len(body))
        data += body
    header = (struct.pack(">I", start + len(data)) + bytes(4) + bytes([2, 0x10, 0, 0]) + b"mntrRGB XYZ "
              + bytes(12) + b"acsp" + bytes(24) + struct.pack(">I", 0) + b"".join(_s15(v) for v in D50) + bytes(48))
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data
