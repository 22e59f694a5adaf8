"""Every kind of page, opened in headless Chromium against a running server: seconds from the
request to a page laid out (graph pages: the canvas's data-network-ready), console errors, and
requests to any other host. For issue 17's "every page under 2 s, no console error, nothing off
the machine" on a graph the caller chose (the founding corpus plus the development set, say).

    policy-graph ingest data/corpus data/devset --db /tmp/all.lbdb
    policy-graph serve --db /tmp/all.lbdb --port 8011 &
    python -m bench.pages --base http://127.0.0.1:8011 [--json out.json]

Pages are found from the server's own answers (a theme, a measure, an agency, a document, the
regions with most measures), so the list follows whatever graph is served.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from urllib.parse import quote, urlsplit

import httpx

CHROMIUM = "/usr/bin/chromium"


def page_list(base: str) -> list[tuple[str, bool]]:
    """(path, is a graph page) for every page kind, keyed from the served graph."""
    get = lambda path, **params: httpx.get(base + path, params=params, timeout=60).json()  # noqa: E731
    regions = sorted((r for r in get("/api/regions") if r["measure_count"]),
                     key=lambda r: -r["measure_count"])
    names = [r["name"] for r in regions]
    themes = sorted(get("/api/themes"), key=lambda t: -t["measure_count"])
    theme = themes[0]["key"]
    measure = get("/api/measures", region=names[0], limit=1)["items"][0]["id"]
    detail = get(f"/api/measures/{measure}")
    agency = next(iter(detail.get("agencies") or []), None)
    document = get("/api/documents", limit=1)[0]["id"]
    q = lambda s: quote(s, safe="")  # noqa: E731
    pages = [("/", False), (f"/viz/search?q={q('知识产权质押融资')}", False), ("/viz/measures", False),
             (f"/viz/measures?theme={q(theme)}", False), (f"/viz/theme/{q(theme)}", True),
             (f"/viz/region/{q(names[0])}", True), (f"/viz/measure/{q(measure)}", True),
             (f"/viz/compare?regions={q(','.join(names[:5]))}", True), (f"/viz/gaps?region={q(names[0])}", True),
             (f"/viz/paths?from={q(names[0])}", True), (f"/viz/timeline?q={q(theme)}", False),
             (f"/viz/document/{q(document)}", False),
             (f"/viz/explore?center={q('Region:' + names[0])}&depth=2", True)]
    if agency:
        pages.append((f"/viz/agency/{q((agency.get('region') or '') + '|' + agency['name'])}", False))
    return pages


def measure(base: str, rounds: int) -> dict:
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for path, graph in page_list(base):
            seconds, errors, foreign = [], [], []
            for _ in range(rounds):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(("data:", "about:", "blob:"))
                        and urlsplit(r.url).netloc != urlsplit(base).netloc else None)
                start = time.perf_counter()
                response = page.goto(base + path, wait_until="load")
                if graph:
                    page.wait_for_selector("body[data-network-ready]", state="attached", timeout=60_000)
                seconds.append(round(time.perf_counter() - start, 3))
                status = response.status if response else None
                context.close()
            out[path] = {"status": status, "median_seconds": statistics.median(seconds), "seconds": seconds,
                         "console_errors": errors, "off_host_requests": foreign}
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json")
    args = parser.parse_args()
    result = measure(args.base.rstrip("/"), args.rounds)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            fh.write(text)
    for path, r in result.items():
        flag = "" if r["status"] == 200 and not r["console_errors"] and not r["off_host_requests"] else "  <-- check"
        print(f"{r['median_seconds']:6.2f} s  {r['status']}  {path}{flag}")


if __name__ == "__main__":
    main()
