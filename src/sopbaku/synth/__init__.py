"""The project's own test-document generator: synthetic SOP AP documents with gold JSON.

Real exports are few and none carries its flowchart drawing, so the pipeline
is developed and measured against generated documents as well: one random
model (:mod:`sopbaku.synth.model`) rendered into every input format the
pipeline reads (digital PDF, scanned PDF and images, DOCX, text export, OCR
text dump), each with the gold JSON that format allows to recover.
Run ``python -m sopbaku.synth --seed 7 --n 6 --out corpus/synthetic``.

This is a test-data tool, not a pipeline stage: it imports nothing from
``sopbaku.ingest``, ``sopbaku.normalize`` or ``sopbaku.render``.
"""
