"""Organisation names as documents write them → the key they are matched by (one case per rule/alias)."""

from __future__ import annotations

import pytest

from app.services.organisations import NAME_ALIASES, name_key, unlabelled

ROOT, GOVERNMENTS = "佛山市", ("南海区", "顺德区")


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("甲方（佛山市投资促进局）", "佛山市投资促进局"),
        ("甲方(佛山市投资促进局)", "佛山市投资促进局"),
        ("佛山市投资促进局（甲方）", "佛山市投资促进局"),
        ("乙方：某某科技有限公司", "某某科技有限公司"),
        ("乙方", "乙方"),  # a bare label names nobody
        ("某某（佛山）有限公司", "某某(佛山)有限公司"),  # brackets that are no party label stay
        ("  市财政局 ", "市财政局"),
    ],
)
def test_unlabelled(written: str, name: str) -> None:
    assert unlabelled(written) == name


@pytest.mark.parametrize(
    ("written", "organisation"),
    [
        ("佛山市财政局", "市财政局"),  # the city's own name reduced to its level
        ("佛山市南海区财政局", "南海区财政局"),  # … dropped before a district
        ("佛山市人民政府", "佛山市"),  # a government is its area
        ("市政府", "佛山市"),
        ("南海区人民政府", "南海区"),
        ("佛山市发展和改革局", "市发展改革局"),
        ("市人力资源和社会保障局", "市人力资源社会保障局"),
        ("市住房和城乡建设局", "市住房城乡建设局"),
        ("市发改局", "市发展改革局"),
        ("市人社局", "市人力资源社会保障局"),
        ("市住建局", "市住房城乡建设局"),
        ("市投促局", "市投资促进局"),
        ("甲方（佛山市投资促进局）", "市投资促进局"),
    ],
)
def test_written_names_have_the_organisations_key(written: str, organisation: str) -> None:
    assert name_key(written, ROOT, GOVERNMENTS) == name_key(organisation, ROOT, GOVERNMENTS)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("南海区财政局", "顺德区财政局"),  # districts are never merged
        ("市财政局", "南海区财政局"),
        ("市政府各部门", "佛山市"),  # a group is no single body
        ("市商务局", "市发展改革局"),
    ],
)
def test_different_bodies_keep_different_keys(a: str, b: str) -> None:
    assert name_key(a, ROOT, GOVERNMENTS) != name_key(b, ROOT, GOVERNMENTS)


def test_every_alias_is_used_by_a_case_above() -> None:
    cases = "发展和改革 人力资源和社会保障 住房和城乡建设 发改局 人社局 住建局 投促局 人民政府 政府"
    assert {written for written, _ in NAME_ALIASES} <= set(cases.split())
