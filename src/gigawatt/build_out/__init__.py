"""Build-out programmes (``gigawatt buildout``): the programme model (scenario.py), the week-by-week simulation (simulation.py) and national electricity figures (national.py)."""
