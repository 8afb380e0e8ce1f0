"""Watchlist files for trading terminals: code validation (:mod:`.codes`), terminal formats
(:mod:`.terminals`), tabular formats (:mod:`.tables`) and the planning/atomic writing of a set of files
(:mod:`.writer`).
"""
