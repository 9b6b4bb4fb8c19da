"""Writes NIfTI test files with nibabel, and what nibabel reads back from them.

usage: nibabel_cases.py write FOLDER   -> FOLDER/<case>.nii[.gz] plus <case>.expected.npy (float32, Fortran order,
                                          the volume the test reads) and cases.json (affine, volume index)
       nibabel_cases.py read FILE OUT   -> OUT.npy (values, Fortran order) and OUT.json (affine, qform, sform, codes)
"""
import json
import sys

import nibabel as nib
import numpy as np


def rotation(ax, ay, az):
    cx, sx, cy, sy, cz, sz = np.cos(ax), np.sin(ax), np.cos(ay), np.sin(ay), np.cos(az), np.sin(az)
    rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return rz @ ry @ rx


def affine(rot, zooms, offset, flip=False):
    a = np.eye(4)
    a[:3, :3] = rot @ np.diag(zooms)
    if flip:
        a[:3, 0] *= -1
    a[:3, 3] = offset
    return a


def write(folder):
    rng = np.random.default_rng(7)
    cases = {}

    def save(name, img, volume=0, extra=None):
        path = f"{folder}/{name}"
        nib.save(img, path)
        back = nib.load(path)
        data = np.asarray(back.dataobj)
        if np.iscomplexobj(data):
            raise SystemExit("complex not expected")
        values = back.get_fdata(dtype=np.float64)
        if values.ndim > 3:
            values = values.reshape(values.shape[:3] + (-1,), order="F")[..., volume]
        np.save(f"{folder}/{name}.expected.npy", values.ravel(order="F").astype(np.float32))
        cases[name] = {"affine": back.affine.tolist(), "volume": volume, "shape": list(back.shape), **(extra or {})}

    # int16 with scaling, sform and qform the same
    a = affine(rotation(0.1, -0.2, 0.3), [0.9, 1.1, 2.5], [-80, 20, 35])
    img = nib.Nifti1Image(rng.integers(-3000, 3000, (7, 6, 5)).astype(np.int16), a)
    img.header.set_slope_inter(2.5, -1024)
    img.set_qform(a, 1)
    img.set_sform(a, 1)
    save("scaled-int16.nii", img)

    # big endian float32, gzipped, qform with a reflection (qfac -1) and no sform
    a = affine(rotation(0.05, 0.0, -0.4), [1.5, 1.5, 3.0], [10, -5, 2], flip=True)
    hdr = nib.Nifti1Header(endianness=">")
    img = nib.Nifti1Image(rng.normal(size=(5, 4, 3)).astype(">f4"), None, hdr)
    img.set_qform(a, 1)
    img.set_sform(None, 0)
    save("bigendian-qform.nii.gz", img)

    # qform and sform differ: readers must pick the sform (code 2)
    q = affine(rotation(0, 0, 0.5), [2, 2, 2], [1, 2, 3])
    s = affine(rotation(0.3, 0.1, 0), [2, 2, 2], [-50, 60, -70])
    img = nib.Nifti1Image(rng.integers(0, 255, (4, 5, 6)).astype(np.uint8), None)
    img.set_qform(q, 1)
    img.set_sform(s, 2)
    save("qform-differs.nii", img)

    # 4D uint16, third volume
    a = affine(np.eye(3), [3, 3, 4], [0, 0, 0])
    img = nib.Nifti1Image(rng.integers(0, 60000, (4, 3, 2, 5)).astype(np.uint16), a)
    save("fourd-uint16.nii.gz", img, volume=2)

    # NIfTI-2, float64, sform with shear
    a = np.array([[1.2, 0.1, 0, -10], [0, 1.0, 0.2, 5], [0.05, 0, 2.0, 7], [0, 0, 0, 1]])
    img = nib.Nifti2Image(rng.normal(size=(3, 4, 5)), a)
    save("nifti2-float64.nii", img)

    # int32 with an extension block, so vox_offset is past 352
    a = affine(np.eye(3), [1, 1, 1], [5, 6, 7])
    img = nib.Nifti1Image(rng.integers(-100000, 100000, (3, 3, 3)).astype(np.int32), a)
    img.header.extensions.append(nib.nifti1.Nifti1Extension("comment", b"an extension that moves vox_offset" * 3))
    save("extension-int32.nii", img)

    # a .hdr/.img pair, named by its image half (as users often pass it)
    a = affine(rotation(0, 0.2, 0), [1.5, 1.5, 3], [-20, 10, 5])
    img = nib.Nifti1Pair(rng.normal(size=(4, 3, 5)).astype(np.float32), a)
    save("pair-float32.img", img)

    with open(f"{folder}/cases.json", "w") as f:
        json.dump(cases, f)


def read(path, out):
    img = nib.load(path)
    np.save(out + ".npy", img.get_fdata(dtype=np.float64).ravel(order="F").astype(np.float32))
    h = img.header
    info = {
        "affine": img.affine.tolist(),
        "qform": h.get_qform().tolist(),
        "sform": h.get_sform().tolist(),
        "qformCode": int(h["qform_code"]),
        "sformCode": int(h["sform_code"]),
        "shape": list(img.shape),
        "datatype": int(h["datatype"]),
    }
    with open(out + ".json", "w") as f:
        json.dump(info, f)


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        read(sys.argv[2], sys.argv[3])
