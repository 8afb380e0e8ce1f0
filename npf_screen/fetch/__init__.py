"""Pulling data into dated snapshots: the pull stages (:mod:`.datasets`, :mod:`.companies`), their manifest
(:mod:`.manifest`), the snapshot store (:mod:`.snapshots`), the per-company cache (:mod:`.company_cache`)
and the freshness policy (:mod:`.cache_policy`); :mod:`.api` holds the public
``fetch_*``/``load_snapshot`` functions. It may import core, universe and sources; the first-stage
selector of a pull is passed in, never imported.
"""
