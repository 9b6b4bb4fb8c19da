"""Writes reference reader-study statistics for MedExplain's own implementations to agree with:
Krippendorff's alpha from the fast-krippendorff package (pln-fing-udelar/fast-krippendorff, imported from its checkout),
and the Friedman and Wilcoxon signed-rank tests from SciPy (Debian's python3-scipy), on the published example data and on
seeded Likert ratings shaped like a reader study (raters x cases x methods, some ratings missing).

usage: PEERS=/path/to/fast-krippendorff-checkout /usr/bin/python3 tools/peers/study_statistics.py tests/TestData/peers/study-statistics.json
"""
import json
import os
import sys

import numpy as np
import scipy
from scipy import stats

sys.path.insert(0, os.environ["PEERS"])
import krippendorff  # noqa: E402

METRICS = ("nominal", "ordinal", "interval", "ratio")


def alpha_case(name, data):
    """data: coders x units, None where missing."""
    array = np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float)
    return {"name": name, "data": data,
            "alpha": {m: float(krippendorff.alpha(reliability_data=array, level_of_measurement=m)) for m in METRICS}}


rng = np.random.default_rng(20)
alphas = [alpha_case("Krippendorff's example (Wikipedia)", [
    [None, None, None, None, None, 3, 4, 1, 2, 1, 1, 3, 3, None, 3],
    [1, None, 2, 1, 3, 3, 4, 3, None, None, None, None, None, None, None],
    [None, None, 2, 1, 3, 4, 4, None, 2, 1, 1, 3, 3, None, 4]])]
truth = rng.integers(1, 6, 30)
for raters, noise, missing in [(5, 0.8, 0.15), (3, 2.0, 0.0), (8, 0.4, 0.3)]:
    data = []
    for _ in range(raters):
        row = np.clip(np.round(truth + rng.normal(0, noise, truth.size)), 1, 5).astype(int)
        data.append([None if rng.random() < missing else int(v) for v in row])
    alphas.append(alpha_case(f"{raters} raters, noise {noise}, {int(missing * 100)}% missing", data))

friedman = []
for blocks, methods, spread in [(12, 4, 1.0), (20, 3, 0.3), (8, 6, 2.0)]:
    effects = np.linspace(0, spread, methods)
    data = np.clip(np.round(3 + effects[None, :] + rng.normal(0, 1, (blocks, methods))), 1, 5)  # Likert: ties
    statistic, p = stats.friedmanchisquare(*data.T)
    friedman.append({"data": data.tolist(), "statistic": float(statistic), "p": float(p)})
continuous = rng.normal(0, 1, (10, 4)) + np.array([0, 0.2, 0.5, 1.0])
statistic, p = stats.friedmanchisquare(*continuous.T)
friedman.append({"data": continuous.round(6).tolist(), "statistic": float(statistic), "p": float(p)})

wilcoxon = []
for n, shift, likert in [(15, 0.5, False), (30, 0.2, False), (40, 0.8, True), (12, 0.0, True)]:
    x = rng.normal(0, 1, n)
    y = x + shift + rng.normal(0, 1, n)
    if likert:
        x, y = np.clip(np.round(3 + x), 1, 5), np.clip(np.round(3 + y), 1, 5)  # ties and zero differences
    else:
        x, y = x.round(6), y.round(6)
    d = y - x
    exact = not likert and len(np.unique(np.abs(d))) == n and np.all(d != 0)
    method = "exact" if exact else "approx"
    statistic, p = stats.wilcoxon(x, y, zero_method="wilcox", correction=False, alternative="two-sided", method=method)
    wilcoxon.append({"x": x.tolist(), "y": y.tolist(), "method": method, "statistic": float(statistic), "p": float(p)})

with open(sys.argv[1], "w") as f:
    json.dump({"scipy": scipy.__version__, "krippendorff": "pln-fing-udelar/fast-krippendorff", "alpha": alphas,
               "friedman": friedman, "wilcoxon": wilcoxon}, f, indent=1)
