"""Colour contrast for text (WCAG 2.1, success criterion 1.4.3): what colour text may have on a background.

The course's palette (Okabe-Ito, ceasefire.display.PALETTE) is chosen for colour-vision deficiencies,
not for text: most of its colours are too light to read as text on white (orange 2.0:1, green 3.3:1).
`text_colour` darkens such a colour just enough for text; `text_on` picks black or white text for a
coloured badge. Standard library only, so that every layer may use it.
"""

AA_NORMAL_TEXT = 4.5   # minimum contrast ratio for normal-size text (level AA)


def _rgb(colour: str) -> tuple:
    value = colour.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    if len(value) != 6:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))


def luminance(colour: str) -> float:
    """Relative luminance of a #rrggbb colour, as WCAG defines it (0 black, 1 white)."""
    linear = [(c / 12.92) if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (v / 255 for v in _rgb(colour))]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """Contrast ratio between two colours, from 1 (same) to 21 (black on white)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour(colour: str, background: str = "#ffffff", ratio: float = AA_NORMAL_TEXT) -> str:
    """`colour` darkened in small steps (towards black, same hue) until text in it reaches `ratio` on
    `background`; unchanged if it already does."""
    red, green, blue = _rgb(colour)
    for step in range(101):
        keep = 1 - step / 100
        candidate = "#{:02X}{:02X}{:02X}".format(round(red * keep), round(green * keep), round(blue * keep))
        if contrast(candidate, background) >= ratio:
            return candidate if step else colour
    return "#000000"


def text_on(background: str) -> str:
    """Black or white: whichever reads better on `background`."""
    return "#ffffff" if contrast("#ffffff", background) >= contrast("#000000", background) else "#000000"
