"""Measuring predictions against gold, and the baseline they are measured beside.

In: quote rows and gold (the seeds' JSONL gold, or brat standoff such as PolNeAR's attributions). Out:
`Evaluation` figures (quote spans, speakers, end to end) from `evaluate`; textacy's direct quotations as
rows on the same texts (`baseline`); brat standoff converted to gold JSONL (`convert_gold`). Stance figures
live with the stance stage (`stance.metrics`). It must not import the run machinery, the bench, learning,
the report, the CLI or Label Studio.
"""
