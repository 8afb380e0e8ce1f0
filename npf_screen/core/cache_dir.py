"""The root of the local cache: ``$NPF_SCREEN_CACHE``, else the per-user cache directory."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ENV_VAR", "cache_root"]

#: Environment variable naming the cache directory.
ENV_VAR = "NPF_SCREEN_CACHE"


def cache_root() -> Path:
    """``$NPF_SCREEN_CACHE`` when set, else the per-user cache dir (``~/.cache/npf-screen`` on Linux)."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("npf-screen", appauthor=False))
