"""`quotes report`: a quote table as one self-contained HTML page with charts (who is quoted, how often, with
what stance) and each article's text with its quotes highlighted.

In: a quote table (any format `quotes extract` writes) and, optionally, the articles. Out: the page and a
PNG of its charts. It reads tables only: it must not import the annotator's stages, the run machinery,
learning, Label Studio or the CLI.
"""
from __future__ import annotations

from .build import Report, build_report

__all__ = ["Report", "build_report"]
