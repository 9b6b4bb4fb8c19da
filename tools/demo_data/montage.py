"""Draws docs/images/demo-scans.png: every bundled 2D sample scan (and the middle lesion slice of each 3D
volume) with its lesion outline in red and its true class. Run from the repository root after
train_demo_models.py: /usr/bin/python3 tools/demo_data/montage.py
"""
import json
import os
import struct
import sys
import zlib

import numpy as np
from scipy import ndimage

sys.path.insert(0, os.path.dirname(__file__))
import synth  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCANS = os.path.join(ROOT, "demo", "scans")
OUT = os.path.join(ROOT, "docs", "images", "demo-scans.png")
TILE = 128


def read_png_gray(path):
    """Reads the 8-bit grayscale, filter-0 PNGs that synth.write_png_gray writes."""
    raw = open(path, "rb").read()
    width, height = struct.unpack(">II", raw[16:24])
    pos, data = 8, b""
    while pos < len(raw):
        length, kind = struct.unpack(">I4s", raw[pos:pos + 8])
        if kind == b"IDAT":
            data += raw[pos + 8:pos + 8 + length]
        pos += 12 + length
    rows = np.frombuffer(zlib.decompress(data), dtype=np.uint8).reshape(height, width + 1)
    return rows[:, 1:] / 255.0


def read_nifti_mask(path):
    volume = synth.read_nifti(path)  # (x, y, z)
    return volume.transpose(2, 1, 0) > 0  # (z, y, x), like the NPY volumes


def tile(image, mask):
    """Gray image to RGB with the mask outline in red, resized to TILE x TILE."""
    zoom = TILE / image.shape[0]
    image = ndimage.zoom(image, zoom, order=1)
    mask = ndimage.zoom(mask.astype(float), zoom, order=0) > 0.5
    rgb = np.repeat(np.clip(image, 0, 1)[..., None], 3, axis=2)
    outline = mask & ~ndimage.binary_erosion(mask)
    rgb[outline] = [1.0, 0.15, 0.15]
    return rgb


def main():
    samples = json.load(open(os.path.join(SCANS, "manifest.json")))["samples"]
    rows = {}
    for s in samples:
        scan, mask_path = os.path.join(SCANS, s["scan"]), os.path.join(SCANS, s["lesionMask"])
        if scan.endswith(".png"):
            image, mask = read_png_gray(scan), read_png_gray(mask_path) > 0.5
        else:
            volume, mask3d = np.load(scan)[0, 0], read_nifti_mask(mask_path)
            z = int(np.argwhere(mask3d)[:, 0].mean()) if mask3d.any() else volume.shape[0] // 2
            image, mask = volume[z], mask3d[z]
        rows.setdefault(s["model"], []).append(tile(image, mask))
    width = max(len(r) for r in rows.values())
    gap = np.ones((TILE, 4, 3))
    lines = []
    for tiles in rows.values():
        tiles = tiles + [np.ones((TILE, TILE, 3))] * (width - len(tiles))
        lines.append(np.concatenate([x for t in tiles for x in (t, gap)][:-1], axis=1))
        lines.append(np.ones((4, lines[-1].shape[1], 3)))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    synth.write_png(OUT, np.concatenate(lines[:-1], axis=0))
    print(f"wrote {OUT}: rows {', '.join(rows)}")


if __name__ == "__main__":
    main()
