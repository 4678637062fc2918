"""The page's look (CSS) and the few lines of script that draw its charts; kept apart from the markup."""
from __future__ import annotations

CSS = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 0; }
main { max-width: 1100px; margin: 0 auto; padding: 0 24px 48px; }
header { border-bottom: 1px solid #ddd; margin-bottom: 12px; }
h1 { font-size: 26px; margin: 20px 0 4px; }
h2 { font-size: 20px; margin: 32px 0 8px; border-bottom: 1px solid #eee; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 24px 0 4px; word-break: break-all; }
nav a { margin-right: 14px; }
a { color: #1f5fa8; }
.meta, .note { color: #555; font-size: 14px; }
.check { background: #fff8e1; border-left: 4px solid #e6ab02; padding: 6px 10px; }
.warnings { background: #fdecea; border-left: 4px solid #b2182b; padding: 6px 12px; }
figure.chart { margin: 8px 0 12px; overflow-x: auto; }
.row { display: flex; gap: 32px; flex-wrap: wrap; align-items: flex-start; }
table { border-collapse: collapse; font-size: 14px; margin: 8px 0; }
th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid #eee; vertical-align: top; }
td.n, th.n { text-align: right; }
td.docs { font-size: 13px; max-width: 420px; }
.chip { display: inline-block; padding: 0 5px; margin: 1px 2px 1px 0; border-radius: 3px; font-size: 12px;
        background: var(--tint); border-left: 3px solid var(--c); white-space: nowrap; }
article { border-top: 1px solid #ddd; margin-top: 20px; }
.text { white-space: pre-wrap; overflow-wrap: break-word; max-width: 760px; font-size: 15px; }
mark.q { background: var(--tint); border-bottom: 2px solid var(--c); padding: 0 1px; color: inherit; }
article:target h3 { background: #eef4fb; }
mark.q:target { outline: 2px solid #1f5fa8; }
ol.quotes li { margin: 4px 0; }
.who { color: #555; font-size: 13px; }
.unplaced { color: #7a2a1a; font-size: 14px; }
details summary { cursor: pointer; color: #1f5fa8; }
"""

# Each chart's spec sits in a <script type="application/json">; vega-embed draws it into its container and
# the static SVG beside it (what a reader without JavaScript sees) is then hidden. A chart that fails keeps
# its SVG and says why in the console.
RENDER_JS = """
const options = {renderer: "svg", actions: {export: true, source: false, compiled: false, editor: false}};
for (const el of document.querySelectorAll(".vega[data-spec]")) {
  const spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
  vegaEmbed(el, spec, options)
    .then(() => { el.parentElement.querySelector(".fallback").hidden = true; })
    .catch((err) => console.error("chart " + el.id + " not drawn:", err));
}
"""


def tint(colour: str, share: float = 0.35) -> str:
    """The colour mixed with white: a background light enough to read text on."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - (255 - c) * share):02x}" for c in (r, g, b))


def stance_css(colours: dict[str, str]) -> str:
    """A class per stance label (`st-0`, `st-1`, ...: labels come from the table, so never in a class name)."""
    return "\n".join(f".st-{i} {{ --c: {c}; --tint: {tint(c)}; }}" for i, c in enumerate(colours.values()))
