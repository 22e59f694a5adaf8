"""HTML for the browser pages: plain string templates, every datum through ``html.escape``.

Document text is data: it is escaped wherever it lands, so markup inside a policy
document shows as characters. Links are built with ``urllib.parse.quote`` on the key.
"""
from __future__ import annotations

from html import escape as e
from urllib.parse import quote

from policy_graph import limits
from viz import views
from viz.render import PageParts, page_head, render_page, snippet


def url(prefix: str, key: str) -> str:
    return prefix + quote(key, safe="")


def measure_link(mid: str, text: str) -> str:
    return f'<a class="measure-link" href="{e(url("/viz/measure/", mid))}">{e(text or mid)}</a>'


def region_link(name: str) -> str:
    return f'<a class="region-link" href="{e(url("/viz/region/", name))}">{e(name)}</a>'


def theme_link(key: str, name: str | None = None) -> str:
    return f'<a class="theme-link" href="{e(url("/viz/theme/", key))}">{e(name or key)}</a>'


def agency_link(agency_id: str, text: str | None = None) -> str:
    return f'<a class="agency-link" href="{e(url("/viz/agency/", agency_id))}">{e(text or agency_id)}</a>'


def document_link(document_id: str, text: str | None = None) -> str:
    return f'<a class="document-link" href="{e(url("/viz/document/", document_id))}">{e(text or document_id)}</a>'


def downloads(api_path: str) -> str:
    """Links to the answer shown, as the API gives it for download (CSV with a BOM, or JSON)."""
    sep = "&" if "?" in api_path else "?"
    return (f'<p class="downloads">下载 Download this answer: '
            f'<a class="download-csv" href="{e(api_path + sep + "format=csv")}">CSV</a> · '
            f'<a class="download-json" href="{e(api_path + sep + "format=json")}">JSON</a></p>')


NAV = ('<header class="pg"><nav><a href="/">首页 Home</a><a href="/viz/measures">措施浏览 Browse measures</a>'
       '<form action="/viz/search" method="get" style="display:inline">'
       '<input name="q" placeholder="搜索 search: 知识产权质押融资 / IP pledge" size="32"> '
       '<button type="submit">搜索 Search</button></form></nav></header>')


def plain_page(title: str, body: str) -> str:
    """A page without a network (landing, search, messages)."""
    return (f'<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">{page_head(title)}</head>'
            f'<body>{NAV}<main class="pg">{body}</main></body></html>')


def not_found(what: str) -> str:
    return error_page(404, what)


ERROR_TITLES = {400: "请求有误 Bad request", 404: "未找到 Not found", 405: "不支持 Method not allowed",
                422: "参数有误 Invalid parameter"}


def error_page(status: int, reason: str) -> str:
    """What went wrong with a page request, in words, with the way back."""
    title = ERROR_TITLES.get(status, f"错误 Error {status}")
    return plain_page(title, f'<h1>{e(title)}</h1><p id="error-reason">{e(reason)}</p>'
                             '<p><a href="/">返回首页 back to the start page</a> · '
                             '<a href="/viz/measures">browse measures</a></p>')


def _graph_header(h1: str, intro: str) -> str:
    return f"{NAV}<h1>{e(h1)}</h1><p>{e(intro)}</p>"


# -- dates ---------------------------------------------------------------------------

def date_html(date: str | None, source: str | None) -> str:
    """A date with where it was read (落款, 文号 year, manifest, page date), or "undated"."""
    if not date:
        return '<span class="undated">未注明日期 undated</span>'
    return f'{e(date)} <small class="date-source">({e(source or "source not recorded")})</small>'


# -- landing -------------------------------------------------------------------------

def landing_page(data: dict) -> str:
    counts = "".join(f'<tr><th>{e(k)}</th><td data-count="{e(k)}">{v}</td></tr>'
                     for k, v in data["counts"].items())
    regions_, themes_ = data["regions"], data["themes"]
    # Pickers offer only what holds measures: a region with only replication flows, or a theme
    # no measure carries, would open an empty page.
    region_opts = "".join(
        f'<option value="{e(r["name"])}">{e(r["name"])} {e(r.get("name_en") or "")} '
        f'({r["measure_count"]})</option>' for r in regions_ if r["measure_count"])
    theme_opts = "".join(
        f'<option value="{e(t["key"])}">{e(t.get("name_zh") or t["key"])} / '
        f'{e(t.get("name_en") or "")} ({t["measure_count"]})</option>' for t in themes_ if t["measure_count"])
    themes = "".join(f'<li>{theme_link(t["key"], (t.get("name_zh") or t["key"]))} '
                     f'<small>{e(t.get("name_en") or "")} · {t["measure_count"]} measures</small></li>'
                     for t in themes_ if t["measure_count"])
    regions = "".join(f'<li data-region="{e(r["name"])}">{region_link(r["name"])} <small>'
                      f'{e(r.get("name_en") or "")} · <span class="measure-count">{r["measure_count"]}</span> '
                      f'measures · <a href="{e(url("/viz/paths?from=", r["name"]))}">replication paths</a> · '
                      f'<a href="{e(url("/viz/gaps?region=", r["name"]))}">gaps</a></small></li>'
                      for r in regions_ if r["measure_count"])
    with_measures = [r["name"] for r in regions_ if r["measure_count"]][:2]
    compare = ""
    if len(with_measures) == 2:
        compare = (f'<p><a id="compare-example" href="/viz/compare?regions='
                   f'{e(quote(",".join(with_measures)))}">Compare {e(" / ".join(with_measures))}</a></p>')
    top_theme = max(themes_, key=lambda t: t["measure_count"], default=None)
    explore = ""
    if top_theme and top_theme["measure_count"]:
        explore = (f'<a id="explore-example" href="/viz/explore?center='
                   f'{e(quote("Theme:" + top_theme["key"], safe=""))}&amp;depth=2">'
                   f'Explore around {e(top_theme.get("name_zh") or top_theme["key"])}</a> ·')
    body = f"""
<h1>policy-graph 跨地区政策比较知识图谱</h1>
<p>Which regions adopted a practice, who leads it, where it came from and where it went.</p>
<h2>图谱内容 What the graph holds</h2>
<table class="pg" id="counts">{counts}</table>
<h2>搜索 Search</h2>
<form action="/viz/search" method="get" id="search-form">
  <input name="q" id="search-q" size="40" placeholder="知识产权质押融资 · 知識產權 · IP pledge financing · Xiamen">
  <button type="submit">搜索 Search</button>
</form>
<h2>选择 Pick</h2>
<form action="/viz/region" method="get" id="region-picker">
  <label>地区 Region <select name="name">{region_opts}</select></label> <button type="submit">Open</button>
</form>
<form action="/viz/theme" method="get" id="theme-picker">
  <label>主题 Theme <select name="key">{theme_opts}</select></label> <button type="submit">Open</button>
</form>
<form action="/viz/compare" method="get" id="compare-picker">
  <label>比较 Compare regions (comma separated) <input name="regions" placeholder="厦门,武汉"></label>
  <button type="submit">Compare</button>
</form>
<form action="/viz/paths" method="get" id="paths-picker">
  <label>复制推广路径 Replication paths from <select name="from">{region_opts}</select></label>
  <button type="submit">Show</button>
</form>
<form action="/viz/gaps" method="get" id="gaps-picker">
  <label>差距 Gaps of <select name="region">{region_opts}</select></label>
  <label>against peers (optional, comma separated) <input name="peers" placeholder="all regions"></label>
  <button type="submit">Show</button>
</form>
<form action="/viz/timeline" method="get" id="timeline-picker">
  <label>时间线 Timeline of <input name="q" placeholder="知识产权质押融资"></label>
  <button type="submit">Show</button>
</form>
{compare}
<p><a id="browse-link" href="/viz/measures">措施浏览 Browse and filter all measures</a> (by region, theme,
practice, agency, role, date), with counts per value and downloads.</p>
<h2>主题 Themes</h2><ul id="themes">{themes}</ul>
<h2>地区 Regions</h2><ul id="regions">{regions}</ul>
<p><small>{explore} JSON: <a href="/docs">API docs</a> ·
<code>/api/subgraph?center=Region:&lt;name&gt;&amp;depth=1</code></small></p>
"""
    return plain_page("policy-graph", body)


# -- search --------------------------------------------------------------------------

def search_page(answer: dict) -> str:
    q, topic = answer["query"], answer["topic"]
    t = ""
    pointer = ""
    if topic:
        named = topic.get("practice") or topic["theme"]
        # the practice first (it is what was asked), then the theme it belongs to
        t = (f'<li>{theme_link(named["key"], named.get("name_zh") or named["key"])} '
             f'<small>{e(named.get("name_en") or "")} · {e(topic["kind"])} · '
             f'<span class="region-count">{topic["region_count"]}</span> adopting regions</small></li>')
        if topic.get("practice"):
            t += (f'<li>{theme_link(topic["theme"]["key"], topic["theme"].get("name_zh"))} '
                  f'<small>{e(topic["theme"].get("name_en") or "")} · the theme of '
                  f'{e(named.get("name_zh") or named["key"])}</small></li>')
        pointer = (f'<p id="topic-pointer">“{e(q)}” names the {e(topic["kind"])} '
                   f'{theme_link(named["key"], named.get("name_zh") or named["key"])}: '
                   f'{topic["region_count"]} regions adopted it (which, with what measure and when: '
                   f'{theme_link(named["key"], "adopters")} · '
                   f'<a href="{e(url("/viz/timeline?q=", q))}">timeline</a>). The measures below are '
                   f'only those whose text holds the words.</p>')
    r = "".join(f"<li>{region_link(x['name'])} <small>{e(x.get('full_name') or '')} "
                f"{e(x.get('name_en') or '')}</small></li>" for x in answer["regions"])
    measures = answer["items"]
    m = "".join(f"<li>{region_link(x['region'])} · {measure_link(x['id'], x['title'])}"
                f"<br><small>{e(snippet(x['text'], 160))}</small></li>" for x in measures)
    body = (f"<h1>搜索 Search: {e(q)}</h1>{pointer}"
            f'<h2>主题 Themes ({t.count("<li>")})</h2><ul id="theme-hits">{t}</ul>'
            f'<h2>地区 Regions ({len(answer["regions"])})</h2><ul id="region-hits">{r}</ul>'
            f'<h2>措施 Measures (<span id="measure-total">{answer["total"]}</span>)</h2>'
            f'<ul id="measure-hits">{m}</ul>')
    if measures:
        body += downloads(url("/api/search?q=", q) + f"&limit={limits.LIST_MAX}")
    if answer["total"] > len(measures):
        body += f"<p><small>{len(measures)} of {answer['total']} shown.</small></p>"
    if not (topic or answer["regions"] or measures):
        body += "<p>没有结果 Nothing matched.</p>"
    return plain_page(f"Search {q}", body)


# -- theme (adopters) ----------------------------------------------------------------

def _led_by(agencies: dict | None, region: str) -> str:
    """Lead and support agencies of a measure's own agency line (as printed), each with its
    region when that is not the adopting region's."""
    def one(a: dict) -> str:
        where = f" <small>({e(a['region'])})</small>" if a.get("region") and a["region"] != region else ""
        return e(a.get("printed") or a["name"]) + where
    parts = [f"{role}: " + "、".join(one(a) for a in (agencies or {}).get(role) or [])
             for role in ("lead", "support") if (agencies or {}).get(role)]
    return "; ".join(parts) or "—"


# How a region adopted (the answers' via): its own measure, a measure scoped to it (a national
# notice's item credited to the locality that piloted it), a replication to it, or the pilot a
# replication came from.
_HOW = {"measure": "measure", "scope": "scoped to the region", "replicated_to": "replicated to",
        "replicated_from": "pilot, replicated from"}


def _adopter_rows(regions: list[dict], documents: dict[str, str]) -> list[str]:
    rows = []
    for region in regions:
        name = region["region"]
        for m in region["measures"]:
            home = f" <small>({e(m['region'])})</small>" if m.get("region") and m["region"] != name else ""
            rows.append(f'<tr data-region="{e(name)}" data-via="{e(_HOW.get(m["via"], m["via"]))}">'
                        f"<td>{region_link(name)}</td><td>{e(_HOW.get(m['via'], m['via']))}</td>"
                        f"<td>{measure_link(m['id'], m['title'])}{home}</td>"
                        f"<td>{date_html(m['date'], m.get('date_source'))}</td>"
                        f"<td>{_led_by(m.get('agencies'), name)}</td>"
                        f"<td>{e(documents.get(m['document'], m['document']))}</td></tr>")
        if region["measure_count"] > len(region["measures"]):
            rows.append(f'<tr class="more" data-more="{e(name)}"><td></td><td colspan="5"><small>'
                        f'{len(region["measures"])} of {region["measure_count"]} measures shown '
                        f'(earliest first)</small></td></tr>')
    return rows


def theme_page(v: views.ThemeView) -> str:
    a = v.answer
    theme, practice = a["theme"], a.get("practice")
    topic = practice or theme
    name = topic.get("name_zh") or topic["key"]
    head = ('<tr><th>Region</th><th>How</th><th>Measure</th><th>Date</th><th>Agencies (lead; support)</th>'
            '<th>Source document</th></tr>')
    related = ""
    if practice:  # a practice's page: its adopters, then the theme's other adopters apart
        rel = a.get("related") or {"regions": [], "region_count": 0}
        related = (f'<h2>相关 Related: other adopters of the theme '
                   f'{theme_link(theme["key"], theme["name_zh"])} ({rel["region_count"]})</h2>'
                   f'<p id="related">{" · ".join(region_link(r["region"]) for r in rel["regions"]) or "—"}</p>'
                   f'<table class="pg" id="related-measures">{head}'
                   f'{"".join(_adopter_rows(rel["regions"], v.documents))}</table>')
    counts = "".join(f'<li id="adopter-{e(r["region"])}" data-region="{e(r["region"])}">{region_link(r["region"])} '
                     f'<span class="measure-count">{r["measure_count"]}</span> · first '
                     f'{date_html(r["first_date"], r.get("first_date_source"))}</li>' for r in a["regions"])
    footer = (explore_links("Practice" if practice else "Theme", topic["key"], 2) +
              f'<h2>采用地区 Adopting regions (<span id="region-count">{a["region_count"]}</span>)</h2>'
              f'<ul id="adopters">{counts}</ul>'
              f'<p><a href="{e(url("/viz/timeline?q=", topic["key"]))}">时间线 Timeline</a> · '
              f'<a href="{e(url("/api/adopters?q=", topic["key"]))}">as JSON</a></p>'
              + downloads(url("/api/adopters?q=", topic["key"]) + f"&per_region={views.THEME_MEASURES_PER_REGION}"
                          f"&limit={limits.REGIONS_MAX}") +
              f'<table class="pg" id="theme-measures">{head}{"".join(_adopter_rows(a["regions"], v.documents))}'
              f'</table>{related}')
    theme_name = theme.get("name_zh") or theme["key"]
    if practice:
        title = f"实践 Practice: {name} ({practice.get('name_en') or practice['key']}) — 主题 theme {theme_name}"
    else:
        title = f"主题 Theme: {name} ({theme.get('name_en') or theme['key']})"
    header = _graph_header(title, f"{a['region_count']} adopting regions: their own measures, measures "
                                  "scoped to them, practices replicated to them and the pilots others "
                                  "replicate. Click a measure to open its detail, a region or theme to open "
                                  "its page.")
    page_name = f"Practice {name}" if practice else f"Theme {name}"
    return render_page(v.sub, PageParts(page_name, header, footer), documents=v.documents)


# -- region --------------------------------------------------------------------------

def region_page(v: views.RegionView) -> str:
    p = v.profile
    name = p["region"]["name"]
    sections = []
    for t in p["themes"]:
        items = "".join(f"<li>{measure_link(m['id'], m['title'])}"
                        + (f" <small>{e(_HOW.get(m['via'], m['via']))}"
                           + (f" ({e(m['region'])})" if m.get("region") and m["region"] != name else "")
                           + "</small>" if m["via"] != "measure" else "") + "</li>"
                        for m in t["measures"])
        sections.append(f'<h3 data-theme="{e(t["theme"]["key"])}">{theme_link(t["theme"]["key"], t["theme"]["name_zh"])}'
                        f' ({len(t["measures"])})</h3><ul>{items}</ul>')
    if p["unthemed"]:
        items = "".join(f"<li>{measure_link(m['id'], (m['label'] or '') + ' ' + (m['title'] or ''))}</li>"
                        for m in p["unthemed"])
        sections.append(f"<h3>未归类 no theme ({len(p['unthemed'])})</h3><ul>{items}</ul>")

    def flow(x: dict) -> str:
        origin = x["from_region"] or "?"
        return (f"<li>{region_link(origin)} → {region_link(x['to_region'])}: "
                f"{measure_link(x['measure_id'], x['title'])} <small>{e(x['scope'] or '')} "
                f"({e(x['kind'] or '')})</small>"
                f'<blockquote class="evidence">{e(snippet(x.get("evidence"), 160))}</blockquote></li>')
    out = "".join(flow(x) for x in p["replicated_out_of"])
    inc = "".join(flow(x) for x in p["replicated_into"])
    footer = (explore_links("Region", name)
              + f'<h2>措施 Measures (<span id="measure-count">{p["measure_count"]}</span>)</h2>'
              f'<h2>按主题 Adoption by theme</h2><div id="by-theme">{"".join(sections)}</div>'
              f'<h2>复制推广 Replication out of {e(name)}</h2><ul id="flows-out">{out or "<li>—</li>"}</ul>'
              f'<h2>复制推广 Replication into {e(name)}</h2><ul id="flows-in">{inc or "<li>—</li>"}</ul>'
              f'<p><a href="{e(url("/viz/paths?from=", name))}">Replication paths from {e(name)}</a> · '
              f'<a href="{e(url("/viz/gaps?region=", name))}">Gaps of {e(name)}</a> · '
              f'<a href="{e(url("/api/regions/", name))}">as JSON</a></p>'
              + '<h3>下载 Downloads</h3><p>Measures of the region:</p>'
              + downloads(url("/api/measures?region=", name) + f"&limit={limits.LIST_MAX}")
              + "<p>Replications out of it:</p>"
              + downloads(url("/api/replications?from=", name) + f"&limit={limits.REPLICATIONS_MAX}")
              + "<p>Replications into it:</p>"
              + downloads(url("/api/replications?to=", name) + f"&limit={limits.REPLICATIONS_MAX}"))
    full = p["region"].get("full_name") or name
    header = _graph_header(f"地区 Region: {full} ({p['region'].get('name_en') or name})",
                           f"{p['measure_count']} measures, {len(p['themes'])} themes.")
    return render_page(v.sub, PageParts(f"Region {name}", header, footer), documents=v.documents)


# -- measure -------------------------------------------------------------------------

def measure_page(v: views.MeasureView) -> str:
    m = v.measure
    leads = "".join(f"<li>{agency_link((a.get('region') or '') + '|' + a['name'], a['name'])} "
                    f"<small>({e(a['role'] or '')}; {e(a.get('region') or '')}; printed "
                    f"“{e(a.get('printed') or '')}”)</small></li>" for a in m["agencies"])
    lead_evidence = "".join(f'<blockquote class="evidence">{e(line)}</blockquote>'
                            for line in dict.fromkeys(a.get("evidence") or "" for a in m["agencies"]) if line)
    mentions = "".join(f"<li>{agency_link((a.get('region') or '') + '|' + a['name'], a['name'])}<br>"
                       f"<small>{e(a.get('evidence') or '')}</small></li>" for a in m["mentioned_agencies"])
    themes = "".join(f"<li>{theme_link(t['key'], t['name_zh'])} <small>terms: "
                     f"{e('、'.join(t.get('terms') or []))}</small>"
                     f'<blockquote class="evidence">{e(t.get("evidence") or "")}</blockquote></li>'
                     for t in m["themes"])
    reps = "".join(f"<li>{region_link(x['from_region'] or m['region'])} → {region_link(x['to_region'])} "
                   f"<small>{e(x['scope'] or '')} ({e(x['kind'] or '')})</small>"
                   f'<blockquote class="evidence">{e(x.get("evidence") or "")}</blockquote></li>'
                   for x in m["replicated_to"] + [x for x in m["replicated_from"] if x not in m["replicated_to"]])
    similar = "".join(f"<li>{region_link(s['region'] or '?')} · {measure_link(s['id'], s['title'])} "
                      f"<small>score {float(s['score'] or 0):.2f}; shared: "
                      f"{e('、'.join(s.get('shared_terms') or []))}</small></li>" for s in v.similar)
    scope = "".join(f'<div>{region_link(x["region"])} <small class="evidence">{e(snippet(x.get("evidence"), 120))}'
                    f"</small></div>" for x in m.get("scope") or [])
    fields = "".join(f"<tr><th>{e(str(k))}</th><td>{e(str(val))}</td></tr>" for k, val in m["fields"].items())
    if fields:
        fields = f'<h2>表格字段 Table fields</h2><table class="pg">{fields}</table>'
    original = ""
    if m.get("text_original") and m["text_original"] != m.get("text"):
        original = (f'<h3>原文 As printed</h3><div class="pg-text" id="measure-original">'
                    f'{e(m["text_original"])}</div>')
    deadline = e(m.get("deadline_raw") or m.get("deadline") or "—")
    title = m["source"]["document_title"] or m["document"]
    footer = explore_links("Measure", m["id"]) + f"""
<h2>全文 Full text</h2>
<div class="pg-text" id="measure-text">{e(m.get('text') or '')}</div>
{original}
<table class="pg" id="measure-facts">
<tr><th>地区 Region</th><td>{region_link(m['region'])}</td></tr>
<tr><th>适用范围 Scope</th><td id="scope">{scope or '—'}</td></tr>
<tr><th>来源 Source document</th><td>{document_link(m['document'], title)}
 <small id="document-date">{date_html(m.get('document_date'), m.get('document_date_source'))}</small></td></tr>
<tr><th>编号 Label / section</th><td>{e(m.get('label') or '')} <small>{e(m.get('section') or '')}</small></td></tr>
<tr><th>完成时限 Deadline</th><td>{deadline}</td></tr>
</table>
{fields}
<h2>牵头/配合单位 Agencies</h2><ul id="agencies">{leads or '<li>—</li>'}</ul>{lead_evidence}
<h3>文中提及 Named in the text</h3><ul id="mentions">{mentions or '<li>—</li>'}</ul>
<h2>主题与证据 Themes and evidence</h2><ul id="themes">{themes or '<li>—</li>'}</ul>
<h2>复制推广 Replication</h2><ul id="replications">{reps or '<li>—</li>'}</ul>
<h2>相似措施 Similar measures in other regions</h2><ul id="similar">{similar or '<li>—</li>'}</ul>
<p><a href="{e(url("/api/measures/", m['id']))}">as JSON</a></p>
"""
    header = _graph_header(f"措施 Measure {m.get('label') or ''} {m.get('title') or m['id']}",
                           f"{m['region']} · {title}")
    return render_page(v.sub, PageParts(f"Measure {m.get('title') or m['id']}", header, footer),
                       documents=v.documents)


# -- compare -------------------------------------------------------------------------

def heat_table(a: dict) -> str:
    """Region × theme: the measures each region holds in each theme (own, replicated to it, pilots
    it ran), shaded by count; a cell opens the theme's page at that region's adoption."""
    names, shared = a["regions"], set(a["shared_themes"])
    counts = {(row["theme"]["key"], n): row["measure_counts"][n] for row in a["themes"] for n in names}
    top = max(counts.values(), default=0) or 1
    head = "".join(f'<th data-region="{e(n)}">{region_link(n)}</th>' for n in names)
    rows = []
    for row in sorted(a["themes"], key=lambda r: (r["theme"]["key"] not in shared,
                                                  -sum(counts[(r["theme"]["key"], n)] for n in names),
                                                  r["theme"]["key"])):
        key = row["theme"]["key"]
        cells = []
        for n in names:
            c = counts[(key, n)]
            shade = f"background:rgba(214,39,40,{0.12 + 0.78 * c / top:.2f})" if c else ""
            text = (f'<a class="heat-link" href="{e(url("/viz/theme/", key) + "#adopter-" + n)}">{c}</a>'
                    if c else "·")
            cells.append(f'<td class="heat" data-region="{e(n)}" data-count="{c}" style="text-align:center;'
                         f'{shade}">{text}</td>')
        mark = " ★" if key in shared else ""
        rows.append(f'<tr data-theme="{e(key)}"><th style="text-align:left">'
                    f'{theme_link(key, row["theme"]["name_zh"])}{mark}</th>{"".join(cells)}</tr>')
    return (f'<table class="pg" id="heat-table"><tr><th>主题 Theme \\ 地区 Region</th>{head}</tr>'
            f'{"".join(rows)}</table><p><small>Cells count measures (★: every region holds the theme); '
            "a cell opens the theme's adopters at that region.</small></p>")


def compare_page(v: views.CompareView) -> str:
    a = v.answer
    names = a["regions"]
    shared = set(a["shared_themes"])
    head = "".join(f"<th>{region_link(n)}</th>" for n in names)
    rows = []
    for row in sorted(a["themes"], key=lambda r: (r["theme"]["key"] not in shared, r["theme"]["key"])):
        key = row["theme"]["key"]
        cells = "".join(
            f'<td data-region="{e(n)}" data-count="{row["measure_counts"][n]}"><ul>'
            + "".join(f"<li>{measure_link(m['id'], m['title'])}"
                      + (f" <small>{e(_HOW.get(m['via'], m['via']))}</small>" if m["via"] != "measure" else "")
                      + "</li>" for m in row["regions"].get(n, [])) + "</ul></td>"
            for n in names)
        mark = " ★ shared" if key in shared else ""
        rows.append(f'<tr data-theme="{e(key)}"><th>{theme_link(key, row["theme"]["name_zh"])}{mark}</th>{cells}</tr>')
    only = "".join(f'<li data-region="{e(n)}">only {region_link(n)}: '
                   + (" · ".join(theme_link(k) for k in a["unique_themes"].get(n, [])) or "—") + "</li>"
                   for n in names)
    pairs = "".join(f"<li>{measure_link(p['a_id'], p['a_title'])} ({e(p['a_region'])}) ~ "
                    f"{measure_link(p['b_id'], p['b_title'])} ({e(p['b_region'])}) <small>score "
                    f"{float(p['score']):.2f}</small></li>" for p in a["similar_pairs"])
    footer = (f'<h2>共同主题 Shared themes ({len(shared)})</h2>'
              f'<p id="shared">{" · ".join(theme_link(k) for k in a["shared_themes"]) or "—"}</p>'
              f'<h2>独有主题 Only one region</h2><ul id="unique">{only}</ul>'
              f'<table class="pg" id="compare-table"><tr><th>Theme</th>{head}</tr>{"".join(rows)}</table>'
              f'<h2>相似措施 Similar measures</h2><ul id="similar-pairs">{pairs or "<li>—</li>"}</ul>'
              f'<p><a href="{e("/api/compare?regions=" + quote(",".join(names)))}">as JSON</a></p>')
    api = "/api/compare?regions=" + quote(",".join(names))
    header = heat_table(a) + downloads(api) + "<h2>图 Graph</h2>"
    header = _graph_header("比较 Compare: " + " / ".join(names),
                           "Regions pinned at the sides, their themes in between; large stars are "
                           "themes every region shares, edge labels count measures (own, replicated to "
                           "the region, and pilots it ran). The measures are listed below the graph.") + header
    return render_page(v.sub, PageParts("Compare " + ", ".join(names), header, footer))


# -- gaps ----------------------------------------------------------------------------

def gaps_page(v: views.GapsView) -> str:
    a = v.answer
    items = "".join(
        f'<li data-theme="{e(g["theme"]["key"])}">{theme_link(g["theme"]["key"], g["theme"]["name_zh"])} '
        f'<small>{g["peer_count"]} peer(s): {" · ".join(region_link(p) for p in g["peers"])}</small><ul>'
        + "".join(f"<li>{region_link(x['region'])}: {measure_link(x['id'], x['title'])}</li>"
                  for x in g["evidence"][:10]) + "</ul></li>" for g in a["gaps"])
    peers = "all regions" if a["peers"] == "all" else ", ".join(a["peers"])
    api = url("/api/regions/", a["region"]) + "/gaps?" + (
        f"peers={quote(','.join(a['peers']))}&" if a["peers"] != "all" else "") + f"limit={limits.GAPS_MAX}"
    footer = (downloads(api) + f'<h2>差距 Gaps ({len(a["gaps"])})</h2><ul id="gaps">{items or "<li>—</li>"}</ul>')
    header = _graph_header(f"差距 Gaps of {a['region']}",
                           f"Themes that {peers} adopted and {a['region']} did not (own measures, "
                           "replications to it and pilots it ran all count as adopting).")
    return render_page(v.sub, PageParts(f"Gaps of {a['region']}", header, footer))


# -- paths ---------------------------------------------------------------------------

def paths_page(v: views.PathsView) -> str:
    def step(s: dict) -> str:
        via = (f' <small class="via">{e(s["reach"])} ({region_link(s["via"])})</small>'
               if s.get("via") else "")
        return (f"{region_link(s['from_region'])} → {region_link(s['to_region'])}{via} · "
                f"{measure_link(s['measure_id'], s['measure_id'])} <small>{e(s.get('scope') or '')}</small>"
                f'<blockquote class="evidence">{e(snippet(s.get("evidence"), 160))}</blockquote>')
    items = "".join(f'<li data-regions="{e(" → ".join(p["regions"]))}">{p["hops"]} hop(s): '
                    + "<br>".join(step(s) for s in p["steps"]) + "</li>" for p in v.paths)
    what = " ".join(x for x in (f"from {v.origin}" if v.origin else "",
                                f"to {v.destination}" if v.destination else "") if x)
    ends = "&".join(f"{k}={quote(x)}" for k, x in (("from", v.origin), ("to", v.destination)) if x)
    footer = (downloads(f"/api/paths?{ends}&max_hops={v.max_hops}&limit={limits.PATHS_MAX}")
              + f'<h2>路径 Paths (<span id="path-count">{len(v.paths)}</span>)</h2><ul id="paths">{items or "<li>—</li>"}</ul>')
    reached = {r for p in v.paths for r in p["regions"]} - {v.origin, v.destination}
    header = _graph_header(f"复制推广路径 Replication paths {what}",
                           f"{len(v.paths)} paths through {len(reached)} other regions, fewest hops first. "
                           "Arrows point where a practice went; a practice replicated to a province "
                           "reaches the places in it.")
    return render_page(v.sub, PageParts(f"Paths {what}", header, footer), directed=True)


# -- timeline ------------------------------------------------------------------------

def _diffusion_downloads(topic: str) -> str:
    """The topic's diffusion tables, the files `policy-graph export --format … --topic` writes."""
    def link(table: str, label: str) -> str:
        href = "/api/diffusion/export?table=" + table + "&topics=" + quote(topic, safe="")
        return f'<a class="diffusion-{table}" href="{e(href)}">{label}</a>'
    return (f'<p class="diffusion-downloads">扩散数据 Diffusion data (CSV): {link("adoptions", "adoptions")} · '
            f'{link("cascades", "cascades (NetworkInference: node, time, cascade)")} · '
            f'{link("dyads", "dyads (region pair × year)")}</p>')


def timeline_page(answer: dict, curve_svg: str | None = None) -> str:
    """The adoption curve (cumulative adopters by first date, policy_graph.diffusion's offline SVG)
    above the dated and undated adoptions."""
    curve = (f'<h2>采用曲线 Adoption curve</h2><figure id="adoption-curve">{curve_svg}'
             '<figcaption><small>Cumulative adopting regions by the date of their first measure; '
             'undated adoptions are not on the curve. <a href="/api/diffusion/curve?q='
             f'{e(quote(answer["query"], safe=""))}">as JSON</a></small></figcaption></figure>'
             if curve_svg else "")
    def event(x: dict) -> str:
        return (f'<tr data-region="{e(x["region"])}"><td>{date_html(x["date"], x.get("date_source"))}</td>'
                f"<td>{region_link(x['region'])}</td><td>{e(_HOW.get(x['via'], x['via']))}</td>"
                f"<td>{measure_link(x['measure_id'], x['title'])}</td></tr>")
    head = "<tr><th>Date</th><th>Region</th><th>How</th><th>Measure</th></tr>"
    topic = answer.get("practice") or answer["theme"]
    body = (f"<h1>时间线 Timeline: {e(answer['query'])}</h1>"
            + (f"<p>{theme_link(topic['key'], topic['name_zh'])}</p>" if topic else "")
            + curve
            + downloads(url("/api/timeline?q=", answer["query"]))
            + (_diffusion_downloads(answer["query"]) if curve_svg else "")
            + f'<h2>有日期 Dated ({len(answer["events"])})</h2><table class="pg" id="dated">{head}'
            + "".join(event(x) for x in answer["events"]) + "</table>"
            + f'<h2>未注明日期 Undated ({len(answer["undated"])})</h2>'
              "<p><small>The documents of these adoptions carry no date: they are not later, "
              "only unknown.</small></p>"
            + f'<table class="pg" id="undated">{head}' + "".join(event(x) for x in answer["undated"]) + "</table>")
    return plain_page(f"Timeline {answer['query']}", body)


# -- explore -------------------------------------------------------------------------

def explore_links(node_type: str, key: str, depth: int = 1) -> str:
    center = quote(f"{node_type}:{key}", safe="")
    return (f'<p class="explore"><a href="/viz/explore?center={e(center)}&amp;depth={depth}">'
            f"探索邻域 Explore the neighbourhood</a> · "
            f'<a href="/api/subgraph?center={e(center)}&amp;depth={depth}">as JSON</a></p>')


def explore_page(v: views.ExploreView) -> str:
    node_type, key = v.center
    deeper = "".join(
        f'<a href="/viz/explore?center={e(quote(node_type + ":" + key, safe=""))}&amp;depth={d}">'
        f"{d}</a> " for d in range(0, 4))
    footer = (f"<p>Depth: {deeper}</p>"
              f'<p><a href="/api/subgraph?center={e(quote(node_type + ":" + key, safe=""))}'
              f'&amp;depth={v.depth}&amp;limit={v.sub.limit}">This subgraph as JSON</a></p>')
    header = _graph_header(f"邻域 Neighbourhood of {node_type} {key}",
                           f"Everything within {v.depth} hop(s), both directions: "
                           f"{len(v.sub.nodes)} nodes, {len(v.sub.edges)} edges.")
    return render_page(v.sub, PageParts(f"Explore {key}", header, footer), documents=v.documents)
