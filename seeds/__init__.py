"""Bundled theme rule files (``*.toml``), installed as ``npf_screen.seeds``; see README.md."""
