"""The measure browser page (/viz/measures): the answer /api/measures?…&facets=true gives
(policy_graph.browse), drawn as filters, facet counts, a sortable table and pages.

Every view is a URL: each facet value, sort header, page link and removal of a filter is a
link to the same page with the parameters changed, and the download links ask the API twin
for exactly the rows shown.
"""
from __future__ import annotations

from html import escape as e
from urllib.parse import urlencode

from policy_graph import browse
from viz.pages import agency_link, date_html, document_link, downloads, measure_link, plain_page, region_link, theme_link
from viz.render import snippet

FACET_TITLES = {"region": "地区 Region", "level": "层级 Level", "theme": "主题 Theme", "practice": "实践 Practice",
                "agency": "机构 Agency", "role": "角色 Role", "year": "年份 Year", "kind": "类型 Kind"}
SORT_TITLES = {"document": "document order", "date": "date ↑", "-date": "date ↓", "region": "region",
               "title": "title"}
PAGE = 50


def view_params(answer: dict, **changes) -> dict[str, str]:
    """The parameters of the view shown (filters, sort, page), with ``changes`` (None drops one)."""
    params = {k: v for k, v in answer["filters"].items() if k != "kind"}
    kind = answer["filters"].get("kind", "measure")
    if kind != "measure":
        params["kind"] = kind
    if answer["sort"] != "document":
        params["sort"] = answer["sort"]
    if answer["offset"]:
        params["offset"] = str(answer["offset"])
    if answer["limit"] != PAGE:
        params["limit"] = str(answer["limit"])
    for k, v in changes.items():
        if v is None:
            params.pop(k, None)
        else:
            params[k] = str(v)
    return params


def link(params: dict[str, str]) -> str:
    return "/viz/measures" + ("?" + urlencode(params) if params else "")


def _facet_change(facet: str, value: str) -> dict[str, str | None]:
    if facet == "year":  # a year is a date range
        return {"date_from": f"{value}-01-01", "date_to": f"{value}-12-31"}
    return {facet: value}


def _facet(answer: dict, f: dict, facet_values: int) -> str:
    items = []
    for v in f["values"]:
        label = f'{e(v["label"] or "—")} <span class="facet-count">{v["count"]}</span>'
        if v["value"] is None or f["selected"] == v["value"]:
            items.append(f'<li class="facet-value{" selected" if v["value"] is not None else ""}">{label}</li>')
            continue
        href = link(view_params(answer, offset=None, **_facet_change(f["name"], v["value"])))
        items.append(f'<li class="facet-value"><a href="{e(href)}" data-facet="{e(f["name"])}" '
                     f'data-value="{e(v["value"])}" data-count="{v["count"]}">{label}</a></li>')
    more = ""
    if f["value_count"] > len(f["values"]):
        more_href = link({**view_params(answer), "facet_values": str(min(facet_values * 5, browse.FACET_VALUES_MAX))})
        more = (f'<li><a class="facet-more" href="{e(more_href)}">{len(f["values"])} of {f["value_count"]}: '
                f"more</a></li>")
    return (f'<div class="facet" data-facet="{e(f["name"])}"><h3>{e(FACET_TITLES.get(f["name"], f["name"]))}</h3>'
            f'<ul>{"".join(items)}{more}</ul></div>')


def _chosen(answer: dict) -> str:
    chips = []
    for k, v in answer["filters"].items():
        if k == "kind" and v == "measure":
            continue
        href = link(view_params(answer, offset=None, **{k: None}))
        chips.append(f'<span class="chosen" data-filter="{e(k)}">{e(k)} = {e(v)} '
                     f'<a class="remove-filter" href="{e(href)}" title="remove">×</a></span>')
    return " ".join(chips) or "<span>none (all measures)</span>"


def _row(m: dict) -> str:
    themes = " · ".join(theme_link(t) for t in m.get("themes") or [])
    leads = "、".join(agency_link(a, a.split("|", 1)[-1]) for a in m.get("lead_agencies") or [])
    return (f'<tr data-id="{e(m["id"])}" data-region="{e(m["region"] or "")}">'
            f"<td>{region_link(m['region'] or '?')} <small>{e(m.get('level') or '')}</small></td>"
            f"<td>{date_html(m.get('date'), m.get('date_source'))}</td>"
            f"<td>{measure_link(m['id'], (m.get('label') or '') + ' ' + (m.get('title') or ''))}"
            f"<br><small>{e(snippet(m.get('text'), 120))}</small></td>"
            f"<td>{document_link(m['document'], m.get('document_title'))}</td>"
            f"<td><small>{themes or '—'}</small></td><td><small>{leads or '—'}</small></td></tr>")


def _pager(answer: dict) -> str:
    off, lim, total = answer["offset"], answer["limit"], answer["total"]
    parts = []
    if off > 0:
        parts.append(f'<a id="page-prev" href="{e(link(view_params(answer, offset=max(off - lim, 0) or None)))}">'
                     "← previous</a>")
    parts.append(f"rows {min(off + 1, total)}–{min(off + lim, total)} of {total}")
    if off + lim < total:
        parts.append(f'<a id="page-next" href="{e(link(view_params(answer, offset=off + lim)))}">next →</a>')
    return f'<p class="pager">{" · ".join(parts)}</p>'


def browser_page(answer: dict, facet_values: int) -> str:
    sorts = " · ".join(
        (f'<b class="sort-current">{e(t)}</b>' if s == answer["sort"] else
         f'<a class="sort" data-sort="{e(s)}" href="{e(link(view_params(answer, offset=None, sort=None if s == "document" else s)))}">{e(t)}</a>')
        for s, t in SORT_TITLES.items())
    api = "/api/measures?" + urlencode({**view_params(answer), "limit": str(answer["limit"])})
    f = answer["filters"]
    form = ('<form action="/viz/measures" method="get" id="browse-form">'
            + "".join(f'<label>{e(label)} <input name="{name}" value="{e(f.get(name, ""))}" size="{size}"></label> '
                      for name, label, size in (("region", "地区 region", 8), ("within", "所辖 within", 8),
                                                ("theme", "主题 theme", 14),
                                                ("practice", "实践 practice", 12), ("agency", "机构 agency", 12),
                                                ("date_from", "从 from", 10), ("date_to", "到 to", 10)))
            + _select("role", f.get("role", ""), ("", *browse.ROLES))
            + _select("level", f.get("level", ""), ("", *browse.LEVELS))
            + _select("kind", f.get("kind", "measure"), browse.KINDS)
            + '<button type="submit">筛选 Filter</button></form>')
    truncated = ("<p><b>Only the first measures passing the filters were read; narrow the filters.</b></p>"
                 if answer["truncated"] else "")
    rows = "".join(_row(m) for m in answer["items"])
    body = (f"<h1>措施浏览 Browse measures</h1>"
            "<p>Filter by region, level, theme, practice, agency and its role, date and kind; the counts "
            "beside each value are the measures under the current filters. Every view is a link.</p>"
            f"{form}<p>Filters: {_chosen(answer)}</p>"
            f'<h2><span id="browse-total">{answer["total"]}</span> measures</h2>{truncated}'
            + downloads(api)
            + '<div id="facets" style="display:flex;flex-wrap:wrap;gap:18px">'
            + "".join(_facet(answer, x, facet_values) for x in answer["facets"]) + "</div>"
            + f'<p class="sorts">Sort: {sorts}</p>{_pager(answer)}'
            '<table class="pg" id="browse-rows"><tr><th>Region</th><th>Date</th><th>Measure</th><th>Document</th>'
            f'<th>Themes</th><th>Lead agencies</th></tr>{rows}</table>{_pager(answer)}'
            + f'<p><a href="{e(api + "&facets=true")}">as JSON</a></p>')
    return plain_page("Browse measures", body)


def _select(name: str, current: str, options) -> str:
    opts = "".join(f'<option value="{e(o)}"{" selected" if o == current else ""}>{e(o or "any")}</option>'
                   for o in options)
    return f'<label>{e(name)} <select name="{name}">{opts}</select></label> '
