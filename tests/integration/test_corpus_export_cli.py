"""Corrections are data, end to end: a clerk reviews an uploaded contract through the API, ``chengxin corpus
export`` writes it in the corpus gold format, the project's scorer (vendored in ``tests/data/tools``) gives
the export F1 1.0 against itself, and the export differs from the extractor's proposal exactly by the
corrections made, field by field. On SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from app.settings import Settings
from tests.conftest import City, chengxin_command, worker_env
from tests.integration.test_review import by_quote, document_text, party_a, uploaded
from tests.review_contract import LAND, MISSED, STARTED, SUBSIDY

ROOT = Path(__file__).resolve().parents[2]
SCORER = ROOT / "tests" / "data" / "tools" / "score_extraction.py"
SHARED_SCORER = ROOT.parent / "shared" / "tools" / "score_extraction.py"
PREDICTIONS = ROOT / "tests" / "corpus_predictions.py"
FIRST = "乙方承诺在某镇投资建设智能装备项目"


async def run(argv: list[str], env: dict[str, str] | None = None) -> str:
    process = await asyncio.create_subprocess_exec(
        *argv, env=env, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


def test_the_vendored_scorer_is_the_shared_one() -> None:
    if not SHARED_SCORER.exists():
        pytest.skip("no shared workspace beside this checkout (a clean clone): nothing to compare with")
    assert hashlib.sha256(SCORER.read_bytes()).digest() == hashlib.sha256(SHARED_SCORER.read_bytes()).digest()


async def test_corpus_export_of_a_reviewed_document_scores_1_and_differs_by_the_corrections(
    client: Any, city: City, db: Settings, tmp_path: Path
) -> None:
    from app.models import Obligation
    from app.services.obligations import facts

    up = await uploaded(client, city)
    auth = city.auth("investment")
    doc_id, agreement = up["doc"]["id"], up["agreement_id"]
    proposed = {o["id"]: o for o in up["obligations"]}
    proposal = {o.id: o.proposal for o in await Obligation.filter(document_id=doc_id)}
    assert set(proposal) == set(proposed)
    assert all(p is not None for p in proposal.values())

    # --- the review: the township is 南海区; a deadline phrase, an amount and a span corrected; a missed
    # clause added; a row rejected; the rest confirmed as proposed
    a = await party_a(client, city, agreement)
    linked = await client.patch(
        f"/api/agreements/{agreement}/parties/{a['id']}",
        json={"role": "government", "organisation_id": city.orgs["district"]},
        headers=auth,
    )
    assert linked.status_code == 200, linked.text
    land, subsidy, started = (by_quote(up["obligations"], c) for c in (LAND, SUBSIDY, STARTED))
    first = by_quote(up["obligations"], FIRST)
    edits = {
        land["id"]: {"deadline_text": "本协议签订之日起60日内"},
        subsidy["id"]: {"amount": "2500000"},
        started["id"]: {"start": started["start"], "end": started["start"] + STARTED.index("并开工建设")},
    }
    for ob_id, change in edits.items():
        edited = await client.patch(f"/api/obligations/{ob_id}/fields", json=change, headers=auth)
        assert edited.status_code == 200, edited.text
    text = await document_text(client, city, doc_id)
    added = await client.post(
        f"/api/documents/{doc_id}/obligations",
        json={"start": text.index(MISSED), "end": text.index(MISSED) + len(MISSED), "party_id": a["id"]},
        headers=auth,
    )
    assert added.status_code == 201, added.text
    assert (await client.post(f"/api/obligations/{first['id']}/reject", headers=auth)).status_code == 200
    kept = [i for i in proposed if i != first["id"]] + [added.json()["id"]]
    confirmed = await client.post("/api/obligations/confirm", json={"ids": kept}, headers=auth)
    assert confirmed.status_code == 200, confirmed.text

    # --- the export, by the command a developer runs
    out = tmp_path / "export"
    env = worker_env(db)
    printed = json.loads(
        await run(chengxin_command("corpus", "export", "--document", str(doc_id), "--out", str(out)), env)
    )
    name = f"chengxin_{doc_id}"
    assert printed == {"out": str(out), "documents": [name]}
    assert (out / f"{name}.txt").read_text(encoding="utf-8") == text
    exported = json.loads((out / f"{name}.gold.json").read_text(encoding="utf-8"))
    assert exported["doc_id"] == name
    assert exported["signed_on"] == "2026-01-10"

    # --- scored against itself with the project's scorer: 1.0 on every measure
    report = tmp_path / "report.json"
    summary = await run(
        [
            sys.executable,
            str(SCORER),
            "--cmd",
            f"{sys.executable} {PREDICTIONS} {{path}}",
            "--dir",
            str(out),
            "--ext",
            "gold.json",
            "--out",
            str(report),
            "--quiet",
        ]
    )
    assert re.search(r"^F1=1\.00 P=1\.00 R=1\.00 role_acc=1\.00 obligor_acc=1\.00", summary.splitlines()[-1])
    overall = json.loads(report.read_text(encoding="utf-8"))["overall"]
    assert overall["f1"] == 1.0
    assert overall["matched"] == overall["gold"] == len(kept) == len(exported["obligations"])
    for measure in ("obligor_role_acc", "obligor_acc", "deadline_kind_acc", "deadline_date_acc", "amount_acc"):
        assert overall[measure] == 1.0, measure

    # --- and it is the proposal with exactly the corrections made: field by field
    expected = {i: copy.deepcopy(proposal[i]) for i in kept if i in proposal}
    for ob_id in (land["id"], subsidy["id"]):  # the party edit re-derived its rows' obligor: the party's name
        expected[ob_id]["obligor"] = a["name"]
    expected[land["id"]]["deadline"] |= {
        "text": "本协议签订之日起60日内",
        "offset": {"value": 60, "unit": "day"},
        "date": "2026-03-11",  # the phrase re-read: signed 2026-01-10 + 60 days
    }
    expected[subsidy["id"]]["amount"] = {"value": 2_500_000.0, "currency": "CNY"}
    expected[started["id"]]["quote"] = STARTED[: STARTED.index("并开工建设")]
    new = await Obligation.get(id=added.json()["id"])
    assert new.proposal is None  # nothing was proposed: the whole row is the clerk's
    assert exported["obligations"] == sorted([*expected.values(), facts(new)], key=lambda g: text.index(g["quote"]))
    added_facts = next(g for g in exported["obligations"] if g["quote"] == MISSED)
    assert (added_facts["obligor_role"], added_facts["deadline"]["date"]) == ("government", "2026-09-30")
    unchanged = [i for i in expected if i not in edits and i != land["id"] and i != subsidy["id"]]
    assert unchanged
    assert a["name"] != proposal[land["id"]]["obligor"]
    assert all(expected[i] == proposal[i] for i in unchanged)
    rates = (await client.get(f"/api/agreements/{agreement}/corrections", headers=city.auth("evaluator"))).json()
    assert rates["proposed"] == len(proposed)
    assert rates["corrected"] == {"role": 0, "obligor": 2, "deadline": 1, "amount": 1, "text": 1}
    assert (rates["added"], rates["rejected"], rates["confirmed"]) == (1, 1, len(kept))
