"""Sweeps: a scenario run at many points (grid, one at a time, sampled, Sobol', weather years). Its input
model (scenario.py) and its result's renderers (job.py) sit with the models; the runner (runner.py) is a face
that runs every point through the API, on Dask where asked."""
