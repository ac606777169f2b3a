"""The functions of collocated.test.ts, for the reference's own collocated (mmap) server."""
from singlestoredb.functions import udf


@udf
def add_one(x: int) -> int:
    return x + 1


@udf
def upper(s: str) -> str:
    return s.upper()
