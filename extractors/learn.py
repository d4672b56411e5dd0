"""Learned components, trained from the annotated corpus (``extractors/corpus``): where rules do not generalise.

Two spaCy ``textcat`` models (bag of character n-grams over ``spacy.blank("zh")``, trained from scratch, no
pretrained weights) sit behind the rules:

* **clause** — is a candidate chunk a duty (``duty``) or not (``other``: a right, definition, recital,
  purpose, boilerplate, description)? It vetoes rule findings the corpus says are not duties and adds the
  sentences the rules missed that read like duties.
* **role** — the obligor's side (``government`` / ``counterparty`` / ``other``), from the obligor the rules
  found, the role they gave it, the document kind and the clause; it overrides the rules' role only when it
  is confident.

Training examples are made by running the rules over each training document and matching their chunks to the
gold quotes with the scorer's criterion (longest common substring ≥ 60 % of the shorter text and ≥ 40 % of the
quote): the models learn where the rules go wrong, not the gold text by heart. Training is reproducible (fixed
seed and order) and takes a few minutes on two cores:

    uv run python -m extractors.learn [--corpus extractors/corpus/docs] [--out extractors/nlp/learned]
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from extractors.amounts import find_amount
from extractors.deadlines import resolve_deadline
from extractors.model import DocumentKind, ExtractionResult, ExtractOptions, Obligation, Party, Role
from extractors.parties import role_of_name, subject_of

__all__ = ["DEFAULT_MODELS", "LearnedModels", "apply", "load", "matches", "train"]

PACKAGE = Path(__file__).parent
DEFAULT_MODELS = PACKAGE / "nlp" / "learned"
CORPUS = PACKAGE / "corpus" / "docs"
ROLES: tuple[Role, ...] = ("government", "counterparty", "other")
_KIND_MARK = {
    DocumentKind.INVESTMENT_PROMOTION: "①",
    DocumentKind.PPP: "②",
    DocumentKind.POLICY_COMMITMENT: "③",
    DocumentKind.PROCUREMENT: "④",
    DocumentKind.OTHER: "⑤",
}
_ROLE_MARK = {"government": "Ⓖ", "counterparty": "Ⓒ", "other": "Ⓞ", "unknown": "Ⓤ"}
_BATCH = 128
_TEXTCAT = {
    "@architectures": "spacy.TextCatBOW.v3",
    "exclusive_classes": True,
    "ngram_size": 3,
    "no_output_layer": False,
    "length": 2**18,
}


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a model overrides the rules (measured by the cross-validated benchmark, not tuned per document)."""

    drop_below: float = 0.05  # a rule finding whose duty probability is below this is dropped
    add_above: float = 0.90  # a missed sentence whose duty probability is above this is added
    role_above: float = 0.80  # the role model gives a clause that names nobody its role when this sure


THRESHOLDS = Thresholds()


# --------------------------------------------------------------------------------------------- matching
@functools.lru_cache(maxsize=65536)
def _norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).casefold()
    return "".join(ch for ch in s if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def matches(pred: str, gold: str) -> bool:
    """The scorer's candidate criterion: LCS ≥ 60 % of the shorter text and ≥ 40 % of the gold quote."""
    a, b = _norm(pred), _norm(gold)
    if not a or not b:
        return False
    need = max(0.6 * min(len(a), len(b)), 0.4 * len(b))
    if len(set(a) & set(b)) < min(need, 8):  # cannot share a long enough substring
        return False
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size >= need


# --------------------------------------------------------------------------------------------- features
def clause_features(text: str, kind: DocumentKind, role: str, obligor: str | None) -> str:
    return f"{_KIND_MARK.get(kind, '⑤')}{_ROLE_MARK.get(role, 'Ⓤ')}{(obligor or '∅')[:20]}｜{text[:120]}"


def role_features(text: str, kind: DocumentKind, role: str, obligor: str | None, party_role: str | None) -> str:
    mark = _ROLE_MARK.get(party_role or "unknown", "Ⓤ")
    return f"{_KIND_MARK.get(kind, '⑤')}{_ROLE_MARK.get(role, 'Ⓤ')}{mark}{(obligor or '∅')[:30]}｜{text[:60]}"


_SENTENCE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")


def sentences(text: str) -> Iterable[tuple[int, int]]:
    """Candidate chunks for recall: sentences and ；-clauses of 8–200 characters."""
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1] in " \t\r。；;":
            end -= 1
        if 8 <= end - start <= 200:
            yield start, end


# --------------------------------------------------------------------------------------------- models
@dataclass(frozen=True)
class LearnedModels:
    clause: Any  # spacy.Language with a textcat
    role: Any

    def duty_probabilities(self, texts: Sequence[str]) -> list[float]:
        return [doc.cats.get("duty", 0.0) for doc in self.clause.pipe(texts)]

    def roles(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        out = []
        for doc in self.role.pipe(texts):
            label, score = max(doc.cats.items(), key=lambda kv: kv[1])
            out.append((label, float(score)))
        return out


@functools.cache
def load(path: Path) -> LearnedModels | None:
    """The models under ``path`` (``clause/`` and ``role/``), or None when they are not there."""
    if not (path / "clause" / "config.cfg").exists() or not (path / "role" / "config.cfg").exists():
        return None
    import spacy

    return LearnedModels(clause=spacy.load(path / "clause"), role=spacy.load(path / "role"))


# --------------------------------------------------------------------------------------------- inference
def apply(
    obligations: Sequence[Obligation],
    text: str,
    *,
    kind: DocumentKind,
    parties: tuple[Party, ...],
    signed_on: date | None,
    models: LearnedModels,
    thresholds: Thresholds = THRESHOLDS,
    english: bool = False,
) -> list[Obligation]:
    """The rules' obligations corrected by the models: vetoed, re-roled, and missed duties added."""
    party_roles = {p.label: p.role for p in parties if p.label}
    kept: list[Obligation] = []
    if obligations:
        probs = models.duty_probabilities(
            [clause_features(o.text, kind, o.obligor.role, o.obligor.name) for o in obligations]
        )
        kept = [o for o, p in zip(obligations, probs, strict=True) if p >= thresholds.drop_below]
    covered = [(o.start, o.end) for o in obligations]
    candidates: list[tuple[int, int]] = []
    if not english:
        for start, end in sentences(text):
            if any(min(end, e) - max(start, s) > 0.3 * (end - start) for s, e in covered):
                continue
            candidates.append((start, end))
    added: list[Obligation] = []
    if candidates:
        subjects = [subject_of(text[s:e]) for s, e in candidates]
        probs = models.duty_probabilities(
            [
                clause_features(text[s:e], kind, role_of_name(subj, parties) or "unknown" if subj else "unknown", subj)
                for (s, e), subj in zip(candidates, subjects, strict=True)
            ]
        )
        for (s, e), subj, p in zip(candidates, subjects, probs, strict=True):
            if p < thresholds.add_above:
                continue
            clause = text[s:e]
            role: Role = (role_of_name(subj, parties) if subj else None) or "unknown"
            added.append(
                Obligation(
                    text=clause,
                    page=None,
                    start=s,
                    end=e,
                    obligor=Party(label=subj if subj in party_roles else None, name=subj, role=role),
                    deadline=resolve_deadline(clause, signed_on, default_anchor="signing" if parties else None),
                    amount=find_amount(clause),
                    confidence=round(0.4 * p, 3),
                )
            )
    merged = sorted(kept + added, key=lambda o: o.start)
    if not merged:
        return merged
    role_inputs = [
        role_features(o.text, kind, o.obligor.role, o.obligor.name, party_roles.get(o.obligor.label or ""))
        for o in merged
    ]
    out = []
    for o, (label, score) in zip(merged, models.roles(role_inputs), strict=True):
        # a named obligor keeps the role its name and the party table give it (the role model, trained on a few
        # sources, did not generalise there in cross-validation); a clause that names nobody takes the model's
        implicit = not o.obligor.name or o.obligor.role == "unknown"
        if implicit and label != o.obligor.role and (score >= thresholds.role_above or o.obligor.role == "unknown"):
            o = replace(o, obligor=replace(o.obligor, role=label))  # type: ignore[arg-type]
        out.append(o)
    return out


# --------------------------------------------------------------------------------------------- training
Examples = tuple[list[tuple[str, str]], list[tuple[str, str]]]


def examples(result: ExtractionResult, gold: dict[str, Any]) -> Examples:
    """(clause examples, role examples) from the rules' output on one document, labelled by its gold."""
    clause: list[tuple[str, str]] = []
    role: list[tuple[str, str]] = []
    kind = result.document.kind  # as detected: the models see what they will see at run time
    party_roles = {p.label: p.role for p in result.document.parties if p.label}
    quotes = list(gold["obligations"])
    used: set[int] = set()

    def label(chunk: str, quotes: list[dict[str, Any]] = quotes, used: set[int] = used) -> int | None:
        hit = next((i for i, g in enumerate(quotes) if i not in used and matches(chunk, g["quote"])), None)
        if hit is not None:
            used.add(hit)
        return hit

    for o in result.obligations:
        hit = label(o.text)
        clause.append((clause_features(o.text, kind, o.obligor.role, o.obligor.name), _duty(hit)))
        if hit is not None:
            party = party_roles.get(o.obligor.label or "")
            role.append(
                (role_features(o.text, kind, o.obligor.role, o.obligor.name, party), quotes[hit]["obligor_role"])
            )
    covered = [(o.start, o.end) for o in result.obligations]
    text = result.text
    for s, e in sentences(text):
        if any(min(e, ce) - max(s, cs) > 0.3 * (e - s) for cs, ce in covered):
            continue
        chunk = text[s:e]
        subj = subject_of(chunk)
        rrole = (role_of_name(subj, result.document.parties) if subj else None) or "unknown"
        hit = label(chunk)
        clause.append((clause_features(chunk, kind, rrole, subj), _duty(hit)))
        if hit is not None:
            feats = role_features(chunk, kind, rrole, subj, party_roles.get(subj or ""))
            role.append((feats, quotes[hit]["obligor_role"]))
    return clause, role


def _duty(hit: int | None) -> str:
    return "duty" if hit is not None else "other"


def rules_results(docs: Sequence[tuple[Path, dict[str, Any]]]) -> list[tuple[ExtractionResult, dict[str, Any]]]:
    """The rules' extraction of each ``(.txt or .pdf path, gold)``, as the scorer runs it (signing date only)."""
    from extractors.pipeline import extract

    out = []
    for txt, gold in docs:
        options = ExtractOptions(signed_on=date.fromisoformat(gold["signed_on"]), learned=False)
        out.append((extract(txt.read_bytes(), options), gold))
    return out


def _train_textcat(examples: list[tuple[str, str]], labels: Sequence[str], out: Path, epochs: int, seed: int) -> None:
    import spacy
    from spacy.training import Example
    from thinc.api import fix_random_seed

    fix_random_seed(seed)
    nlp = spacy.blank("zh")
    textcat: Any = nlp.add_pipe("textcat", config={"model": _TEXTCAT})
    for label in labels:
        textcat.add_label(label)
    data = []
    for text, label in examples:
        if label not in labels:
            continue
        reference = nlp.make_doc(text)
        reference.cats = {lab: float(lab == label) for lab in labels}
        data.append(Example(nlp.make_doc(text), reference))
    optimizer = nlp.initialize(lambda: data)
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(data)
        for start in range(0, len(data), _BATCH):
            nlp.update(data[start : start + _BATCH], sgd=optimizer, drop=0.1)
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)


def train(
    docs: Sequence[tuple[Path, dict[str, Any]]] | Sequence[Examples],
    out: Path,
    *,
    epochs: int = 8,
    seed: int = 0,
) -> Path:
    """Train both models into ``out`` from ``(text path, gold)`` documents or from their ``examples``."""
    per_doc: list[Examples] = []
    for item in docs:
        if isinstance(item[0], Path):
            per_doc.append(examples(*rules_results([item])[0]))
        else:
            per_doc.append(item)
    clause = [ex for c, _ in per_doc for ex in c]
    role = [ex for _, r in per_doc for ex in r]
    _train_textcat(clause, ("duty", "other"), out / "clause", epochs, seed)
    _train_textcat(role, ROLES, out / "role", epochs, seed)
    (out / "training.json").write_text(
        json.dumps(
            {
                "documents": len(per_doc),
                "clause_examples": len(clause),
                "clause_duty": sum(1 for _, lab in clause if lab == "duty"),
                "role_examples": len(role),
                "epochs": epochs,
                "seed": seed,
            }
        ),
        "utf-8",
    )
    load.cache_clear()
    return out


def corpus_documents(corpus: Path = CORPUS) -> list[tuple[Path, dict[str, Any]]]:
    return [
        (corpus / (p.name.removesuffix(".gold.json") + ".txt"), json.loads(p.read_text("utf-8")))
        for p in sorted(corpus.glob("*.gold.json"))
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the clause and role models from the annotated corpus.")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=DEFAULT_MODELS)
    parser.add_argument("--epochs", type=int, default=8)
    args = parser.parse_args(argv)
    train(corpus_documents(args.corpus), args.out, epochs=args.epochs)
    print((args.out / "training.json").read_text("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
