"""The stance of a quote: a label of the rules' label set, its score and the cues shown as evidence.

In: a quote's text (and the rules' stance section). Out: a `StanceResult` (label, score, cues). The cue model
(`cue_model`) weighs words, phrases and dependency patterns the rules list; `schema` validates the rules'
stance section; `metrics` computes stance figures (accuracy with and without alternates, macro-F1, how far
the score can be trusted) from matched pairs. The learned model gives the label by default: `model_input`
lays out a quote and its sentence, `encoder` runs the registry sentence encoder with the fine-tuned deltas,
`model_schema` reads the head and temperature from the rules, `learned` joins them into calibrated
probabilities. It must not import speakers, attribution, the
tables, the run machinery, or anything of files, the CLI or Label Studio.
"""
