"""Subgraph -> one self-contained HTML page drawn by pyvis / vis-network.

Positions come from the server (viz.layout) and physics is off; the canvas behaviour (focus
and side panel, expand, legend filters, find, date range) is viz/canvas.js, inlined with its
configuration as a JSON script element. Graph text reaches the panel only as textContent.

pyvis is asked to inline vis-network, yet its template still links Bootstrap from a
CDN; those tags are removed so that a page never reaches beyond its own server
(research machines are air-gapped). Every piece of graph text that enters the page
goes in either through pyvis's JSON (node labels and titles; Jinja's ``tojson`` escapes
``<``, ``>`` and ``&``) or through ``html.escape``; vis-network shows a string title as
text. pyvis switches to an innerHTML popup when any title contains ``href``, so no
title may contain it.
"""
from __future__ import annotations

import functools
import html
import json
import re
from dataclasses import dataclass

from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from pyvis.network import Network

from graph.subgraph import Subgraph, SubNode
from ingest.textutil import convert
from viz import layout
from viz.layout import SHORT_LABEL, short_label

# Colour and shape by node type; the legend is drawn from this table too.
NODE_STYLE: dict[str, dict[str, str]] = {
    "Region": {"color": "#e15759", "shape": "diamond", "name": "Region 地区"},
    "Measure": {"color": "#4e79a7", "shape": "dot", "name": "Measure 措施"},
    "Agency": {"color": "#59a14f", "shape": "triangle", "name": "Agency 部门"},
    "Theme": {"color": "#f28e2b", "shape": "star", "name": "Theme 主题"},
    "Practice": {"color": "#edc948", "shape": "star", "name": "Practice 实践"},
    "Document": {"color": "#9c755f", "shape": "square", "name": "Document 文件"},
}
OTHER_NODE = {"color": "#999999", "shape": "dot", "name": "other 其他"}
# Every relation a page can draw, with its legend name; structural ones are pale tints of
# the type they point to, so the strong colours stay for flows, leads and similarity.
EDGE_STYLE: dict[str, dict] = {
    "REPLICATED_TO": {"color": "#d62728", "width": 2.5, "dashes": False, "name": "replicated to 复制推广到"},
    "PRACTICE_FLOW": {"color": "#d62728", "width": 2.5, "dashes": False, "name": "practice flow 经验流向"},
    "SIMILAR_TO": {"color": "#9467bd", "width": 1.5, "dashes": True, "name": "similar 相似"},
    "MENTIONS": {"color": "#8fbf87", "width": 1, "dashes": True, "name": "named in text 提及"},
    "LED_BY": {"color": "#59a14f", "width": 1.5, "dashes": False, "name": "led by 牵头/配合"},
    "HAS_THEME": {"color": "#f5b97f", "width": 1, "dashes": False, "opacity": 0.6, "name": "has theme 主题"},
    "HAS_THEME_IN_REGION": {"color": "#f5b97f", "width": 1.5, "dashes": False, "opacity": 0.6,
                            "name": "region's theme 地区主题"},
    "HAS_PRACTICE": {"color": "#e8d17f", "width": 1, "dashes": False, "opacity": 0.6, "name": "has practice 实践"},
    "BELONGS_TO": {"color": "#e8d17f", "width": 1, "dashes": False, "opacity": 0.6, "name": "practice of theme 所属主题"},
    "IN_REGION": {"color": "#eaa0a1", "width": 1, "dashes": False, "opacity": 0.6, "name": "in region 所在地区"},
    "ISSUED_FOR": {"color": "#eaa0a1", "width": 1, "dashes": False, "opacity": 0.6, "name": "issued for 发文地区"},
    "PART_OF": {"color": "#eaa0a1", "width": 1, "dashes": True, "opacity": 0.6, "name": "part of 隶属"},
    "IN_DOCUMENT": {"color": "#c9b3a3", "width": 1, "dashes": False, "opacity": 0.6, "name": "in document 所属文件"},
}
OTHER_EDGE = {"color": "#aaaaaa", "width": 1, "dashes": False, "name": "other 其他"}
# Where a node's page is (the side panel's "open page" link, a double click); every type has one.
DETAIL_ROUTE = {"Measure": "/viz/measure/", "Region": "/viz/region/", "Theme": "/viz/theme/",
                "Practice": "/viz/theme/",  # a practice's page is its theme page narrowed to it
                "Agency": "/viz/agency/", "Document": "/viz/document/"}

_EXTERNAL_TAG = re.compile(
    r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>"
    r"|<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script\s*>",
    re.IGNORECASE | re.DOTALL)
# pyvis's template keeps a commented-out link to a local node_modules copy of vis.
_DEAD_COMMENT = re.compile(r"<!--(?:(?!-->).)*?node_modules(?:(?!-->).)*?-->", re.DOTALL)
_EMPTY_HEADING = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>", re.IGNORECASE)
_HREF = re.compile("href", re.IGNORECASE)


def strip_external(page: str) -> str:
    """Remove every <link>/<script> that would load from another host."""
    return _DEAD_COMMENT.sub("", _EXTERNAL_TAG.sub("", page))


def safe_title(text: str) -> str:
    """Plain tooltip text that cannot switch pyvis to its innerHTML popup."""
    return _HREF.sub(lambda m: m.group(0)[:3] + "\u200b" + m.group(0)[3:], text)


def snippet(text: str | None, n: int = 120) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[:n] + "…"


def node_tooltip(node: SubNode, documents: dict[str, str]) -> str:
    p = node.props
    if node.type == "Measure":
        doc = documents.get(p.get("document_id") or "", p.get("document_id") or "")
        lines = [p.get("title") or node.key, snippet(p.get("text")),
                 f"地区 region: {p.get('region') or '?'}", f"来源 source: {doc}"]
    elif node.type == "Theme":
        lines = [f"主题 theme: {p.get('name_zh') or ''} ({node.key})",
                 "shared by every compared region" if p.get("emphasis") else ""]
    elif node.type == "Document":
        lines = [p.get("title") or node.key, f"地区 region: {p.get('region') or '?'}"]
    elif node.type == "Agency":
        lines = [p.get("name") or node.key, f"地区 region: {p.get('region') or '?'}"]
    else:
        lines = [f"{NODE_STYLE.get(node.type, {}).get('name', node.type)}: {node.label}"]
    lines.append("(click: details 详情 · double-click: open its page 打开页面)")
    return safe_title("\n".join(line for line in lines if line))


@dataclass
class PageParts:
    """Server-made HTML around the network; every field is already escaped markup."""

    title: str
    header: str = ""
    footer: str = ""


BASE_CSS = """
body { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; margin: 0; color: #222; }
header.pg { padding: 8px 16px; background: #f4f4f4; border-bottom: 1px solid #ddd; }
header.pg nav a { margin-right: 12px; }
main.pg { padding: 8px 16px; }
.legend span.sw { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px;
  vertical-align: middle; border: 1px solid #555; }
.legend span.ln { display: inline-block; width: 22px; height: 0; margin: 0 4px 0 12px;
  vertical-align: middle; }
.notice { background: #fff3cd; border: 1px solid #e0c36b; padding: 6px 10px; margin: 8px 0; }
.vis-tooltip { white-space: pre-wrap !important; max-width: 460px; font-family: inherit !important; }
.pg-text { white-space: pre-wrap; background: #fafafa; border: 1px solid #eee; padding: 8px; }
table.pg { border-collapse: collapse; } table.pg td, table.pg th { border: 1px solid #ddd;
  padding: 4px 8px; vertical-align: top; text-align: left; }
#mynetwork { float: none !important; }
"""


def page_head(title: str) -> str:
    return ('<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="icon" href="data:,">'
            f"<title>{html.escape(title)}</title><style>{BASE_CSS}</style>")


def _count(n: int) -> str:
    return f' <span class="n">({n})</span>'


def legend_html(node_types: dict[str, int], edge_types: dict[str, int]) -> str:
    """The node and edge types on this page, with counts; each a checkbox that shows/hides it."""
    def item(kind: str, name: str, n: int, swatch: str, label: str) -> str:
        return (f'<label class="lg" data-{kind}-type="{html.escape(name)}">'
                f'<input type="checkbox" checked data-kind="{kind}" value="{html.escape(name)}">'
                f"{swatch}{html.escape(label)}{_count(n)}</label>")

    nodes = "".join(
        item("node", t, n, f'<span class="sw" style="background:{_node_style(t)["color"]}"></span>',
             f'{_node_style(t)["name"]} ({_node_style(t)["shape"]})')
        for t, n in node_types.items())
    edges = "".join(
        item("edge", t, n, f'<span class="ln" style="border-top:3px {"dashed" if _edge_style(t)["dashes"] else "solid"}'
                           f' {_edge_style(t)["color"]}"></span>', _edge_style(t)["name"])
        for t, n in edge_types.items())
    return (f'<div class="legend" id="legend"><span class="nodes">图例 Legend:{nodes}</span>'
            f'<br><span class="edges">边 Edges:{edges}</span></div>')


def _node_style(t: str) -> dict:
    return NODE_STYLE.get(t, {**OTHER_NODE, "name": t})


def _edge_style(t: str) -> dict:
    return EDGE_STYLE.get(t, {**OTHER_EDGE, "name": t})


def truncation_notice(sub: Subgraph) -> str:
    if not sub.truncated:
        return ""
    return (f'<p class="notice" id="truncated">只显示部分 Showing only part of the graph: '
            f"the first {len(sub.nodes)} nodes (limit {sub.limit}).</p>")


CANVAS_CSS = """
.legend label.lg { margin-right: 6px; cursor: pointer; white-space: nowrap; }
.legend label.lg input { margin: 0 0 0 8px; vertical-align: middle; }
.legend .n { color: #777; font-size: 90%; }
.pg-tools { margin: 6px 0; display: flex; flex-wrap: wrap; gap: 6px 16px; align-items: center; }
.pg-tools input[type=search] { width: 16em; }
.pg-tools .hint { color: #666; font-size: 90%; }
.card { position: relative; }
#pg-panel { position: absolute; top: 8px; right: 8px; width: 300px; max-height: 560px; overflow: auto;
  background: #fff; border: 1px solid #bbb; box-shadow: 0 2px 8px rgba(0,0,0,.2); padding: 8px 10px;
  z-index: 5; font-size: 14px; }
#pg-panel h3 { margin: 0 0 4px 0; font-size: 15px; }
#pg-panel dl { margin: 4px 0; } #pg-panel dt { color: #666; font-size: 12px; margin-top: 4px; }
#pg-panel dd { margin: 0; white-space: pre-wrap; word-break: break-all; }
#pg-panel .actions { margin-top: 8px; display: flex; gap: 10px; align-items: center; }
#pg-panel .close { position: absolute; top: 4px; right: 6px; border: 0; background: none; cursor: pointer; }
#pg-panel-msg { color: #a33; }
"""

# The canvas behaviour (focus + panel, expand, filters, search, time range), inlined: the
# pages load nothing from anywhere else.
CANVAS_JS = (Path(__file__).with_name("canvas.js")).read_text(encoding="utf-8")

def _panel_facts(node: SubNode, documents: dict[str, str]) -> list[list[str]]:
    """What the side panel lists for a node: [caption, value] pairs, shown as text."""
    p = node.props
    facts: list[list[str]] = []

    def add(caption: str, value) -> None:
        if value not in (None, "", [], ()):
            facts.append([caption, str(value)])

    if node.type == "Measure":
        add("标题 title", p.get("title"))
        add("条目 item", p.get("label"))
        add("地区 region", p.get("region"))
        doc = p.get("document_id")
        add("来源 source document", documents.get(doc or "", doc))
        add("原文 text", snippet(p.get("text"), 160))
    elif node.type in ("Theme", "Practice"):
        add("中文 name", p.get("name_zh"))
        add("English", p.get("name_en"))
        add("key", node.key)
        if p.get("emphasis"):
            add("note", "shared by every compared region 所有地区共有")
    elif node.type == "Document":
        add("标题 title", p.get("title"))
        add("地区 region", p.get("region"))
    elif node.type == "Agency":
        add("名称 name", p.get("name"))
        add("地区 region", p.get("region"))
    else:
        add("名称 name", p.get("full_name") or p.get("name") or node.label)
        add("English", p.get("name_en"))
        add("级别 level", p.get("level"))
    return facts


def _search_text(sub: Subgraph) -> dict[str, str]:
    """Per node: the words the canvas search box matches, Traditional forms included."""
    plain = {}
    for nid, n in sub.nodes.items():
        p = n.props
        words = [p.get("title") or n.label, n.key, p.get("name"), p.get("name_zh"), p.get("name_en"),
                 p.get("full_name")]
        plain[nid] = " ".join(dict.fromkeys(str(w) for w in words if w))
    if not plain:
        return plain
    # One conversion call for the page (OpenCC is the project's one converter).
    traditional = convert("\n".join(t.replace("\n", " ") for t in plain.values()), "s2t").split("\n")
    return {nid: (text + " " + trad if trad != text else text).lower()
            for (nid, text), trad in zip(plain.items(), traditional)}


def _tools_html(dates: list[str]) -> str:
    """Search box and (when measures carry dates) the time range above the canvas."""
    tools = ('<label>在图中查找 Find in graph: <input type="search" id="pg-find" '
             'placeholder="名称 name / 標題 / title"></label> <span id="pg-find-count" class="hint"></span>')
    if dates:
        # <input type=date> wants whole days; a year or month alone spans its first to last day.
        lo = html.escape((min(dates) + "-01-01")[:10])
        hi = max(dates)
        hi = html.escape(hi[:10] if len(hi) >= 10 else hi + "-28" if len(hi) == 7 else hi[:4] + "-12-31")
        tools += (f'<span id="pg-time">时间 Dates from <input type="date" id="pg-from" value="{lo}" '
                  f'min="{lo}" max="{hi}"> to <input type="date" id="pg-to" value="{hi}" min="{lo}" '
                  f'max="{hi}"> <span class="hint">(measures by document date; undated measures stay, '
                  f'drawn with a dashed border)</span> <span id="pg-time-count" class="hint"></span></span>')
    tools += ('<span class="hint">click a node: focus + details · double-click: its page · '
              'scroll: zoom</span>')
    return f'<div class="pg-tools" id="pg-tools">{tools}</div>'


def _json_for_script(value) -> str:
    """JSON safe inside a <script> element (no "</script>", no "<!--")."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e") \
        .replace("&", "\\u0026")


EXPAND_LIMIT = 60  # nodes one "expand" may fetch (/api/subgraph's node cap)
BIG_GRAPH = 45     # more nodes than this: a taller canvas and no edge labels at the default zoom


def render_page(sub: Subgraph, parts: PageParts, *, documents: dict[str, str] | None = None,
                directed: bool = False, height: str | None = None) -> str:
    """The full HTML page: header, legend, tools, the laid-out network, side panel, footer."""
    documents = documents or {}
    big = len(sub.nodes) > BIG_GRAPH
    height = height or ("720px" if big else "620px")
    placed = layout.compute(sub, canvas_h=float(height.removesuffix("px")) - 40 if height.endswith("px")
                            else layout.CANVAS_H)
    dates = sorted({str(n.props["date"]) for n in sub.nodes.values()
                    if n.type == "Measure" and n.props.get("date")})
    # Always "directed" for pyvis: its undirected mode silently drops parallel edges
    # (Measure -IN_REGION-> Region next to Measure -REPLICATED_TO-> Region).
    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line", heading="")
    net.templateEnv = _pyvis_templates(net.template_dir)
    _add_nodes(net, sub, placed, documents, undated_marked=bool(dates))
    _add_edges(net, sub)
    net.set_options(json.dumps(_options(big, directed)))
    page = strip_external(net.generate_html())
    page = _EMPTY_HEADING.sub("", page)
    header = parts.header + legend_html(*_type_counts(sub)) + _tools_html(dates) + truncation_notice(sub)
    page = page.replace("<head>", "<head>" + page_head(parts.title) + f"<style>{CANVAS_CSS}</style>", 1)
    page = page.replace("<body>", '<body><main class="pg">' + header, 1)
    config = {"routes": DETAIL_ROUTE, "nodeStyle": NODE_STYLE, "otherNode": OTHER_NODE,
              "edgeStyle": EDGE_STYLE, "otherEdge": OTHER_EDGE,
              "minorFont": layout.MINOR_FONT, "shortLabel": SHORT_LABEL, "expandLimit": EXPAND_LIMIT}
    script = (f'<script type="application/json" id="pg-canvas-config">{_json_for_script(config)}</script>'
              f"<script>{CANVAS_JS}</script>")
    idx = page.rfind("</body>")
    page = page[:idx] + parts.footer + "</main>" + script + page[idx:]
    return "<!DOCTYPE html>\n" + page


def _add_nodes(net: Network, sub: Subgraph, placed: layout.Layout, documents: dict[str, str],
               undated_marked: bool) -> None:
    search = _search_text(sub)
    for node in sub.nodes.values():
        style = _node_style(node.type)
        at = placed.nodes[node.id]
        extra = {}
        if node.props.get("emphasis"):
            extra["borderWidth"] = 3
        date = node.props.get("date") if node.type == "Measure" else None
        if node.type == "Measure" and undated_marked and not date:
            extra["shapeProperties"] = {"borderDashes": [4, 3]}
            extra["borderWidth"] = 2
        net.add_node(node.id, label=short_label(node.label), title=node_tooltip(node, documents),
                     color=style["color"], shape=style["shape"], size=round(at.size, 1), x=at.x, y=at.y,
                     # a minor node's label is drawn small: under the draw threshold until zoomed in
                     font={"size": layout.LABEL_FONT if at.labelled else layout.MINOR_FONT},
                     pg_type=node.type, pg_key=node.key, pg_full=node.label, pg_color=style["color"],
                     pg_facts=_panel_facts(node, documents), pg_find=search.get(node.id, ""),
                     pg_date=str(date) if date else "",
                     pg_date_source=str(node.props.get("date_source") or "") if date else "", **extra)


def _add_edges(net: Network, sub: Subgraph) -> None:
    for edge in sub.edges:
        style = _edge_style(edge.type)
        title = edge.type
        if edge.props.get("role"):
            title += f" ({edge.props['role']})"
        if edge.props.get("scope"):
            title += f" scope: {edge.props['scope']}"
        if edge.props.get("label"):
            title += f"\n{edge.props['label']}"
        # Arrows and fonts shared by all edges are page options (pyvis writes arrows "to" on
        # each); the canvas script finds an edge's own colour again from its type.
        net.add_edge(edge.source, edge.target, title=safe_title(title),
                     width=edge.props.get("width", style["width"]),
                     color={"color": style["color"], "opacity": style.get("opacity", 1.0)},
                     dashes=style["dashes"], label=edge.props.get("short", ""), pg_type=edge.type)


def _options(big: bool, directed: bool) -> dict:
    return {
        # Positions come from the server (viz.layout): nothing moves, every load looks the same.
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "interaction": {"hover": True, "tooltipDelay": 120},
        "nodes": {"font": {"face": "WenQuanYi Micro Hei, sans-serif"},
                  # a label under 9 px on screen is not drawn: minor nodes' until zoomed in
                  "scaling": {"label": {"enabled": False, "drawThreshold": 10}}},
        "edges": {"smooth": False, "font": {"size": 8 if big else 11},
                  "arrows": {"to": {"enabled": True, "scaleFactor": 1.0 if directed else 0.4}},
                  "scaling": {"label": {"drawThreshold": 10}}},
    }


def _type_counts(sub: Subgraph) -> tuple[dict[str, int], dict[str, int]]:
    """Node and edge types on the page with their counts, in the style tables' order."""
    nodes: dict[str, int] = {}
    for n in sub.nodes.values():
        nodes[n.type] = nodes.get(n.type, 0) + 1
    edges: dict[str, int] = {}
    for e in sub.edges:
        edges[e.type] = edges.get(e.type, 0) + 1
    return (dict(sorted(nodes.items(), key=_type_order(NODE_STYLE))),
            dict(sorted(edges.items(), key=_type_order(EDGE_STYLE))))


@functools.lru_cache(maxsize=2)
def _pyvis_templates(template_dir: str) -> Environment:
    """One Jinja environment for every page: pyvis makes a new one per network, and so lexes its
    template with the inlined vis-network (700 kB) again on every request (~0.3 s). Its ``tojson``
    keeps Chinese as UTF-8 rather than six-byte escapes (it still escapes < > & ')."""
    env = Environment(loader=FileSystemLoader(template_dir))
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    return env


def _type_order(table: dict):
    order = {t: i for i, t in enumerate(table)}
    return lambda item: (order.get(item[0], len(order)), item[0])
