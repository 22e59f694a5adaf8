"""Subgraph -> one self-contained HTML page drawn by pyvis / vis-network.

pyvis is asked to inline vis-network, yet its template still links Bootstrap from a
CDN; those tags are removed so that a page never reaches beyond its own server
(research machines are air-gapped). Every piece of graph text that enters the page
goes in either through pyvis's JSON (node labels and titles; Jinja's ``tojson`` escapes
``<``, ``>`` and ``&``) or through ``html.escape``; vis-network shows a string title as
text. pyvis switches to an innerHTML popup when any title contains ``href``, so no
title may contain it.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

from pyvis.network import Network

from graph.subgraph import Subgraph, SubNode

# Colour and shape by node type; the legend is drawn from this table too.
NODE_STYLE: dict[str, dict[str, str]] = {
    "Region": {"color": "#e15759", "shape": "diamond", "name": "Region 地区"},
    "Measure": {"color": "#4e79a7", "shape": "dot", "name": "Measure 措施"},
    "Agency": {"color": "#59a14f", "shape": "triangle", "name": "Agency 部门"},
    "Theme": {"color": "#f28e2b", "shape": "star", "name": "Theme 主题"},
    "Practice": {"color": "#edc948", "shape": "star", "name": "Practice 实践"},
    "Document": {"color": "#9c755f", "shape": "square", "name": "Document 文件"},
}
EDGE_STYLE: dict[str, dict] = {
    "REPLICATED_TO": {"color": "#d62728", "width": 2.5, "dashes": False},
    "PRACTICE_FLOW": {"color": "#d62728", "width": 2.5, "dashes": False},
    "SIMILAR_TO": {"color": "#9467bd", "width": 1.5, "dashes": True},
    "MENTIONS": {"color": "#8fbf87", "width": 1, "dashes": True},
    "LED_BY": {"color": "#59a14f", "width": 1.5, "dashes": False},
}
# Where a click on a node leads; measures open their detail page.
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
    lines.append("(click for details)" if node.type in DETAIL_ROUTE else "")
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


def legend_html(types: list[str] | None = None) -> str:
    shown = [t for t in NODE_STYLE if types is None or t in types]
    items = "".join(
        f'<span class="sw" style="background:{NODE_STYLE[t]["color"]}"></span>'
        f'{html.escape(NODE_STYLE[t]["name"])} ({NODE_STYLE[t]["shape"]})' for t in shown)
    edges = "".join(
        f'<span class="ln" style="border-top:3px {"dashed" if st["dashes"] else "solid"} {st["color"]}">'
        f"</span>{html.escape(name)}" for name, st in _EDGE_LEGEND)
    return (f'<div class="legend" id="legend">图例 Legend:{items}'
            f'<br><span class="edges">边 Edges:{edges}</span></div>')


_EDGE_LEGEND = [("replicated to / practice flow 复制推广", EDGE_STYLE["REPLICATED_TO"]),
                ("led by 牵头/配合", EDGE_STYLE["LED_BY"]),
                ("named in text 提及", EDGE_STYLE["MENTIONS"]),
                ("similar 相似", EDGE_STYLE["SIMILAR_TO"]),
                ("other 其他", {"color": "#aaaaaa", "dashes": False})]


def truncation_notice(sub: Subgraph) -> str:
    if not sub.truncated:
        return ""
    return (f'<p class="notice" id="truncated">只显示部分 Showing only part of the graph: '
            f"the first {len(sub.nodes)} nodes (limit {sub.limit}).</p>")


_CLICK_SCRIPT = """
<script>
(function () {
  var routes = %s;
  if (typeof network === "undefined") { return; }
  network.on("click", function (params) {
    if (!params.nodes || params.nodes.length !== 1) { return; }
    var node = nodes.get(params.nodes[0]);
    var base = node && routes[node.pg_type];
    if (base) { window.location.href = base + encodeURIComponent(node.pg_key); }
  });
  // Small graphs may finish stabilising before this script runs, so poll as well.
  function ready() { document.body.setAttribute("data-network-ready", "1"); }
  network.once("stabilizationIterationsDone", ready);
  network.once("stabilized", ready);
  var tries = 0;
  (function poll() {
    if (document.body.hasAttribute("data-network-ready")) { return; }
    if ((network.physics && network.physics.stabilized) || ++tries > 100) { ready(); return; }
    setTimeout(poll, 100);
  })();
  document.body.setAttribute("data-network-drawn", "1");
})();
</script>
"""


def render_page(sub: Subgraph, parts: PageParts, *, documents: dict[str, str] | None = None,
                directed: bool = False, height: str = "620px") -> str:
    """The full HTML page: header, legend, notice, network, footer, click navigation."""
    documents = documents or {}
    # Always "directed" for pyvis: its undirected mode silently drops parallel edges
    # (Measure -IN_REGION-> Region next to Measure -REPLICATED_TO-> Region).
    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line",
                  heading="")
    arrows = {"to": {"enabled": True, "scaleFactor": 1.0 if directed else 0.4}}
    for node in sub.nodes.values():
        style = NODE_STYLE.get(node.type, {"color": "#999", "shape": "dot"})
        size = 22 if node.type in ("Region", "Theme") else 14
        extra = {}
        if node.props.get("emphasis"):
            size, extra["borderWidth"] = 26, 3
        if node.props.get("pin"):
            extra.update(x=node.props["pin"][0], y=node.props["pin"][1], fixed=True, physics=False)
            size = 30
        net.add_node(node.id, label=node.label, title=node_tooltip(node, documents),
                     color=style["color"], shape=style["shape"], size=size,
                     pg_type=node.type, pg_key=node.key, **extra)
    for edge in sub.edges:
        style = EDGE_STYLE.get(edge.type, {"color": "#aaaaaa", "width": 1, "dashes": False})
        title = edge.type
        if edge.props.get("role"):
            title += f" ({edge.props['role']})"
        if edge.props.get("scope"):
            title += f" scope: {edge.props['scope']}"
        if edge.props.get("label"):
            title += f"\n{edge.props['label']}"
        width = edge.props.get("width", style["width"])
        net.add_edge(edge.source, edge.target, title=safe_title(title), color=style["color"],
                     width=width, dashes=style["dashes"], label=edge.props.get("short", ""),
                     arrows=arrows)
    big = len(sub.nodes) > 100
    net.set_options(json.dumps({
        # Kamada-Kawai seeding ("improvedLayout") costs seconds on a few hundred nodes.
        "layout": {"improvedLayout": not big},
        "physics": {"stabilization": {"iterations": 150 if big else 300},
                    "barnesHut": {"springLength": 140, "avoidOverlap": 0.3}},
        "interaction": {"hover": True, "tooltipDelay": 120},
        "nodes": {"font": {"size": 14, "face": "WenQuanYi Micro Hei, sans-serif"}},
        "edges": {"smooth": {"type": "continuous"}, "font": {"size": 10}},
    }))
    page = strip_external(net.generate_html())
    page = _EMPTY_HEADING.sub("", page)
    header = (parts.header + legend_html(sorted({n.type for n in sub.nodes.values()}))
              + truncation_notice(sub))
    page = page.replace("<head>", "<head>" + page_head(parts.title), 1)
    page = page.replace("<body>", '<body><main class="pg">' + header, 1)
    click = _CLICK_SCRIPT % json.dumps(DETAIL_ROUTE)
    idx = page.rfind("</body>")
    page = page[:idx] + parts.footer + "</main>" + click + page[idx:]
    return "<!DOCTYPE html>\n" + page
