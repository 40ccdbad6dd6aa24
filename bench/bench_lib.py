"""Time lib.activations next to the fastest equivalent in numpy, scipy and (when installed) PyTorch.

    python bench/bench_lib.py [--n 1000000] [--repeat 7] [--no-torch]

For each function, dtype (float64, float32) and kind (value or derivative) it prints the median time of
lib, the fastest peer and the ratio lib / peer, then the median and the worst ratio, and flags every
ratio above 10 (the guard rail: lib is written as formulas, not for speed, but nothing should be more
than 10x slower than the fastest peer at 1e6 elements). A "derivative" peer computes df/dx from x, as
lib does: for PyTorch that is the forward op plus its backward kernel (the aten ``*_backward`` function
with an upstream gradient of ones, without autograd's bookkeeping), or the derivative's expression in
torch ops where there is no such kernel; for numpy it is the usual expression (``s * (1 - s)`` and the
like). Softmax works on rows of 1000. This is information, not a test: numbers depend on the machine
and on what else it is doing.
"""

import argparse
import statistics
import time

import numpy as np
from scipy import special

from lib import activations as act


GUARD = 10.0  # the guard rail (information, not a target): lib within 10x of the fastest peer at 1e6


def interleaved_ms(fn, peers, repeat):
    """Median times of ``fn`` and of each peer, timed in turn within each of ``repeat`` rounds.

    Taking turns exposes lib and its peers to the same moments of a shared machine's load, so a busy
    second does not land on one side of the ratio only (as it can when one side is timed after the
    other).
    """
    calls = {"lib": fn, **peers}
    for call in calls.values():
        call()  # warm-up
    times = {name: [] for name in calls}
    for _ in range(repeat):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    medians = {name: 1e3 * statistics.median(t) for name, t in times.items()}
    return medians.pop("lib"), medians


def numpy_peers(x, z, dtype):
    """name -> (kind, {peer name: callable}) for numpy/scipy expressions of the same functions."""
    one = dtype(1)
    return {
        ("sigmoid", "value"): {"scipy.expit": lambda: special.expit(x)},
        ("sigmoid", "derivative"): {"numpy s*(1-s)": lambda: (lambda s: s * (one - s))(special.expit(x))},
        ("tanh", "value"): {"numpy.tanh": lambda: np.tanh(x)},
        ("tanh", "derivative"): {"numpy 1-tanh^2": lambda: one - np.tanh(x) ** 2},
        ("relu", "value"): {"numpy.maximum": lambda: np.maximum(x, 0)},
        ("relu", "derivative"): {"numpy (x>0)": lambda: (x > 0).astype(dtype)},
        ("leaky_relu", "value"): {"numpy max(x,a*x)": lambda: np.maximum(x, 0.01 * x)},
        ("leaky_relu", "derivative"): {"numpy where": lambda: np.where(x > 0, one, dtype(0.01))},
        ("prelu", "value"): {"numpy max(x,a*x)": lambda: np.maximum(x, 0.25 * x)},
        ("prelu", "derivative"): {"numpy where": lambda: np.where(x > 0, one, dtype(0.25))},
        ("softplus", "value"): {"numpy.logaddexp": lambda: np.logaddexp(0, x)},
        ("softplus", "derivative"): {"scipy.expit": lambda: special.expit(x)},
        ("elu", "value"): {"numpy where": lambda: np.where(x > 0, x, np.expm1(np.minimum(x, 0)))},
        ("elu", "derivative"): {"numpy where": lambda: np.where(x > 0, one, np.exp(np.minimum(x, 0)))},
        ("swish", "value"): {"numpy x*expit": lambda: x * special.expit(x)},
        ("gelu", "value"): {"scipy x*ndtr": lambda: x * special.ndtr(x)},
        ("softmax", "value"): {"scipy.softmax": lambda: special.softmax(z, axis=-1)},
        ("log_softmax", "value"): {"scipy.log_softmax": lambda: special.log_softmax(z, axis=-1)},
        ("hardtanh", "value"): {"numpy.clip": lambda: np.clip(x, -1, 1)},
        ("hardtanh", "derivative"): {"numpy (-1<x<1)": lambda: ((x > -1) & (x < 1)).astype(dtype)},
        ("relu6", "value"): {"numpy.clip": lambda: np.clip(x, 0, 6)},
        ("relu6", "derivative"): {"numpy (0<x<6)": lambda: ((x > 0) & (x < 6)).astype(dtype)},
        ("hardsigmoid", "value"): {"numpy clip(x/6+1/2)": lambda: np.clip(x / 6 + 0.5, 0, 1)},
        ("hardsigmoid", "derivative"): {"numpy where": lambda: np.where((x > -3) & (x < 3), dtype(1 / 6), 0)},
        ("hardswish", "value"): {"numpy x*clip": lambda: x * np.clip(x + 3, 0, 6) / 6},
        ("hardswish", "derivative"): {"numpy select": lambda: np.select([x <= -3, x < 3], [0, x / 3 + 0.5], 1)},
        ("mish", "value"): {"numpy x*tanh(logaddexp)": lambda: x * np.tanh(np.logaddexp(0, x))},
        ("celu", "value"): {"numpy where": lambda: np.where(x > 0, x, np.expm1(np.minimum(x, 0)))},
        ("celu", "derivative"): {"numpy where": lambda: np.where(x > 0, one, np.exp(np.minimum(x, 0)))},
        ("softsign", "value"): {"numpy x/(1+|x|)": lambda: x / (1 + np.abs(x))},
        ("softsign", "derivative"): {"numpy 1/(1+|x|)^2": lambda: 1 / (1 + np.abs(x)) ** 2},
        ("logsigmoid", "value"): {"numpy -logaddexp": lambda: -np.logaddexp(0, -x)},
        ("logsigmoid", "derivative"): {"scipy.expit(-x)": lambda: special.expit(-x)},
        ("tanhshrink", "value"): {"numpy x-tanh": lambda: x - np.tanh(x)},
        ("tanhshrink", "derivative"): {"numpy tanh^2": lambda: np.tanh(x) ** 2},
        ("softshrink", "value"): {"numpy sign*max": lambda: np.sign(x) * np.maximum(np.abs(x) - 0.5, 0)},
        ("softshrink", "derivative"): {"numpy (|x|>l)": lambda: (np.abs(x) > 0.5).astype(dtype)},
        ("hardshrink", "value"): {"numpy where": lambda: np.where(np.abs(x) > 0.5, x, 0)},
        ("hardshrink", "derivative"): {"numpy (|x|>l)": lambda: (np.abs(x) > 0.5).astype(dtype)},
    }


def torch_peers(x, z, dtype, torch):
    F = torch.nn.functional
    aten = torch.ops.aten
    t = torch.from_numpy(x)
    tz = torch.from_numpy(z)
    ones = torch.ones_like(t)
    ones_z = torch.ones_like(tz)
    alpha, scale = act.selu.alpha, act.selu.scale
    w = torch.tensor([0.25], dtype=t.dtype)
    return {
        ("sigmoid", "value"): lambda: torch.sigmoid(t),
        ("sigmoid", "derivative"): lambda: aten.sigmoid_backward(ones, torch.sigmoid(t)),
        ("tanh", "value"): lambda: torch.tanh(t),
        ("tanh", "derivative"): lambda: aten.tanh_backward(ones, torch.tanh(t)),
        ("relu", "value"): lambda: torch.relu(t),
        ("relu", "derivative"): lambda: aten.threshold_backward(ones, t, 0),
        ("leaky_relu", "value"): lambda: F.leaky_relu(t, 0.01),
        ("leaky_relu", "derivative"): lambda: aten.leaky_relu_backward(ones, t, 0.01, False),
        ("prelu", "value"): lambda: F.prelu(t, w),
        ("prelu", "derivative"): lambda: aten._prelu_kernel_backward(ones, t, w)[0],
        ("softplus", "value"): lambda: F.softplus(t),
        ("softplus", "derivative"): lambda: aten.softplus_backward(ones, t, 1.0, 20.0),
        ("elu", "value"): lambda: F.elu(t),
        ("elu", "derivative"): lambda: aten.elu_backward(ones, 1.0, 1, 1, False, t),
        ("selu", "value"): lambda: F.selu(t),
        ("selu", "derivative"): lambda: aten.elu_backward(ones, alpha, scale, 1, False, t),
        ("swish", "value"): lambda: F.silu(t),
        ("swish", "derivative"): lambda: aten.silu_backward(ones, t),
        ("gelu", "value"): lambda: F.gelu(t),
        ("gelu", "derivative"): lambda: aten.gelu_backward(ones, t),
        ("gelu tanh", "value"): lambda: F.gelu(t, approximate="tanh"),
        ("gelu tanh", "derivative"): lambda: aten.gelu_backward(ones, t, approximate="tanh"),
        ("softmax", "value"): lambda: torch.softmax(tz, -1),
        ("softmax", "vjp"): lambda: aten._softmax_backward_data(ones_z, torch.softmax(tz, -1), -1, tz.dtype),
        ("log_softmax", "value"): lambda: torch.log_softmax(tz, -1),
        ("hardtanh", "value"): lambda: F.hardtanh(t),
        ("hardtanh", "derivative"): lambda: aten.hardtanh_backward(ones, t, -1.0, 1.0),
        ("relu6", "value"): lambda: F.relu6(t),
        ("relu6", "derivative"): lambda: aten.hardtanh_backward(ones, t, 0.0, 6.0),
        ("hardsigmoid", "value"): lambda: F.hardsigmoid(t),
        ("hardsigmoid", "derivative"): lambda: aten.hardsigmoid_backward(ones, t),
        ("hardswish", "value"): lambda: F.hardswish(t),
        ("hardswish", "derivative"): lambda: aten.hardswish_backward(ones, t),
        ("mish", "value"): lambda: F.mish(t),
        ("mish", "derivative"): lambda: aten.mish_backward(ones, t),
        ("celu", "value"): lambda: F.celu(t),
        ("celu", "derivative"): lambda: aten.elu_backward(ones, 1.0, 1, 1.0, False, t),
        ("softsign", "value"): lambda: F.softsign(t),
        ("softsign", "derivative"): lambda: 1 / (1 + t.abs()) ** 2,
        ("logsigmoid", "value"): lambda: F.logsigmoid(t),
        ("logsigmoid", "derivative"): lambda: aten.log_sigmoid_backward(ones, t, aten.log_sigmoid_forward(t)[1]),
        ("tanhshrink", "value"): lambda: F.tanhshrink(t),
        ("tanhshrink", "derivative"): lambda: torch.tanh(t) ** 2,
        ("softshrink", "value"): lambda: F.softshrink(t, 0.5),
        ("softshrink", "derivative"): lambda: aten.softshrink_backward(ones, t, 0.5),
        ("hardshrink", "value"): lambda: F.hardshrink(t, 0.5),
        ("hardshrink", "derivative"): lambda: aten.hardshrink_backward(ones, t, 0.5),
    }


def lib_functions(x, z, dp):
    cases = {}
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "prelu", "softplus", "elu", "selu", "swish", "gelu",
                 "hardtanh", "relu6", "hardsigmoid", "hardswish", "mish", "celu", "softsign", "logsigmoid",
                 "tanhshrink", "softshrink", "hardshrink"):
        f = act.ALL_ACTIVATIONS[name]
        cases[(name, "value")] = lambda f=f: f(x)
        cases[(name, "derivative")] = lambda f=f: f.derivative(x)
    cases[("gelu tanh", "value")] = lambda: act.gelu(x, approximate="tanh")
    cases[("gelu tanh", "derivative")] = lambda: act.gelu.derivative(x, approximate="tanh")
    cases[("softmax", "value")] = lambda: act.softmax(z)
    cases[("softmax", "vjp")] = lambda: act.softmax.vjp(z, dp)
    cases[("log_softmax", "value")] = lambda: act.log_softmax(z)
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10**6, help="number of elements (default 1e6)")
    parser.add_argument("--repeat", type=int, default=7,
                        help="rounds, each timing lib and then every peer once (medians)")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out even if installed")
    args = parser.parse_args()

    torch = None
    if not args.no_torch:
        try:
            import torch
        except ImportError:
            pass
    print(f"n = {args.n:.0e} elements, median of {args.repeat} rounds (lib and peers in turn); numpy {np.__version__}"
          + (f", torch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else ", no torch"))
    header = f"{'function':<12} {'dtype':<8} {'kind':<11} {'lib ms':>8}  {'fastest peer':<30} {'peer ms':>8} {'ratio':>6}"
    print(header)
    print("-" * len(header))

    ratios = []
    rng = np.random.default_rng(0)
    for dtype in (np.float64, np.float32):
        x = (3 * rng.standard_normal(args.n)).astype(dtype)
        z = x[: args.n // 1000 * 1000].reshape(-1, 1000)
        dp = rng.standard_normal(z.shape).astype(dtype)
        peers = numpy_peers(x, z, dtype)
        if torch is not None:
            for key, fn in torch_peers(x, z, dtype, torch).items():
                peers.setdefault(key, {})[f"torch {key[0]}{'' if key[1] == 'value' else ' fwd+bwd'}"] = fn
        for key, fn in lib_functions(x, z, dp).items():
            lib_ms, timed = interleaved_ms(fn, peers.get(key, {}), args.repeat)
            if not timed:
                print(f"{key[0]:<12} {dtype.__name__:<8} {key[1]:<11} {lib_ms:8.1f}  (no peer)")
                continue
            best = min(timed, key=timed.get)
            ratio = lib_ms / timed[best]
            ratios.append((ratio, f"{key[0]} {dtype.__name__} {key[1]}"))
            print(f"{key[0]:<12} {dtype.__name__:<8} {key[1]:<11} {lib_ms:8.2f}  {best:<30} "
                  f"{timed[best]:8.2f} {ratio:6.2f}{'  > 10x' if ratio > GUARD else ''}", flush=True)
    worst = max(ratios)
    print("-" * len(header))
    print(f"median ratio {statistics.median(r for r, _ in ratios):.2f}; worst {worst[0]:.2f} ({worst[1]})")
    over = [label for r, label in ratios if r > GUARD]
    print(f"beyond {GUARD:g}x the fastest peer: {', '.join(over) if over else 'none'}")


if __name__ == "__main__":
    main()
