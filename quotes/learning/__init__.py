"""Learning rules from human corrections: `quotes learn`.

In: corrections (a Label Studio export pulled by `quotes pull`, gold JSONL, canonical-speaker gold, or
stance-only labels) and the rules they correct. Out: a new, versioned rules file: speaker aliases
(`aliases`), cue-verb weights (`cue_weights`), the weights that rank the entities a mention may refer to
(`ranking`: pronouns, descriptions) and the stance cues (`stance_fit`), each kept only when
cross-validation by document (`crossval`) does not find it worse (`gate`: that whole decision, as one call);
`workbench` re-annotates the corrected documents, `corrections` reads them, `curve` draws the learning curve;
`live` is the live backend's learning on submit (the `Learner` `quotes studio serve-model` gives the
backend), calling `gate` as `quotes learn` does. It must not import the bench, the report or the CLI.
"""
