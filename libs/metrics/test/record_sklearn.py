"""Records reference values from scikit-learn for libs/metrics specs (sklearn-reference.json).

Run with Debian's Python (apt-get install python3-sklearn):
    /usr/bin/python3 libs/metrics/test/record_sklearn.py > libs/metrics/test/sklearn-reference.json
Inputs are generated here with a fixed numpy seed and stored in the JSON beside the values, so the specs
never need Python. Scores are rounded to few decimals on purpose: ties are where implementations differ.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.metrics import accuracy_score, average_precision_score, f1_score, roc_auc_score

rng = np.random.default_rng(20261123)


def binary_case(n, decimals, pos_rate, dtype=np.float64):
    y = (rng.random(n) < pos_rate).astype(int)
    if y.sum() == 0:
        y[0] = 1
    s = np.round(rng.random(n) * 0.6 + 0.4 * y * rng.random(n), decimals).astype(dtype)
    return {
        "yTrue": y.tolist(),
        "scores": [float(v) for v in s],
        "ap": float(average_precision_score(y, s)),
        "rocAuc": float(roc_auc_score(y, s)) if 0 < y.sum() < n else None,
    }


def multilabel_case(n, labels, decimals, empty_label=None):
    y = (rng.random((n, labels)) < rng.uniform(0.1, 0.5, labels)).astype(int)
    for j in range(labels):
        if y[:, j].sum() == 0:
            y[rng.integers(n), j] = 1
    if empty_label is not None:
        y[:, empty_label] = 0
    s = np.round(np.clip(rng.random((n, labels)) * 0.7 + 0.35 * y * rng.random((n, labels)), 0, 1), decimals)
    s[rng.random((n, labels)) < 0.05] = 0.5  # exact threshold values: 0.5 is predicted negative (strict >)
    keep = [j for j in range(labels) if y[:, j].sum() > 0]
    roc_keep = [j for j in range(labels) if 0 < y[:, j].sum() < n]
    pred = (s > 0.5).astype(int)
    return {
        "yTrue": y.tolist(),
        "scores": s.tolist(),
        "labelsWithPositive": keep,
        "perLabelAp": [float(average_precision_score(y[:, j], s[:, j])) for j in keep],
        "macroAp": float(average_precision_score(y[:, keep], s[:, keep], average="macro")),
        "microAp": float(average_precision_score(y, s, average="micro")),
        "mapHard": float(average_precision_score(y[:, keep], pred[:, keep], average="macro")),
        "perLabelApHard": [float(average_precision_score(y[:, j], pred[:, j])) for j in keep],
        "perLabelF1": [float(v) for v in f1_score(y[:, keep], pred[:, keep], average=None)],
        "macroF1": float(f1_score(y[:, keep], pred[:, keep], average="macro")),
        "perLabelRocAuc": [float(roc_auc_score(y[:, j], s[:, j])) for j in roc_keep],
        "macroRocAuc": float(roc_auc_score(y[:, roc_keep], s[:, roc_keep], average="macro")),
        "subsetAccuracy": float(accuracy_score(y, pred)),
        "sklearnApOfEmptyLabel": (float(average_precision_score(y[:, empty_label], s[:, empty_label])) if empty_label is not None else None),
    }


def multiclass_case(n, classes):
    y = rng.integers(0, classes, n)
    p = np.where(rng.random(n) < 0.6, y, rng.integers(0, classes + 1, n))  # class `classes` only predicted
    return {
        "yTrue": y.tolist(),
        "yPred": p.tolist(),
        "accuracy": float(accuracy_score(y, p)),
        "macroF1": float(f1_score(y, p, average="macro")),
    }


def percentile_case(n):
    v = rng.normal(size=n)
    qs = [0.0, 0.025, 0.5, 0.975, 1.0]
    return {"values": v.tolist(), "q": qs, "quantiles": [float(np.percentile(v, 100 * q)) for q in qs]}


import warnings

warnings.simplefilter("ignore")
out = {
    "producedBy": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, Python {sys.version.split()[0]}",
    "script": "libs/metrics/test/record_sklearn.py",
    "binary": [binary_case(n, d, r) for n, d, r in [(10, 1, 0.4), (57, 1, 0.3), (200, 2, 0.1), (300, 1, 0.5), (25, 0, 0.5)]],
    "binaryFloat32": [binary_case(150, 3, 0.3, np.float32)],
    "multilabel": [multilabel_case(60, 7, 2), multilabel_case(120, 5, 1), multilabel_case(50, 6, 2, empty_label=3)],
    "multiclass": [multiclass_case(80, 4), multiclass_case(33, 3)],
    "percentile": [percentile_case(101), percentile_case(40)],
}
json.dump(out, sys.stdout, indent=None)
print()
