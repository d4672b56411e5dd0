"""What spaCy is kept for: the obligation category, a trained ``textcat`` whose weights ship in
``category_model/`` (``uv run python -m extractors.train_category`` retrains them), with keyword rules as the
fallback where the model is unsure and for English clauses.

    categorize(["乙方应于30日内支付土地出让金"], english=False)  # -> [Category.PAYMENT]

spaCy is imported when the model is first loaded, not with this module: a document without Chinese
obligations never loads it, and ``preload`` starts the load in a thread while a PDF is read in its child
process. The rule layer (parties, structure, obligations, deadlines, amounts) is plain functions over the
text (``extractors.pipeline.annotate``): a per-character spaCy ``Doc`` gave it nothing it used.
"""

from __future__ import annotations

import contextlib
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from extractors.model import Category

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["CATEGORY_MODEL", "THRESHOLD", "categorize", "category_model", "keyword_category", "preload"]

#: the shipped weights of the category classifier
CATEGORY_MODEL = Path(__file__).with_name("category_model")
#: below this score of the model's best label, the keyword rules decide (when they find a category)
THRESHOLD = 0.5

_KEYWORD_CATEGORIES: tuple[tuple[Category, re.Pattern[str]], ...] = (
    (
        Category.COMPLIANCE,
        re.compile(r"^[^，。]{0,30}(?:不得|严禁|禁止)|遵守|保密|\bshall not\b|comply|confidential", re.I),
    ),
    (
        Category.PAYMENT,
        re.compile(r"支付|付款|付清|返还|补贴|奖励|费用|款项|利息|\bpa(?:y|id|yable|yment)\b|\bfee\b|damages", re.I),
    ),
    (Category.LAND, re.compile(r"土地|用地|厂房|出让|地块|\bland\b|\bsite\b", re.I)),
    (Category.INVESTMENT, re.compile(r"投资|注册资本|资本金|融资|到位|financial close|equity", re.I)),
    (Category.APPROVAL, re.compile(r"审批|许可|报批|备案|登记|注册|户籍|证照|approval|permit|regist", re.I)),
    (Category.CONSTRUCTION, re.compile(r"建设|开工|竣工|施工|工程|construct|complet", re.I)),
    (
        Category.REPORTING,
        re.compile(r"报告|公开|公示|通报|告知|反馈|汇报|notify|notice|inform|report|submit", re.I),
    ),
    (Category.HANDOVER, re.compile(r"移交|handover|hand over|transfer of", re.I)),
    (Category.OPERATION, re.compile(r"运营|维护|运行|operation|maintenance", re.I)),
    (Category.GOVERNANCE, re.compile(r"机制|制度|监督|考核|评价|督导|体系|责任制|检查|supervis", re.I)),
    (Category.SERVICE, re.compile(r"协助|配合|服务|协调|提供|assist|cooperat", re.I)),
)


def keyword_category(text: str) -> Category:
    """The first category whose keywords the clause has, else ``other``."""
    for category, pattern in _KEYWORD_CATEGORIES:
        if pattern.search(text):
            return category
    return Category.OTHER


_lock = threading.Lock()
_models: dict[Path, Language | None] = {}


def category_model(path: Path = CATEGORY_MODEL) -> Language | None:
    """The trained classifier at ``path``, loaded once per process (None where no weights are shipped)."""
    with _lock:
        if path not in _models:
            if (path / "config.cfg").exists():
                import spacy

                _models[path] = spacy.load(path)
            else:
                _models[path] = None
        return _models[path]


def _load_quietly() -> None:
    with contextlib.suppress(Exception):  # a failed load is not cached: the caller's own load raises it again
        category_model()


def preload() -> None:
    """Start loading the classifier in a background thread (a no-op once it is loaded)."""
    if CATEGORY_MODEL not in _models:
        threading.Thread(target=_load_quietly, name="chengxin-category-model", daemon=True).start()


def categorize(texts: list[str], *, english: bool) -> list[Category]:
    """The category of each obligation clause: the model's best label, or the keywords' where the model is
    unsure. English clauses are few in the training data, so the keyword rules decide them."""
    model = category_model() if texts and not english else None
    if model is None:
        return [keyword_category(text) for text in texts]
    out: list[Category] = []
    for text, doc in zip(texts, model.pipe(texts), strict=True):
        label, score = max(doc.cats.items(), key=lambda kv: kv[1])
        category = Category(label)
        if score < THRESHOLD and keyword_category(text) != Category.OTHER:
            category = keyword_category(text)  # the model is unsure: the keywords decide
        out.append(category)
    return out
