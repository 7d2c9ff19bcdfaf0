"""The core every layer reads: units, errors, files, plausibility bounds, capital recovery, common input types and the result shape."""

__version__ = "0.1.0"  # the package's version (pyproject.toml says the same; a test checks)
