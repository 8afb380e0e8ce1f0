"""Shared foundations every layer may use: the exception tree (:mod:`.errors`), atomic file writes
(:mod:`.atomic`), several files switched at once (:mod:`.transaction`), the cyclic-GC pause
(:mod:`.gc_pause`), TOML problem collection (:mod:`.toml_checks`), fast multi-key sorting
(:mod:`.ordering`), text columns from codes (:mod:`.strings`)
and the package version. It owns no domain logic and imports nothing else from npf_screen.
"""
