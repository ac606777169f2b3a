"""JSON-friendly spellings of Python SDK values, shared by the cross-check scripts."""
import datetime
import decimal


def plain(v):
    if isinstance(v, (bytes, bytearray)):
        return {"hex": bytes(v).hex()}
    if isinstance(v, decimal.Decimal):
        return {"decimal": str(v)}
    if isinstance(v, datetime.datetime):
        return {"datetime": v.isoformat(sep=" ")}
    if isinstance(v, datetime.date):
        return {"date": v.isoformat()}
    if isinstance(v, datetime.timedelta):
        return {"micros": (v.days * 86400 + v.seconds) * 1_000_000 + v.microseconds}
    if isinstance(v, float):
        return {"float": repr(v)}
    if isinstance(v, (set, frozenset)):
        return sorted(v)
    return v
