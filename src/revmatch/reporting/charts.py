"""Charts as inline SVG (no network, no plotting library): histogram, bars, the department flow table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .page import escape, number


def nice_step(span: float, target: int) -> float:
    """A 1-2-5 step that cuts ``span`` into about ``target`` pieces (axis ticks, bin widths)."""
    raw = max(span, 1e-12) / max(target, 1)
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def svg_histogram(values: np.ndarray, xlabel: str, width: int = 560, height: int = 230) -> str:
    """A histogram as inline SVG: bars with hover titles, count axis and value axis."""
    if len(values) == 0:
        return '<p class="empty">No pairs.</p>'
    lo, hi = float(values.min()), float(values.max())
    step = nice_step(hi - lo, 20) if hi > lo else 1.0
    if np.all(values == np.round(values)):
        step = max(1.0, math.ceil(step))  # integer scores: bins of whole points
    start = math.floor(lo / step) * step
    n_bins = max(1, math.floor((hi - start) / step) + 1)
    edges = start + step * np.arange(n_bins + 1)
    counts = np.bincount(np.minimum(((values - start) // step).astype(np.int64), n_bins - 1), minlength=n_bins)
    left, right, top, bottom = 44, 12, 10, 40
    pw, ph = width - left - right, height - top - bottom
    ymax = int(counts.max())
    ystep = nice_step(ymax, 4) if ymax > 4 else 1
    ystep = max(1, math.ceil(ystep))
    ytop = max(ystep, math.ceil(ymax / ystep) * ystep)
    bw = pw / n_bins
    out = [
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(xlabel)} histogram">'
    ]
    for t in range(0, ytop + 1, ystep):
        y = top + ph - ph * t / ytop
        out.append(f'<line class="axis" x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke-opacity="0.35"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="muted">{t}</text>')
    for k, n in enumerate(counts):
        h = ph * n / ytop
        x = left + k * bw
        label = f"{number(edges[k])} to under {number(edges[k + 1])}: {n} pair{'s' if n != 1 else ''}"
        out.append(
            f'<rect class="bar" x="{x + 0.5:.1f}" y="{top + ph - h:.1f}" width="{max(bw - 1, 0.5):.1f}" '
            f'height="{h:.1f}"><title>{escape(label)}</title></rect>'
        )
    tick_every = max(1, math.ceil(n_bins / 8))
    for k in range(0, n_bins + 1, tick_every):
        x = left + k * bw
        out.append(
            f'<text x="{x:.1f}" y="{top + ph + 15}" text-anchor="middle" class="muted">'
            f"{escape(number(edges[k]))}</text>"
        )
    out.append(f'<line class="axis" x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}"/>')
    out.append(f'<text x="{left + pw / 2:.1f}" y="{height - 6}" text-anchor="middle">{escape(xlabel)}</text>')
    mid = top + ph / 2
    out.append(f'<text x="12" y="{mid:.1f}" text-anchor="middle" transform="rotate(-90 12 {mid:.1f})">pairs</text>')
    out.append("</svg>")
    return "".join(out)


def svg_bars(
    labels: list[str],
    totals: np.ndarray,
    parts: np.ndarray,
    total_word: str,
    part_word: str,
    width: int = 520,
    row: int = 17,
) -> str:
    """Horizontal bars per label: the total in a pale bar, the part of it in colour on top."""
    if len(labels) == 0 or totals.max(initial=0) <= 0:
        return '<p class="empty">No stated needs.</p>'
    label_w, value_w, top = 190, 92, 4
    pw = width - label_w - value_w
    height = top + row * len(labels) + 4
    scale = pw / float(totals.max())
    out = [
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(part_word)} of {escape(total_word)} by skill">'
    ]
    for k, (name, total, part) in enumerate(zip(labels, totals, parts)):
        y = top + k * row
        share = f" ({100 * part / total:.0f}%)" if total else ""
        tip = f"{name}: {int(part)} of {int(total)} need points {part_word}{share}"
        shown = name if len(name) <= 28 else name[:27] + "…"
        out.append(
            f"<g><title>{escape(tip)}</title>"
            f'<text x="{label_w - 6}" y="{y + row - 5}" text-anchor="end">{escape(shown)}</text>'
            f'<rect class="bar2" x="{label_w}" y="{y + 2}" width="{total * scale:.1f}" height="{row - 4}"/>'
            f'<rect class="bar" x="{label_w}" y="{y + 2}" width="{part * scale:.1f}" height="{row - 4}"/>'
            f'<text x="{label_w + pw + 6}" y="{y + row - 5}" class="muted">'
            f"{int(part)}/{int(total)}{escape(share)}</text></g>"
        )
    out.append("</svg>")
    return "".join(out)


def flow_table(flow: pd.DataFrame) -> str:
    """Mentor department × mentee department counts as a heat-map table (darker = more pairs)."""
    if flow.empty:
        return '<p class="empty">No pairs.</p>'
    peak = max(int(flow.to_numpy().max()), 1)
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in flow.columns)
    out = [
        '<div class="scroll" style="max-height:none"><table class="flow"><thead><tr>'
        f'<th class="row">mentor dept ↓ / mentee dept →</th>{head}<th>total</th></tr></thead><tbody>'
    ]
    for dept, counts in flow.iterrows():
        cells = []
        for n in counts.to_numpy():
            alpha = 0.08 + 0.85 * n / peak if n else 0
            ink = "#fff" if alpha > 0.55 else "inherit"
            style = f' style="background:rgba(37,99,235,{alpha:.2f});color:{ink}"' if n else ""
            cells.append(f'<td class="n"{style}>{int(n) if n else ""}</td>')
        out.append(
            f'<tr><th class="row" scope="row">{escape(dept)}</th>{"".join(cells)}'
            f'<td class="n"><b>{int(counts.sum())}</b></td></tr>'
        )
    col_totals = "".join(f'<td class="n"><b>{int(n)}</b></td>' for n in flow.sum(axis=0).to_numpy())
    out.append(f'<tr><th class="row">total</th>{col_totals}<td class="n"><b>{int(flow.to_numpy().sum())}</b></td></tr>')
    out.append("</tbody></table></div>")
    return "".join(out)


def _axis(values: np.ndarray) -> tuple[float, float, float]:
    """From, to and step of an axis around ``values`` with a tenth of their range to spare each side."""
    lo, hi = float(values.min()), float(values.max())
    pad = (hi - lo) * 0.1 or max(abs(hi) * 0.05, 1.0)
    step = nice_step(hi - lo + 2 * pad, 5)
    return math.floor((lo - pad) / step) * step, math.ceil((hi + pad) / step) * step, step


def svg_points(
    xs: np.ndarray,
    ys: np.ndarray,
    labels: list[str],
    xlabel: str,
    ylabel: str,
    highlight: int | None = None,
    width: int = 560,
    height: int = 300,
) -> str:
    """Labelled points as inline SVG, joined in order of x (a frontier), ``highlight`` drawn larger."""
    keep = np.isfinite(xs) & np.isfinite(ys)
    if not keep.any():
        return '<p class="empty">Nothing to plot.</p>'
    left, right, top, bottom = 56, 110, 14, 42
    pw, ph = width - left - right, height - top - bottom
    (x0, x1, x_step), (y0, y1, y_step) = _axis(xs[keep]), _axis(ys[keep])
    at_x = lambda v: left + pw * (v - x0) / (x1 - x0)
    at_y = lambda v: top + ph - ph * (v - y0) / (y1 - y0)
    out = [
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(ylabel)} against {escape(xlabel)}">'
    ]
    for v in y0 + y_step * np.arange(round((y1 - y0) / y_step) + 1):
        y = at_y(v)
        out.append(f'<line class="axis" x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke-opacity="0.35"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="muted">{number(v)}</text>')
    for v in x0 + x_step * np.arange(round((x1 - x0) / x_step) + 1):
        out.append(f'<text x="{at_x(v):.1f}" y="{top + ph + 15}" text-anchor="middle" class="muted">{number(v)}</text>')
    order = [k for k in np.argsort(xs, kind="stable") if keep[k]]
    path = " ".join(f"{at_x(xs[k]):.1f},{at_y(ys[k]):.1f}" for k in order)
    out.append(f'<polyline points="{path}" style="fill:none;stroke:var(--soft);stroke-width:2"/>')
    for k in order:
        x, y = at_x(xs[k]), at_y(ys[k])
        same = [j for j in order if xs[j] == xs[k] and ys[j] == ys[k]]
        if k != same[0]:
            continue  # one point, one label, for objectives that land on the same spot
        big = highlight in same
        label = ", ".join(labels[j] for j in same)
        tip = f"{label}: {xlabel} {number(xs[k])}, {ylabel} {number(ys[k])}" + (" (current)" if big else "")
        out.append(
            f'<g><title>{escape(tip)}</title><circle cx="{x:.1f}" cy="{y:.1f}" r="{7 if big else 5}" '
            f'style="fill:var({"--accent2" if big else "--accent"})"/>'
            f'<text x="{x + 10:.1f}" y="{y + 4:.1f}">{escape(label)}</text></g>'
        )
    out.append(f'<line class="axis" x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}"/>')
    out.append(f'<text x="{left + pw / 2:.1f}" y="{height - 6}" text-anchor="middle">{escape(xlabel)}</text>')
    mid = top + ph / 2
    out.append(
        f'<text x="12" y="{mid:.1f}" text-anchor="middle" transform="rotate(-90 12 {mid:.1f})">{escape(ylabel)}</text>'
    )
    out.append("</svg>")
    return "".join(out)
