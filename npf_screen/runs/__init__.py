"""Scheduled screens: TOML screen definitions (:mod:`.definitions`), universe loading and filters
(:mod:`.universe_filters`), the run history (:mod:`.history`), membership and diffs (:mod:`.membership`)
and the runner (:mod:`.runner`). It may import every layer below it except cli.
"""
