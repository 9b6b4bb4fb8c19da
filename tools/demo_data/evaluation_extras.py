"""Adds what `medexplain evaluate` and the demo's evaluation summary need beside the demo models:

- AAL atlas labels for each 2D sample slice (demo/scans/2d/*-regions.png and .nii.gz) and the label names
  (demo/scans/2d/aal-regions.txt): the regions whose top-10 sum, density and gain the evaluation compares;
- the marker area of the shortcut slices (demo/scans/shortcut/marker-area.png), where a faithful map of the
  shortcut model should point;
- two more 2D classifiers trained on exactly the same data: a replica with another seed (repeatability across
  identically trained models) and one trained on shuffled labels (the data-label randomisation check).

Run from the repository root after train_demo_models.py, with the same packages:
    /usr/bin/python3 tools/demo_data/evaluation_extras.py
It replays the 2D generator's seed, so the slices it regenerates must equal the committed PNGs; it stops if not.
"""
import json
import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import synth  # noqa: E402
import train_demo_models as demo  # noqa: E402

SLICES = os.path.join(demo.SCANS, "2d")


def replay_2d(template):
    """The 2D model's training and test sets and its six sample slices with their atlas labels, as train_2d drew them."""
    rng = np.random.default_rng(2026)
    sample2d = lambda label: synth.slice_sample(rng, template, label)  # noqa: E731
    train_x, _, train_y = demo.make_set(rng, 3600, sample2d, 3)
    test_x, _, test_y = demo.make_set(rng, 900, sample2d, 3)
    samples = [synth.slice_sample(rng, template, i % 3, with_atlas=True) for i in range(6)]
    return (train_x, train_y), (test_x, test_y), samples


def write_atlas_labels(samples):
    for i, (image, _, atlas) in enumerate(samples):
        stem = os.path.join(SLICES, f"slice-{i + 1:02d}-{synth.CLASSES[i % 3]}")
        committed = read_png_gray(stem + ".png")
        if not np.array_equal(np.round(image * 255), committed):
            sys.exit(f"{stem}.png differs from the replayed slice: rerun train_demo_models.py first")
        synth.write_png_gray(stem + "-regions.png", atlas / 255.0)  # one label per grey level (AAL has 116)
        synth.write_nifti(stem + "-regions.nii.gz", np.rot90(atlas, -1), (1.7, 1.7, 1.0), mask=True)
    with open(os.path.join(synth.TEMPLATES, "aal.nii.txt")) as source, \
            open(os.path.join(SLICES, "aal-regions.txt"), "w") as names:
        names.write("# AAL atlas labels (mricron-data, BSD-3-Clause): label name code\n")
        shutil.copyfileobj(source, names)


def read_png_gray(path):
    from PIL import Image
    return np.asarray(Image.open(path), dtype=np.float64)


def train_check_models(train, test):
    (train_x, train_y), (test_x, test_y) = train, test
    shuffled = np.random.default_rng(12).permutation(train_y)
    for name, labels, seed, description in [
        ("brain-lesion-2d-replica", train_y, 11,
         "brain-lesion-2d trained again on the same data with another seed: maps should repeat across the two."),
        ("brain-lesion-2d-shuffled-labels", shuffled, 12,
         "brain-lesion-2d's network trained on the same images with shuffled labels (data-label randomisation): "
         "it learned nothing real, so an explanation that still looks the same does not explain the model."),
    ]:
        print(f"{name}: training", flush=True)
        model = demo.train(demo.Classifier2d(3), train_x, labels, epochs=8, seed=seed)
        acc = demo.accuracy(model, test_x, test_y)
        print(f"  held-out accuracy {acc:.4f}", flush=True)
        demo.export(model, name, synth.zscore(test_x[:1])[:, None], demo.card_for(
            name, description, "NCHW", [128, 128], synth.CLASSES,
            {"heldOutAccuracy": round(acc, 4), "heldOutCount": int(len(test_y)), "trainCount": int(len(train_y))},
            ["integrated-gradients"]))


def update_manifest():
    path = os.path.join(demo.SCANS, "manifest.json")
    with open(path) as f:
        manifest = json.load(f)
    for sample in manifest["samples"]:
        stem = sample["scan"].rsplit(".", 1)[0]
        if sample["model"] == "brain-lesion-2d":
            sample["regions"] = stem + "-regions.png"
        if sample["model"] == "shortcut-marker-2d" and "-marker" in stem and "no-marker" not in stem:
            sample["confounderMask"] = "shortcut/marker-area.png"
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


def main():
    template = synth.Template()
    train, test, samples = replay_2d(template)
    write_atlas_labels(samples)
    synth.write_png_gray(os.path.join(demo.SCANS, "shortcut", "marker-area.png"), synth.marker_area_mask().astype(np.float32))
    update_manifest()
    if "--no-models" not in sys.argv:
        train_check_models(train, test)


if __name__ == "__main__":
    main()
