"""Raw text to quote spans, without a model: the first stage a document passes through.

In: a document's text as read (a str). Out: its paragraphs (`paragraphs`: breaks, hard-wrapped lines),
the quoted stretches it holds (`marks`: every mark style, broken marks recovered locally, offsets into the
raw text), which lines are headlines (`lines`), and, once the text is parsed, the window around each quote
where its attribution is looked for (`windows`). It must not import any later stage (speakers, stance,
attribution), the tables, the run machinery, or anything of files, the CLI or Label Studio.
"""
