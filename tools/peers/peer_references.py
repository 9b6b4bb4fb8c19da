"""Attributions computed by the peers themselves -- Captum and Zennit, from their public sources -- on zoo models, saved
as the references MedExplain's peer-agreement tests compare against (tests/TestData/peers/).

The peers are not packaged for Debian: check out their sources and name the folders that hold the `captum` and
`zennit` packages (a Captum checkout's root, a Zennit checkout's src/). Needs Debian's python3-torch,
python3-torchvision, python3-tqdm and python3-matplotlib (Captum imports them). Run from the repository root:

    PEERS="/path/to/captum-checkout:/path/to/zennit-checkout/src" /usr/bin/python3 tools/peers/peer_references.py

The torch models are rebuilt by tools/model_zoo/make_zoo.py with the seeds that made the committed ONNX files, so
the peers and MedExplain explain the same weights and the same inputs. Each method's settings are written beside the
arrays (settings.json); the C# test reads them to call MedExplain the same way.
"""
import json
import os
import sys

import types as types_module

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [p for p in os.environ.get("PEERS", "").split(":") if p] + [os.path.join(HERE, "..", "model_zoo")]

from captum.attr import (DeepLift, DeepLiftShap, GuidedBackprop, IntegratedGradients, LayerGradCam,  # noqa: E402
                         Occlusion, Saliency)
from zennit.attribution import Gradient  # noqa: E402
from zennit.canonizers import SequentialMergeBatchNorm  # noqa: E402
from zennit.composites import EpsilonAlpha2Beta1, EpsilonPlus, EpsilonPlusFlat  # noqa: E402
from zennit.layer import Sum  # noqa: E402

import make_zoo  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "tests", "TestData", "peers")
ZOO = os.path.join(HERE, "..", "..", "tests", "TestData", "zoo")

# model: (the module whose output Grad-CAM weighs -- MedExplain's default CAM layer, the last activation before pooling --,
# whether Zennit's LRP applies: its SequentialMergeBatchNorm pairs each BatchNorm with the layer registered before it,
# which on the DenseNet block (BN-ReLU-Conv, BN first) pairs layers that do not feed each other and fails).
MODELS = {
    "resnet-bn-unfolded": (lambda m: m.down[2], True),
    "densenet-block": (lambda m: m.transition[3], False),
    "cnn3d": (lambda m: m.body[7], True),
}


def with_modules(model):
    """The same function and weights, with the zoo's functional ReLUs, residual sum and adaptive pooling as modules:
    Captum and Zennit only see modules (a functional relu gets no Guided Backprop or DeepLIFT rule from Captum, a
    functional residual add no LRP Norm rule from Zennit), and would otherwise explain a different computation."""
    types = {make_zoo.ResNet: 2, make_zoo.DenseBlock: 2, make_zoo.Cnn3d: 3}
    pooling = nn.AdaptiveAvgPool2d(1) if types[type(model)] == 2 else nn.AdaptiveAvgPool3d(1)
    model.pool = pooling
    for block in [m for m in model.modules() if isinstance(m, make_zoo.ResidualBlock)]:
        block.relu1, block.relu2, block.sum = nn.ReLU(), nn.ReLU(), Sum()

        def block_forward(self, x):
            branch = self.bn2(self.conv2(self.relu1(self.bn1(self.conv1(x)))))
            return self.relu2(self.sum(torch.stack([x, branch], dim=-1)))
        block.forward = types_module.MethodType(block_forward, block)

    def resnet_forward(self, x):
        return self.head(torch.flatten(self.pool(self.down(self.block(self.stem(x)))), 1))

    def dense_forward(self, x):
        x = self.stem(x)
        x = torch.cat([x, self.layer1(x)], 1)
        x = torch.cat([x, self.layer2(x)], 1)
        return self.head(torch.flatten(self.pool(self.transition(x)), 1))

    def cnn3d_forward(self, x):
        return self.head(torch.flatten(self.pool(self.body(x)), 1))

    forward = {make_zoo.ResNet: resnet_forward, make_zoo.DenseBlock: dense_forward, make_zoo.Cnn3d: cnn3d_forward}
    model.forward = types_module.MethodType(forward[type(model)], model)
    return model


def captum_methods(model, x, targets, background, cam_layer):
    spatial = x.dim() - 2
    window = (1,) + (4,) * spatial
    stride = (1,) + (2,) * spatial
    return {
        "saliency": lambda: Saliency(model).attribute(x, target=targets, abs=True),
        "integrated-gradients": lambda: IntegratedGradients(model).attribute(
            x, baselines=torch.zeros_like(x), target=targets, n_steps=32, method="gausslegendre"),
        "deeplift": lambda: DeepLift(model).attribute(x, baselines=torch.zeros_like(x), target=targets),
        "deepshap": lambda: DeepLiftShap(model).attribute(x, baselines=background, target=targets),
        "guided-backprop": lambda: GuidedBackprop(model).attribute(x, target=targets),
        "grad-cam": lambda: LayerGradCam(model, cam_layer).attribute(x, target=targets, relu_attributions=True),
        "occlusion": lambda: Occlusion(model).attribute(
            x, sliding_window_shapes=window, strides=stride, baselines=0, target=targets, perturbations_per_eval=16),
    }


def zennit_method(model, x, targets, composite):
    with torch.no_grad():
        logits = model(x)
    # MedExplain's LRP starts from the target score itself (seed x output), Zennit from whatever it is given.
    seed = torch.zeros_like(logits)
    seed[torch.arange(len(targets)), targets] = logits[torch.arange(len(targets)), targets]
    with Gradient(model=model, composite=composite) as attributor:
        _, relevance = attributor(x, seed)
    return relevance


def main():
    os.makedirs(OUT, exist_ok=True)
    settings = {
        "saliency": {"method": "saliency"},
        "integrated-gradients": {"method": "integrated-gradients", "steps": 32, "integration": "gauss-legendre"},
        "deeplift": {"method": "deeplift"},
        "deepshap": {"method": "deepshap", "background": "NAME.background.npy"},
        "guided-backprop": {"method": "guided-backprop"},
        "grad-cam": {"method": "grad-cam", "camAtLayerResolution": True},
        "occlusion": {"method": "occlusion", "window": 4, "stride": 2},
        "zennit-epsilon-plus": {"method": "lrp", "composite": "epsilon-plus"},
        "zennit-epsilon-plus-flat": {"method": "lrp", "composite": "epsilon-plus-flat"},
        "zennit-epsilon-alpha2-beta1": {"method": "lrp", "composite": "epsilon-alpha2-beta1"},
    }
    for name, (cam_layer, lrp) in MODELS.items():
        original, x = make_zoo.build(name)
        with torch.no_grad():
            reference_logits = original(x)
        model = with_modules(original)
        with torch.no_grad():
            assert torch.allclose(model(x), reference_logits, atol=1e-6), f"{name}: the module form computes something else"
        stored = np.load(os.path.join(ZOO, f"{name}.input.npy"))
        assert np.array_equal(stored, x.numpy()), f"{name}: the rebuilt input differs from the zoo's"
        targets = torch.from_numpy(np.load(os.path.join(ZOO, f"{name}.targets.npy")))
        background = torch.randn(3, *x.shape[1:], generator=torch.Generator().manual_seed(7))
        np.save(os.path.join(OUT, f"{name}.background.npy"), background.numpy())
        results = {k: f() for k, f in captum_methods(model, x, targets, background, cam_layer(model)).items()}
        for composite, key in [(EpsilonPlus, "zennit-epsilon-plus"), (EpsilonPlusFlat, "zennit-epsilon-plus-flat"),
                               (EpsilonAlpha2Beta1, "zennit-epsilon-alpha2-beta1")][:3 if lrp else 0]:
            results[key] = zennit_method(model, x, targets, composite(canonizers=[SequentialMergeBatchNorm()]))
        for key, value in results.items():
            np.save(os.path.join(OUT, f"{name}.{key}.npy"), value.detach().numpy().astype(np.float32))
            print(f"{name} {key}: shape {tuple(value.shape)}, |a| {value.detach().norm():.4g}")
    with open(os.path.join(OUT, "settings.json"), "w") as f:
        json.dump(settings, f, indent=2)


if __name__ == "__main__":
    main()
