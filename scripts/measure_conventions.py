#!/usr/bin/env python3
"""Measure PyTorch's and Keras's conventions and write them to lib/data/framework_conventions.json.

The appendix page "Conventions across frameworks" reads its PyTorch and Keras columns from that file;
lib's column is computed on the page itself (lib.conventions.measure_lib), with the same probes.

Usage (from the repository root, with a python that has the framework installed):

    python scripts/measure_conventions.py --framework torch
    KERAS_BACKEND=torch python scripts/measure_conventions.py --framework keras

Each run measures the frameworks it is asked for (default: every one that imports) and merges their
columns into the file, keeping the others, so the two can be measured from different environments.
Keras is measured with its torch backend (no tensorflow needed): derivatives come from torch's
autograd through Keras's functions and layers. tests/test_conventions.py imports this module and
compares the file with the live framework.
"""

import argparse
import datetime
import inspect
import json
import os
import platform
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib.conventions import (  # noqa: E402
    BN_BATCH, DTYPES, KINK_PARAMS, NONFINITE_FUNCTIONS, NONFINITE_INPUTS, SOFTMAX_LOGITS, SOFTMAX_SPECIAL,
    THRESHOLD_X, batchnorm_probe, encode, first_overflow, gelu_form, linear_from, outcome, params_text,
)

DATA = ROOT / "lib" / "data" / "framework_conventions.json"


def _environment():
    return {"python": platform.python_version(), "numpy": np.__version__,
            "machine": f"{platform.system()} {platform.machine()}"}


def _defaults(function):
    """A function's parameters after the first (the input) and their defaults."""
    parameters = list(inspect.signature(function).parameters.values())[1:]
    return {p.name: p.default for p in parameters if p.default is not inspect.Parameter.empty}


def _probes(to_tensor, to_numpy, fns):
    """The items every framework shares, given how to make a float64 tensor and read one back.

    ``fns`` maps a role (see the keys used below) to the framework's callable for it.
    """
    import torch  # derivatives by torch autograd (PyTorch itself, or Keras's torch backend)

    def val(f, x):
        return to_numpy(f(to_tensor(x)))

    def grad(f, x):
        x = to_tensor(x).requires_grad_()
        torch.sum(f(x)).backward()
        return x.grad.detach().numpy()

    out = {}
    out["default.leaky_relu.function_slope"] = outcome(lambda: 0.0 - val(fns["leaky_relu"], -1.0))
    out["default.leaky_relu.layer_slope"] = outcome(lambda: 0.0 - val(fns["leaky_relu_layer"](), [[-1.0]])[0, 0])
    out["default.prelu.initial_slope"] = outcome(lambda: 0.0 - val(fns["prelu_layer"](), [[-1.0]])[0, 0])
    out["default.elu.alpha"] = outcome(lambda: 0.0 - val(fns["elu"], -50.0))
    out["default.relu.parameters"] = fns["relu_parameters"]
    out["default.softplus.parameters"] = fns["softplus_parameters"]
    out["default.softplus.beta_effective"] = outcome(
        lambda: float(f"{np.log(2) / val(fns['softplus'], 0.0):.12g}"))
    out["default.softplus.linear_from"] = linear_from(lambda g: val(fns["softplus"], g))
    out["default.gelu.function"] = gelu_form(float(val(fns["gelu"], 1.0)))
    out["default.gelu.second_form"] = gelu_form(float(val(fns["gelu_second_form"], 1.0)))
    bn = fns["batchnorm_layer"]()
    out["batchnorm.eps"] = encode(fns["batchnorm_eps"](bn))
    out["batchnorm.momentum"] = encode(fns["batchnorm_momentum"](bn))

    out["kink.relu"] = outcome(lambda: grad(fns["relu"], 0.0))
    out["kink.leaky_relu"] = outcome(lambda: grad(fns["leaky_relu_with_slope"](KINK_PARAMS["leaky_relu"]), 0.0))
    prelu = fns["prelu_layer_with_slope"](KINK_PARAMS["prelu"])
    out["kink.prelu"] = outcome(lambda: grad(prelu, [[0.0]])[0, 0])
    out["kink.elu"] = outcome(lambda: grad(fns["elu_with_alpha"](KINK_PARAMS["elu"]), 0.0))
    relu_t = fns["relu_with_threshold"](KINK_PARAMS["relu_threshold"])
    out["kink.relu_threshold"] = outcome(lambda: grad(relu_t, KINK_PARAMS["relu_threshold"]))
    out["threshold.values"] = outcome(lambda: val(relu_t, THRESHOLD_X))

    x = np.array(BN_BATCH)
    y = val(lambda v: fns["batchnorm_train"](bn, v), BN_BATCH)
    mean, var = fns["batchnorm_running"](bn)
    out.update({f"batchnorm.{k}": v for k, v in batchnorm_probe(
        x.mean(), mean, var, y[0, 0], fns["batchnorm_eps"](bn)).items()})
    out["batchnorm.batch_of_one"] = outcome(
        lambda: val(lambda v: fns["batchnorm_train"](fns["batchnorm_layer"](), v), [[2.0]])[:, 0])

    for dtype in DTYPES:
        exp = fns["exp"]
        out[f"overflow.exp.{dtype}"] = encode(first_overflow(lambda a: to_numpy(exp(torch.from_numpy(a))), dtype))
        z = np.array(SOFTMAX_LOGITS, dtype=dtype)
        out[f"overflow.softmax.{dtype}"] = outcome(lambda: to_numpy(fns["softmax"](torch.from_numpy(z))))
        out[f"overflow.log_softmax.{dtype}"] = outcome(lambda: to_numpy(fns["log_softmax"](torch.from_numpy(z))))

    for name in NONFINITE_FUNCTIONS:
        out[f"nonfinite.{name}.value"] = outcome(lambda: val(fns[name], list(NONFINITE_INPUTS)))
        out[f"nonfinite.{name}.derivative"] = outcome(lambda: grad(fns[name], list(NONFINITE_INPUTS)))
    for key, z in SOFTMAX_SPECIAL.items():
        out[f"nonfinite.softmax.{key}"] = outcome(lambda: val(fns["softmax"], z))
    return out


def measure_torch():
    """PyTorch's column: (information about the run, {item: value})."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    def to_tensor(x):
        return torch.tensor(x, dtype=torch.float64)

    def to_numpy(y):
        return y.detach().numpy()

    softplus = nn.Softplus()

    def train_bn(bn, v):
        bn.train()
        return bn(v)

    fns = {
        "leaky_relu": F.leaky_relu,
        "leaky_relu_layer": lambda: nn.LeakyReLU().double(),
        "leaky_relu_with_slope": lambda s: (lambda v: F.leaky_relu(v, s)),
        "prelu_layer": lambda: nn.PReLU().double(),
        "prelu_layer_with_slope": lambda a: nn.PReLU(init=a).double(),
        "elu": F.elu,
        "elu_with_alpha": lambda a: (lambda v: F.elu(v, a)),
        "relu": F.relu,
        # PyTorch's relu has no threshold; F.threshold(x, t, 0) is the same rule: x above t, else 0
        "relu_with_threshold": lambda t: (lambda v: F.threshold(v, t, 0.0)),
        "softplus": F.softplus,
        "softplus_parameters": params_text({"beta": softplus.beta, "threshold": softplus.threshold}),
        "relu_parameters": params_text(_defaults(F.relu)),
        "gelu": F.gelu,
        "gelu_second_form": nn.GELU(),
        "batchnorm_layer": lambda: nn.BatchNorm1d(1).double(),
        "batchnorm_eps": lambda bn: bn.eps,
        "batchnorm_momentum": lambda bn: bn.momentum,
        "batchnorm_train": train_bn,
        "batchnorm_running": lambda bn: (float(bn.running_mean[0]), float(bn.running_var[0])),
        "exp": torch.exp,
        "softmax": lambda v: F.softmax(v, dim=-1),
        "log_softmax": lambda v: F.log_softmax(v, dim=-1),
        "sigmoid": torch.sigmoid, "tanh": torch.tanh, "silu": F.silu,
    }
    info = {"name": "PyTorch", "version": torch.__version__, "source": "measured",
            "apis": TORCH_APIS, "environment": _environment()}
    return info, _probes(to_tensor, to_numpy, fns)


def measure_keras():
    """Keras's column, measured with its torch backend: (information about the run, {item: value})."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras
    import torch

    if keras.backend.backend() != "torch":
        raise SystemExit(f"Keras must run with KERAS_BACKEND=torch here, not {keras.backend.backend()!r}")

    def to_tensor(x):
        return torch.tensor(x, dtype=torch.float64)

    def to_numpy(y):
        return np.asarray(keras.ops.convert_to_numpy(y))

    A = keras.activations

    def prelu(a):
        layer = keras.layers.PReLU(alpha_initializer=keras.initializers.Constant(a), dtype="float64")
        return layer

    fns = {
        "leaky_relu": A.leaky_relu,
        "leaky_relu_layer": lambda: keras.layers.LeakyReLU(dtype="float64"),
        "leaky_relu_with_slope": lambda s: (lambda v: A.leaky_relu(v, negative_slope=s)),
        "prelu_layer": lambda: keras.layers.PReLU(dtype="float64"),
        "prelu_layer_with_slope": prelu,
        "elu": A.elu,
        "elu_with_alpha": lambda a: (lambda v: A.elu(v, alpha=a)),
        "relu": A.relu,
        "relu_with_threshold": lambda t: (lambda v: A.relu(v, threshold=t)),
        "softplus": A.softplus,
        "softplus_parameters": params_text(_defaults(A.softplus)),
        "relu_parameters": params_text(_defaults(A.relu)),
        "gelu": A.gelu,
        "gelu_second_form": keras.ops.gelu,
        "batchnorm_layer": lambda: keras.layers.BatchNormalization(dtype="float64"),
        "batchnorm_eps": lambda bn: bn.epsilon,
        "batchnorm_momentum": lambda bn: bn.momentum,
        "batchnorm_train": lambda bn, v: bn(v, training=True),
        "batchnorm_running": lambda bn: (float(to_numpy(bn.moving_mean)[0]),
                                         float(to_numpy(bn.moving_variance)[0])),
        "exp": keras.ops.exp,
        "softmax": lambda v: A.softmax(v, axis=-1),
        "log_softmax": lambda v: A.log_softmax(v, axis=-1),
        "sigmoid": A.sigmoid, "tanh": A.tanh, "silu": A.silu,
    }
    info = {"name": "Keras", "version": keras.__version__, "source": "measured",
            "backend": f"torch {torch.__version__}", "apis": KERAS_APIS, "environment": _environment()}
    return info, _probes(to_tensor, to_numpy, fns)


# What each section measures in each framework (shown under the tables on the page).
TORCH_APIS = {
    "default": "torch.nn.functional.leaky_relu / elu / softplus / gelu (the functions); torch.nn.LeakyReLU, "
               "PReLU, GELU, Softplus (the layers); torch.nn.BatchNorm1d",
    "kink": "torch autograd through torch.nn.functional.relu, leaky_relu, elu, threshold and "
            "torch.nn.PReLU, in float64",
    "threshold": "torch.nn.functional.threshold(x, 1.0, 0.0) (PyTorch's relu has no threshold)",
    "batchnorm": "torch.nn.BatchNorm1d(1) in float64, training mode",
    "overflow": "torch.exp, torch.nn.functional.softmax and log_softmax",
    "nonfinite": "torch.nn.functional.relu, leaky_relu, elu, softplus, gelu, silu, softmax; torch.sigmoid, "
                 "torch.tanh; derivatives by torch autograd, in float64",
}
KERAS_APIS = {
    "default": "keras.activations.leaky_relu / elu / softplus / gelu (the functions); keras.layers.LeakyReLU, "
               "PReLU; keras.ops.gelu; keras.layers.BatchNormalization",
    "kink": "torch autograd (Keras's torch backend) through keras.activations.relu, leaky_relu, elu and "
            "keras.layers.PReLU, in float64",
    "threshold": "keras.activations.relu(x, threshold=1.0)",
    "batchnorm": "keras.layers.BatchNormalization() in float64, called with training=True",
    "overflow": "keras.ops.exp, keras.activations.softmax and log_softmax",
    "nonfinite": "keras.activations.relu, leaky_relu, elu, sigmoid, tanh, softplus, gelu, silu, softmax; "
                 "derivatives by torch autograd (Keras's torch backend), in float64",
}

MEASURE = {"torch": measure_torch, "keras": measure_keras}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--framework", choices=[*MEASURE, "all"], default="all",
                        help="what to measure (default: every framework that imports here)")
    parser.add_argument("--output", type=Path, default=DATA, help=f"the data file (default: {DATA})")
    args = parser.parse_args(argv)

    data = {}
    if args.output.is_file():
        data = json.loads(args.output.read_text(encoding="utf-8"))
    data["about"] = ("Conventions of PyTorch and Keras, measured by scripts/measure_conventions.py with the "
                     "probes of lib/conventions.py. NaN and infinities are stored as the strings 'nan', "
                     "'inf', '-inf'; {'raises': name} means the call raised that exception.")
    frameworks = data.setdefault("frameworks", {})

    wanted = list(MEASURE) if args.framework == "all" else [args.framework]
    for name in wanted:
        if name == "keras":
            os.environ.setdefault("KERAS_BACKEND", "torch")
        try:
            __import__(name)
        except ImportError:
            if args.framework == "all":
                print(f"{name}: not importable here, its column is kept as it was")
                continue
            raise
        info, values = MEASURE[name]()
        info["measured_on"] = datetime.date.today().isoformat()
        frameworks[name] = {**info, "values": values}
        print(f"{name} {info['version']}: {len(values)} items measured")

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
