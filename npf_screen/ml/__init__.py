"""Learned and similarity signals on top of a screen: text features (:mod:`.text_features`), TF-IDF
similarity (:mod:`.similarity`), keyword suggestions (:mod:`.keyword_suggestions`) and learned theme affinity
(:mod:`.affinity`). They never change a rule score. It may import core, universe, rules and screening.
"""
