"""A quote span, parsed, to its row: cue, speaker mention, canonical speaker, stance and confidence.

In: a parsed spaCy Doc whose paragraphs and quote spans the text stage found, the rules and the registry.
Out: `Quote` records (`quotes.records`), one per quote, as a pure function of the Doc (`analysis.analyse`).
`cues` finds each quote's reporting verb or phrase and the token that names its speaker; `analysis` puts
the text, speakers and stance stages together. It must not import the tables, the run machinery, measuring,
learning, or anything of files, the CLI or Label Studio.
"""
