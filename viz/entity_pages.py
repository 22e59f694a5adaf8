"""The agency and document pages: tables drawn from the answers of /api/agencies/{key} and
/api/documents/{id} (policy_graph.lookups), every datum through ``html.escape``."""
from __future__ import annotations

from html import escape as e

from viz.pages import (agency_link, date_html, downloads, measure_link, plain_page, region_link, url)
from viz.render import snippet

ROLE_NAMES = {"lead": "牵头 Lead", "support": "配合 Support"}


def agency_page(answer: dict) -> str:
    a = answer["agency"]
    sections = []
    for r in answer["roles"]:
        rows = "".join(
            f'<tr data-region="{e(m["region"] or "")}"><td>{region_link(m["region"] or "?")}</td>'
            f"<td>{measure_link(m['id'], m['title'])}<br><small>{e(snippet(m.get('evidence'), 140))}</small></td>"
            f'<td><a class="document-link" href="{e(url("/viz/document/", m["document"]))}">'
            f"{e(m.get('document_title') or m['document'])}</a></td>"
            f"<td>{date_html(m.get('date'), m.get('date_source'))}</td>"
            f'<td><small class="evidence">{e(m.get("agency_evidence") or "")}</small></td></tr>'
            for m in r["measures"])
        more = (f"<p><small>{len(r['measures'])} of {r['measure_count']} shown (earliest first).</small></p>"
                if r["measure_count"] > len(r["measures"]) else "")
        regions = " · ".join(region_link(x) for x in r["regions"]) or "—"
        sections.append(
            f'<h2 id="role-{e(r["role"])}">{e(ROLE_NAMES.get(r["role"], r["role"]))} '
            f'(<span class="role-count">{r["measure_count"]}</span> measures, {r["region_count"]} regions)</h2>'
            f"<p>Regions: {regions}</p>"
            f'<table class="pg" data-role="{e(r["role"])}"><tr><th>Region</th><th>Measure</th>'
            f"<th>Document</th><th>Date</th><th>Responsibility line (evidence)</th></tr>{rows}</table>{more}")
    browse = url("/viz/measures?agency=", a["id"])
    body = (f'<h1>机构 Agency: {e(a["name"])} <small>({e(a.get("region") or "?")})</small></h1>'
            f"<p>Identity <code>{e(a['id'])}</code>: agencies are told apart by region "
            f"({region_link(a['region']) if a.get('region') else '?'}). "
            f"{answer['measure_count']} measures name it in their responsibility lines "
            f"(责任单位 lead, 配合单位 support).</p>"
            f'<p><a id="browse-agency" href="{e(browse)}">Browse and filter these measures</a></p>'
            + downloads("/api/measures?agency=" + _q(a["id"]) + "&limit=500")
            + "".join(sections)
            + f'<p><a href="{e(url("/api/agencies/", a["id"]))}">as JSON</a></p>')
    return plain_page(f"Agency {a['name']}", body)


def agency_choice_page(key: str, matches: list[dict]) -> str:
    """A name that several agencies share (市科技局 of each city): the user picks one."""
    items = "".join(f"<li>{agency_link(m['id'], m['name'] + ' (' + (m.get('region') or '?') + ')')} "
                    f"<small>{m['measure_count']} measures</small></li>" for m in matches)
    return plain_page(f"Agency {key}", f"<h1>机构 Agency: {e(key)}</h1><p>{len(matches)} agencies carry "
                                       f'this name; pick one:</p><ul id="agency-choices">{items}</ul>')


FIELDS = (("title", "标题 Title"), ("issuer", "发文机关 Issuer"), ("doc_number", "文号 Document number"),
          ("date", "日期 Date"), ("region", "地区 Region"), ("level", "层级 Level"), ("script", "原文字体 Script"))


def document_page(answer: dict) -> str:
    d, prov = answer["document"], answer["provenance"]

    def value(key: str) -> str:
        if key == "region" and d.get("region"):
            return region_link(d["region"])
        if key == "date":
            return date_html(d.get("date"), d.get("date_source"))
        return e(str(d.get(key) or "—"))
    facts = "".join(f'<tr data-field="{key}"><th>{label}</th><td>{value(key)}</td>'
                    f'<td><small class="provenance">{e(prov.get(key) or ("—" if key != "date" else d.get("date_source") or "—"))}'
                    f"</small></td></tr>" for key, label in FIELDS)
    measures = "".join(f'<li data-id="{e(m["id"])}">{e(m.get("label") or "")} {measure_link(m["id"], m["title"])}'
                       f"<br><small>{e(snippet(m.get('text'), 160))}</small></li>" for m in answer["measures"])
    safeguards = "".join(f"<li>{measure_link(m['id'], m['title'])}</li>" for m in answer["safeguards"])
    more = (f"<p><small>{len(answer['measures'])} of {answer['measure_total']} shown.</small></p>"
            if answer["measure_total"] > len(answer["measures"]) else "")
    body = (f"<h1>文件 Document: {e(d.get('title') or d['id'])}</h1>"
            f'<table class="pg" id="document-facts"><tr><th>Field</th><th>Value</th>'
            f"<th>Read from (provenance)</th></tr>{facts}</table>"
            f'<h2>措施 Measures in order (<span id="measure-total">{answer["measure_total"]}</span>)</h2>'
            + downloads("/api/measures?document=" + _q(d["id"]) + "&limit=500")
            + f'<ol id="document-measures">{measures}</ol>{more}'
            + (f'<h2>保障措施 Safeguards ({len(answer["safeguards"])})</h2><ul id="safeguards">{safeguards}</ul>'
               if safeguards else "")
            + f'<p><a href="{e(url("/viz/explore?center=", "Document:" + d["id"]))}">探索邻域 Explore the '
              f'neighbourhood</a> · <a href="{e(url("/api/documents/", d["id"]))}">as JSON</a></p>')
    return plain_page(f"Document {d.get('title') or d['id']}", body)


def _q(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")
