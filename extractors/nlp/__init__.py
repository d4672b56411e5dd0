"""The spaCy side of the extractors: a blank ``zh``/``en`` Language built once from ``config.cfg`` and
the registered components in ``components``.

    >>> doc = annotate("甲方应于本协议签订之日起30日内支付。", kind=DocumentKind.INVESTMENT_PROMOTION,
    ...                language="zh", signed_on=date(2019, 3, 15))
    >>> [s._.deadline.date for s in doc.spans["obligations"]]
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extractors.model import DocumentKind
from extractors.nlp import components
from extractors.nlp.components import DocContext

__all__ = ["CONFIG_PATH", "DocContext", "annotate", "get_nlp"]

CONFIG_PATH = Path(__file__).with_name("config.cfg")


@functools.cache
def get_nlp(language: str = "zh", config_path: str | None = None) -> Language:
    """The pipeline for ``language`` (``zh`` or ``en``), built once per process."""
    components.register_extensions()
    path = Path(config_path) if config_path else CONFIG_PATH
    config = spacy.util.load_config(path, overrides={"nlp.lang": "en" if language == "en" else "zh"})
    return spacy.util.load_model_from_config(config, auto_fill=True, validate=True)


def annotate(text: str, *, kind: DocumentKind, language: str, signed_on: date | None) -> Doc:
    """Run the pipeline over a document's text with its per-document context."""
    nlp = get_nlp("en" if language == "en" else "zh")
    doc = nlp.make_doc(text)
    doc._.chengxin = DocContext(kind=kind, language=language, signed_on=signed_on)
    return nlp(doc)
