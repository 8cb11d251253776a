"""Sangdam backend."""

import os

# The local embedder runs on OpenMP. Spinning worker threads collapse throughput when the API, the worker and
# other processes share a few cores, so idle threads sleep instead (must be set before the library loads).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
