"""Independent APR check: reads one JSON array of cash flows (t = 0, 1, 2, ...) per line on stdin and prints
numpy-financial's IRR per line. Used by NumpyFinancialCrossCheckTests."""
import json
import sys

import numpy_financial as npf

for line in sys.stdin:
    flows = json.loads(line)
    print(repr(float(npf.irr(flows))))
