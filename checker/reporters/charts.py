"""Inline SVG charts for report.html, drawn in Python: no script, no font, no network.

Each function returns finished SVG markup (every label escaped here) that the page's CSS
colours through class names (`sev-major`, `st-fail` …), so the charts print like the page.
Coordinates are integers, so identical input gives identical bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH = 720
_CHAR = 13  # width of one CJK character at the chart's 13px font
_ROW = 24
_BAR = 16


@dataclass(frozen=True)
class Segment:
    value: int
    css: str  # class name that colours it
    label: str  # what the value counts, for the tooltip and the legend


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]

    @property
    def total(self) -> int:
        return sum(s.value for s in self.segments)


def _text_width(text: str) -> int:
    return sum(_CHAR if ord(ch) > 0x2E7F else _CHAR * 6 // 10 for ch in text)


def _short(text: str, limit: int = 12) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _legend(segments: list[tuple[str, str]], y: int) -> list[str]:
    out, x = [], 0
    for css, label in segments:
        out.append(f'<rect class="{css}" x="{x}" y="{y}" width="12" height="12" rx="2"/>')
        out.append(f'<text class="legend" x="{x + 17}" y="{y + 11}">{escape(label)}</text>')
        x += 17 + _text_width(label) + 18
    return out


def hbar_chart(bars: list[Bar], *, caption: str, unit: str = "条", legend: list[tuple[str, str]] | None = None) -> str:
    """Horizontal (stacked) bars, one row per label, the total written after each bar."""
    labels = [_short(b.label) for b in bars]
    left = min(max((_text_width(t) for t in labels), default=40) + 12, 200)
    right = 70
    span = WIDTH - left - right
    top = 28 if legend else 6
    height = top + len(bars) * _ROW + 6
    peak = max((b.total for b in bars), default=0) or 1
    out = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="{escape(caption)}">',
        f"<title>{escape(caption)}</title>",
    ]
    if legend:
        out += _legend(legend, 4)
    for i, (bar, label) in enumerate(zip(bars, labels, strict=True)):
        y = top + i * _ROW
        out.append(f'<text class="axis" x="{left - 8}" y="{y + _BAR - 3}" text-anchor="end">{escape(label)}<title>{escape(bar.label)}</title></text>')
        out.append(f'<line class="grid" x1="{left}" y1="{y - 3}" x2="{left}" y2="{y + _ROW - 3}"/>')
        x = left
        for seg in bar.segments:
            if seg.value <= 0:
                continue
            w = max(round(seg.value / peak * span), 2)
            out.append(
                f'<rect class="{seg.css}" x="{x}" y="{y}" width="{w}" height="{_BAR}"><title>{escape(bar.label)}：{escape(seg.label)} {seg.value} {unit}</title></rect>'
            )
            x += w
        out.append(f'<text class="value" x="{x + 6}" y="{y + _BAR - 3}">{bar.total}</text>')
    out.append("</svg>")
    return "\n".join(out)


def column_chart(columns: list[tuple[str, int]], *, caption: str, css: str, unit: str = "条") -> str:
    """Vertical bars (e.g. violations by month), the count above each bar."""
    left, bottom, top = 8, 24, 18
    height = 190
    span = height - top - bottom
    step = (WIDTH - left * 2) // max(len(columns), 1)
    bar = max(min(step - 10, 44), 6)
    peak = max((v for _, v in columns), default=0) or 1
    out = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="{escape(caption)}">',
        f"<title>{escape(caption)}</title>",
        f'<line class="grid" x1="{left}" y1="{height - bottom}" x2="{WIDTH - left}" y2="{height - bottom}"/>',
    ]
    for i, (label, value) in enumerate(columns):
        cx = left + i * step + step // 2
        h = round(value / peak * span) if value else 0
        if value:
            out.append(
                f'<rect class="{css}" x="{cx - bar // 2}" y="{height - bottom - h}" width="{bar}" height="{h}"><title>{escape(label)}：{value} {unit}</title></rect>'
            )
        out.append(f'<text class="value" x="{cx}" y="{height - bottom - h - 4}" text-anchor="middle">{value}</text>')
        out.append(f'<text class="axis" x="{cx}" y="{height - 7}" text-anchor="middle">{escape(label)}</text>')
    out.append("</svg>")
    return "\n".join(out)
