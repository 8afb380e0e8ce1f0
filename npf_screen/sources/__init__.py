"""Data sources: upstream adapters that map their frames onto the canonical company table.

:class:`~.protocol.Source` is what a pull needs from a source (the datasets it provides, per-company
text and revenue mix, its call records). :class:`~.akshare_source.AkshareSource` implements it and is
the only route to the network: it takes any object exposing akshare's function names (the real akshare
module by default, a fake in tests), calls it politely (:mod:`.politeness`), guards every HTTP request
underneath (:mod:`.transport`: real timeouts, pacing, counting and refusals per real service; and
:mod:`.network`: a no-network check in seconds), validates each frame on arrival (:mod:`.checks`) and
maps it with the pure transforms of :mod:`.transform`, reading akshare's columns only through
:mod:`.aliases`, the endpoint registry.
"""
