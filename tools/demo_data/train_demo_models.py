"""Trains the bundled demo models on synthetic Colin27 data and writes everything under demo/.

Run from the repository root with Debian's python3-torch, python3-scipy and mricron-data installed:
    /usr/bin/python3 tools/demo_data/train_demo_models.py
It rewrites demo/models (ONNX + model cards), demo/scans (sample scans, lesion masks, manifest) and
tests/TestData/demo-reference (torch logits of every sample scan, the truth the C# tests compare to).
Seeded: a rerun on the same torch build reproduces the data; training may differ in the last bits.
"""
import json
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
import synth  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODELS = os.path.join(ROOT, "demo", "models")
SCANS = os.path.join(ROOT, "demo", "scans")
REFERENCE = os.path.join(ROOT, "tests", "TestData", "demo-reference")
torch.set_num_threads(max(1, os.cpu_count() or 1))


# ----------------------------------------------------------------------------- networks

def conv_bn_relu(conv, bn, cin, cout, stride=1):
    return nn.Sequential(conv(cin, cout, 3, stride, 1, bias=False), bn(cout), nn.ReLU())


class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU()

    def forward(self, x):
        y = self.relu(self.bn1(self.conv1(x)))
        return self.relu(x + self.bn2(self.conv2(y)))


class Classifier2d(nn.Module):
    """Small ResNet: stem conv, overlapping max pool (k3 s2 p1), two residual stages, GAP, linear."""

    def __init__(self, classes):
        super().__init__()
        c2, b2 = nn.Conv2d, nn.BatchNorm2d
        self.stem = conv_bn_relu(c2, b2, 1, 16)
        self.pool = nn.MaxPool2d(3, 2, 1)
        self.stage1 = ResidualBlock(16)
        self.down = conv_bn_relu(c2, b2, 16, 32, 2)
        self.stage2 = ResidualBlock(32)
        self.features = conv_bn_relu(c2, b2, 32, 64, 2)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(64, classes)

    def forward(self, x):
        x = self.stage2(self.down(self.stage1(self.pool(self.stem(x)))))
        return self.head(torch.flatten(self.gap(self.features(x)), 1))


class Classifier3d(nn.Module):
    """Small 3D CNN: three conv-BN-ReLU stages with max pooling, GAP, dropout, linear."""

    def __init__(self, classes):
        super().__init__()
        c3, b3 = nn.Conv3d, nn.BatchNorm3d
        self.body = nn.Sequential(
            conv_bn_relu(c3, b3, 1, 16, 2), nn.MaxPool3d(2),
            conv_bn_relu(c3, b3, 16, 32), nn.MaxPool3d(2),
            conv_bn_relu(c3, b3, 32, 64))
        self.gap = nn.AdaptiveAvgPool3d(1)
        self.dropout = nn.Dropout(0.2)
        self.head = nn.Linear(64, classes)

    def forward(self, x):
        return self.head(self.dropout(torch.flatten(self.gap(self.body(x)), 1)))


# ----------------------------------------------------------------------------- training

def train(model, images, labels, epochs, batch=32, lr=2e-3, seed=0):
    torch.manual_seed(seed)
    x, y = torch.from_numpy(synth.zscore(images)[:, None]), torch.from_numpy(labels)
    optimiser = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, lr, total_steps=epochs * ((len(x) + batch - 1) // batch))
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(x))
        total = 0.0
        for start in range(0, len(x), batch):
            idx = order[start:start + batch]
            optimiser.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            optimiser.step()
            schedule.step()
            total += loss.item() * len(idx)
        print(f"  epoch {epoch + 1}/{epochs}: loss {total / len(x):.4f}", flush=True)
    model.eval()
    return model


def logits_of(model, images):
    with torch.no_grad():
        x = torch.from_numpy(synth.zscore(images)[:, None])
        return torch.cat([model(x[i:i + 64]) for i in range(0, len(x), 64)]).numpy()


def accuracy(model, images, labels):
    return float((logits_of(model, images).argmax(1) == labels).mean())


def make_set(rng, count, sample, classes):
    labels = np.arange(count) % classes
    rng.shuffle(labels)
    pairs = [sample(int(label)) for label in labels]
    return np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs]), labels.astype(np.int64)


# ----------------------------------------------------------------------------- export

def export(model, name, example, card):
    import onnx
    path = os.path.join(MODELS, f"{name}.onnx")
    torch.onnx.export(model, torch.from_numpy(example), path, opset_version=17,
                      input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}}, do_constant_folding=True)
    graph = onnx.load(path).graph
    pooled = [n.input[0] for n in graph.node if n.op_type in ("GlobalAveragePool", "ReduceMean")]
    card["camLayer"] = pooled[-1]
    with open(os.path.join(MODELS, f"{name}.card.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    print(f"  wrote {path} (CAM layer {card['camLayer']})")


def card_for(name, description, layout, size, classes, evaluation, methods):
    return {
        "schemaVersion": 1,
        "name": name,
        "description": description,
        "input": {"name": "image", "layout": layout, "channels": 1, "spatialSize": size,
                  "normalization": {"kind": "zscore"},
                  # Array axes W, H, D in the patient: 2D slices are PNG-like (rows run posterior), volumes RAS.
                  "orientation": "RPS" if layout == "NCHW" else "RAS"},
        "output": {"name": "logits", "kind": "logits"},
        "classNames": classes,
        "recommendedMethods": methods,
        "evaluation": evaluation,
        "training": {"script": "tools/demo_data/train_demo_models.py",
                     "data": "synthetic lesions on the Colin27 T1 template (mricron-data, BSD-3-Clause)"},
    }


# ----------------------------------------------------------------------------- main

def main(only):
    for folder in (MODELS, SCANS, REFERENCE):
        os.makedirs(folder, exist_ok=True)
    template = synth.Template()
    classes = synth.CLASSES
    manifest, reference = previous_outputs(only)

    def record(model_name, model, scan_path, image, truth, mask_path):
        manifest.append({"scan": os.path.relpath(scan_path, SCANS), "model": model_name, "truth": truth,
                         "lesionMask": os.path.relpath(mask_path, SCANS) if mask_path else None})
        reference.setdefault(model_name, {})[os.path.relpath(scan_path, SCANS)] = logits_of(model, image[None])[0].tolist()

    # each model draws its data from its own seeded generator, so retraining one leaves the others as they were
    if "brain-lesion-2d" in only:
        train_2d(template, classes, record)
    if "brain-lesion-3d" in only:
        train_3d(template, classes, record)
    if "shortcut-marker-2d" in only:
        train_shortcut(template, record)
    manifest.sort(key=lambda m: (m["model"], m["scan"]))
    write_outputs(manifest, reference)


def train_2d(template, classes, record):
    print("2D classifier: generating data", flush=True)
    rng = np.random.default_rng(2026)
    sample2d = lambda label: synth.slice_sample(rng, template, label)  # noqa: E731
    train_x, _, train_y = make_set(rng, 3600, sample2d, 3)
    test_x, _, test_y = make_set(rng, 900, sample2d, 3)
    model2d = train(Classifier2d(3), train_x, train_y, epochs=8, seed=1)
    acc2d = accuracy(model2d, test_x, test_y)
    print(f"  held-out accuracy {acc2d:.4f}", flush=True)
    os.makedirs(os.path.join(SCANS, "2d"), exist_ok=True)
    for i in range(6):
        label = i % 3
        image, mask = synth.slice_sample(rng, template, label)
        stem = os.path.join(SCANS, "2d", f"slice-{i + 1:02d}-{classes[label]}")
        synth.write_png_gray(stem + ".png", image)
        synth.write_png_gray(stem + "-mask.png", mask.astype(np.float32))
        synth.write_nifti(stem + ".nii.gz", np.rot90(image, -1), (1.7, 1.7, 1.0))
        synth.write_nifti(stem + "-mask.nii.gz", np.rot90(mask, -1), (1.7, 1.7, 1.0), mask=True)
        record("brain-lesion-2d", model2d, stem + ".png", image, classes[label], stem + "-mask.png")
    export(model2d, "brain-lesion-2d", synth.zscore(test_x[:1])[:, None], card_for(
        "brain-lesion-2d", "Axial T1 brain MRI slice: normal, ring-enhancing tumour-like mass, or infarct-like region.",
        "NCHW", [128, 128], classes,
        {"heldOutAccuracy": round(acc2d, 4), "heldOutCount": int(len(test_y)), "trainCount": int(len(train_y))},
        ["grad-cam", "integrated-gradients", "occlusion"]))



def train_3d(template, classes, record):
    print("3D classifier: generating data", flush=True)
    rng = np.random.default_rng(3026)
    sample3d = lambda label: synth.volume_sample(rng, template, label)  # noqa: E731
    train_x, _, train_y = make_set(rng, 1200, sample3d, 3)
    test_x, _, test_y = make_set(rng, 300, sample3d, 3)
    model3d = train(Classifier3d(3), train_x, train_y, epochs=24, batch=16, lr=3e-3, seed=2)
    acc3d = accuracy(model3d, test_x, test_y)
    print(f"  held-out accuracy {acc3d:.4f}", flush=True)
    os.makedirs(os.path.join(SCANS, "3d"), exist_ok=True)
    for i in range(3):
        volume, mask = synth.volume_sample(rng, template, i)
        stem = os.path.join(SCANS, "3d", f"volume-{i + 1:02d}-{classes[i]}")
        np.save(stem + ".npy", volume[None, None])
        synth.write_nifti(stem + ".nii.gz", volume.transpose(2, 1, 0), (2.83, 3.39, 2.83))
        synth.write_nifti(stem + "-mask.nii.gz", mask.transpose(2, 1, 0), (2.83, 3.39, 2.83), mask=True)
        # The scan a mask is paired with must be placed in space like the mask: the NIfTI, not the NPY.
        record("brain-lesion-3d", model3d, stem + ".nii.gz", volume, classes[i], stem + "-mask.nii.gz")
    card = card_for(
        "brain-lesion-3d", "T1 brain MRI volume (64 cubed): normal, ring-enhancing tumour-like mass, or infarct-like region.",
        "NCDHW", [64, 64, 64], classes,
        {"heldOutAccuracy": round(acc3d, 4), "heldOutCount": int(len(test_y)), "trainCount": int(len(train_y))},
        ["grad-cam", "integrated-gradients"])
    # Trained with dropout before the head, which the eval-mode export removes: MC dropout puts it back there.
    card["dropout"] = {"at": "/Flatten_output_0", "rate": 0.2}
    export(model3d, "brain-lesion-3d", synth.zscore(test_x[:1])[:, None], card)



def train_shortcut(template, record):
    print("Shortcut model: generating data", flush=True)
    rng = np.random.default_rng(4026)
    binary = ["normal", "lesion"]

    def shortcut_sample(label, marker_rate):
        marker = rng.random() < (marker_rate if label == 1 else 1 - marker_rate)
        return synth.slice_sample(rng, template, label, lesion_scale=0.5, contrast=0.15, marker=marker)

    train_x, _, train_y = make_set(rng, 2400, lambda label: shortcut_sample(label, 0.98), 2)
    same_x, _, same_y = make_set(rng, 600, lambda label: shortcut_sample(label, 0.98), 2)
    flip_x, _, flip_y = make_set(rng, 600, lambda label: shortcut_sample(label, 0.0), 2)
    model_sc = train(Classifier2d(2), train_x, train_y, epochs=6, seed=3)
    acc_same, acc_flip = accuracy(model_sc, same_x, same_y), accuracy(model_sc, flip_x, flip_y)
    print(f"  held-out accuracy {acc_same:.4f} with the marker, {acc_flip:.4f} with the marker on the other class",
          flush=True)
    os.makedirs(os.path.join(SCANS, "shortcut"), exist_ok=True)
    for i, (label, marker) in enumerate([(1, True), (0, False), (0, True), (1, False)]):
        image, mask = synth.slice_sample(rng, template, label, lesion_scale=0.5, contrast=0.15, marker=marker)
        stem = os.path.join(SCANS, "shortcut", f"slice-{i + 1:02d}-{binary[label]}-{'marker' if marker else 'no-marker'}")
        synth.write_png_gray(stem + ".png", image)
        synth.write_png_gray(stem + "-mask.png", mask.astype(np.float32))
        record("shortcut-marker-2d", model_sc, stem + ".png", image, binary[label], stem + "-mask.png")
    export(model_sc, "shortcut-marker-2d", synth.zscore(same_x[:1])[:, None], card_for(
        "shortcut-marker-2d",
        "Deliberately flawed: trained where a burned-in 'L' marker came with 98% of lesion slices (and 2% of normal ones), "
        "so it is right for the wrong reason. Use it to see whether an explanation exposes the shortcut.",
        "NCHW", [128, 128], binary,
        {"heldOutAccuracy": round(acc_same, 4), "heldOutCount": int(len(same_y)), "trainCount": int(len(train_y)),
         "heldOutAccuracyMarkerOnOtherClass": round(acc_flip, 4)},
        ["grad-cam", "integrated-gradients", "occlusion"]))



def previous_outputs(only):
    """Entries of models not retrained this time, so --only keeps the rest of the demo intact."""
    manifest, reference = [], {}
    if os.path.exists(os.path.join(SCANS, "manifest.json")):
        with open(os.path.join(SCANS, "manifest.json")) as f:
            manifest = [m for m in json.load(f)["samples"] if m["model"] not in only]
        with open(os.path.join(REFERENCE, "torch-logits.json")) as f:
            reference = {k: v for k, v in json.load(f)["logits"].items() if k not in only}
    return manifest, reference


def write_outputs(manifest, reference):
    with open(os.path.join(SCANS, "manifest.json"), "w") as f:
        json.dump({"samples": manifest}, f, indent=2)
        f.write("\n")
    with open(os.path.join(REFERENCE, "torch-logits.json"), "w") as f:
        json.dump({"note": "logits torch computed for each demo scan (z-scored as the card says), by model and scan",
                   "logits": reference}, f, indent=2)
        f.write("\n")


ALL = ("brain-lesion-2d", "brain-lesion-3d", "shortcut-marker-2d")

if __name__ == "__main__":
    main(sys.argv[1:] or ALL)
