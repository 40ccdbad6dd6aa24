"""Fit the rational approximation behind ``lib._normal_cdf`` (run: python bench/fit_normal_cdf.py).

The standard normal tail is written Phi(-z) = exp(-z^2 / 2) R(z) for z >= 0, where R(z) = Phi(-z) / exp(-z^2/2)
(the Mills ratio over sqrt(2 pi)) is smooth, equals 1/2 at z = 0 and falls like 1 / (z sqrt(2 pi)). It is
approximated on [0, ZMAX] by R(z) ~ P(z) / Q(z), deg P = 4, deg Q = 5, Q(0) = 1, with a small maximum
*relative* error. The fit is a linearised least-squares problem (P - R Q = 0, weighted by 1 / (R Q_old),
the Sanathanan-Koerner iteration) whose weights are then reshaped towards the largest errors (Lawson's
iteration), which drives it towards the minimax fit. Reference values come from mpmath at 40 digits.

It prints the coefficients to paste into lib/_normal_cdf.py and the maximum relative error on a fine grid.
Requires mpmath (a test-time dependency, not a dependency of lib).
"""

import mpmath as mp
import numpy as np

ZMAX = 16.0   # float32 GELU and its derivative underflow to 0 (or reach 1) well before |x| = 16
M = 4         # degree of P; Q has degree M + 1 so that P / Q falls like 1 / z


def mills(z):
    """R(z) = Phi(-z) exp(z^2 / 2) to double precision, from mpmath."""
    z = mp.mpf(z)
    return float(mp.erfc(z / mp.sqrt(2)) / 2 * mp.exp(z * z / 2))


def fit(z, r, m=M, iterations=60):
    """Coefficients (p, q), lowest degree first, of P / Q ~ r with q[0] = 1."""
    s = ZMAX / 2  # fit in z / s for a well-conditioned system, then scale back
    v = np.vander(z / s, m + 2, increasing=True)
    q_old = np.ones_like(z)
    lawson = np.ones_like(z)
    for k in range(iterations):
        a = np.hstack([v[:, : m + 1], -r[:, None] * v[:, 1:]])
        w = lawson / (np.abs(q_old) * r)
        sol, *_ = np.linalg.lstsq(a * w[:, None], r * w, rcond=None)
        p, q = sol[: m + 1], np.concatenate([[1.0], sol[m + 1:]])
        q_old = v @ q
        err = np.abs((v[:, : m + 1] @ p) / q_old / r - 1)
        if k >= 10:
            lawson = lawson * (err / err.max() + 1e-4) ** 0.5
    scale = s ** -np.arange(m + 2)
    return p * scale[: m + 1], q * scale


def main():
    mp.mp.dps = 40
    # denser near 0, where R changes fastest relative to its size
    z = ZMAX * np.linspace(0, 1, 4001) ** 1.5
    r = np.array([mills(t) for t in z])
    p, q = fit(z, r)
    check = np.linspace(0, ZMAX, 20011)
    rc = np.array([mills(t) for t in check])
    approx = np.polynomial.polynomial.polyval(check, p) / np.polynomial.polynomial.polyval(check, q)
    print("P =", np.array2string(p, separator=", ", precision=17, floatmode="unique"))
    print("Q =", np.array2string(q, separator=", ", precision=17, floatmode="unique"))
    print(f"max relative error of P/Q on [0, {ZMAX}]: {np.abs(approx / rc - 1).max():.2e}")
    print("all coefficients positive:", bool((p > 0).all() and (q > 0).all()))


if __name__ == "__main__":
    main()
