"""Pausing Python's cyclic garbage collector around allocation-heavy, cycle-free work.

A screen allocates ~10⁵ short-lived tuples and strings; each burst triggers full-generation
collections that walk every live object (the universe's strings included) and cost ~15% of a screen.
None of this work creates reference cycles, so reference counting frees it all; the collector is
restored, with its previous state, as soon as the block ends.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["gc_paused"]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic GC inside the block (if it was enabled) and re-enable it afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
