"""Weight security (``gigawatt security check``): the security facts a scenario gives (scenario.py) and the checks (checks.py)."""
