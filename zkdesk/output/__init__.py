"""Official printed forms: definitions as data (forms/*.toml), data sources, PDF and xlsx output.

Layers: ui/ and commands/ call `printing`; it reads the catalog (`catalog`, `formdef`), asks a
source in `sources/` for rows, builds the shared table model (`tablemodel`) and renders it
(`pdf_*`, `xlsx`). Nothing here imports Qt.
"""
