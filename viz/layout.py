"""Server-side positions for a drawn Subgraph: the same page gives the same picture every load.

The browser gets x/y with physics off, so nothing moves after the first paint and nothing
depends on timing. Positions are in pixels of the canvas: a seeded spring layout (networkx)
stretched over the canvas, then every footprint (a node, and its label below it when it is
labelled) pushed apart until none overlaps. Only as many labels as fit are drawn at the
default zoom, the most important nodes first; the others show on hover or once zoomed in.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np

from graph.subgraph import Subgraph

CANVAS_W, CANVAS_H = 1180.0, 580.0  # the drawing area a 1280-pixel-wide window gives the canvas
LABEL_FONT = 13.0                   # pixels of a label shown at the default zoom
MINOR_FONT = 8.0                    # the other labels: under the draw threshold until zoomed in
SEED = 7                            # one seed: one picture
SPRING_ITERATIONS = 50              # enough for a few hundred nodes, cheap (a few ms each)
SEPARATION_ROUNDS = 120             # overlap removal rounds (most pages settle in a few dozen)
SEQUENTIAL_PAIRS = 40               # fewer overlapping pairs than this: resolve them one by one
SEQUENTIAL_NODES = 100              # up to this many nodes, always one by one (tighter pictures)
FIT_SLACK = 1.3                     # the separated picture may outgrow the canvas this much (fonts shrink as much)
CROWD_NODES = 80                    # beyond this many nodes, every node is drawn smaller
LABEL_ROOM = 2.5                    # canvas area / area of the footprints drawn at the default zoom
LABELLED_MIN = 12                   # never fewer labels than this at the default zoom


@dataclass
class Placed:
    x: float
    y: float
    size: float        # node radius, pixels at the default zoom
    labelled: bool     # label drawn at the default zoom
    importance: int    # degree in the drawn graph (a region or theme grows with its measures)


@dataclass
class Layout:
    nodes: dict[str, Placed]
    grown: float       # how much wider than the canvas the picture came out (>= 1): fonts shrink as much


def importance(sub: Subgraph) -> dict[str, int]:
    """Degree in the drawn graph: a region or theme with many measures outranks a lone measure."""
    deg = {nid: 0 for nid in sub.nodes}
    for e in sub.edges:
        deg[e.source] = deg.get(e.source, 0) + 1
        deg[e.target] = deg.get(e.target, 0) + 1
    return deg


def node_radius(degree: int, emphasis: bool = False, crowd: float = 1.0) -> float:
    """Radius by degree; ``crowd`` (<= 1) shrinks every node of a big picture alike."""
    return max(5.0, (min(10.0 + 4.0 * math.sqrt(degree), 34.0) + (6.0 if emphasis else 0.0)) * crowd)


SHORT_LABEL = 14  # characters of a label drawn on the canvas; the full one is in the tooltip and panel


def short_label(text: str, n: int = SHORT_LABEL) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def label_width(text: str, font: float) -> float:
    """Approximate pixel width: CJK characters are square, Latin ones about half as wide."""
    wide = sum(1 for ch in text if ord(ch) > 0x2E80)
    return font * (wide + 0.56 * (len(text) - wide)) + 4.0


def _ranked(sub: Subgraph, deg: dict[str, int]) -> list[str]:
    """Nodes by how much their label matters: pinned and emphasised first, then the hubs a
    reader finds the picture by (regions, themes, agencies, documents) before the measures
    hanging off them, each by degree; the id breaks ties so the choice is stable."""
    must = {nid for nid, n in sub.nodes.items() if n.props.get("pin") or n.props.get("emphasis")}
    return sorted(sub.nodes, key=lambda nid: (nid not in must, sub.nodes[nid].type == "Measure", -deg[nid], nid))


def _labels_that_fit(sub: Subgraph, ranked: list[str], radius: dict[str, float], room: float) -> int:
    """How many labels, the most important first, leave the canvas about a third full."""
    used = sum((2 * radius[nid] + 12) ** 2 for nid in ranked)
    count = 0
    for nid in ranked:
        w = max(2 * radius[nid], label_width(short_label(sub.nodes[nid].label), LABEL_FONT)) + 12
        h = 2 * radius[nid] + LABEL_FONT + 18
        used += w * h - (2 * radius[nid] + 12) ** 2
        if used > room / LABEL_ROOM and count >= LABELLED_MIN:
            break
        count += 1
    return count


def _initial(ids: list[str], pinned: dict[str, tuple[float, float]]) -> dict[str, np.ndarray]:
    """Deterministic start: free nodes on a golden-angle spiral, pinned ones where they are pinned."""
    pos = {}
    golden = math.pi * (3 - math.sqrt(5))
    for i, nid in enumerate(ids):
        if nid in pinned:
            pos[nid] = np.array(pinned[nid], dtype=float)
        else:
            r = 0.9 * math.sqrt((i + 0.5) / len(ids))
            pos[nid] = np.array([r * math.cos(i * golden), r * math.sin(i * golden)])
    return pos


def _spring(sub: Subgraph, ids: list[str], pinned: dict[str, tuple[float, float]]) -> np.ndarray:
    g = nx.Graph()
    g.add_nodes_from(ids)
    for e in sub.edges:
        if e.source != e.target:
            g.add_edge(e.source, e.target)
    n = max(len(ids), 1)
    # k: the natural edge length in the unit square; a bit longer than networkx's 1/sqrt(n)
    # so that the stars of a region page do not collapse onto their centre.
    iterations = SPRING_ITERATIONS if n <= SEQUENTIAL_NODES else SPRING_ITERATIONS * 3 // 5
    pos = nx.spring_layout(g, pos=_initial(ids, pinned), fixed=list(pinned) or None, k=1.6 / math.sqrt(n),
                           iterations=iterations, seed=SEED, scale=None if pinned else 1.0)
    xy = np.array([pos[nid] for nid in ids], dtype=float)
    if not pinned:
        return xy
    # With fixed nodes networkx does not rescale; bring everything into [-1, 1] as above.
    span = np.abs(xy).max() or 1.0
    return xy / span


def _even_out(xy: np.ndarray, unpinned: np.ndarray) -> np.ndarray:
    """Blend each free coordinate with its rank: a spring layout crowds the middle (hubs pull
    their stars together), ranks spread the same order evenly over [-1, 1]."""
    out = xy.copy()
    free = np.flatnonzero(unpinned)
    if len(free) < 3:
        return out
    for axis in (0, 1):
        order = np.argsort(xy[free, axis], kind="stable")
        ranks = np.empty(len(free))
        ranks[order] = np.linspace(-0.95, 0.95, len(free))
        out[free, axis] = 0.4 * xy[free, axis] + 0.6 * ranks
    return out


def _overlapping(xy: np.ndarray, half_w: np.ndarray, top: np.ndarray, bottom: np.ndarray,
                 gap: float = 0.0) -> np.ndarray:
    """Index pairs (i < j) whose footprints overlap."""
    idx = np.arange(len(xy))
    dx = xy[:, 0][:, None] - xy[:, 0][None, :]
    dy = xy[:, 1][:, None] - xy[:, 1][None, :]
    ox = half_w[:, None] + half_w[None, :] + gap - np.abs(dx)
    oy = np.where(dy < 0, bottom[:, None] + top[None, :], top[:, None] + bottom[None, :]) + gap - np.abs(dy)
    return np.argwhere((ox > 0) & (oy > 0) & (idx[:, None] < idx[None, :]))


def _separate(xy: np.ndarray, half_w: np.ndarray, top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """Push apart every pair of footprints that overlap, along the axis of least overlap.

    A footprint is the node and, when labelled, its label below it: x +- half_w, y - top .. y + bottom.
    Pairs are resolved one after another, which converges where simultaneous pushes oscillate;
    on a big picture, while many pairs overlap, all are pushed at once (numpy, damped) instead,
    which is faster but spreads the picture more.
    """
    xy = xy.copy()
    gap = 6.0
    n = len(xy)
    order = np.sign(np.arange(n)[:, None] - np.arange(n)[None, :]).astype(float)
    for _ in range(SEPARATION_ROUNDS if n <= 100 else SEPARATION_ROUNDS // 2):
        pairs = _overlapping(xy, half_w, top, bottom, gap)
        if not len(pairs):
            break
        if n > SEQUENTIAL_NODES and len(pairs) > SEQUENTIAL_PAIRS:
            dx = xy[:, 0][:, None] - xy[:, 0][None, :]
            dy = xy[:, 1][:, None] - xy[:, 1][None, :]
            ox = half_w[:, None] + half_w[None, :] + gap - np.abs(dx)
            oy = np.where(dy < 0, bottom[:, None] + top[None, :], top[:, None] + bottom[None, :]) + gap - np.abs(dy)
            hit = (ox > 0) & (oy > 0)
            np.fill_diagonal(hit, False)
            sx = np.where(dx != 0, np.sign(dx), order)
            sy = np.where(dy != 0, np.sign(dy), order)
            # each of a pair takes half the push, damped by half again against oscillation
            xy[:, 0] += 0.25 * ((hit & (ox <= oy)) * ox * sx).sum(axis=1)
            xy[:, 1] += 0.25 * ((hit & (ox > oy)) * oy * sy).sum(axis=1)
            continue
        for i, j in pairs:
            ddx, ddy = xy[i, 0] - xy[j, 0], xy[i, 1] - xy[j, 1]
            over_x = half_w[i] + half_w[j] + gap - abs(ddx)
            over_y = (bottom[i] + top[j] if ddy < 0 else top[i] + bottom[j]) + gap - abs(ddy)
            if over_x <= 0 or over_y <= 0:
                continue  # an earlier push of this round already parted them
            # each moves half the overlap apart; a tie (same point) is broken by index
            if over_x <= over_y:
                step = over_x / 2 * (1.0 if ddx > 0 or (ddx == 0 and i > j) else -1.0)
                xy[i, 0] += step
                xy[j, 0] -= step
            else:
                step = over_y / 2 * (1.0 if ddy > 0 or (ddy == 0 and i > j) else -1.0)
                xy[i, 1] += step
                xy[j, 1] -= step
    return xy


def compute(sub: Subgraph, canvas_h: float = CANVAS_H) -> Layout:
    """Positions in screen pixels of a ``CANVAS_W`` x ``canvas_h`` canvas.

    Scaling the whole picture changes nothing (the labels scale with it), so what must give
    when the footprints do not fit is the number of labels: the least important lose theirs
    (shown on hover or zoomed in) until the separated picture fits the canvas again."""
    ids = list(sub.nodes)
    if not ids:
        return Layout({}, 1.0)
    deg = importance(sub)
    crowd = min(1.0, math.sqrt(CROWD_NODES / len(ids)))
    radius = {nid: node_radius(deg[nid], bool(sub.nodes[nid].props.get("emphasis")), crowd) for nid in ids}
    pins = {nid: n.props["pin"] for nid, n in sub.nodes.items() if n.props.get("pin")}
    if pins:
        span_x = max(abs(p[0]) for p in pins.values()) or 1.0
        span_y = max(abs(p[1]) for p in pins.values()) or 1.0
        pinned = {nid: (p[0] / span_x * 0.92, p[1] / span_y * 0.92) for nid, p in pins.items()}
    else:
        pinned = {}
    unit = _even_out(_spring(sub, ids, pinned), np.array([nid not in pinned for nid in ids]))
    # Pins guide the spring layout only: in the separation a pinned region gives way to a
    # label like any node, or labels wedged between two pins would never part.
    bw, bh = CANVAS_W, canvas_h
    ranked = _ranked(sub, deg)
    top = np.array([radius[nid] for nid in ids])
    # A page of up to CROWD_NODES tries every label first; a bigger one starts from an estimate
    # (each try costs a separation).
    count = len(ids) if len(ids) <= CROWD_NODES else _labels_that_fit(sub, ranked, radius, bw * bh)
    for _ in range(4):
        labelled = set(ranked[:count])
        half_w = np.array([max(radius[nid], label_width(short_label(sub.nodes[nid].label), LABEL_FONT) / 2
                               if nid in labelled else 0) for nid in ids])
        bottom = np.array([radius[nid] + (LABEL_FONT + 6 if nid in labelled else 0) for nid in ids])
        xy = _separate(unit * np.array([bw / 2 * 0.9, bh / 2 * 0.9]), half_w, top, bottom)
        grown = max((xy[:, 0] + half_w).max() - (xy[:, 0] - half_w).min(),
                    ((xy[:, 1] + bottom).max() - (xy[:, 1] - top).min()) * bw / bh) / bw
        if grown <= FIT_SLACK or count <= LABELLED_MIN:
            break
        count = max(LABELLED_MIN, int(count * 0.7))
    # Where the rounds allowed did not part two footprints, the less important node loses its
    # label at the default zoom.
    rank = {nid: i for i, nid in enumerate(ranked)}
    for i, j in _overlapping(xy, half_w, top, bottom):
        loser = max(ids[i], ids[j], key=rank.get)
        labelled.discard(loser)
    return Layout({nid: Placed(round(float(x), 1), round(float(y), 1), radius[nid], nid in labelled, deg[nid])
                   for nid, (x, y) in zip(ids, xy)}, max(1.0, grown))
