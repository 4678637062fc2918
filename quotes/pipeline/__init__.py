"""The run machinery: the model loaded once, documents streamed through it, in one process or many.

In: `Document`s and the rules. Out: `Annotated` results (quote rows and the names each document lends the
cross-document merge) in the order the documents were read. `annotator` drives spaCy's `nlp.pipe`;
`component` holds the spaCy factories (`quote_attributor`, `paragraph_breaks`) over the pure
`attribution.analysis`; `chunks` cuts long documents into pieces the model parses in bounded memory;
`selective` decides which paragraphs get the whole model; `parallel` and `dask_run` run the same tasks in
worker processes or on a Dask cluster. It must not import measuring, the bench, learning, the report, the
CLI or Label Studio.
"""
