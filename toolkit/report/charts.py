"""Charts as inline SVG, drawn when the report is written: no script, no outside file.

Each chart scales to its container (`viewBox`, width 100%), so it reads on a phone, and
carries a `<title>` and an `aria-label` for screen readers. Values are plain numbers;
the caller gives the labels shown beside them (an amount with its currency, a count).
"""

from __future__ import annotations

from html import escape

# A narrow drawing, so its text stays readable once scaled down to a phone's width (about 340 px).
WIDTH = 420
ROW = 34
LABEL_WIDTH = 135
BAR_COLOR = "#3f6ad8"
NEGATIVE_COLOR = "#c2410c"
TEXT = "font-family:system-ui,sans-serif;font-size:15px;fill:#1f2937"


def _shorten(text: str, limit: int = 15) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _open(title: str, height: int, kind: str) -> str:
    return (f'<svg class="chart chart-{kind}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
            f'width="100%" role="img" aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">'
            f"<title>{escape(title)}</title>")


def bars(title: str, rows: list[tuple[str, float, str]]) -> str:
    """Horizontal bars: (label, value, value as shown) per row; negative values drawn left of zero."""
    if not rows:
        return ""
    height = ROW * len(rows) + 10
    low = min(0, min(value for _l, value, _s in rows))
    high = max(0, max(value for _l, value, _s in rows))
    span = (high - low) or 1
    area = WIDTH - LABEL_WIDTH - 95  # room for the value text on the right
    zero = LABEL_WIDTH + area * (-low) / span
    parts = [_open(title, height, "bars")]
    for index, (label, value, shown) in enumerate(rows):
        y = 5 + index * ROW
        length = area * abs(value) / span
        x = zero if value >= 0 else zero - length
        color = BAR_COLOR if value >= 0 else NEGATIVE_COLOR
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 21}" text-anchor="end" style="{TEXT}">'
                     f"{escape(_shorten(label))}</text>")
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{y + 4}" width="{max(length, 1):.1f}" height="{ROW - 10}" '
                     f'rx="3" fill="{color}"><title>{escape(label)}: {escape(shown)}</title></rect>')
        parts.append(f'<text x="{max(x + length, zero) + 6:.1f}" y="{y + 21}" style="{TEXT}">{escape(shown)}</text>')
    parts.append(f'<line x1="{zero:.1f}" y1="2" x2="{zero:.1f}" y2="{height - 2}" stroke="#9ca3af"/>')
    parts.append("</svg>")
    return "".join(parts)


def columns(title: str, labels: list[str], values: list[float], shown: list[str]) -> str:
    """Vertical columns, one per label (months), negative values below the zero line."""
    if not labels:
        return ""
    height, top, bottom = 220, 16, 36
    low, high = min(0, *values), max(0, *values)
    span = (high - low) or 1
    plot = height - top - bottom
    zero = top + plot * high / span
    margin = 30  # room for the first and last labels, centred under their columns
    step = (WIDTH - 2 * margin) / len(labels)
    width = max(step * 0.6, 2)
    parts = [_open(title, height, "columns")]
    parts.append(f'<line x1="{margin}" y1="{zero:.1f}" x2="{WIDTH - margin}" y2="{zero:.1f}" stroke="#9ca3af"/>')
    every = max(1, round(len(labels) / 4))  # at most about 4 labels under the axis
    for index, (label, value, text) in enumerate(zip(labels, values, shown)):
        x = margin + step * index + (step - width) / 2
        size = plot * abs(value) / span
        y = zero - size if value >= 0 else zero
        color = BAR_COLOR if value >= 0 else NEGATIVE_COLOR
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{max(size, 1):.1f}" '
                     f'fill="{color}"><title>{escape(label)}: {escape(text)}</title></rect>')
        if index % every == 0:
            parts.append(f'<text x="{x + width / 2:.1f}" y="{height - 14}" text-anchor="middle" style="{TEXT}">'
                         f"{escape(label)}</text>")
    parts.append("</svg>")
    return "".join(parts)
