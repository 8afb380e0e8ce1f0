"""The root of the local cache: ``$NPF_SCREEN_CACHE``, else the per-user cache directory."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ENV_VAR", "cache_root", "code_digest"]

#: Environment variable naming the cache directory.
ENV_VAR = "NPF_SCREEN_CACHE"


def cache_root() -> Path:
    """``$NPF_SCREEN_CACHE`` when set, else the per-user cache dir (``~/.cache/npf-screen`` on Linux)."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("npf-screen", appauthor=False))


def code_digest(*modules: object) -> str:
    """A digest of the source files of ``modules``: part of every cache key, so that an entry written
    by other code (an upgrade, an edited checkout) is never read back.

    Examples
    --------
    >>> import npf_screen.core.cache_dir as me
    >>> len(code_digest(me))
    16
    """
    import hashlib

    digest = hashlib.sha256()
    for module in modules:
        digest.update(Path(module.__file__).read_bytes())  # type: ignore[attr-defined]
    return digest.hexdigest()[:16]
