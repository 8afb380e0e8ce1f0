"""Matching, scoring and the screen itself: texts folded for search (:mod:`.texts`), Aho-Corasick
matching (:mod:`.matching`), columnar scoring (:mod:`.scoring`), revenue exposure (:mod:`.exposure`),
:func:`screen` (:mod:`.engine`) and its result and explanations (:mod:`.results`,
:mod:`.explanation`). It may import core, universe and rules.
"""
