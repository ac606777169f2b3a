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


def exact(v):
    """plain(), with integers beyond 2**53 as {"int": "..."}: JavaScript's JSON.parse would round them."""
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**53:
        return {"int": str(v)}
    return plain(v)


TEXT_CODES = (15, 245, 247, 248, 249, 250, 251, 252, 253, 254, 255)


def revive(v, code):
    """A JSON-friendly test value back to what the SDK's encoders take for wire code `code`."""
    if v is None:
        return None
    if isinstance(v, dict) and "int" in v:
        return int(v["int"])
    if code < 0 and abs(code) in TEXT_CODES:
        return bytes.fromhex(v)
    if code in (0, 246):
        return decimal.Decimal(v)
    if code in (12, 7):
        return datetime.datetime.fromisoformat(v)
    if code == 10:
        return datetime.date.fromisoformat(v)
    if code == 11:
        return datetime.timedelta(microseconds=v)
    if code in (8, -8) and isinstance(v, str):
        return int(v)
    return v
