"""Learned and similarity signals on top of a screen: text features (:mod:`.text_features`), TF-IDF
similarity (:mod:`.similarity`), keyword suggestions (:mod:`.keyword_suggestions`), learned theme
affinity (:mod:`.affinity`), the expansion (:mod:`.expansion`, its defaults in :mod:`.defaults`) and
theme drafts (:mod:`.draft`). They never change a rule score. It may import core, universe, rules and
screening.
"""
