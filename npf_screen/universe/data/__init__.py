"""Data files shipped with npf-screen (the bundled sample universe)."""
