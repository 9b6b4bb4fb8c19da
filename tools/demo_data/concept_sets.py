"""Writes the demo's concept sets (demo/concepts/) for `medexplain concepts` and TCAV/RCV tests.

Run from the repository root with Debian's python3-scipy, python3-numpy and mricron-data installed:
    /usr/bin/python3 tools/demo_data/concept_sets.py
Every image comes from the demo's own data generator (synth.py), so the concepts and the random pool belong to the
data set the 2D models were trained on; one seeded generator makes the whole folder again bit for bit.
  marker/    30 normal slices with the burned-in "L" marker and no lesion (the shortcut's concept)
  tumour/    30 ring-enhancing tumour slices with their lesion masks (a concept by mask crop, and lesion area for RCV)
  random/    the random pool: 100 slices as a screening population sees them (8 normal : 1 tumour : 1 infarct, the class
             in each name), no marker
  examples/  50 tumour slices without marker, the class examples whose decisions TCAV explains
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import synth  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "demo", "concepts")
NORMAL, TUMOUR = synth.CLASSES.index("normal"), synth.CLASSES.index("tumour")
# The random pool as a screening population: mostly normal slices, some of each lesion (8:1:1).
POOL_LABELS = [NORMAL] * 8 + [TUMOUR, synth.CLASSES.index("infarct")]


def write(folder, index, image, mask=None, label=None):
    os.makedirs(os.path.join(OUT, folder), exist_ok=True)
    stem = os.path.join(OUT, folder, f"{folder}-{index + 1:03d}" + (f"-{synth.CLASSES[label]}" if label is not None else ""))
    synth.write_png_gray(stem + ".png", image)
    if mask is not None:
        synth.write_png_gray(stem + "-mask.png", mask.astype(np.float32))


def main():
    template = synth.Template()
    rng = np.random.default_rng(5026)
    for i in range(30):
        image, _ = synth.slice_sample(rng, template, NORMAL, marker=True)
        write("marker", i, image)
    for i in range(30):
        image, mask = synth.slice_sample(rng, template, TUMOUR)
        write("tumour", i, image, mask)
    for i in range(100):
        label = POOL_LABELS[i % len(POOL_LABELS)]
        image, _ = synth.slice_sample(rng, template, label)
        write("random", i, image, label=label)
    for i in range(50):
        image, _ = synth.slice_sample(rng, template, TUMOUR)
        write("examples", i, image)
    manifest = {
        "concepts": [
            {"name": "burned-in marker", "images": "marker"},
            {"name": "ring-enhancing lesion", "images": "tumour", "mask": "crop", "margin": 16},
        ],
        "random": {"images": "random", "sets": 20, "size": 50},
        "examples": "examples",
        "measures": [{"name": "lesion area", "images": "tumour", "fromMasks": "area"}],
    }
    with open(os.path.join(OUT, "concepts.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
