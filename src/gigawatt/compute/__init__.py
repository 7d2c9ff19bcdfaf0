"""Sizing a cluster (``gigawatt size``): its scenario models (scenario.py) and the sizing (sizing.py)."""
