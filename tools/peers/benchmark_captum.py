"""MedExplain against Captum, timed side by side on the same ONNX weights and inputs, in one run.

Exports two models to a scratch folder -- the zoo's ResNet (stem max pool, residual block) at 224x224 and its 3D CNN
at 64^3, rebuilt with their seeds by tools/model_zoo/make_zoo.py -- with a batch of 4 inputs; times Captum's Saliency,
Integrated Gradients (32 steps), Guided Backprop, DeepLift, LayerGradCam and Occlusion on the torch models (median of
several calls after a warm-up, torch on as many threads as ONNX Runtime uses); then runs the MedExplain benchmark
`peer-timing` on the exported files, which times the same methods with the same settings and prints the ratios.

    PEERS="/path/to/captum-checkout:/path/to/zennit-checkout/src" /usr/bin/python3 tools/peers/benchmark_captum.py [--repeats 5]

(Zennit only for the residual sum module that peer_references.py gives the torch model.)

Needs Debian's python3-torch, python3-torchvision, python3-tqdm, python3-matplotlib and the .NET SDK.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import types as types_module

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [p for p in os.environ.get("PEERS", "").split(":") if p] + [os.path.join(HERE, "..", "model_zoo"), HERE]

from captum.attr import (DeepLift, GuidedBackprop, IntegratedGradients, LayerGradCam, Occlusion,  # noqa: E402
                         Saliency)

import make_zoo  # noqa: E402
from peer_references import with_modules  # noqa: E402

# name: (zoo model, input shape, the module Grad-CAM weighs, occlusion window, stride)
MODELS = {
    "resnet-224": ("resnet-bn-folded", (4, 1, 224, 224), lambda m: m.down[2], 16, 8),
    "cnn3d-64": ("cnn3d", (4, 1, 64, 64, 64), lambda m: m.body[7], 16, 8),
}


def methods(model, x, targets, layer, window, stride):
    spatial = x.dim() - 2
    return {
        "saliency": lambda: Saliency(model).attribute(x, target=targets, abs=True),
        "integrated-gradients": lambda: IntegratedGradients(model).attribute(
            x, baselines=torch.zeros_like(x), target=targets, n_steps=32, method="gausslegendre", internal_batch_size=32),
        "guided-backprop": lambda: GuidedBackprop(model).attribute(x, target=targets),
        "deeplift": lambda: DeepLift(model).attribute(x, baselines=torch.zeros_like(x), target=targets),
        "grad-cam": lambda: LayerGradCam(model, layer).attribute(x, target=targets),
        "occlusion": lambda: Occlusion(model).attribute(
            x, sliding_window_shapes=(1,) + (window,) * spatial, strides=(1,) + (stride,) * spatial, baselines=0,
            target=targets, perturbations_per_eval=16),
    }


def median_seconds(run, repeats):
    run()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(os.cpu_count() or 1)
    folder = tempfile.mkdtemp(prefix="medexplain-captum-")
    timings = {}
    for name, (zoo, shape, layer, window, stride) in MODELS.items():
        model, _ = make_zoo.build(zoo)
        model = with_modules(model)
        x = torch.randn(*shape, generator=torch.Generator().manual_seed(3))
        targets = torch.tensor([i % 3 for i in range(shape[0])])
        torch.onnx.export(model, x, os.path.join(folder, f"{name}.onnx"), opset_version=17, input_names=["input"],
                          output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        np.save(os.path.join(folder, f"{name}.input.npy"), x.numpy())
        np.save(os.path.join(folder, f"{name}.targets.npy"), targets.numpy().astype(np.int64))
        cam_layer = layer(model)
        timings[name] = {}
        for method, run in methods(model, x, targets, cam_layer, window, stride).items():
            timings[name][method] = median_seconds(run, args.repeats)
            print(f"captum {name} {method}: {timings[name][method] * 1000:.1f} ms", flush=True)
        timings[name]["settings"] = {"window": window, "stride": stride}
    with open(os.path.join(folder, "captum-times.json"), "w") as f:
        json.dump(timings, f, indent=2)
    project = os.path.join(HERE, "..", "..", "benchmarks", "MedExplain.Benchmarks")
    subprocess.run(["dotnet", "run", "-c", "Release", "--project", project, "--", "peer-timing", folder, str(args.repeats)], check=True)


if __name__ == "__main__":
    main()
