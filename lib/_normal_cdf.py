r"""Exact GELU and its derivative for float16 and float32 input, without ``scipy.special.ndtr``.

``ndtr`` has no float32 loop: it computes in double and costs the same ~16 ns a number in both dtypes.
For float16/float32 input these kernels work in float64 from a rational approximation of the normal tail
that is accurate to 7e-9 (relative), so the float32 result, rounded once at the end, is within one ulp
of the correctly rounded value everywhere (see tests/test_activations.py).

The tail, for z = |x| >= 0:

.. math:: \Phi(-z) = e^{-z^2/2} R(z), \qquad R(z) \approx \frac{P(z)}{Q(z)}, \quad \deg P = 4,\ \deg Q = 5,

fitted on [0, 16] by ``bench/fit_normal_cdf.py`` (all coefficients are positive, so no cancellation).
z^2 of a float32 is exact in float64, so ``exp`` sees the exact argument even at z = 16, where
Phi(-z) ~ 1e-58. Then

* GELU: f(x) = x Phi(x) = max(x, 0) - z Phi(-z) (for x < 0 that is x Phi(x), for x > 0 it is
  x (1 - Phi(-x))), so the far negative tail keeps its relative accuracy down to float32 underflow.
* f'(x) = Phi(x) + x phi(x) = H(x) + sign(x) e^{-z^2/2} (z / sqrt(2 pi) - R(z)), H = 1 for x >= +0.

z is capped at 16 (f and f' have reached 0, x and 1 in float32 long before), so +-inf give the limits
with no inf * 0. Both polynomials are evaluated at once as one small matrix product against the rows
1, z, v, z v, v^2, z v^2 with v = -z^2/2 (the powers of z up to 5, up to constant factors, which the
coefficient matrices absorb), which is far fewer passes over memory than Horner's rule in numpy.
"""

import numpy as np

ZMAX = 16.0
INV_SQRT_2PI = 0.3989422804014327

# R(z) = Phi(-z) exp(z^2 / 2) ~ P(z) / Q(z) on [0, 16], max relative error 7.1e-9
# (coefficients lowest degree first, from bench/fit_normal_cdf.py)
P = (0.5000000035443316, 0.44110531903520184, 0.18532679224904103, 0.041340915211351505,
     0.004222017921409534)
Q = (1.0, 1.6800956962270466, 1.2111704140811272, 0.4749942977402513, 0.10363184664501632,
     0.010582931624688017)

# z^k expressed through the rows 1, z, v, z v, v^2, z v^2 (v = -z^2 / 2): z^k = row_k * (-2)^(k // 2)
_ROW_SCALE = np.array([1.0, 1.0, -2.0, -2.0, 4.0, 4.0])
# value: rows give z P(z) (numerator) and Q(z); derivative: P(z) and Q(z)
_VALUE = np.array([(0.0, *P), Q]) * _ROW_SCALE
_DERIVATIVE = np.array([(*P, 0.0), Q]) * _ROW_SCALE


def _tail(x, scratch, coefficients):
    """exp(-z^2/2) and the two polynomials (2, n) given by ``coefficients``, z = min(|x|, ZMAX).

    ``scratch`` is an array like ``x`` that is overwritten (the caller's output block).
    """
    rows = np.empty((6, x.size))
    rows[0] = 1.0
    z, v = rows[1], rows[2]
    np.clip(x, -ZMAX, ZMAX, out=scratch)  # exact, in x's dtype; NaN stays NaN
    np.abs(scratch, out=z)  # float32 -> float64, exact
    np.multiply(z, -0.5, out=v)
    np.multiply(v, z, out=v)  # -z^2 / 2, exact in float64
    np.multiply(rows[1:3], v, out=rows[3:5])  # z v and v^2 in one call
    np.multiply(z, rows[4], out=rows[5])
    gauss = np.exp(v)
    return z, gauss, np.matmul(coefficients, rows)


def _copysign_one(x, out):
    """out = copysign(1, x) (-1 for -0 and for NaN with the sign bit set), from the bits of ``x``.

    The sign bit of x joined to the bits of 1.0: the same numbers as ``np.copysign(1, x, out=out)``,
    which has no vectorized loop and takes three times longer.
    """
    ints = np.dtype(f"i{x.dtype.itemsize}")
    bits = out.view(ints)
    np.bitwise_and(x.view(ints), np.iinfo(ints).min, out=bits)  # the sign bit alone
    np.bitwise_or(bits, np.ones((), x.dtype).view(ints), out=bits)
    return out


def gelu(x, out):
    """out = x Phi(x) for a 1-d float16/float32 block ``x``, computed in float64 (``out`` is not ``x``)."""
    _, gauss, (num, den) = _tail(x, out, _VALUE)
    np.multiply(gauss, num, out=gauss)
    np.divide(gauss, den, out=gauss)  # z Phi(-z) >= 0
    np.maximum(x, 0, out=out)
    with np.errstate(under="ignore"):  # the tail rounds to (-)0 in float32 below x ~ -14
        np.subtract(out, gauss, out=out, casting="same_kind")
    return out


def gelu_derivative(x, out):
    """out = Phi(x) + x phi(x) for a 1-d float16/float32 block ``x``, in float64 (``out`` is not ``x``)."""
    z, gauss, (num, den) = _tail(x, out, _DERIVATIVE)
    np.divide(num, den, out=num)  # R(z)
    np.multiply(z, INV_SQRT_2PI, out=den)
    np.subtract(den, num, out=den)  # z / sqrt(2 pi) - R(z)
    np.multiply(den, gauss, out=den)
    _copysign_one(x, out)  # sign(x), -1 for -0
    np.multiply(den, out, out=den)
    np.clip(out, 0, 1, out=out)  # H(x): 1 for x >= +0, 0 for x <= -0
    with np.errstate(under="ignore"):
        np.add(out, den, out=out, casting="same_kind")
    return out
