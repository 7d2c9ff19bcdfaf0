"""Fleet siting (``gigawatt site``): its programme model (scenario.py) and the allocation of gigawatts to candidates (allocation.py)."""
