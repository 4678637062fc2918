"""The stance of a quote: a label of the rules' label set, its score and the cues shown as evidence.

In: a quote's text (and the rules' stance section). Out: a `StanceResult` (label, score, cues). The cue model
(`cue_model`) weighs words, phrases and dependency patterns the rules list; `schema` validates the rules'
stance section; `metrics` computes stance figures (accuracy with and without alternates, macro-F1, how far
the score can be trusted) from matched pairs; `encoder` (not used by the default annotator yet) turns
quotes into sentence vectors for a learned stance model. It must not import speakers, attribution, the
tables, the run machinery, or anything of files, the CLI or Label Studio.
"""
