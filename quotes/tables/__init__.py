"""Tables in and out: documents read from files and corpora, quote rows written to files.

In: paths (text files, folders, JSONL/CSV/JSON corpora) and rows (`quotes.records.Quote`). Out: `Document`s
one at a time, a bad one as a `Skipped` that never stops the run (`corpus`); CSV, JSONL, Parquet (or Parquet
parts) and DataFrames (`export`), written whole or not at all after a check made before any work
(`output`). It must not import the annotator's stages (text, speakers, stance, attribution), the run
machinery, measuring, learning, or the CLI and Label Studio.
"""
