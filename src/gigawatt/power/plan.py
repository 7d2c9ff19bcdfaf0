"""Site supply optimisation: build a PyPSA network, solve it with HiGHS, read the plan."""
