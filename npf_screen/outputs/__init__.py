"""Everything that renders or writes results: table writers (:mod:`.table_writer`), watchlists for trading
terminals (:mod:`.watchlists`), HTML displays (:mod:`.display`), charts (:mod:`.charts`) and the HTML report
(:mod:`.report`). It may import core, universe, rules, screening and ml.
"""
