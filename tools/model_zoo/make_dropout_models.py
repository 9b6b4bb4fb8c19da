"""Small models exported by torch in training mode, so their Dropout nodes stay in the graph (an eval-mode export drops
them): the input of MC dropout from a model's own dropout layers.

    /usr/bin/python3 tools/model_zoo/make_dropout_models.py
writes tests/TestData/uncertainty/dropout-one-site.onnx (one Dropout, p = 0.3, after global pooling) and
dropout-two-sites.onnx (p = 0.3 after pooling, p = 0.5 inside the head). No batch norm: a training-mode export
would normalise by batch statistics.
"""
import os

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "TestData", "uncertainty")


class Net(nn.Module):
    def __init__(self, two_sites):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(1, 8, 3, 2, 1), nn.ReLU(), nn.Conv2d(8, 16, 3, 2, 1), nn.ReLU(),
                                  nn.AdaptiveAvgPool2d(1), nn.Flatten())
        head = [nn.Dropout(0.3), nn.Linear(16, 16), nn.ReLU()]
        head += [nn.Dropout(0.5)] if two_sites else []
        self.head = nn.Sequential(*head, nn.Linear(16, 3))

    def forward(self, x):
        return self.head(self.body(x))


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, two in (("dropout-one-site", False), ("dropout-two-sites", True)):
        torch.manual_seed(21)
        model = Net(two).train()
        path = os.path.join(OUT, f"{name}.onnx")
        torch.onnx.export(model, torch.randn(1, 1, 16, 16), path, opset_version=17, training=torch.onnx.TrainingMode.TRAINING,
                          do_constant_folding=False, input_names=["image"], output_names=["logits"],
                          dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
        print("wrote", os.path.relpath(path))


if __name__ == "__main__":
    main()
