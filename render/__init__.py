"""Render: outputs built from the canonical model only (SOP AP DOCX, steps CSV, PDF check).

``docx.write_docx`` and ``csv.write_steps_csv`` write one file per SOP, named
by ``names.output_stem``; ``libreoffice.convert_to_pdf`` is the one place that
runs LibreOffice. Nothing here imports ``sopbaku.ingest`` or ``sopbaku.normalize``.
"""
