"""Flexible-load headroom of grids (``gigawatt headroom``): its study model (scenario.py) and the analysis (headroom.py)."""
