"""Synthetic, labelled brain-MRI data built on the Colin27 T1 template (Debian package mricron-data).

Every sample is the template seen through a random small rigid transform, with a bias field, an
intensity scale and noise, plus at most one synthetic lesion and its mask:
  normal  - no lesion
  tumour  - ring-enhancing mass: bright rim, dark necrotic core, faint surrounding oedema
  infarct - dark, irregular region confined to one AAL atlas region (a vascular-territory look)
Everything is driven by a numpy Generator, so a seed reproduces the data set exactly.
"""
import gzip
import struct
import zlib

import numpy as np
from scipy import ndimage

TEMPLATES = "/usr/share/mricron/templates"
CLASSES = ["normal", "tumour", "infarct"]


# ----------------------------------------------------------------------------- NIfTI / PNG / NPY

def read_nifti(path):
    """Minimal NIfTI-1 reader for the template files (uint8/int16/float32, no scaling tricks)."""
    raw = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
    dims = struct.unpack("<8h", raw[40:56])
    dtype = {2: np.uint8, 4: np.int16, 16: np.float32}[struct.unpack("<h", raw[70:72])[0]]
    offset = int(struct.unpack("<f", raw[108:112])[0])
    shape = dims[1:1 + dims[0]]
    count = int(np.prod(shape))
    data = np.frombuffer(raw, dtype=dtype, count=count, offset=offset)
    return data.reshape(shape, order="F").astype(np.float32)


def write_nifti(path, volume_xyz, spacing, mask=False):
    """Writes a gzipped NIfTI-1 file (float32 image or uint8 mask) with a scanner-style sform."""
    data = np.asarray(volume_xyz, dtype=np.uint8 if mask else np.float32)
    while data.ndim < 3:
        data = data[..., None]
    header = bytearray(348)
    struct.pack_into("<i", header, 0, 348)
    dims = [3, *data.shape, 1, 1, 1, 1]
    struct.pack_into("<8h", header, 40, *dims)
    struct.pack_into("<hh", header, 70, 2 if mask else 16, 8 if mask else 32)
    struct.pack_into("<8f", header, 76, 1.0, *spacing, 1.0, 1.0, 1.0, 1.0)
    struct.pack_into("<f", header, 108, 352.0)
    struct.pack_into("<f", header, 112, 1.0)  # scl_slope
    struct.pack_into("<B", header, 123, 10 | 8)  # xyzt_units: mm, s
    struct.pack_into("<hh", header, 252, 0, 2)  # qform 0, sform aligned
    centre = [(n - 1) * s / 2 for n, s in zip(data.shape, spacing)]
    struct.pack_into("<4f", header, 280, spacing[0], 0, 0, -centre[0])
    struct.pack_into("<4f", header, 296, 0, spacing[1], 0, -centre[1])
    struct.pack_into("<4f", header, 312, 0, 0, spacing[2], -centre[2])
    header[344:348] = b"n+1\0"
    body = bytes(header) + b"\0" * 4 + data.tobytes(order="F")
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(body)


def write_png_gray(path, image01):
    """Writes an 8-bit grayscale PNG from an image in [0, 1] (rows top to bottom)."""
    write_png(path, image01)


def write_png(path, image01):
    """Writes an 8-bit PNG from an image in [0, 1]: (H, W) as grayscale, (H, W, 3) as RGB."""
    pixels = np.clip(np.round(np.asarray(image01) * 255.0), 0, 255).astype(np.uint8)
    height, width = pixels.shape[:2]
    colour_type = 2 if pixels.ndim == 3 else 0
    rows = b"".join(b"\0" + pixels[r].tobytes() for r in range(height))

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def quantise_8bit(image01):
    """What a PNG round trip does to an image in [0, 1]."""
    return np.clip(np.round(image01 * 255.0), 0, 255) / 255.0


# ----------------------------------------------------------------------------- template

class Template:
    """Colin27 T1 (with skull), its brain mask and the AAL atlas, all 181x217x181 at 1 mm."""

    def __init__(self):
        self.t1 = read_nifti(f"{TEMPLATES}/ch2.nii.gz") / 255.0
        self.brain = read_nifti(f"{TEMPLATES}/ch2bet.nii.gz") > 0
        self.aal = read_nifti(f"{TEMPLATES}/aal.nii.gz").astype(np.int32)
        labels = np.unique(self.aal)
        # cortical AAL regions big enough to host an infarct
        self.regions = [int(v) for v in labels if v > 0 and (self.aal == v).sum() > 4000]

    def axial(self, z):
        """Axial slice as an image: rows run anterior to posterior, columns right to left."""
        def orient(a):
            return np.rot90(a[:, :, z]).copy()
        return orient(self.t1), orient(self.brain).astype(np.float32), orient(self.aal)


# ----------------------------------------------------------------------------- geometry

def random_affine(rng, ndim, max_rotation_deg, max_shift, scale_range, in_shape, out_shape):
    """Output->input affine for scipy's affine_transform: centre, rotate in the axial plane, scale, shift."""
    angle = np.deg2rad(rng.uniform(-max_rotation_deg, max_rotation_deg))
    scale = rng.uniform(*scale_range)
    rot = np.eye(ndim)
    c, s = np.cos(angle), np.sin(angle)
    rot[0, 0], rot[0, 1], rot[1, 0], rot[1, 1] = c, -s, s, c
    zoom = np.array([i / o for i, o in zip(in_shape, out_shape)]) / scale
    matrix = rot @ np.diag(zoom)
    out_centre = (np.array(out_shape) - 1) / 2
    in_centre = (np.array(in_shape) - 1) / 2 + rng.uniform(-max_shift, max_shift, ndim)
    offset = in_centre - matrix @ out_centre
    return matrix, offset


def warp(array, matrix, offset, out_shape, order):
    return ndimage.affine_transform(array, matrix, offset=offset, output_shape=out_shape, order=order, mode="constant")


# ----------------------------------------------------------------------------- appearance

def bias_field(rng, shape, strength=0.25):
    """Smooth multiplicative field: exp of a random low-order polynomial over the grid."""
    axes = np.meshgrid(*[np.linspace(-1, 1, n) for n in shape], indexing="ij")
    log_field = np.zeros(shape)
    for axis in axes:
        log_field += rng.uniform(-1, 1) * axis + rng.uniform(-0.5, 0.5) * axis ** 2
    return np.exp(strength * log_field / len(axes))


def finish(rng, image):
    """Bias field, global intensity scale, noise, clip to [0, 1]."""
    image = image * bias_field(rng, image.shape) * rng.uniform(0.85, 1.15)
    image = image + rng.normal(0, rng.uniform(0.01, 0.035), image.shape)
    return np.clip(image, 0.0, 1.0)


def distance_from(rng, shape, centre, radius):
    """Distance map normalised by radius, with a little low-frequency wobble for an organic outline."""
    grids = np.meshgrid(*[np.arange(n) for n in shape], indexing="ij")
    d = np.sqrt(sum((g - c) ** 2 for g, c in zip(grids, centre))) / radius
    wobble = ndimage.gaussian_filter(rng.normal(0, 1, shape), sigma=radius / 2)
    return d + 0.4 * wobble / (np.abs(wobble).max() + 1e-6)


def pick_centre(rng, brain, radius):
    """A voxel deep enough inside the brain mask for a lesion of this radius."""
    inner = ndimage.binary_erosion(brain > 0.5, iterations=max(1, int(radius)))
    candidates = np.argwhere(inner)
    if len(candidates) == 0:
        candidates = np.argwhere(brain > 0.5)
    return candidates[rng.integers(len(candidates))].astype(float)


def add_tumour(rng, image, brain, radius, contrast=1.0):
    """Ring-enhancing mass. Returns (image, mask)."""
    d = distance_from(rng, image.shape, pick_centre(rng, brain, radius * 1.6), radius)
    core, rim = d < 0.65, (d >= 0.65) & (d < 1.0)
    oedema = (d >= 1.0) & (d < 1.5) & (brain > 0.5)
    out = image.copy()
    out[oedema] = out[oedema] * (1 - 0.25 * contrast)
    out[core] = out[core] * (1 - 0.7 * contrast) + 0.05 * contrast
    out[rim] = out[rim] * (1 - contrast) + contrast * rng.uniform(0.85, 1.0)
    return out, (d < 1.0)


def add_infarct(rng, image, brain, atlas, regions, radius, darkness=(0.35, 0.5)):
    """Dark irregular region inside one atlas region (falls back to a blob if the region is absent).
    Intensity inside becomes a fraction (drawn from `darkness`) of what was there."""
    present = [r for r in regions if (atlas == r).sum() > 0.5 * np.pi * radius ** 2]
    territory = atlas == present[rng.integers(len(present))] if present else brain > 0.5
    centre = pick_centre(rng, territory.astype(np.float32), radius * 0.5)
    d = distance_from(rng, image.shape, centre, radius * 1.3)
    mask = (d < 1.0) & territory & (brain > 0.5)
    if mask.sum() < 0.3 * np.pi * radius ** 2:  # region too thin on this slice: unconstrained blob
        mask = (d < 1.0) & (brain > 0.5)
    out = image.copy()
    out[mask] = out[mask] * rng.uniform(*darkness) + 0.03
    return out, mask


LETTER_L = np.array([[1, 0, 0, 0, 0],
                     [1, 0, 0, 0, 0],
                     [1, 0, 0, 0, 0],
                     [1, 0, 0, 0, 0],
                     [1, 0, 0, 0, 0],
                     [1, 1, 1, 1, 1]], dtype=bool)


MARKER_AREA = (slice(4, 4 + 2 * LETTER_L.shape[0]), slice(4, 4 + 2 * LETTER_L.shape[1]))


def burn_marker(image):
    """Burns a laterality-style 'L' marker into the top-left corner, as film and CR plates carry."""
    out = image.copy()
    glyph = np.kron(LETTER_L, np.ones((2, 2), dtype=bool))
    out[MARKER_AREA][glyph] = 1.0
    return out


def marker_area_mask(size=128, margin=2):
    """Where the marker sits, with a margin: the region a faithful map of the shortcut model should point at."""
    mask = np.zeros((size, size), dtype=bool)
    rows, cols = MARKER_AREA
    mask[rows.start - margin:rows.stop + margin, cols.start - margin:cols.stop + margin] = True
    return mask


# ----------------------------------------------------------------------------- samples

def slice_sample(rng, template, label, size=128, lesion_scale=1.0, contrast=1.0, marker=False, with_atlas=False):
    """One 2D axial sample: (image in [0,1], lesion mask[, AAL labels]) with the given class label."""
    z = int(rng.integers(50, 120))
    t1, brain, atlas = template.axial(z)
    side = max(t1.shape)
    matrix, offset = random_affine(rng, 2, 10, 6, (0.95, 1.05), (side, side), (size, size))
    pad = [((side - n) // 2, side - n - (side - n) // 2) for n in t1.shape]
    image = warp(np.pad(t1, pad), matrix, offset, (size, size), 1)
    brain = warp(np.pad(brain, pad), matrix, offset, (size, size), 0)
    atlas = warp(np.pad(atlas, pad), matrix, offset, (size, size), 0)
    mask = np.zeros((size, size), dtype=bool)
    radius = rng.uniform(5, 11) * lesion_scale
    if CLASSES[label] == "tumour":
        image, mask = add_tumour(rng, image, brain, radius, contrast)
    elif CLASSES[label] == "infarct":
        image, mask = add_infarct(rng, image, brain, atlas, template.regions, radius)
    image = finish(rng, image)
    if marker:
        image = burn_marker(image)
    image = quantise_8bit(image).astype(np.float32)
    return (image, mask, atlas) if with_atlas else (image, mask)


def volume_sample(rng, template, label, size=64):
    """One 3D sample resampled to size^3, array axes (z, y, x) like a (D, H, W) tensor: (volume, mask)."""
    in_shape = template.t1.shape
    matrix, offset = random_affine(rng, 3, 8, 4, (0.95, 1.05), in_shape, (size,) * 3)
    volume = warp(template.t1, matrix, offset, (size,) * 3, 1)
    brain = warp(template.brain.astype(np.float32), matrix, offset, (size,) * 3, 0)
    atlas = warp(template.aal, matrix, offset, (size,) * 3, 0)
    mask = np.zeros((size,) * 3, dtype=bool)
    radius = rng.uniform(4.5, 8)
    if CLASSES[label] == "tumour":
        volume, mask = add_tumour(rng, volume, brain, radius)
    elif CLASSES[label] == "infarct":
        # Darker and larger than in 2D: at 64^3 the blurred cortex makes subtler infarcts unlearnable from
        # a demo-sized training set (measured: normal-vs-infarct stayed at chance, 68% overall).
        volume, mask = add_infarct(rng, volume, brain, atlas, template.regions, radius * 1.2, darkness=(0.15, 0.25))
    return finish(rng, volume).astype(np.float32).transpose(2, 1, 0).copy(), mask.transpose(2, 1, 0).copy()


def zscore(batch):
    """Per-sample z-score over all voxels (the normalisation the model cards declare)."""
    axes = tuple(range(1, batch.ndim))
    mean = batch.mean(axis=axes, keepdims=True)
    std = batch.std(axis=axes, keepdims=True)
    return ((batch - mean) / np.maximum(std, 1e-6)).astype(np.float32)
