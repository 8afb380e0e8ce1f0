"""Data sources: upstream adapters that map their frames onto the canonical company table.

:class:`AkshareSource` is the only route to the network. It takes any object exposing akshare's
function names (the real akshare module by default, a fake in tests), calls it politely
(:mod:`.politeness`), validates each frame on arrival (:mod:`.checks`) and maps it with the pure
transforms of :mod:`.transform`, reading akshare's columns only through :mod:`.aliases`.
"""
