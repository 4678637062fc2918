"""What `quotes bench` measures with, kept out of the annotator's core.

In: documents and the annotator. Out: CPU time per pipeline component (`timing`), throughput per worker
count and time over growing corpora of distinct documents (`scale`), and generated hostile documents
(`hostile`: the same text for the same arguments) that both `quotes bench --stress` and the tests use.
Nothing in the annotator imports this package. It must not import learning, the report, the CLI or
Label Studio.
"""
