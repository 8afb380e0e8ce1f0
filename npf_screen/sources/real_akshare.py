"""The real akshare module, imported on first use and kept quiet.

The only module that imports akshare (inside :class:`RealAkshare`); :class:`.AkshareSource` uses
it unless given another akshare-like object. :data:`silence` hides akshare's own progress bars.
"""

from __future__ import annotations

import contextlib
import io
import sys
import threading
import warnings
from collections.abc import Iterator
from typing import Any

__all__ = ["RealAkshare", "Silencer", "silence"]


class RealAkshare:
    """The akshare module plus its Eastmoney pager, imported on first use.

    Also hides the pandas deprecation warnings akshare's own code triggers under pandas 3. Timeouts
    are not set here: ``socket.setdefaulttimeout`` does not bound requests made through requests and
    urllib3; the HTTP guard (:mod:`.transport`) gives every request its own.
    """

    def __init__(self) -> None:
        import akshare
        from akshare.utils.func import fetch_paginated_data

        self._module = akshare
        self.fetch_paginated_data = fetch_paginated_data
        self.__version__ = str(getattr(akshare, "__version__", "unknown"))
        for category in (DeprecationWarning, FutureWarning):  # pandas deprecations inside akshare's code
            warnings.filterwarnings("ignore", category=category, module=r"akshare(\.|$)")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)


class Silencer:
    """Reference-counted redirect of ``sys.stderr`` (akshare's own tqdm bars), safe across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._saved: Any = None

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._saved, sys.stderr = sys.stderr, io.StringIO()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0:
                    sys.stderr = self._saved


#: Hides ``sys.stderr`` while akshare runs (nested and concurrent uses share one redirect).
silence = Silencer()
