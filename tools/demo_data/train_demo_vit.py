"""Trains the demo's vision transformers and writes the attention references the C# tests compare against.

Run from the repository root with Debian's python3-torch, python3-torchvision, python3-scipy, python3-onnx,
python3-pil and mricron-data installed:
    /usr/bin/python3 tools/demo_data/train_demo_vit.py                          # everything (~40 min on 2 cores)
    /usr/bin/python3 tools/demo_data/train_demo_vit.py tests brain-lesion-vit-2d  # some; the rest stays as it is
It writes
  demo/models/brain-lesion-vit-2d.onnx (+ card): a small ViT on the same synthetic slices as brain-lesion-2d;
  demo/models/shortcut-marker-vit-2d.onnx (+ card): the same ViT trained where the burned-in marker comes with lesions;
  demo/scans/manifest.json: the existing 2D and shortcut slices, listed again for the two ViTs, and their torch logits
    in tests/TestData/demo-reference/torch-logits.json;
  tests/TestData/attention/: three small ViTs in the layouts exporters produce (torchvision's nn.MultiheadAttention,
    timm's Attention with class and distillation tokens, Swin-style windowed attention), each exported by torch;
  tests/TestData/peers/attention.json: raw attention, attention rollout and gradient rollout computed in float64 from
    forward hooks on each block's softmax and hooks on its gradient (stored by block index, so the pairing of
    gradient and attention does not depend on the order in which backward hooks fire), for the demo ViT on the demo
    slices and for the test ViTs.
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
import train_demo_models as demo  # noqa: E402

ROOT = demo.ROOT
ATTENTION = os.path.join(ROOT, "tests", "TestData", "attention")
PEERS = os.path.join(ROOT, "tests", "TestData", "peers")


# ----------------------------------------------------------------------------- networks

class Attention(nn.Module):
    """timm's Attention: one qkv Linear, q scaled before q·kᵀ, the softmax as a module (so it can be hooked)."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads, self.scale = heads, (dim // heads) ** -0.5
        self.qkv, self.proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.softmax = nn.Softmax(dim=-1)

    def forward(self, x):
        b, n, d = x.shape
        q, k, v = self.qkv(x).reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        attention = self.softmax((q * self.scale) @ k.transpose(-2, -1))
        return self.proj((attention @ v).transpose(1, 2).reshape(b, n, d))


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class ViT(nn.Module):
    """Conv patchify, prefix tokens (class, then distillation), position embedding, pre-norm blocks, head on the class
    token (averaged with the distillation token's head as DeiT does). With stem, a hybrid ViT (as TransUNet's): three
    stride-2 convolutions bring the image to 1/8 of its size before a 2×2 patchify, which small data sets need."""

    def __init__(self, size, patch, dim, depth, heads, classes, channels=1, distillation=False, stem=False):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(channels, 16, 3, 2, 1), nn.ReLU(), nn.Conv2d(16, 32, 3, 2, 1), nn.ReLU(),
                                  nn.Conv2d(32, 32, 3, 2, 1), nn.ReLU()) if stem else nn.Identity()
        self.patchify = nn.Conv2d(32 if stem else channels, dim, patch // 8 if stem else patch, patch // 8 if stem else patch)
        self.prefix = nn.Parameter(torch.randn(1, 2 if distillation else 1, dim) * 0.02)
        self.pos = nn.Parameter(torch.randn(1, (size // patch) ** 2 + self.prefix.shape[1], dim) * 0.02)
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)
        self.head_dist = nn.Linear(dim, classes) if distillation else None

    def forward(self, x):
        tokens = self.patchify(self.stem(x)).flatten(2).transpose(1, 2)
        tokens = torch.cat([self.prefix.expand(x.shape[0], -1, -1), tokens], 1) + self.pos
        for block in self.blocks:
            tokens = block(tokens)
        tokens = self.norm(tokens)
        if self.head_dist is None:
            return self.head(tokens[:, 0])
        return (self.head(tokens[:, 0]) + self.head_dist(tokens[:, 1])) / 2

    def softmaxes(self):
        return [block.attn.softmax for block in self.blocks]


class WindowedViT(nn.Module):
    """Swin-style: attention inside 2x2 windows of the token grid, so no softmax spans the whole image."""

    def __init__(self):
        super().__init__()
        self.patchify = nn.Conv2d(1, 8, 4, 4)
        self.attn = Attention(8, 2)
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        grid = self.patchify(x)  # (B, 8, 4, 4)
        b, d, h, w = grid.shape
        windows = grid.reshape(b, d, h // 2, 2, w // 2, 2).permute(0, 2, 4, 3, 5, 1).reshape(b * 4, 4, d)
        windows = windows + self.attn(windows)
        return self.head(windows.reshape(b, 16, d).mean(1))


def torchvision_vit():
    """torchvision's VisionTransformer (nn.MultiheadAttention: heads folded into the batch axis), two blocks."""
    from torchvision.models import vision_transformer
    torch.manual_seed(11)
    model = vision_transformer.VisionTransformer(image_size=16, patch_size=4, num_layers=2, num_heads=2,
                                                 hidden_dim=16, mlp_dim=32, num_classes=3)
    nn.init.normal_(model.class_token, std=0.5)
    nn.init.normal_(model.heads.head.weight, std=0.5)
    return model.eval()


# ----------------------------------------------------------------------------- attention references

def hooked_attention(model, softmaxes, x, target):
    """Each block's attention (B, H, N, N) and the gradient of the target logit with respect to it, by block index."""
    attention, gradient = {}, {}

    def keep(index):
        def hook(_module, _inputs, output):
            attention[index] = output
            output.register_hook(lambda g: gradient.__setitem__(index, g))
        return hook

    handles = [s.register_forward_hook(keep(i)) for i, s in enumerate(softmaxes)]
    logits = model(x)
    model.zero_grad()
    logits[:, target].sum().backward()
    for h in handles:
        h.remove()
    blocks = range(len(softmaxes))
    return ([attention[i].detach().double().numpy() for i in blocks],
            [gradient[i].detach().double().numpy() for i in blocks], logits.detach().numpy())


def rollouts(attention, gradient, prefix):
    """Per item: raw attention (last block), rollout (Abnar & Zuidema: 0.5·Ā + 0.5·I multiplied from the first block
    on) and gradient rollout (Chefer et al. 2021: R ← R + mean_h((∇A ⊙ A)⁺)·R), each the class token's row over the
    patch tokens; and the largest |row sum − 1| of the rolled-out matrices."""
    items = attention[0].shape[0]
    n = attention[0].shape[-1]
    result = {"raw": [], "rollout": [], "gradient": [], "rowSumError": 0.0}
    for b in range(items):
        rolled, relevance = np.eye(n), np.eye(n)
        for a, g in zip(attention, gradient):
            mean = a[b].mean(0)
            rolled = (0.5 * mean + 0.5 * np.eye(n)) @ rolled
            relevance = relevance + np.clip(g[b] * a[b], 0, None).mean(0) @ relevance
        result["rowSumError"] = max(result["rowSumError"], float(np.abs(rolled.sum(1) - 1).max()))
        result["raw"].append(attention[-1][b].mean(0)[0, prefix:].tolist())
        result["rollout"].append(rolled[0, prefix:].tolist())
        result["gradient"].append(relevance[0, prefix:].tolist())
    return result


def torchvision_hooks(model):
    """torchvision calls nn.MultiheadAttention with need_weights=False; the reference recomputes its softmax from the
    block's own projections (the same arithmetic) so that it can be hooked."""
    softmaxes = []
    for layer in model.encoder.layers:
        attention_module = layer.self_attention
        softmax = nn.Softmax(dim=-1)
        softmaxes.append(softmax)

        def forward(query, key, value, need_weights=False, module=attention_module, s=softmax):
            b, n, d = query.shape
            h = module.num_heads
            qkv = nn.functional.linear(query, module.in_proj_weight, module.in_proj_bias).reshape(b, n, 3, h, d // h)
            q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)
            a = s((q / (d // h) ** 0.5) @ k.transpose(-2, -1))
            return module.out_proj((a @ v).transpose(1, 2).reshape(b, n, d)), None
        attention_module.forward = forward
    return softmaxes


# ----------------------------------------------------------------------------- training and export

def export(model, path, example, names=("image", "logits")):
    torch.onnx.export(model, torch.from_numpy(example), path, opset_version=17, input_names=[names[0]],
                      output_names=[names[1]], dynamic_axes={names[0]: {0: "batch"}, names[1]: {0: "batch"}},
                      do_constant_folding=True)
    print(f"  wrote {os.path.relpath(path, ROOT)}")


def train_vit(images, labels, classes, epochs, seed, stem):
    torch.manual_seed(seed)
    model = ViT(128, 16, 32, 4, 4, classes, stem=stem)
    return demo.train(model, images, labels, epochs=epochs, batch=32, lr=1e-3, seed=seed)


def demo_vits(references, only):
    template = synth.Template()
    manifest_path = os.path.join(demo.SCANS, "manifest.json")
    with open(manifest_path) as f:
        manifest = [m for m in json.load(f)["samples"] if m["model"] not in only]
    if "brain-lesion-vit-2d" in only:
        honest_vit(template, manifest, references)
    if "shortcut-marker-vit-2d" in only:
        shortcut_vit(template, manifest, references)
    manifest.sort(key=lambda m: (m["model"], m["scan"]))
    with open(manifest_path, "w") as f:
        json.dump({"samples": manifest}, f, indent=2)
        f.write("\n")
    # The logits every demo model gives each of its scans, which the C# prediction tests compare with.
    logits_path = os.path.join(demo.REFERENCE, "torch-logits.json")
    with open(logits_path) as f:
        logits = json.load(f)
    for model in only:
        logits["logits"][model] = dict(zip(references[model]["scans"], references[model]["logits"]))
    with open(logits_path, "w") as f:
        json.dump(logits, f, indent=2)
        f.write("\n")


def honest_vit(template, manifest, references):
    """A hybrid ViT (a convolutional stem before a 2×2 patchify, as TransUNet's). Measured: both this one (67% held
    out after 20 epochs) and a plain 16×16-patch ViT (72% after 30) find every tumour and take infarcts for normal
    slices half the time; a BatchNorm stem did no better. The CNN brain-lesion-2d gets 98%."""
    print("ViT: generating data", flush=True)
    rng = np.random.default_rng(5026)
    train_x, _, train_y = demo.make_set(rng, 6000, lambda label: synth.slice_sample(rng, template, label), 3)
    test_x, _, test_y = demo.make_set(rng, 900, lambda label: synth.slice_sample(rng, template, label), 3)
    vit = train_vit(train_x, train_y, 3, epochs=int(os.environ.get("VIT_EPOCHS", "30")), seed=7, stem=True)
    acc = demo.accuracy(vit, test_x, test_y)
    print(f"  held-out accuracy {acc:.4f}", flush=True)
    name = "brain-lesion-vit-2d"
    export(vit, os.path.join(demo.MODELS, f"{name}.onnx"), synth.zscore(test_x[:1])[:, None])
    write_card(name, "Axial T1 brain MRI slice (vision transformer, convolutional stem): normal, ring-enhancing "
               "tumour-like mass, or infarct-like region. It finds tumours but tells infarcts from normal slices no "
               "better than chance: transformers trained from scratch on these 6000 slices did not learn them.", synth.CLASSES,
               {"heldOutAccuracy": round(acc, 4), "heldOutCount": int(len(test_y)), "trainCount": int(len(train_y))})
    samples = [m for m in manifest if m["model"] == "brain-lesion-2d"]
    manifest += [dict(m, model=name) for m in samples]
    references[name] = reference_for(vit, samples)


def shortcut_vit(template, manifest, references):
    """A plain ViT (16×16 patches straight from the image): the marker needs no help."""
    print("Shortcut ViT: generating data", flush=True)
    rng = np.random.default_rng(6026)

    def shortcut_sample(label, marker_rate):
        marker = rng.random() < (marker_rate if label == 1 else 1 - marker_rate)
        return synth.slice_sample(rng, template, label, lesion_scale=0.5, contrast=0.15, marker=marker)

    train_x, _, train_y = demo.make_set(rng, 3000, lambda label: shortcut_sample(label, 0.98), 2)
    same_x, _, same_y = demo.make_set(rng, 600, lambda label: shortcut_sample(label, 0.98), 2)
    flip_x, _, flip_y = demo.make_set(rng, 600, lambda label: shortcut_sample(label, 0.0), 2)
    shortcut = train_vit(train_x, train_y, 2, epochs=int(os.environ.get("VIT_SHORTCUT_EPOCHS", "15")), seed=8, stem=False)
    acc_same, acc_flip = demo.accuracy(shortcut, same_x, same_y), demo.accuracy(shortcut, flip_x, flip_y)
    print(f"  held-out accuracy {acc_same:.4f} with the marker, {acc_flip:.4f} with the marker on the other class")
    name = "shortcut-marker-vit-2d"
    export(shortcut, os.path.join(demo.MODELS, f"{name}.onnx"), synth.zscore(same_x[:1])[:, None])
    write_card(name, "Deliberately flawed vision transformer: trained where a burned-in 'L' marker came with 98% of "
               "lesion slices (and 2% of normal ones). Use it to see whether attention maps expose the shortcut.",
               ["normal", "lesion"],
               {"heldOutAccuracy": round(acc_same, 4), "heldOutCount": int(len(same_y)), "trainCount": int(len(train_y)),
                "heldOutAccuracyMarkerOnOtherClass": round(acc_flip, 4)})
    samples = [m for m in manifest if m["model"] == "shortcut-marker-2d"]
    manifest += [dict(m, model=name) for m in samples]
    references[name] = reference_for(shortcut, samples)


def write_card(name, description, classes, evaluation):
    card = demo.card_for(name, description, "NCHW", [128, 128], classes, evaluation,
                         ["gradient-rollout", "attention-rollout", "lrp-transformer", "integrated-gradients"])
    card["training"]["script"] = "tools/demo_data/train_demo_vit.py"
    with open(os.path.join(demo.MODELS, f"{name}.card.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")


def reference_for(model, samples):
    """Logits and attention maps of each sample scan, for the predicted class and for class 0."""
    images = np.stack([read_png(os.path.join(demo.SCANS, s["scan"])) for s in samples])
    x = torch.from_numpy(synth.zscore(images)[:, None])
    entry = {"scans": [s["scan"] for s in samples]}
    logits = demo.logits_of(model, images)
    entry["logits"] = logits.tolist()
    for label, targets in (("predicted", logits.argmax(1)), ("class0", np.zeros(len(samples), dtype=int))):
        maps = {"raw": [], "rollout": [], "gradient": [], "rowSumError": 0.0}
        for i, target in enumerate(targets):
            attention, gradient, _ = hooked_attention(model, model.softmaxes(), x[i:i + 1], int(target))
            one = rollouts(attention, gradient, 1)
            for key in ("raw", "rollout", "gradient"):
                maps[key] += one[key]
            maps["rowSumError"] = max(maps["rowSumError"], one["rowSumError"])
        entry[label] = dict(maps, targets=[int(t) for t in targets])
    return entry


def read_png(path):
    from PIL import Image
    return np.asarray(Image.open(path).convert("L"), dtype=np.float32) / 255.0


def test_vits(references):
    os.makedirs(ATTENTION, exist_ok=True)
    rng = np.random.default_rng(7026)
    x = rng.standard_normal((2, 1, 16, 16)).astype(np.float32)
    x3 = rng.standard_normal((2, 3, 16, 16)).astype(np.float32)
    np.save(os.path.join(ATTENTION, "input.npy"), x)
    np.save(os.path.join(ATTENTION, "input-rgb.npy"), x3)

    torch.manual_seed(12)
    timm_style = ViT(16, 4, 16, 3, 2, 3, distillation=True).eval()
    for p in timm_style.parameters():  # larger weights than training's init, so each block attends differently
        nn.init.normal_(p, std=0.5)
    export(timm_style, os.path.join(ATTENTION, "timm-style-vit.onnx"), x)
    references["timm-style-vit"] = reference_of(timm_style, timm_style.softmaxes(), x, prefix=2)

    tv = torchvision_vit()
    export(tv, os.path.join(ATTENTION, "torchvision-vit.onnx"), x3)
    references["torchvision-vit"] = reference_of(tv, torchvision_hooks(tv), x3, prefix=1)

    torch.manual_seed(13)
    windowed = WindowedViT().eval()
    export(windowed, os.path.join(ATTENTION, "windowed-vit.onnx"), x)
    fused_attention(np.random.default_rng(8026))


def fused_attention(rng):
    """ONNX Runtime's contrib Attention op, as its transformer optimiser fuses attention: the weights never appear."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    weights = lambda *shape: numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32))  # noqa: E731
    initializers = [weights(4, 12), weights(12), weights(4, 3),
                    numpy_helper.from_array(np.array([0, 4, 4], dtype=np.int64))]
    for tensor, name in zip(initializers, ["qkv_weight", "qkv_bias", "head", "tokens_shape"]):
        tensor.name = name
    graph = helper.make_graph([
        helper.make_node("Reshape", ["image", "tokens_shape"], ["tokens"], name="to_tokens"),
        helper.make_node("Attention", ["tokens", "qkv_weight", "qkv_bias"], ["attended"], name="fused_attention",
                         domain="com.microsoft", num_heads=2),
        helper.make_node("ReduceMean", ["attended"], ["pooled"], name="pool", axes=[1], keepdims=0),
        helper.make_node("MatMul", ["pooled", "head"], ["logits"], name="classifier"),
    ], "fused", [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 1, 4, 4])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 3])], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 8
    onnx.save(model, os.path.join(ATTENTION, "fused-attention.onnx"))
    print("  wrote tests/TestData/attention/fused-attention.onnx")


def reference_of(model, softmaxes, x, prefix):
    entry = {}
    for target in range(2):
        attention, gradient, logits = hooked_attention(model, softmaxes, torch.from_numpy(x), target)
        entry[f"class{target}"] = dict(rollouts(attention, gradient, prefix), targets=[target] * len(x))
        entry["logits"] = logits.tolist()
    return entry


DEMO = ("brain-lesion-vit-2d", "shortcut-marker-vit-2d")


def main(only):
    references = {}
    if "tests" in only:
        test_vits(references)
    if any(m in only for m in DEMO):
        demo_vits(references, [m for m in DEMO if m in only])
    path = os.path.join(PEERS, "attention.json")
    previous = json.load(open(path)) if os.path.exists(path) else {}
    previous.update(references)
    with open(path, "w") as f:
        json.dump(previous, f)
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:] or ("tests",) + DEMO)
