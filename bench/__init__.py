"""Load benchmark of the registry (README, Benchmark): `bench/run`, or `python -m bench`.

Seeds PostgreSQL databases with `registry seed --scale N`, serves each with uvicorn in
production mode (several workers, rate limits off), drives it with wrk from a separate process
and prints requests/s, p50 and p99 per query, each also as a ratio to the floor (bench/floor.py:
the same answer from plain SQL), as a markdown table, also written to bench/results/latest.md.
Not part of the test suite.
"""
