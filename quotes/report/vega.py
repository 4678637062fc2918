"""Vega-Lite specs made into what the page needs, all offline through vl-convert: one JavaScript bundle
(vega-embed with Vega and Vega-Lite, no CDN), a static SVG of each chart for readers without JavaScript, and
a PNG for slides."""
from __future__ import annotations

import re
from functools import lru_cache

import altair as alt
import vl_convert as vlc

from ..errors import QuotesError


class ChartError(QuotesError):
    """vl-convert could not draw a chart."""


def vl_version() -> str | None:
    """The Vega-Lite version Altair writes specs for, when vl-convert has it (else its newest), so that the
    bundle, the SVG and the specs agree."""
    found = re.match(r"v?(\d+\.\d+)", alt.SCHEMA_VERSION)
    version = found.group(1) if found else None
    return version if version in vlc.get_vegalite_versions() else None


@lru_cache(maxsize=1)
def javascript_bundle() -> str:
    """vega-embed, Vega and Vega-Lite as one script that sets `window.vegaEmbed` (~0.9 MB; built once, which
    takes a few seconds), safe to inline: no `</script` inside it can end the element early."""
    bundle = vlc.javascript_bundle(vl_version=vl_version())
    return re.sub(r"</(script)", r"<\\/\1", bundle, flags=re.IGNORECASE)


def to_svg(spec: dict) -> str:
    try:
        return vlc.vegalite_to_svg(spec, vl_version=vl_version())
    except ValueError as exc:
        raise ChartError(f"a chart could not be drawn ({str(exc).splitlines()[0]})") from None


def to_png(spec: dict, scale: float = 2.0) -> bytes:
    """The chart at twice its size on screen: sharp on a projector."""
    try:
        return vlc.vegalite_to_png(spec, vl_version=vl_version(), scale=scale)
    except ValueError as exc:
        raise ChartError(f"a chart could not be drawn ({str(exc).splitlines()[0]})") from None
