"""
The benchmark's functions for the official Python SDK's server (singlestoredb.functions.ext.asgi),
written the way the SDK documents them: plain scalar functions called once per row, and
vectorized ones taking and returning numpy arrays (called once per batch).

Served with:  python -m singlestoredb.functions.ext.asgi --host 127.0.0.1 --port N bench_functions
"""
import numpy as np
import numpy.typing as npt

from singlestoredb.functions import udf


@udf
def add_one(x: int) -> int:
    return x + 1


@udf
def upper(s: str) -> str:
    return s.upper()


@udf
def add_one_vec(x: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    return x + 1


@udf
def upper_vec(s: npt.NDArray[np.str_]) -> npt.NDArray[np.str_]:
    # The SDK's numpy loader hands TEXT columns over as object arrays of str; a list
    # comprehension over them is the fastest correct upper() (np.char/np.strings would first
    # convert to a fixed-width unicode array and back).
    return np.array([v.upper() for v in s], dtype=object)
