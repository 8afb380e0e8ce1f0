"""The theme model (:mod:`.model`), TOML rule-file loading (:mod:`.loader`) and validation
(:mod:`.validation`). It may import :mod:`npf_screen.core` and :mod:`npf_screen.universe` (column and province
names the rules refer to).
"""
