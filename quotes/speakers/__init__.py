"""From a speaker mention to a canonical speaker: who said it, named as a researcher would group by.

In: a parsed document (a spaCy Doc), its layout (`text.windows`) and the rules (the registry of widely known
speakers, the ranking weights). Out, per document: the entity table (`entity_table` holds the types and
queries; `entities` builds it, then `roles`, `genders` and `extra_entities` complete it, importing only
`entity_table`, so the flow runs one way), and a `canonical.DocSpeakers` that turns a mention (a name, a
pronoun or a description whose candidates `antecedents` ranks with the rules' learned weights, a relative by
`kinship`, the candidates of a description found by `descriptions`) into a `Resolution`, and
`speaker_gender` into the gender columns (a first name's statistic from `name_gender`). Across documents:
`merge` folds spelling variants into one name per person. Pure logic over names (`names`) and the registry
(`registry`). It must not import stance, attribution, the tables, the run
machinery, or anything of files, the CLI or Label Studio.
"""
