"""Small, seeded versions of the architectures medical models use, exported by torch's own ONNX exporter,
with torch-autograd input gradients saved beside them: the independent truth for the backward compiler.

Run from the repository root (Debian's python3-torch and python3-torchvision):
    /usr/bin/python3 tools/model_zoo/make_zoo.py [NAME ...]
Writes tests/TestData/zoo/NAME.onnx (opset 17) and NAME.opsetNN.onnx (the other opsets a model lists), NAME.input.npy (a batch of 2), NAME.targets.npy (one class per item; for the
segmentation model NAME.seed.npy, a mask over its output) and NAME.grad.npy: d(sum_i logits[i, targets[i]]) / d input
(or d(sum seed * output) / d input), computed by torch autograd in float64.
"""
import os
import sys

import numpy as np
import torch
from torch import nn

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "TestData", "zoo")
torch.set_num_threads(max(1, os.cpu_count() or 1))


class ResidualBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(c, c, 3, 1, 1, bias=False), nn.BatchNorm2d(c)
        self.conv2, self.bn2 = nn.Conv2d(c, c, 3, 1, 1, bias=False), nn.BatchNorm2d(c)

    def forward(self, x):
        return torch.relu(x + self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x))))))


class ResNet(nn.Module):
    """ResNet stem (7x7 stride 2, overlapping 3x3 stride-2 max pool), a residual block, a strided stage, GAP, linear."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 7, 2, 3, bias=False), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        self.block = ResidualBlock(8)
        self.down = nn.Sequential(nn.Conv2d(8, 16, 3, 2, 1, dilation=1), nn.BatchNorm2d(16), nn.ReLU())
        self.head = nn.Linear(16, 4)

    def forward(self, x):
        x = self.down(self.block(self.stem(x)))
        return self.head(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


class DenseBlock(nn.Module):
    """DenseNet-style: BN-ReLU-Conv layers whose outputs are concatenated, a transition with average pooling."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 6, 3, 1, 1)
        self.layer1 = nn.Sequential(nn.BatchNorm2d(6), nn.ReLU(), nn.Conv2d(6, 4, 3, 1, 1))
        self.layer2 = nn.Sequential(nn.BatchNorm2d(10), nn.ReLU(), nn.Conv2d(10, 4, 3, 1, 1))
        self.transition = nn.Sequential(nn.BatchNorm2d(14), nn.ReLU(), nn.Conv2d(14, 8, 1), nn.AvgPool2d(2, 2))
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        x = self.stem(x)
        x = torch.cat([x, self.layer1(x)], 1)
        x = torch.cat([x, self.layer2(x)], 1)
        x = self.transition(x)
        return self.head(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


class Cnn3d(nn.Module):
    """3D CNN: strided and grouped convolutions, 3D max pooling with padding, GAP, dropout, linear."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv3d(1, 8, 3, 2, 1), nn.BatchNorm3d(8), nn.ReLU(), nn.MaxPool3d(3, 2, 1),
            nn.Conv3d(8, 8, 3, 1, 2, dilation=2, groups=2), nn.LeakyReLU(0.1),
            nn.Conv3d(8, 12, (1, 3, 3), 1, (0, 1, 1)), nn.Sigmoid())
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(12, 3))

    def forward(self, x):
        return self.head(torch.flatten(nn.functional.adaptive_avg_pool3d(self.body(x), 1), 1))


class SmoothHead(nn.Module):
    """Elementwise and reduction ops that CNN heads and attention use: Tanh, Softmax, Mul, Sub, Div, ReduceMean."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, 1, 0)
        self.fc = nn.Linear(4, 5)
        self.scale = nn.Parameter(torch.randn(1, 4, 1, 1))

    def forward(self, x):
        y = torch.tanh(self.conv(x)) * self.scale - 0.5 * x.mean()
        y = y / (1.5 + torch.sigmoid(y))
        pooled = y.mean(dim=(2, 3))
        return self.fc(torch.softmax(pooled, dim=1) * 3 + pooled)


class UNet(nn.Module):
    """2-level U-Net with a segmentation output: max-pool down, one ConvTranspose and one bilinear upsampling
    (Resize, align_corners=False) up, skip Concats, a 1x1 head with 2 classes per pixel."""

    def __init__(self):
        super().__init__()
        self.enc1 = nn.Sequential(nn.Conv2d(1, 4, 3, 1, 1), nn.ReLU())
        self.enc2 = nn.Sequential(nn.MaxPool2d(2), nn.Conv2d(4, 8, 3, 1, 1), nn.ReLU())
        self.bottom = nn.Sequential(nn.MaxPool2d(2), nn.Conv2d(8, 8, 3, 1, 1), nn.ReLU())
        self.up1 = nn.ConvTranspose2d(8, 8, 2, 2)
        self.dec1 = nn.Sequential(nn.Conv2d(16, 4, 3, 1, 1), nn.ReLU())
        self.dec2 = nn.Sequential(nn.Conv2d(8, 4, 3, 1, 1), nn.ReLU())
        self.head = nn.Conv2d(4, 2, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(e1)
        d1 = self.dec1(torch.cat([self.up1(self.bottom(e2)), e2], 1))
        up = nn.functional.interpolate(d1, scale_factor=2, mode="bilinear", align_corners=False)
        return self.head(self.dec2(torch.cat([up, e1], 1)))


class TinyViT(nn.Module):
    """Vision transformer: conv patchify, class token (Concat), position embedding, pre-norm multi-head attention
    written out (MatMul, Softmax), GELU MLP (Erf), head on the class token (Gather)."""

    def __init__(self, dim=16, heads=2, patch=4, size=16, classes=3):
        super().__init__()
        self.heads = heads
        self.patchify = nn.Conv2d(1, dim, patch, patch)
        self.cls = nn.Parameter(torch.randn(1, 1, dim) * 0.5)
        self.pos = nn.Parameter(torch.randn(1, (size // patch) ** 2 + 1, dim) * 0.5)
        self.norm1, self.norm2, self.norm3 = nn.LayerNorm(dim), nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.qkv, self.proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        tokens = self.patchify(x).flatten(2).transpose(1, 2)
        tokens = torch.cat([self.cls.expand(x.shape[0], -1, -1), tokens], 1) + self.pos
        b, n, d = tokens.shape
        q, k, v = self.qkv(self.norm1(tokens)).reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        attention = torch.softmax(q @ k.transpose(-2, -1) / (d // self.heads) ** 0.5, dim=-1)
        tokens = tokens + self.proj((attention @ v).transpose(1, 2).reshape(b, n, d))
        tokens = tokens + self.mlp(self.norm2(tokens))
        return self.head(self.norm3(tokens)[:, 0])


def _mobilenet_v3_setting(mobilenetv3):
    config = mobilenetv3.InvertedResidualConfig
    return [config(16, 3, 16, 16, True, "RE", 2, 1, 0.5), config(16, 3, 32, 24, False, "RE", 2, 1, 0.5),
            config(24, 5, 48, 24, True, "HS", 1, 1, 0.5), config(24, 3, 48, 32, True, "HS", 2, 1, 0.5)]


def mobilenet_v3():
    """torchvision MobileNetV3 (HardSwish, HardSigmoid squeeze-excitation) at width 0.5, four blocks."""
    from torchvision.models import mobilenetv3
    return mobilenetv3.MobileNetV3(_mobilenet_v3_setting(mobilenetv3), last_channel=64, num_classes=3)


class LrAspp(nn.Module):
    """torchvision LR-ASPP segmentation head on the small MobileNetV3 (sigmoid gate times features, bilinear
    upsampling); returns the 'out' map, shaped (N, classes, H, W)."""

    def __init__(self):
        super().__init__()
        from torchvision.models import mobilenetv3
        from torchvision.models._utils import IntermediateLayerGetter
        from torchvision.models.segmentation import lraspp
        features = mobilenetv3.MobileNetV3(_mobilenet_v3_setting(mobilenetv3), last_channel=64).features
        backbone = IntermediateLayerGetter(features, {"2": "low", str(len(features) - 1): "high"})
        channels = {k: v.shape[1] for k, v in backbone(torch.zeros(1, 3, 32, 32)).items()}
        self.model = lraspp.LRASPP(backbone, channels["low"], channels["high"], num_classes=2, inter_channels=16)

    def forward(self, x):
        return self.model(x)["out"]


def efficientnet_b0_small():
    """torchvision EfficientNet (SiLU, sigmoid squeeze-excitation, stochastic depth) at width 0.25, three stages."""
    from torchvision.models import efficientnet
    config = efficientnet.MBConvConfig
    setting = [config(1, 3, 1, 32, 16, 1, 0.25), config(6, 3, 2, 16, 24, 1, 0.25), config(6, 5, 2, 24, 40, 1, 0.25)]
    return efficientnet.EfficientNet(setting, dropout=0.2, num_classes=3, last_channel=64)


def regnet_y_small():
    """torchvision RegNet-Y (grouped bottlenecks with squeeze-excitation), two blocks of width 8 and 16."""
    from torchvision.models import regnet
    params = regnet.BlockParams.from_init_params(depth=2, w_0=8, w_a=8.0, w_m=2.0, group_width=4, se_ratio=0.25)
    return regnet.RegNet(params, num_classes=3, stem_width=8)


def shufflenet_v2_small():
    """torchvision ShuffleNetV2 (channel split and shuffle), one unit per stage."""
    import torchvision.models as tv
    return tv.ShuffleNetV2(stages_repeats=[1, 1, 1], stages_out_channels=[8, 16, 32, 64, 64], num_classes=3)


def densenet_small():
    """torchvision DenseNet (stem max pool, BN-ReLU-Conv dense layers, transitions)."""
    import torchvision.models as tv
    return tv.DenseNet(growth_rate=4, block_config=(2, 2), num_init_features=8, bn_size=2, num_classes=3)


def convnext_small():
    """torchvision ConvNeXt (depthwise 7x7, channels-last LayerNorm, GELU, layer scale), two stages."""
    from torchvision.models import convnext
    return convnext.ConvNeXt([convnext.CNBlockConfig(8, 16, 1), convnext.CNBlockConfig(16, None, 1)],
                             layer_scale=0.5, num_classes=3)


def vit_small():
    """torchvision VisionTransformer (nn.MultiheadAttention, class token, GELU MLP), one layer."""
    from torchvision.models import vision_transformer
    model = vision_transformer.VisionTransformer(image_size=16, patch_size=4, num_layers=1, num_heads=2,
                                                 hidden_dim=16, mlp_dim=32, num_classes=3)
    # torchvision starts the class token and the head at zero, which would make every gradient zero.
    nn.init.normal_(model.class_token, std=0.5)
    nn.init.normal_(model.heads.head.weight, std=0.5)
    return model


class MonaiUNet3d(nn.Module):
    """MONAI UNet's structure in 3D: strided-conv down-sampling, instance norm, per-channel PReLU, residual units
    with a 1x1x1 shortcut, ConvTranspose (k3 s2 p1, output padding 1) up, skip Concat, 2 classes per voxel."""

    @staticmethod
    def unit(cin, cout, stride):
        return nn.Sequential(nn.Conv3d(cin, cout, 3, stride, 1), nn.InstanceNorm3d(cout, affine=True), nn.PReLU(cout))

    def __init__(self):
        super().__init__()
        self.down1, self.short1 = self.unit(1, 4, 2), nn.Conv3d(1, 4, 3, 2, 1)
        self.down2 = self.unit(4, 8, 2)
        self.bottom = self.unit(8, 8, 1)
        self.up2 = nn.Sequential(nn.ConvTranspose3d(16, 4, 3, 2, 1, output_padding=1), nn.InstanceNorm3d(4, affine=True), nn.PReLU(4))
        self.up1 = nn.ConvTranspose3d(8, 2, 3, 2, 1, output_padding=1)

    def forward(self, x):
        e1 = self.down1(x) + self.short1(x)
        e2 = self.down2(e1)
        d2 = self.up2(torch.cat([self.bottom(e2), e2], 1))
        return self.up1(torch.cat([d2, e1], 1))


class Activations(nn.Module):
    """The element-wise activations and reductions backbones use beyond ReLU: ELU, Softplus, SELU, CELU, Mish, GELU
    (tanh form), Hardtanh (Clip), GroupNorm, a Where with a constant condition, ReduceMax and ReduceL2."""

    def __init__(self):
        super().__init__()
        self.c1, self.c2, self.c3 = nn.Conv2d(1, 4, 3, 1, 1), nn.Conv2d(4, 4, 3, 1, 1), nn.Conv2d(4, 4, 3, 1, 1)
        self.norm = nn.GroupNorm(2, 4)
        self.register_buffer("keep", torch.rand(1, 4, 1, 12) > 0.3)
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        y = nn.functional.elu(self.c1(x)) + nn.functional.softplus(x)
        y = nn.functional.selu(self.c2(y)) + nn.functional.celu(y, 0.7)
        y = nn.functional.mish(y) + nn.functional.gelu(self.c3(y), approximate="tanh")
        y = nn.functional.hardtanh(self.norm(y), -1.5, 1.5)
        y = torch.where(self.keep, y, 0.25 * y)
        pooled = torch.cat([torch.amax(y, dim=(2, 3)), torch.norm(y, p=2, dim=(2, 3))], 1)
        return self.head(pooled)


ZOO = {
    # name: (module, input shape, export options); each is exported at every opset in "opsets" (default 17):
    # NAME.onnx at opset 17, NAME.opsetNN.onnx at the others.
    "resnet-bn-folded": (ResNet, (2, 1, 32, 32), {"opsets": [8, 9, 11, 13, 14, 17]}),
    "resnet-bn-unfolded": (ResNet, (2, 1, 32, 32), {"keep_batchnorm": True, "opsets": [13, 17]}),
    "densenet-block": (DenseBlock, (2, 1, 16, 16), {"keep_batchnorm": True, "opsets": [13, 17]}),
    "cnn3d": (Cnn3d, (2, 1, 12, 12, 12), {"opsets": [11, 13, 17]}),
    "smooth-head": (SmoothHead, (2, 2, 7, 7), {}),
    "unet-segmentation": (UNet, (2, 1, 16, 16), {"segmentation": True, "opsets": [11, 13, 14, 17]}),  # opset 9 Upsample cannot express bilinear half-pixel
    "tiny-vit": (TinyViT, (2, 1, 16, 16), {"opsets": [13, 17]}),
    "mobilenet-v3": (mobilenet_v3, (2, 3, 32, 32), {"opsets": [13, 14, 17]}),
    "lraspp": (LrAspp, (2, 3, 32, 32), {"segmentation": True, "opsets": [13, 17]}),
    "efficientnet": (efficientnet_b0_small, (2, 3, 32, 32), {"opsets": [13, 17]}),
    "regnet-y": (regnet_y_small, (2, 3, 32, 32), {"opsets": [13, 17]}),
    "shufflenet-v2": (shufflenet_v2_small, (2, 3, 32, 32), {"opsets": [13, 17]}),
    "densenet": (densenet_small, (2, 3, 32, 32), {"opsets": [13, 17]}),
    "convnext": (convnext_small, (2, 3, 32, 32), {"opsets": [13, 17]}),
    "vit": (vit_small, (2, 3, 16, 16), {"opsets": [13, 17]}),
    "monai-unet-3d": (MonaiUNet3d, (2, 1, 16, 16, 16), {"segmentation": True, "opsets": [13, 17]}),
    "activations": (Activations, (2, 1, 12, 12), {"opsets": [13, 17]}),
}


def randomise_batchnorm(model, generator):
    """Non-trivial running statistics and affine parameters, so BatchNorm is no identity."""
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.running_mean.copy_(torch.randn(m.num_features, generator=generator) * 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=generator) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=generator) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=generator) * 0.1)


def build(name):
    """The zoo model NAME with its seeded weights, in eval mode, and its input batch: the same on every call."""
    index = list(ZOO).index(name)
    make, shape, _ = ZOO[name]
    generator = torch.Generator().manual_seed(100 + index)
    torch.manual_seed(100 + index)
    model = make()
    randomise_batchnorm(model, generator)
    model.eval()
    return model, torch.randn(*shape, generator=generator)


def main(names):
    os.makedirs(OUT, exist_ok=True)
    for index, (name, (make, shape, options)) in enumerate(ZOO.items()):
        if names and name not in names:
            continue
        model, x = build(name)
        for opset in options.get("opsets", [17]):
            path = os.path.join(OUT, f"{name}.onnx" if opset == 17 else f"{name}.opset{opset}.onnx")
            export_args = {"opset_version": opset, "input_names": ["input"], "output_names": ["logits"],
                           "dynamic_axes": {"input": {0: "batch"}, "logits": {0: "batch"}}}
            if options.get("keep_batchnorm"):
                export_args.update(training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
            torch.onnx.export(model, x, path, **export_args)

        model64 = model.double()
        x64 = x.double().requires_grad_(True)
        logits = model64(x64)
        if options.get("segmentation"):
            # Target: class 1 over a box of the output, the seed a segmentation target lays on the output.
            seed = torch.zeros_like(logits)
            seed[(slice(None), 1, slice(4, 10), slice(5, 12)) + (slice(3, 9),) * (logits.dim() - 4)] = 1
            (seed * logits).sum().backward()
            np.save(os.path.join(OUT, f"{name}.seed.npy"), seed.numpy().astype(np.float32))
            targets = torch.tensor([])
        else:
            targets = torch.tensor([(index + i) % logits.shape[1] for i in range(shape[0])])
            logits.gather(1, targets[:, None]).sum().backward()
            np.save(os.path.join(OUT, f"{name}.targets.npy"), targets.numpy().astype(np.int64))
        np.save(os.path.join(OUT, f"{name}.input.npy"), x.numpy().astype(np.float32))
        np.save(os.path.join(OUT, f"{name}.grad.npy"), x64.grad.numpy().astype(np.float32))
        print(f"{name}: input {tuple(shape)}, opsets {options.get('opsets', [17])}, targets {targets.tolist()}, |grad| {x64.grad.norm():.4g}")


if __name__ == "__main__":
    main(sys.argv[1:])
