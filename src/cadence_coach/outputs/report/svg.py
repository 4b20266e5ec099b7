"""matplotlib's SVG made fit to sit inline in an HTML page: no XML prolog, ids unique on the page,
and hover titles (``<title>``, shown by every browser without script) on the groups that asked for one.
"""

from __future__ import annotations

import re
from html import escape

_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def inline_svg(svg: str, prefix: str, titles: dict[str, str] | None = None) -> str:
    """``svg`` (a whole SVG document as matplotlib writes it) as an element to inline in HTML.

    Args:
        svg: the document.
        prefix: put before every id (and every reference to one), so that several figures on one page
            never share an id.
        titles: group id (as given with ``set_gid``) -> hover text, placed as the group's ``<title>``.
    """
    body = _COMMENT.sub("", _PROLOG.sub("", svg, count=1)).strip()
    ids = set(_ID.findall(body))
    if ids:
        names = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
        body = re.sub(rf'(\bid="|#)({names})(?=["\)])', lambda m: f"{m.group(1)}{prefix}{m.group(2)}", body)
    for gid, text in (titles or {}).items():
        body = body.replace(
            f'<g id="{prefix}{gid}">', f'<g id="{prefix}{gid}"><title>{escape(text)}</title>', 1
        )
    return body
