"""Region measures by scikit-image (Debian's python3-skimage 0.19), the truth MaskMeasuresTests compares with.

    /usr/bin/python3 tools/peers/skimage_measures.py tests/TestData/peers/mask-measures.json

For seeded integer images (levels 0..L-1, both ends present) it records graycomatrix/graycoprops contrast, homogeneity,
ASM and correlation at distance 1, averaged over the angles 0, 45, 90 and 135 degrees (symmetric, normalised: over the
whole image), and for seeded blobs regionprops' eccentricity. The images and masks are stored with the values.
"""
import json
import sys

import numpy as np
from skimage.feature import graycomatrix, graycoprops
from skimage.measure import regionprops


def texture_case(rng, height, width, levels):
    image = rng.integers(0, levels, (height, width))
    image[0, 0], image[-1, -1] = 0, levels - 1
    if rng.random() < 0.5:  # some structure, so correlation is not near zero
        image = np.clip((np.add.outer(np.arange(height), np.arange(width)) // 3 + rng.integers(0, 2, (height, width))) % levels, 0, levels - 1)
        image[0, 0], image[-1, -1] = 0, levels - 1
    matrix = graycomatrix(image.astype(np.uint8), [1], [0, np.pi / 4, np.pi / 2, 3 * np.pi / 4], levels=levels, symmetric=True, normed=True)
    props = {name: float(graycoprops(matrix, name).mean()) for name in ("contrast", "homogeneity", "ASM", "correlation")}
    return {"height": height, "width": width, "levels": levels, "image": image.flatten().tolist(), **props}


def shape_case(rng, size):
    rows, cols = np.mgrid[0:size, 0:size]
    centre = rng.uniform(size * 0.35, size * 0.65, 2)
    a, b, angle = rng.uniform(3, size * 0.3), rng.uniform(2, size * 0.2), rng.uniform(0, np.pi)
    u = (rows - centre[0]) * np.cos(angle) + (cols - centre[1]) * np.sin(angle)
    v = -(rows - centre[0]) * np.sin(angle) + (cols - centre[1]) * np.cos(angle)
    mask = ((u / a) ** 2 + (v / b) ** 2 <= 1).astype(np.uint8)
    return {"size": size, "mask": mask.flatten().tolist(), "eccentricity": float(regionprops(mask)[0].eccentricity)}


def main(out):
    rng = np.random.default_rng(17)
    cases = {
        "texture": [texture_case(rng, int(rng.integers(6, 20)), int(rng.integers(6, 20)), int(levels)) for levels in (2, 4, 8, 8, 16, 5)],
        "shape": [shape_case(rng, 40) for _ in range(5)],
        "peer": "scikit-image 0.19.3 (Debian python3-skimage)",
    }
    with open(out, "w") as f:
        json.dump(cases, f)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
