"""Prints every Fusion handler's documentation and the help the reference makes of it (JSON)."""
import json
import os
import sys

json.load(sys.stdin)
os.environ['SINGLESTOREDB_FUSION_ENABLE_HIDDEN'] = '1'

import singlestoredb.fusion.handlers  # noqa: E402,F401
from singlestoredb.fusion import registry  # noqa: E402

print(json.dumps({k: {'doc': v.__doc__, 'help': v.help, 'syntax': v.syntax} for k, v in registry._handlers.items()}))
