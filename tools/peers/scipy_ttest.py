"""Writes reference two-sample t-tests from SciPy (Debian's python3-scipy), the test TCAV's reference code and Captum
both call (scipy.stats.ttest_ind, Student's by default), for MedExplain's own implementation to agree with.

usage: /usr/bin/python3 tools/peers/scipy_ttest.py tests/TestData/peers/ttest.json
"""
import json
import sys

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(17)
cases = []
for n_a, n_b, shift, spread in [(20, 20, 0.0, 1.0), (20, 20, 0.3, 1.0), (10, 25, 1.5, 2.0), (5, 5, 0.05, 0.5), (50, 50, 2.0, 0.1)]:
    a = rng.normal(0.5 + shift, 0.1 * spread, n_a).round(6)
    b = rng.normal(0.5, 0.1, n_b).round(6)
    for equal_var in (True, False):
        t, p = stats.ttest_ind(a, b, equal_var=equal_var)
        cases.append({"a": a.tolist(), "b": b.tolist(), "equalVariance": equal_var, "t": float(t), "p": float(p)})

with open(sys.argv[1], "w") as f:
    json.dump({"scipy": scipy.__version__, "cases": cases}, f, indent=1)
