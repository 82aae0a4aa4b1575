"""The usage report as one self-contained HTML page with inline SVG charts.

No scripts, no web fonts, no images or styles from elsewhere: the page can be
emailed or opened offline. Every number passes through `shown` (small-number
suppression); a chart draws a suppressed week as a pale striped stub marked "<5".
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from html import escape
from typing import Optional, Sequence

from bot import usage_counts as uc
from bot.usage_report import (
    CATEGORY_LABELS, FEWER_THAN_5, NATION_LABELS, SUPPRESS_BELOW, TOPIC_LABELS, Report, area_label,
    rate, shown, week_label,
)

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1b1b;
max-width:60rem;margin:0 auto;padding:1rem 1.25rem 3rem;line-height:1.5}
h1{font-size:1.7rem;margin-bottom:.25rem}h2{font-size:1.3rem;margin-top:2.25rem;
border-top:2px solid #d0d7de;padding-top:1rem}
.lead{font-size:1.1rem}.muted{color:#4a4a4a}
table{border-collapse:collapse;margin:.75rem 0;font-size:.92rem}
th,td{border:1px solid #c8ccd0;padding:.3rem .5rem;text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left}thead th{background:#f2f4f6}
.scroll{overflow-x:auto}.summary td{font-size:1.05rem}
td.few{color:#595959;font-size:.8rem;white-space:nowrap}th[scope=row]{min-width:11rem}
svg{max-width:100%;height:auto}.note{background:#f6f8fa;border-left:4px solid #5a6b7b;padding:.5rem .8rem}
"""
BAR, SUPPRESSED_FILL, TEXT = "#2f5d8a", "url(#stripes)", "#1b1b1b"


def report_html(report: Report) -> str:
    first, last = report.weeks[0], report.weeks[-1]
    parts = [
        "<!doctype html>", '<html lang="en-GB">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Family support assistant: what people asked for</title>",
        f"<style>{STYLE}</style>", "</head>", "<body>", STRIPES, "<main>",
        "<h1>Family support assistant: what people asked for</h1>",
        f'<p class="lead">{len(report.weeks)} weeks, from the week starting {week_label(first, True)} '
        f"to the week starting {week_label(last, True)}.</p>",
        f'<p class="muted">Made on {report.generated.day} {report.generated:%B %Y} from anonymous counts.</p>',
        _how_to_read(),
        _summary(report),
        _topics(report),
        _crisis(report),
        _fallback(report),
        _unmet_need(report),
        _nations(report),
        _retention(report),
        "</main>", "</body>", "</html>",
    ]
    return "\n".join(parts) + "\n"


def _how_to_read() -> str:
    return (
        '<div class="note"><p><strong>How to read this.</strong> Each number counts messages people '
        "sent, not people: one person may send many. Nothing anyone wrote is kept for this report, "
        "and nothing in it can be traced to a person or a conversation. Counts are kept by week, "
        "nation, council area (only when the person named a place), topic and what happened next.</p>"
        f"<p>To protect privacy, any number under {SUPPRESS_BELOW} is shown as "
        f"<strong>{FEWER_THAN_5}</strong>. On the charts those weeks have a pale striped bar "
        "marked &lt;5.</p></div>")


def _summary(report: Report) -> str:
    searches = report.total(uc.SEARCH_LOCAL) + report.total(uc.SEARCH_NO_LOCAL)
    rows = [
        ("Messages", shown(report.total())),
        ("Crisis messages answered with crisis help", shown(report.total(uc.CRISIS))),
        ("Times it asked \"are you safe?\"", shown(report.total(uc.SAFETY_QUESTION))),
        ("Messages it was not sure about and offered choices", shown(report.total(uc.DISAMBIGUATED))),
        ("Messages it could not understand", f"{shown(report.total(uc.FELL_BACK))} "
                                             f"({rate(report.total(uc.FELL_BACK), report.total())})"),
        ("Searches for a local service (place found)", shown(searches)),
        ("Searches with no local service", shown(report.total(uc.SEARCH_NO_LOCAL))),
    ]
    body = "".join(f"<tr><td>{escape(label)}</td><td>{escape(value)}</td></tr>" for label, value in rows)
    return (f'<h2 id="summary">Summary</h2><table class="summary"><thead><tr><th>What</th>'
            f"<th>In these {len(report.weeks)} weeks</th></tr></thead><tbody>{body}</tbody></table>")


def _topics(report: Report) -> str:
    rows = [(TOPIC_LABELS.get(topic, topic.replace("_", " ")), values)
            for topic, values in report.topic_rows()]
    chart = hbar_chart("Messages by topic, all weeks", [(label, sum(v)) for label, v in rows])
    return ('<h2 id="topics">Topics over time</h2>'
            "<p>What people asked about. The topic comes from what the assistant took each message "
            "to mean.</p>" + chart + _week_table("Topic", rows, report.weeks))


def _crisis(report: Report) -> str:
    values = report.weekly(uc.CRISIS)
    return ('<h2 id="crisis">Crisis escalations over time</h2>'
            "<p>Messages that got the crisis reply first (for example about suicide, self-harm, "
            "an overdose, danger at home, or a child in danger), with the numbers to call. "
            "This includes people who answered \"yes\" when asked \"are you safe?\".</p>"
            + bar_chart("Crisis escalations by week", report.weeks, values)
            + _week_table("", [("Crisis escalations", values),
                               ("Asked \"are you safe?\"", report.weekly(uc.SAFETY_QUESTION))], report.weeks))


def _fallback(report: Report) -> str:
    fell_back = report.weekly(uc.FELL_BACK)
    totals = [report.messages.get(w, 0) for w in report.weeks]
    rates = [rate(f, t) for f, t in zip(fell_back, totals)]
    percents: list[Optional[float]] = [None if r == "too few to show" else 100 * f / t
                                       for r, f, t in zip(rates, fell_back, totals)]
    header = "".join(f"<th scope=\"col\">{escape(week_label(w))}</th>" for w in report.weeks)
    cells = lambda values: "".join(_cell(v) for v in values)  # noqa: E731
    table = (f'<div class="scroll"><table><thead><tr><th scope="col">Week starting</th>{header}</tr></thead>'
             f"<tbody><tr><th scope=\"row\">Messages</th>{cells(shown(t) for t in totals)}</tr>"
             f"<tr><th scope=\"row\">Not understood</th>{cells(shown(f) for f in fell_back)}</tr>"
             f"<tr><th scope=\"row\">Fallback rate</th>{cells(rates)}</tr></tbody></table></div>")
    return ('<h2 id="fallback">Fallback rate</h2>'
            "<p>The share of messages the assistant could not understand at all, so it asked the "
            "person to say it another way or showed the menu (it always adds the 999 and Samaritans "
            "numbers). A lower rate is better. Messages where it was unsure but offered likely "
            "topics as buttons are not counted here. A rate is shown only when both numbers are "
            f"{SUPPRESS_BELOW} or more.</p>"
            + bar_chart("Fallback rate by week (%)", report.weeks, percents, unit="%", missing="–")
            + table)


def _unmet_need(report: Report) -> str:
    intro = ('<h2 id="unmet-need">Unmet need: where people found no local service</h2>'
             "<p>Council areas where people searched the service list for a kind of help and no "
             "local service for that place was listed. (They were shown services that work "
             "across the nation or the UK instead.) A row here may mean a gap in services, or a "
             "service missing from the list.</p>")
    if not report.council_lookup:
        intro += ('<p class="note">Council areas are not worked out yet in this version: places are '
                  "shown by nation only.</p>")
    if not report.unmet:
        return intro + "<p>No search in these weeks found a place with no local service.</p>"
    rows = "".join(
        f"<tr><td>{escape(area_label(n.nation, n.council))}</td>"
        f"<td>{escape(NATION_LABELS.get(n.nation, n.nation))}</td>"
        f"<td>{escape(CATEGORY_LABELS.get(n.help_category, n.help_category))}</td>"
        f"{_cell(shown(n.no_local))}{_cell(shown(n.local))}</tr>"
        for n in report.unmet)
    return (intro + '<div class="scroll"><table><thead><tr><th scope="col">Council area</th>'
            '<th scope="col">Nation</th><th scope="col">Kind of help</th>'
            '<th scope="col">Searches with no local service</th>'
            '<th scope="col">Searches that found local services</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></div>")


def _nations(report: Report) -> str:
    rows = "".join(f"<tr><td>{escape(NATION_LABELS.get(nation, nation))}</td><td>{escape(shown(n))}</td></tr>"
                   for nation, n in sorted(report.nations.items(), key=lambda item: -item[1]))
    if not rows:
        return '<h2 id="nations">Where people were</h2><p>No messages in these weeks.</p>'
    return ('<h2 id="nations">Where people were</h2><p>The nation a message was about, when the '
            "person named a place or a nation. \"Not known\" means they had not said.</p>"
            '<table><thead><tr><th scope="col">Nation</th><th scope="col">Messages</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def _retention(report: Report) -> str:
    purge = report.last_purge
    if purge is None:
        last = "No purge has been recorded yet in this database."
    else:
        when = datetime.fromtimestamp(purge.ran_at, timezone.utc)
        last = (f"The last purge ran on {when.day} {when:%B %Y} at {when:%H:%M} UTC and deleted "
                f"{purge.deleted_events:,} stored events older than {purge.retention_days} days.")
    return ('<h2 id="retention">How long conversations are kept</h2>'
            f"<p>Conversations are deleted {report.retention_days} days after their last message "
            f"(setting <code>RETENTION_DAYS={report.retention_days}</code>). The server checks for old "
            f"conversations when it starts and then every {report.purge_every_hours} hours while it runs "
            f"(<code>PURGE_EVERY_HOURS={report.purge_every_hours}</code>).</p>"
            f"<p>{escape(last)}</p>"
            "<p>The anonymous counts in this report are kept after conversations are deleted: they "
            "hold no words, no conversation id, no postcode and no time finer than a week.</p>")


def _cell(value: str) -> str:
    """A table cell; suppressed and too-small values are set in grey so real numbers stand out."""
    few = value in (FEWER_THAN_5, "too few to show")
    return f'<td class="few">{escape(value)}</td>' if few else f"<td>{escape(value)}</td>"


def _week_table(first: str, rows: Sequence[tuple[str, Sequence[int]]], weeks: Sequence[str]) -> str:
    header = "".join(f'<th scope="col">{escape(week_label(w))}</th>' for w in weeks)
    body = "".join(
        f'<tr><th scope="row">{escape(label)}</th>'
        + "".join(_cell(shown(v)) for v in values) + _cell(shown(sum(values))) + "</tr>"
        for label, values in rows)
    return (f'<div class="scroll"><table><thead><tr><th scope="col">{escape(first or "Week starting")}</th>'
            f'{header}<th scope="col">All weeks</th></tr></thead><tbody>{body}</tbody></table></div>')


def _svg_open(title: str, width: int, height: int) -> str:
    ident = "chart-" + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-labelledby="{ident}"><title id="{ident}">{escape(title)}</title>'
            f'<text x="0" y="16" font-size="14" font-weight="bold" fill="{TEXT}">{escape(title)}</text>')


# Defined once on the page; every chart's suppressed bars use it.
STRIPES = ('<svg width="0" height="0" style="position:absolute" aria-hidden="true" focusable="false">'
           '<defs><pattern id="stripes" width="6" height="6" patternUnits="userSpaceOnUse" '
           'patternTransform="rotate(45)"><rect width="6" height="6" fill="#e4e9ee"/>'
           '<line x1="0" y1="0" x2="0" y2="6" stroke="#a9b4bf" stroke-width="3"/></pattern></defs></svg>')


def bar_chart(title: str, weeks: Sequence[str], values: Sequence[Optional[float]],
              unit: str = "", missing: str = "<5") -> str:
    """Vertical bars, one per week. Counts under 5 (or None) become a striped stub."""
    width, height, top, bottom, left = 720, 250, 34, 40, 8
    plot_h = height - top - bottom
    step = (width - left) / max(len(weeks), 1)
    hidden = [v is None or (not unit and v < SUPPRESS_BELOW) for v in values]
    peak = max([v for v, h in zip(values, hidden) if not h and v is not None] + [SUPPRESS_BELOW])
    parts = [_svg_open(title, width, height)]
    for i, (week, value, hide) in enumerate(zip(weeks, values, hidden)):
        x, bar_w = left + i * step + step * 0.15, step * 0.7
        if hide:
            bar_h, fill, label = (plot_h * SUPPRESS_BELOW / peak if not unit else 6), SUPPRESSED_FILL, missing
        else:
            bar_h, fill = plot_h * float(value) / peak, BAR
            label = f"{value:.0f}{unit}" if unit else f"{int(value):,}"
        y = top + plot_h - bar_h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{bar_h:.1f}" fill="{fill}"/>')
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" font-size="12" text-anchor="middle" '
                     f'fill="{TEXT}">{escape(label)}</text>')
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" font-size="11" '
                     f'text-anchor="middle" fill="{TEXT}">{escape(week_label(week))}</text>')
    parts.append(f'<text x="{left}" y="{height - 4}" font-size="11" fill="#4a4a4a">Week starting</text></svg>')
    return "".join(parts)


def hbar_chart(title: str, rows: Sequence[tuple[str, int]]) -> str:
    """Horizontal bars, one per topic; totals under 5 become a striped stub."""
    label_w, bar_max, row_h, top = 300, 330, 24, 30
    width, height = label_w + bar_max + 90, top + row_h * len(rows) + 8
    peak = max([n for _, n in rows if n >= SUPPRESS_BELOW] + [SUPPRESS_BELOW])
    parts = [_svg_open(title, width, height)]
    for i, (label, n) in enumerate(rows):
        y = top + i * row_h
        hide = n < SUPPRESS_BELOW
        bar_w = bar_max * (SUPPRESS_BELOW if hide else n) / peak
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" font-size="13" text-anchor="end" '
                     f'fill="{TEXT}">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{bar_w:.1f}" height="{row_h - 8}" '
                     f'fill="{SUPPRESSED_FILL if hide else BAR}"/>')
        parts.append(f'<text x="{label_w + bar_w + 6:.1f}" y="{y + 16}" font-size="12" '
                     f'fill="{TEXT}">{escape("<5" if hide else f"{n:,}")}</text>')
    parts.append("</svg>")
    return "".join(parts)
