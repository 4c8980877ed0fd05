"""Runnable benchmarks (not tests): `python -m bench.run` starts an embedded server and prints figures."""
