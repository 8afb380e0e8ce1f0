"""The package version, in one place (the root package and the run/pull manifests read it from here)."""

__version__ = "0.1.0"
