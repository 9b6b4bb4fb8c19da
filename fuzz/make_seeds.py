"""Writes the small seed files of the npy, npz, png, card and manifest fuzz targets (fuzz/seeds/TARGET/).

Standard library only: the formats are simple enough to write by hand, and hand-writing them lets the seeds cover
variants (big-endian, Fortran order, NPY v2, 16-bit and RGB PNG) that a tool would not choose on its own.
"""
import json
import os
import struct
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def npy(descr, shape, payload, fortran=False, version=1):
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': (%s), }" % (
        descr, "True" if fortran else "False", "".join(f"{d}, " for d in shape).rstrip(" "))
    prefix = 10 if version == 1 else 12
    header += " " * ((64 - (prefix + len(header) + 1) % 64) % 64) + "\n"
    length = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + length + header.encode("latin1") + payload


def png(width, height, bit_depth, colour, rows):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + row for row in rows)
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def write(target, name, data):
    folder = os.path.join(HERE, "seeds", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


floats = struct.pack("<6f", 0, 1.5, -2, 3.25, 4, -5)
write("npy", "float32.npy", npy("<f4", (1, 2, 3), floats))
write("npy", "int16-bigendian.npy", npy(">i2", (2, 3), struct.pack(">6h", -3, 2, 1, 0, 400, -500)))
write("npy", "fortran-uint8.npy", npy("|u1", (2, 3), bytes([1, 2, 3, 4, 5, 6]), fortran=True))
write("npy", "v2-float64.npy", npy("<f8", (3,), struct.pack("<3d", 1, 2, 3), version=2))

os.makedirs(os.path.join(HERE, "seeds", "npz"), exist_ok=True)
with zipfile.ZipFile(os.path.join(HERE, "seeds", "npz", "patterns.npz"), "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("conv1.npy", npy("<f4", (2, 3), floats))
    z.writestr("dense.npy", npy("<f4", (6,), floats))

write("png", "gray8.png", png(4, 3, 8, 0, [bytes([0, 64, 128, 255])] * 3))
write("png", "rgb8.png", png(3, 2, 8, 2, [bytes(range(9)), bytes(range(9, 18))]))
write("png", "gray16.png", png(3, 2, 16, 0, [struct.pack(">3H", 0, 1000, 65535), struct.pack(">3H", 7, 8, 9)]))

card = {
    "schemaVersion": 1, "name": "seed", "description": "a fuzz seed",
    "input": {"name": "image", "layout": "NCHW", "channels": 1, "spatialSize": [8, 8],
              "normalization": {"kind": "window", "center": 40, "width": 80}, "orientation": "RPS"},
    "output": {"name": "logits", "kind": "logits"}, "classNames": ["a", "b"],
}
write("card", "seed.card.json", json.dumps(card, indent=1).encode())
manifest = {"samples": [
    {"scan": "a.png", "model": "fuzz", "lesionMask": "a-mask.png", "regions": "a-regions.png"},
    {"scan": "b.nii.gz", "confounderMask": "b-marker.png"},
]}
write("manifest", "manifest.json", json.dumps(manifest, indent=1).encode())
