"""Captum's own TCAV classifier and scoring on seeded activations, the truth TcavPeerTests compares MedExplain with.

Captum is not packaged for Debian: check out its source and name the folder that holds the `captum` package. Needs
Debian's python3-torch and python3-sklearn (Captum's DefaultClassifier is scikit-learn's SGDClassifier). Run from the
repository root:

    PEERS=/path/to/captum-checkout /usr/bin/python3 tools/peers/captum_tcav.py tests/TestData/peers/tcav.json

For several (concept, random set) pairs of seeded activations it fixes a balanced, stratified 67/33 split (the one
MedExplain's CavTrainer makes: a third of each side held out), trains the CAV the way Captum's DefaultClassifier does
(SkLearnSGDClassifier with alpha 0.01, max_iter 1000, tol 1e-3; and with loss "log_loss", MedExplain's logistic option)
once per SGD seed 0..19, measures each CAV's held-out
accuracy, and scores seeded class gradients with Captum's TCAV._tcav_sub_computation (sign count and magnitude). The
spread over the seeds is the SGD's own tolerance, within which MedExplain must agree. Everything is written with the
arrays, so the C# test gives MedExplain exactly the same activations, split and gradients.
"""
import json
import os
import sys

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

sys.path[:0] = [p for p in os.environ.get("PEERS", "").split(":") if p]
SEEDS = 20

from captum._utils.models.linear_model.model import SkLearnSGDClassifier  # noqa: E402
from captum.concept import Concept  # noqa: E402
from captum.concept._core.tcav import TCAV  # noqa: E402


def case(rng, dims, per_side, separation, examples, seed):
    """A concept cluster, a random cluster, and class gradients that partly follow the concept's direction."""
    direction = rng.normal(0, 1, dims)
    direction /= np.linalg.norm(direction)
    # Rounded to 4 decimals so the JSON stays small; both sides read the same rounded values.
    concept = np.round(rng.normal(0, 1, (per_side, dims)) + separation * direction, 4).astype(np.float32)
    random = np.round(rng.normal(0, 1, (per_side, dims)), 4).astype(np.float32)
    lean = rng.uniform(-1, 1)
    gradients = np.round(lean * direction + rng.normal(0, 1, (examples, dims)) / np.sqrt(dims), 4).astype(np.float32)
    held = per_side // 3
    order_c, order_r = rng.permutation(per_side), rng.permutation(per_side)
    test = [(int(i), 1) for i in order_c[:held]] + [(int(i), 0) for i in order_r[:held]]
    train = [(int(i), 1) for i in order_c[held:]] + [(int(i), 0) for i in order_r[held:]]

    def rows(split):
        x = np.stack([(concept if label == 1 else random)[i] for i, label in split]).astype(np.float32)
        y = np.array([label for _, label in split])
        return torch.from_numpy(x), torch.from_numpy(y)

    x_train, y_train = rows(train)
    x_test, y_test = rows(test)
    hinge = spread([fit_and_score(x_train, y_train, x_test, y_test, gradients, seed, "hinge") for seed in range(SEEDS)])
    logistic = spread([fit_and_score(x_train, y_train, x_test, y_test, gradients, seed, "log_loss") for seed in range(SEEDS)])
    return {
        "dims": dims,
        "concept": [round(float(v), 4) for v in concept.flatten()],
        "random": [round(float(v), 4) for v in random.flatten()],
        "gradients": [round(float(v), 4) for v in gradients.flatten()],
        "train": train,
        "test": test,
        "captum": hinge,
        "logistic": logistic,
    }


def spread(runs):
    """What the SGD seeds give: each run's accuracy, sign count and magnitude, the mean CAV direction, and how far the
    least typical run's CAV is from it (cosine)."""
    weights = np.array([w for w, _, _, _ in runs])
    mean = weights.mean(axis=0)
    mean /= np.linalg.norm(mean)
    cosines = weights @ mean / np.linalg.norm(weights, axis=1)
    return {
        "accuracies": [a for _, a, _, _ in runs],
        "signCounts": [c for _, _, c, _ in runs],
        "magnitudes": [m for _, _, _, m in runs],
        "meanDirection": [round(float(v), 6) for v in mean],
        "leastCosineToMean": float(cosines.min()),
    }


def fit_and_score(x_train, y_train, x_test, y_test, gradients, seed, loss):
    """One CAV as Captum's DefaultClassifier trains it (its SGD seeded; loss "hinge" as Captum, or "log_loss" for
    logistic regression, the same SkLearnSGDClassifier), its held-out accuracy, and its TCAV scores."""
    model = SkLearnSGDClassifier(alpha=0.01, max_iter=1000, tol=1e-3, random_state=seed, loss=loss)
    model.fit(DataLoader(TensorDataset(x_train, y_train), batch_size=len(x_train)))
    weights = model.representation()  # (1, dims): the binary classifier's normal, toward class 1 (the concept)
    accuracy = float(((model(x_test)[:, 0] > 0).long() == y_test).float().mean())
    concepts = [Concept(0, "random", None), Concept(1, "concept", None)]
    cavs = torch.stack([-weights[0], weights[0]])[None]  # as DefaultClassifier.weights() splits a binary classifier
    scores = {"0-1": {}}
    TCAV._tcav_sub_computation(None, scores, "layer", torch.from_numpy(gradients), cavs, [[0, 1]], [concepts])
    result = scores["0-1"]["layer"]
    return weights[0].numpy(), accuracy, float(result["sign_count"][1]), float(result["magnitude"][1])


def main(out):
    rng = np.random.default_rng(2018)
    cases = [case(rng, dims, per_side, separation, 40, seed)
             for seed, (dims, per_side, separation) in enumerate([(16, 30, 3.0), (48, 30, 4.0), (32, 45, 1.0), (8, 60, 1.5), (24, 36, 0.5)])]
    with open(out, "w") as f:
        json.dump({"peer": "Captum (DefaultClassifier's SkLearnSGDClassifier; TCAV._tcav_sub_computation), scikit-learn 1.2.1", "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
