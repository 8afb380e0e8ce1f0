"""Shared foundations every layer may use: the exception tree (:mod:`.errors`), atomic file writes
(:mod:`.atomic`), several files switched at once (:mod:`.transaction`), the cyclic-GC pause
(:mod:`.gc_pause`), TOML problem collection (:mod:`.toml_checks`)
and the package version. It owns no domain logic and imports nothing else from npf_screen.
"""
