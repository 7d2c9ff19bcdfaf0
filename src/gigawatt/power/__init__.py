"""Site supply optimisation: build a PyPSA network (build.py), solve it with HiGHS (solve.py), read the
plan (results.py); plan.py runs the chain from a scenario with a grid-only baseline beside it."""
