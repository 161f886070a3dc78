import os

# One BLAS thread per process: the statistics (numpy/scipy) run on small matrices inside a
# worker or gunicorn thread, and OpenBLAS's own thread pool only fights them for the same cores
# (a 214 × 214 inverse took 0.7 s instead of 2 ms on a loaded 2-core machine). Set before numpy
# is first imported; the environment can still say otherwise.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

from .celery import app as celery_app  # noqa: E402

__all__ = ("celery_app",)
