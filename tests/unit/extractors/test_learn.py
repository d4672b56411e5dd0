"""The learned clause and role models: trained from gold files, loaded, applied after the rules."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from extractors import learn
from extractors.model import DocumentKind, ExtractOptions
from extractors.pipeline import extract

TEXT = (
    "{title}\n甲方：{gov}\n乙方：{firm}\n"
    "一、甲方应当在本协议签订之日起30日内交付项目用地。\n"
    "二、乙方应当于2025年12月31日前竣工投产。\n"
    "三、乙方有权依法享受优惠政策。\n"
    "四、本协议未尽事宜，由双方协商解决。\n"
)
DOCS = [
    ("产业园入园协议", "城南区人民政府", "华禾科技有限公司"),
    ("项目投资协议书", "临江经济开发区管理委员会", "东岳新材料有限公司"),
    ("招商引资合同", "青溪镇人民政府", "北辰智能装备有限公司"),
]


def _corpus(tmp_path: Path) -> list[tuple[Path, dict[str, object]]]:
    docs = []
    for i, (title, gov, firm) in enumerate(DOCS):
        text = TEXT.format(title=title, gov=gov, firm=firm)
        path = tmp_path / f"d{i}.txt"
        path.write_text(text, "utf-8")
        gold = {
            "doc_id": f"d{i}",
            "kind": "investment_promotion",
            "language": "zh",
            "signed_on": "2025-01-10",
            "obligations": [
                {"quote": "甲方应当在本协议签订之日起30日内交付项目用地", "obligor_role": "government"},
                {"quote": "乙方应当于2025年12月31日前竣工投产", "obligor_role": "counterparty"},
            ],
        }
        docs.append((path, gold))
    return docs


def test_matches_is_the_scorers_criterion() -> None:
    assert learn.matches(
        "甲方应当在本协议签订之日起30日内交付项目用地。", "甲方应当在本协议签订之日起30日内交付项目用地"
    )
    assert not learn.matches("乙方有权依法享受优惠政策", "甲方应当在本协议签订之日起30日内交付项目用地")


def test_examples_label_rule_findings_by_the_gold(tmp_path: Path) -> None:
    [(result, gold)] = learn.rules_results(_corpus(tmp_path)[:1])
    clause, role = learn.examples(result, gold)
    assert sum(1 for _, label in clause if label == "duty") == 2
    assert sorted(label for _, label in role) == ["counterparty", "government"]


def test_trained_models_load_and_correct_an_extraction(tmp_path: Path) -> None:
    out = learn.train(_corpus(tmp_path), tmp_path / "models", epochs=3)
    info = json.loads((out / "training.json").read_text("utf-8"))
    assert info["documents"] == 3
    assert info["clause_duty"] == 6
    models = learn.load(out)
    assert models is not None
    data = TEXT.format(title="合作协议", gov="西山县人民政府", firm="远航物流有限公司").encode()
    options = ExtractOptions(signed_on=date(2025, 2, 1), kind=DocumentKind.INVESTMENT_PROMOTION)
    rules = extract(data, options.replace(learned=False))
    corrected = extract(data, options.replace(models=out))
    by_text = {o.text.rstrip("。"): o.obligor.role for o in corrected.obligations}
    assert by_text["甲方应当在本协议签订之日起30日内交付项目用地"] == "government"
    assert by_text["乙方应当于2025年12月31日前竣工投产"] == "counterparty"
    assert len(corrected.obligations) <= len(rules.obligations) + 2
    assert learn.load(tmp_path / "nothing-here") is None  # no weights: the rules alone decide
