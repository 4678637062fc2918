"""`quotes report`: a quote table as one self-contained HTML page with charts (who is quoted, how often, with
what stance) and each article's text with its quotes highlighted."""
from __future__ import annotations

from .build import Report, build_report

__all__ = ["Report", "build_report"]
