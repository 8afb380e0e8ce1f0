"""The canonical company table: its columns and aliases (:mod:`.schema`), province names
(:mod:`.regions`), the CSV/Parquet loaders and the bundled sample (:mod:`.loader`, ``data/``). It may import
only :mod:`npf_screen.core`.
"""
