"""HTML for the browser pages: plain string templates, every datum through ``html.escape``.

Document text is data: it is escaped wherever it lands, so markup inside a policy
document shows as characters. Links are built with ``urllib.parse.quote`` on the key.
"""
from __future__ import annotations

import json
from html import escape as e
from urllib.parse import quote

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


NAV = ('<header class="pg"><nav><a href="/">首页 Home</a>'
       '<form action="/viz/search" method="get" style="display:inline">'
       '<input name="q" placeholder="搜索 search: 知识产权质押融资 / IP pledge" size="32"> '
       '<button type="submit">搜索 Search</button></form></nav></header>')


def plain_page(title: str, body: str) -> str:
    """A page without a network (landing, search, messages)."""
    return (f'<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">{page_head(title)}</head>'
            f'<body>{NAV}<main class="pg">{body}</main></body></html>')


def not_found(what: str) -> str:
    return plain_page("Not found", f"<h1>未找到 Not found</h1><p>{e(what)}</p>"
                                   '<p><a href="/">返回首页 back to the start page</a></p>')


def _graph_header(h1: str, intro: str) -> str:
    return f"{NAV}<h1>{e(h1)}</h1><p>{e(intro)}</p>"


# -- landing -------------------------------------------------------------------------

def landing_page(data: views.Landing) -> str:
    counts = "".join(f'<tr><th>{e(k)}</th><td data-count="{e(k)}">{v}</td></tr>'
                     for k, v in sorted(data.counts.items()))
    region_opts = "".join(
        f'<option value="{e(r["name"])}">{e(r["name"])} {e(r.get("name_en") or "")} '
        f'({r["measures"]})</option>' for r in data.regions)
    theme_opts = "".join(
        f'<option value="{e(t["key"])}">{e(t.get("name_zh") or t["key"])} / '
        f'{e(t.get("name_en") or "")} ({t["measures"]})</option>' for t in data.themes)
    themes = "".join(f'<li>{theme_link(t["key"], (t.get("name_zh") or t["key"]))} '
                     f'<small>{e(t.get("name_en") or "")} · {t["measures"]} measures</small></li>'
                     for t in data.themes if t["measures"])
    regions = "".join(f'<li>{region_link(r["name"])} <small>{e(r.get("name_en") or "")} · '
                      f'{r["measures"]} measures · <a href="{e(url("/viz/paths?from=", r["name"]))}">'
                      f'replication paths</a></small></li>' for r in data.regions if r["measures"])
    with_measures = [r["name"] for r in data.regions if r["measures"]][:2]
    compare = ""
    if len(with_measures) == 2:
        compare = (f'<p><a id="compare-example" href="/viz/compare?regions='
                   f'{e(quote(",".join(with_measures)))}">Compare {e(" / ".join(with_measures))}</a></p>')
    top_theme = max(data.themes, key=lambda t: t["measures"], default=None)
    explore = ""
    if top_theme and top_theme["measures"]:
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
{compare}
<h2>主题 Themes</h2><ul id="themes">{themes}</ul>
<h2>地区 Regions</h2><ul id="regions">{regions}</ul>
<p><small>{explore} JSON: <a href="/docs">API docs</a> ·
<code>/api/subgraph?center=Region:&lt;name&gt;&amp;depth=1</code></small></p>
"""
    return plain_page("policy-graph", body)


# -- search --------------------------------------------------------------------------

def search_page(q: str, themes: list[dict], regions: list[dict], measures: list[dict]) -> str:
    t = "".join(f'<li>{theme_link(x["key"], x.get("name_zh") or x["key"])} '
                f'<small>{e(x.get("name_en") or "")}</small></li>' for x in themes)
    r = "".join(f"<li>{region_link(x['name'])} <small>{e(x.get('full_name') or '')} "
                f"{e(x.get('name_en') or '')}</small></li>" for x in regions)
    m = "".join(f"<li>{region_link(x['region'])} · {measure_link(x['id'], x['title'])}"
                f"<br><small>{e(snippet(x['text'], 160))}</small></li>" for x in measures)
    body = (f"<h1>搜索 Search: {e(q)}</h1>"
            f'<h2>主题 Themes ({len(themes)})</h2><ul id="theme-hits">{t}</ul>'
            f'<h2>地区 Regions ({len(regions)})</h2><ul id="region-hits">{r}</ul>'
            f'<h2>措施 Measures ({len(measures)})</h2><ul id="measure-hits">{m}</ul>')
    if not (themes or regions or measures):
        body += "<p>没有结果 Nothing matched.</p>"
    return plain_page(f"Search {q}", body)


# -- theme ---------------------------------------------------------------------------

def _led_by(agencies: dict, region: str) -> str:
    """Lead and support agencies of a measure's own agency line, each with its region when that
    is not the adopting region's."""
    def one(a: dict) -> str:
        where = f" <small>({e(a['region'])})</small>" if a.get("region") and a["region"] != region else ""
        return e(a.get("printed") or a["name"]) + where
    parts = [f"{label}: " + "、".join(one(a) for a in agencies.get(role) or [])
             for role, label in (("lead", "lead"), ("support", "support")) if agencies.get(role)]
    return "; ".join(parts) or "—"


def _adopter_rows(adopters: dict, counts: dict, documents: dict) -> list[str]:
    rows = []
    for region, entries in adopters.items():
        total = counts.get(region, len(entries))
        more = (f'<tr class="more" data-more="{e(region)}"><td></td><td colspan="4"><small>'
                f'{len(entries)} of {total} measures shown (earliest first)</small></td></tr>') \
            if total > len(entries) else ""
        for how, r in entries:
            rows.append(f'<tr data-region="{e(region)}" data-via="{e(how)}"><td>{region_link(region)}</td>'
                        f"<td>{e(how)}</td>"
                        f"<td>{measure_link(r['id'], (r['label'] or '') + ' ' + (r['title'] or ''))}"
                        + (f" <small>({e(r['region'])})</small>" if r.get("region") else "") + "</td>"
                        f"<td>{_led_by(r.get('agencies') or {}, region)}</td>"
                        f"<td>{e(documents.get(r['document_id'], ''))}</td></tr>")
        if more:
            rows.append(more)
    return rows


_TABLE_HEAD = ('<tr><th>Region</th><th>How</th><th>Measure</th><th>Agencies (lead; support)</th>'
               '<th>Source document</th></tr>')


def theme_page(v: views.ThemeView) -> str:
    name = v.theme.get("name_zh") or v.theme["key"]
    rows = _adopter_rows(v.adopters, v.adopter_counts, v.documents)
    footer = (explore_links("Theme", v.theme["key"], 2) +
              f'<h2>采用地区 Adopting regions ({len(v.adopters)})</h2>'
              f'<p id="adopters">{" · ".join(region_link(x) for x in v.adopters)}</p>'
              f'<table class="pg" id="theme-measures">{_TABLE_HEAD}{"".join(rows)}</table>')
    title = f"主题 Theme: {name} ({v.theme.get('name_en') or v.theme['key']})"
    if v.practice:  # a practice's page: its adopters, then the theme's other adopters apart
        related = _adopter_rows(v.related, {}, v.documents)
        footer += (f'<h2>相关 Related: other adopters of {theme_link(v.theme["key"], name)} '
                   f'({len(v.related)})</h2>'
                   f'<p id="related">{" · ".join(region_link(x) for x in v.related) or "—"}</p>'
                   f'<table class="pg" id="related-measures">{_TABLE_HEAD}{"".join(related)}</table>')
        title = (f"实践 Practice: {v.practice['name_zh']} ({v.practice['name_en']}) — "
                 f"主题 theme {name}")
    header = _graph_header(title, f"{len(v.adopters)} regions, {len(v.measures)} measures. "
                           "Click a measure to open its detail, a region or theme to open its page.")
    page_name = f"Practice {v.practice['name_zh']}" if v.practice else f"Theme {name}"
    return render_page(v.sub, PageParts(page_name, header, footer), documents=v.documents)


# -- region --------------------------------------------------------------------------

def region_page(v: views.RegionView) -> str:
    name = v.region["name"]
    groups: dict[str, list[dict]] = {}
    labels: dict[str, str] = {}
    for r in v.measures:
        themes = v.facts.themes.get(r["id"], [])
        for t in themes or [{"key": "", "name_zh": "未归类 no theme"}]:
            groups.setdefault(t["key"], []).append(r)
            labels[t["key"]] = t["name_zh"] or t["key"]
    sections = []
    for key in sorted(groups, key=lambda k: (k == "", k)):
        head = theme_link(key, labels[key]) if key else e(labels[key])
        items = "".join(f"<li>{measure_link(r['id'], (r['label'] or '') + ' ' + (r['title'] or ''))}</li>"
                        for r in groups[key])
        sections.append(f'<h3>{head} ({len(groups[key])})</h3><ul>{items}</ul>')
    out = "".join(f"<li>→ {region_link(f['dst'])} <small>{e(f['scope'] or '')}: "
                  f"{e(snippet(f['evidence'], 100))}</small></li>" for f in v.outgoing)
    inc = "".join(f"<li>{region_link(x['measure_region'])} → {e(name)}: "
                  f"{measure_link(x['measure_id'], x['title'])} <small>{e(x['scope'] or '')}</small></li>"
                  for x in v.incoming)
    footer = (explore_links("Region", name)
              + f'<h2>按主题 Measures by theme</h2><div id="by-theme">{"".join(sections)}</div>'
              f'<h2>复制推广 Replication out of {e(name)}</h2><ul id="flows-out">{out or "<li>—</li>"}</ul>'
              f'<h2>复制推广 Replication into {e(name)}</h2><ul id="flows-in">{inc or "<li>—</li>"}</ul>'
              f'<p><a href="{e(url("/viz/paths?from=", name))}">Replication paths from {e(name)}</a></p>')
    full = v.region.get("full_name") or name
    header = _graph_header(f"地区 Region: {full} ({v.region.get('name_en') or name})",
                           f"{len(v.measures)} measures, {len(groups)} groups.")
    return render_page(v.sub, PageParts(f"Region {name}", header, footer), documents=v.documents)


# -- measure -------------------------------------------------------------------------

def measure_page(v: views.MeasureView) -> str:
    m = v.measure
    leads = "".join(f"<li>{e(a['name'])} <small>({e(a['role'] or '')}; printed "
                    f"“{e(a.get('printed') or '')}”)</small></li>" for a in v.leads)
    lead_evidence = "".join(f'<blockquote class="evidence">{e(line)}</blockquote>'
                            for line in dict.fromkeys(a.get("evidence") or "" for a in v.leads) if line)
    mentions = "".join(f"<li>{e(a['name'])}<br><small>{e(a.get('evidence') or '')}</small></li>"
                       for a in v.mentions)
    themes = "".join(f"<li>{theme_link(t['key'], t['name_zh'])} <small>terms: "
                     f"{e('、'.join(t.get('terms') or []))}</small>"
                     f'<blockquote class="evidence">{e(t.get("evidence") or "")}</blockquote></li>'
                     for t in v.themes)
    reps = "".join(f"<li>{region_link(x['from_region'] or '?')} → {region_link(x['region'])} "
                   f"<small>{e(x['scope'] or '')} ({e(x['kind'] or '')})</small>"
                   f'<blockquote class="evidence">{e(x.get("evidence") or "")}</blockquote></li>'
                   for x in v.replications)
    similar = "".join(f"<li>{region_link(s['region'] or '?')} · {measure_link(s['id'], s['title'])} "
                      f"<small>score {float(s['score'] or 0):.2f}; shared: "
                      f"{e('、'.join(s.get('shared_terms') or []))}</small></li>" for s in v.similar)
    fields = ""
    if m.get("fields_json"):
        try:
            table = json.loads(m["fields_json"])
            fields = "".join(f"<tr><th>{e(str(k))}</th><td>{e(str(val))}</td></tr>" for k, val in table.items())
            fields = f'<h2>表格字段 Table fields</h2><table class="pg">{fields}</table>'
        except ValueError:
            fields = ""
    original = ""
    if m.get("text_original") and m["text_original"] != m.get("text"):
        original = (f'<h3>原文 As printed</h3><div class="pg-text" id="measure-original">'
                    f'{e(m["text_original"])}</div>')
    deadline = e(m.get("deadline_raw") or m.get("deadline") or "—")
    footer = explore_links("Measure", m["id"]) + f"""
<h2>全文 Full text</h2>
<div class="pg-text" id="measure-text">{e(m.get('text') or '')}</div>
{original}
<table class="pg" id="measure-facts">
<tr><th>地区 Region</th><td>{region_link(m['region'])}</td></tr>
<tr><th>来源 Source document</th><td>{e(m.get('document_title') or m.get('document_id') or '')}
 <small>{e(m.get('document_date') or '')} {e(m.get('document_issuer') or '')}</small></td></tr>
<tr><th>编号 Label / section</th><td>{e(m.get('label') or '')} <small>{e(m.get('section') or '')}</small></td></tr>
<tr><th>完成时限 Deadline</th><td>{deadline}</td></tr>
</table>
{fields}
<h2>牵头/配合单位 Agencies</h2><ul id="agencies">{leads or '<li>—</li>'}</ul>{lead_evidence}
<h3>文中提及 Named in the text</h3><ul id="mentions">{mentions or '<li>—</li>'}</ul>
<h2>主题与证据 Themes and evidence</h2><ul id="themes">{themes or '<li>—</li>'}</ul>
<h2>复制推广 Replication</h2><ul id="replications">{reps or '<li>—</li>'}</ul>
<h2>相似措施 Similar measures in other regions</h2><ul id="similar">{similar or '<li>—</li>'}</ul>
"""
    header = _graph_header(f"措施 Measure {m.get('label') or ''} {m.get('title') or m['id']}",
                           f"{m['region']} · {m.get('document_title') or ''}")
    return render_page(v.sub, PageParts(f"Measure {m.get('title') or m['id']}", header, footer),
                       documents=v.documents)


# -- compare -------------------------------------------------------------------------

def compare_page(v: views.CompareView) -> str:
    head = "".join(f"<th>{region_link(n)}</th>" for n in v.regions)
    rows = []
    keys = v.shared + sorted(k for k in v.by_theme if k not in v.shared)
    for key in keys:
        cells = "".join(
            "<td><ul>" + "".join(f"<li>{measure_link(r['id'], r['title'])}</li>"
                                 for r in v.by_theme[key].get(n, [])) + "</ul></td>"
            for n in v.regions)
        mark = " ★ shared" if key in v.shared else ""
        rows.append(f'<tr data-theme="{e(key)}"><th>{theme_link(key, v.theme_names[key])}{mark}</th>{cells}</tr>')
    unthemed = "".join(f"<td>{v.unthemed.get(n, 0)}</td>" for n in v.regions)
    footer = (f'<h2>共同主题 Shared themes ({len(v.shared)})</h2>'
              f'<p id="shared">{" · ".join(theme_link(k, v.theme_names[k]) for k in v.shared) or "—"}</p>'
              f'<table class="pg" id="compare-table"><tr><th>Theme</th>{head}</tr>{"".join(rows)}'
              f"<tr><th>no theme (count)</th>{unthemed}</tr></table>")
    header = _graph_header("比较 Compare: " + " / ".join(v.regions),
                           "Regions pinned at the sides, their themes in between; large stars are "
                           "themes every region shares, edge labels count measures. "
                           "The measures are listed below the graph.")
    return render_page(v.sub, PageParts("Compare " + ", ".join(v.regions), header, footer),
                       documents=v.documents)


# -- paths ---------------------------------------------------------------------------

def paths_page(v: views.PathsView) -> str:
    items = "".join(
        f"<li>hop {f['hop']}: {region_link(f['src'])} → {region_link(f['dst'])} "
        f"<small>{e(f['scope'] or '')}</small> · "
        f"{measure_link(f['measure_id'], (v.measures.get(f['measure_id']) or {}).get('title') or f['measure_id'])}"
        f'<blockquote class="evidence">{e(f.get("evidence") or "")}</blockquote></li>'
        for f in v.flows if f.get("measure_id"))
    footer = f'<h2>路径 Flows ({len(v.flows)})</h2><ul id="flows">{items or "<li>—</li>"}</ul>'
    reached = len(v.hops) - 1
    header = _graph_header(f"复制推广路径 Replication paths from {v.origin}",
                           f"{reached} regions reached. Arrows point where a practice went.")
    return render_page(v.sub, PageParts(f"Paths from {v.origin}", header, footer), directed=True)


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
