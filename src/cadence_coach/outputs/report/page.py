"""The report page: one HTML file with its style and its plots inline, no script, and a content
security policy that lets the browser fetch nothing at all (no font, image, style or script from
anywhere), so it opens the same offline, from a mail attachment or a USB stick.
"""

from __future__ import annotations

from html import escape

from .plots import Plot

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
"""Content security policy of the page: inline style, nothing fetched."""

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0 auto;
max-width:1000px;padding:1em 1.5em;color:#222;background:#fff;line-height:1.4}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;margin:1.4em 0 .4em;border-bottom:1px solid #ddd}
.sub{color:#666;margin:0 0 1em}
table{border-collapse:collapse;font-size:.92em;margin:.3em 0}
th,td{padding:.25em .7em;text-align:left;border-bottom:1px solid #eee;vertical-align:top}
table.summary th{font-weight:normal;color:#555;white-space:nowrap}
table.descents td,table.descents th{text-align:right;white-space:nowrap}
table.descents td:last-child,table.descents th:last-child{text-align:left;white-space:normal}
figure{margin:.6em 0 1.2em}figcaption{font-weight:600;margin-bottom:.2em}
figure svg{width:100%;height:auto;display:block}
.note{background:#fff6dd;border-left:4px solid #f1c232;padding:.6em .9em}
footer{color:#888;font-size:.85em;margin-top:2em}
"""


def figure_html(plot: Plot) -> str:
    """One plot with its heading."""
    return f'<figure id="{plot.key}"><figcaption>{escape(plot.title)}</figcaption>{plot.svg}</figure>'


def page_html(
    title: str,
    subtitle: str,
    summary: str,
    plots: list[Plot],
    descents: str,
    cues: str,
    notes: list[str],
    footer: str,
) -> str:
    """The whole page. ``summary``, ``descents``, ``cues`` and the plots are HTML already; ``title``,
    ``subtitle``, ``notes`` and ``footer`` are text."""
    note_html = "".join(f'<p class="note">{escape(n)}</p>' for n in notes)
    figures = "".join(figure_html(p) for p in plots)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f'<h1>{escape(title)}</h1><p class="sub">{escape(subtitle)}</p>'
        f"{note_html}<h2>Summary</h2>{summary}"
        + (f"<h2>Along the run</h2>{figures}" if plots else "")
        + f"<h2>Descents</h2>{descents}<h2>Cues</h2>{cues}"
        f"<footer>{escape(footer)}</footer></body></html>\n"
    )
