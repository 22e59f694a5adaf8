// The graph canvas of every page, on top of the vis-network that pyvis draws (globals
// `network`, `nodes`, `edges`). Positions come from the server and physics is off, so the
// picture is the same on every load. Graph text only ever enters the DOM as textContent.
(function () {
  "use strict";
  if (typeof network === "undefined") { return; }
  var cfg = JSON.parse(document.getElementById("pg-canvas-config").textContent);
  var FADED = "rgba(190,190,190,0.25)";
  var FADED_FONT = "rgba(120,120,120,0.35)";
  var state = {focus: null, nodeOff: {}, edgeOff: {}, from: "", to: "", matches: {}};
  var body = document.body;

  function byId(id) { return document.getElementById(id); }
  function el(tag, text, attrs) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    for (var k in (attrs || {})) { e.setAttribute(k, attrs[k]); }
    return e;
  }
  function nodeStyle(type) { return cfg.nodeStyle[type] || cfg.otherNode; }
  function edgeStyle(type) { return cfg.edgeStyle[type] || cfg.otherEdge; }
  function edgeColor(e) {
    var st = edgeStyle(e.pg_type);
    return {color: st.color, highlight: st.color, hover: st.color, opacity: st.opacity || 1};
  }
  function href(node) {
    var base = cfg.routes[node.pg_type];
    return base ? base + encodeURIComponent(node.pg_key) : null;
  }

  // -- visibility: type filters and the time range ------------------------------------
  // A date may be a year or a month only ("2021", "2021-03"): it is out of the range only when
  // all of it lies outside.
  function firstDay(d) { return (d + "-01-01").slice(0, 10); }
  function lastDay(d) { return d.length >= 10 ? d.slice(0, 10) : d.length === 7 ? d + "-31" : d.slice(0, 4) + "-12-31"; }
  function outOfRange(n) {
    if (n.pg_type !== "Measure" || !n.pg_date) { return false; }  // undated measures stay
    var d = String(n.pg_date);
    return !!((state.from && lastDay(d) < state.from) || (state.to && firstDay(d) > state.to));
  }
  function applyVisibility() {
    var nodeUpd = [], edgeUpd = [], shown = 0, outside = 0;
    nodes.forEach(function (n) {
      var late = outOfRange(n);
      if (late) { outside++; }
      var hide = !!state.nodeOff[n.pg_type] || late;
      if (!hide) { shown++; }
      if (n.hidden !== hide) { nodeUpd.push({id: n.id, hidden: hide}); }
    });
    edges.forEach(function (e) {
      var hide = !!state.edgeOff[e.pg_type];
      if (e.hidden !== hide) { edgeUpd.push({id: e.id, hidden: hide}); }
    });
    if (nodeUpd.length) { nodes.update(nodeUpd); }
    if (edgeUpd.length) { edges.update(edgeUpd); }
    body.setAttribute("data-visible-nodes", String(shown));
    var count = byId("pg-time-count");
    if (count) { count.textContent = outside ? outside + " measure(s) outside the range hidden" : ""; }
  }

  // -- paint: focus (neighbourhood kept, others faded) and search matches ---------------
  function paint() {
    // Kept in full colour: the focused node's neighbourhood and the find matches; with neither,
    // everything.
    var keep = null;
    if (state.focus !== null && nodes.get(state.focus)) {
      keep = {};
      keep[state.focus] = true;
      network.getConnectedNodes(state.focus).forEach(function (id) { keep[id] = true; });
    }
    var matched = Object.keys(state.matches);
    if (matched.length) {
      keep = keep || {};
      matched.forEach(function (id) { keep[id] = true; });
    }
    var nodeUpd = [];
    nodes.forEach(function (n) {
      var faded = keep !== null && !keep[n.id];
      var match = !!state.matches[n.id];
      if (!!n.pg_faded === faded && !!n.pg_match === match && n.pg_painted) { return; }
      var color = faded ? {background: FADED, border: FADED}
                        : {background: n.pg_color, border: match ? "#111111" : n.pg_color};
      nodeUpd.push({id: n.id, pg_faded: faded, pg_match: match, pg_painted: true, color: color,
                    borderWidth: match ? 4 : (n.pg_border || 1),
                    font: {color: faded ? FADED_FONT : "#222222", size: n.font && n.font.size}});
    });
    nodes.update(nodeUpd);
    var edgeUpd = [];
    edges.forEach(function (e) {
      var faded = keep !== null && !(e.from === state.focus || e.to === state.focus ||
                                     state.matches[e.from] || state.matches[e.to]);
      if (!!e.pg_faded === faded && e.pg_painted) { return; }
      edgeUpd.push({id: e.id, pg_faded: faded, pg_painted: true,
                    color: faded ? {color: FADED, highlight: FADED, hover: FADED, opacity: 1}
                                 : edgeColor(e)});
    });
    edges.update(edgeUpd);
  }

  // -- the side panel --------------------------------------------------------------------
  var panel = el("div", null, {id: "pg-panel", hidden: ""});
  byId("mynetwork").parentNode.appendChild(panel);

  function showPanel(id) {
    var n = nodes.get(id);
    panel.textContent = "";
    var close = el("button", "×", {"class": "close", title: "close", type: "button"});
    close.addEventListener("click", function () { unfocus(); });
    panel.appendChild(close);
    panel.appendChild(el("h3", nodeStyle(n.pg_type).name || n.pg_type, {id: "pg-panel-type"}));
    panel.appendChild(el("div", n.pg_full || n.label, {id: "pg-panel-label", "class": "label"}));
    var dl = el("dl", null, {id: "pg-panel-facts"});
    (n.pg_facts || []).forEach(function (f) {
      dl.appendChild(el("dt", f[0]));
      dl.appendChild(el("dd", f[1]));
    });
    if (n.pg_type === "Measure") {
      dl.appendChild(el("dt", "日期 date"));
      dl.appendChild(el("dd", n.pg_date ? n.pg_date + " (its document's date" + (n.pg_date_source ? ", read from: " + n.pg_date_source : "") + ")"
                                        : "无日期 no date known", {id: "pg-panel-date"}));
    }
    dl.appendChild(el("dt", "连接 links on this page"));
    dl.appendChild(el("dd", String(network.getConnectedNodes(id).length)));
    panel.appendChild(dl);
    var actions = el("div", null, {"class": "actions"});
    var url = href(n);
    if (url) { actions.appendChild(el("a", "打开页面 open page →", {id: "pg-open", href: url})); }
    var expand = el("button", "展开邻居 expand", {id: "pg-expand", type: "button",
                                                   title: "add this node's neighbours to the picture"});
    expand.addEventListener("click", function () { expandNode(id, expand); });
    actions.appendChild(expand);
    panel.appendChild(actions);
    panel.appendChild(el("div", "", {id: "pg-panel-msg"}));
    panel.hidden = false;
  }

  function focusNode(id) {
    state.focus = id;
    paint();
    showPanel(id);
    body.setAttribute("data-focus", String(id));
  }
  function unfocus() {
    state.focus = null;
    paint();
    panel.hidden = true;
    body.removeAttribute("data-focus");
  }

  network.on("click", function (params) {
    if (params.nodes && params.nodes.length === 1) { focusNode(params.nodes[0]); }
    else if (!params.edges || params.edges.length === 0) { unfocus(); }
  });
  // The browser's own dblclick (not vis-network's tap timing, which a busy page can miss).
  var container = byId("mynetwork");
  container.addEventListener("dblclick", function (ev) {
    var rect = container.getBoundingClientRect();
    var id = network.getNodeAt({x: ev.clientX - rect.left, y: ev.clientY - rect.top});
    if (id === undefined) { return; }
    var url = href(nodes.get(id));
    if (url) { window.location.href = url; }
  });

  // -- expand: the node's neighbours from /api/subgraph, added in place --------------------
  function shortLabel(text) {
    text = String(text || "");
    return text.length <= cfg.shortLabel ? text : text.slice(0, cfg.shortLabel - 1) + "…";
  }
  function edgeKey(from, to, type) { return from + "\u0000" + to + "\u0000" + type; }

  function expandNode(id, button) {
    var n = nodes.get(id);
    var msg = byId("pg-panel-msg");
    button.disabled = true;
    var url = "/api/subgraph?center=" + encodeURIComponent(n.pg_type + ":" + n.pg_key) +
              "&depth=1&limit=" + cfg.expandLimit;
    fetch(url, {headers: {"Accept": "application/json"}})
      .then(function (r) {
        return r.json().then(function (b) { return {ok: r.ok, body: b}; });
      })
      .then(function (res) {
        if (!res.ok) { throw new Error((res.body && res.body.detail) || "request failed"); }
        var added = addNeighbours(id, res.body);
        msg.textContent = added.nodes + " node(s), " + added.edges + " link(s) added" +
                          (res.body.truncated ? " (capped at " + cfg.expandLimit + ")" : "");
        body.setAttribute("data-expanded", String(parseInt(body.getAttribute("data-expanded") || "0", 10) + 1));
        focusNode(id);
        byId("pg-panel-msg").textContent = msg.textContent;
        network.fit({nodes: network.getConnectedNodes(id).concat([id]), animation: false});
      })
      .catch(function (err) {
        msg.textContent = "could not expand: " + err.message;
        button.disabled = false;
      });
  }

  function addNeighbours(centreId, sub) {
    var centre = network.getPositions([centreId])[centreId];
    var known = {};
    edges.forEach(function (e) { known[edgeKey(e.from, e.to, e.pg_type)] = true; });
    var fresh = sub.nodes.filter(function (x) { return !nodes.get(x.id); });
    // A ring around the expanded node, roomy enough for its new neighbours.
    var radius = Math.max(140, fresh.length * 46 / (2 * Math.PI));
    var newNodes = fresh.map(function (x, i) {
      var angle = 2 * Math.PI * i / Math.max(fresh.length, 1);
      var st = nodeStyle(x.type);
      var key = x.id.slice(x.id.indexOf(":") + 1);
      ensureLegend("node", x.type);
      return {id: x.id, label: shortLabel(x.label), title: (st.name || x.type) + ": " + x.label,
              x: centre.x + radius * Math.cos(angle), y: centre.y + radius * Math.sin(angle),
              shape: st.shape, size: 10, font: {size: cfg.minorFont},
              color: st.color, pg_color: st.color, pg_type: x.type, pg_key: key, pg_full: x.label,
              pg_facts: [["key", key]], pg_find: (x.label + " " + key).toLowerCase(), pg_date: "",
              pg_expanded: true};
    });
    nodes.add(newNodes);
    var newEdges = [];
    sub.edges.forEach(function (e) {
      var k = edgeKey(e.source, e.target, e.type);
      if (known[k]) { return; }
      known[k] = true;
      var st = edgeStyle(e.type);
      ensureLegend("edge", e.type);
      newEdges.push({from: e.source, to: e.target, title: e.type, color: edgeColor({pg_type: e.type}),
                     width: st.width, dashes: st.dashes, pg_type: e.type});
    });
    edges.add(newEdges);
    applyVisibility();
    return {nodes: newNodes.length, edges: newEdges.length};
  }

  // -- legend checkboxes: show / hide a node or edge type ------------------------------
  function onToggle(ev) {
    var box = ev.target;
    if (!box.matches || !box.matches("input[data-kind]")) { return; }
    var off = box.getAttribute("data-kind") === "node" ? state.nodeOff : state.edgeOff;
    if (box.checked) { delete off[box.value]; } else { off[box.value] = true; }
    applyVisibility();
  }
  var legend = byId("legend");
  if (legend) { legend.addEventListener("change", onToggle); }

  function ensureLegend(kind, type) {
    if (!legend) { return; }
    var holder = legend.querySelector(kind === "node" ? "span.nodes" : "span.edges");
    var items = holder.querySelectorAll("label.lg");
    for (var i = 0; i < items.length; i++) {
      if (items[i].getAttribute("data-" + kind + "-type") === type) { return; }
    }
    var label = el("label", null, {"class": "lg"});
    label.setAttribute("data-" + kind + "-type", type);
    var box = el("input", null, {type: "checkbox", "data-kind": kind, value: type});
    box.checked = true;
    label.appendChild(box);
    var st = kind === "node" ? nodeStyle(type) : edgeStyle(type);
    var sw = el("span", null, {"class": kind === "node" ? "sw" : "ln"});
    if (kind === "node") { sw.style.background = st.color; }
    else { sw.style.borderTop = "3px " + (st.dashes ? "dashed " : "solid ") + st.color; }
    label.appendChild(sw);
    label.appendChild(document.createTextNode(st.name === cfg.otherNode.name || st.name === cfg.otherEdge.name
                                              ? type : st.name));
    holder.appendChild(label);
  }

  // -- find in graph: highlight the matches and zoom to them ---------------------------
  var find = byId("pg-find");
  function runFind() {
    var q = find.value.trim().toLowerCase();
    state.matches = {};
    var ids = [];
    if (q) {
      nodes.forEach(function (n) {
        if (!n.hidden && String(n.pg_find || n.label || "").indexOf(q) >= 0) {
          state.matches[n.id] = true;
          ids.push(n.id);
        }
      });
    }
    paint();
    byId("pg-find-count").textContent = q ? ids.length + " found" : "";
    body.setAttribute("data-find-matches", String(ids.length));
    if (ids.length) {
      network.fit({nodes: ids, animation: false});
      // One match would fill the screen; stop at twice the default size.
      var most = 2;
      if (network.getScale() > most) { network.moveTo({scale: most, animation: false}); }
    } else if (q === "") {
      network.fit({animation: false});
    }
  }
  if (find) {
    find.addEventListener("input", runFind);
    find.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); runFind(); } });
  }

  // -- time range ----------------------------------------------------------------------
  var from = byId("pg-from"), to = byId("pg-to");
  function onRange() {
    state.from = from ? from.value : "";
    state.to = to ? to.value : "";
    applyVisibility();
  }
  if (from) { from.addEventListener("change", onRange); from.addEventListener("input", onRange); }
  if (to) { to.addEventListener("change", onRange); to.addEventListener("input", onRange); }

  // -- first paint ---------------------------------------------------------------------
  nodes.forEach(function (n) { if (n.borderWidth) { nodes.update({id: n.id, pg_border: n.borderWidth}); } });
  applyVisibility();
  network.fit({animation: false});
  body.setAttribute("data-network-drawn", "1");
  body.setAttribute("data-network-ready", "1");
})();
