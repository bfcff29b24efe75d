"""scikit-learn side of the covariance-type and criteria check (scripts/studies/sklearn-check.ts).

Usage: /usr/bin/python3 scripts/studies/sklearn_check.py <dir>

Reads <dir>/cases.json, a list of fits, each {name, points (file in <dir>: float64 little-endian, row-major n x d),
n, d, k, covarianceType, tol, maxIter, reg, init (gmmgen GMM JSON), fitted (gmmgen's fitted GMM JSON)}, and for each
prints one JSON line:
  - "fit": sklearn.mixture.GaussianMixture fitted from exactly gmmgen's initial mixture (weights_init, means_init,
    precisions_init = the inverse covariances; init_params='random_from_data' is overridden by them), n_init=1:
    n_iter, converged, nll (-score), weights, means, covariances (sklearn's shapes), bic, aic;
  - "on_ours": score, bic and aic of a GaussianMixture whose parameters are set to gmmgen's fitted mixture (the same
    parameters on both sides, so the criteria and the log-density are compared alone), and n_parameters.
"""
import json
import os
import sys
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky


def arrays(g):
    return (np.asarray(g["weights"], dtype=np.float64), np.asarray(g["means"], dtype=np.float64),
            np.asarray(g["covariances"], dtype=np.float64))


def precisions(cov, cov_type):
    if cov_type == "full":
        return np.linalg.inv(cov)
    if cov_type == "tied":
        return np.linalg.inv(cov)
    return 1.0 / cov


def main() -> None:
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        sys.exit("usage: sklearn_check.py <dir>")
    root = sys.argv[1]
    with open(os.path.join(root, "cases.json")) as f:
        cases = json.load(f)
    warnings.simplefilter("ignore", ConvergenceWarning)
    for c in cases:
        n, d, k, cov_type = c["n"], c["d"], c["k"], c["covarianceType"]
        X = np.fromfile(os.path.join(root, c["points"]), dtype="<f8")
        if X.size != n * d:
            sys.exit(f"{c['points']} has {X.size} values, expected n*d = {n * d}")
        X = X.reshape(n, d)
        w0, m0, c0 = arrays(c["init"])
        gm = GaussianMixture(
            n_components=k, covariance_type=cov_type, tol=c["tol"], reg_covar=c["reg"], max_iter=c["maxIter"],
            n_init=1, init_params="random_from_data", weights_init=w0, means_init=m0,
            precisions_init=precisions(c0, cov_type), random_state=0,
        )
        gm.fit(X)
        fit = {
            "n_iter": int(gm.n_iter_), "converged": bool(gm.converged_), "nll": float(-gm.score(X)),
            "weights": gm.weights_.tolist(), "means": gm.means_.tolist(), "covariances": gm.covariances_.tolist(),
            "bic": float(gm.bic(X)), "aic": float(gm.aic(X)),
        }
        w1, m1, c1 = arrays(c["fitted"])
        mine = GaussianMixture(n_components=k, covariance_type=cov_type)
        mine.weights_, mine.means_, mine.covariances_ = w1, m1, c1
        mine.precisions_cholesky_ = _compute_precision_cholesky(c1, cov_type)
        mine.n_features_in_ = d
        on_ours = {
            "score": float(mine.score(X)), "bic": float(mine.bic(X)), "aic": float(mine.aic(X)),
            "n_parameters": int(mine._n_parameters()),
        }
        print(json.dumps({"name": c["name"], "fit": fit, "on_ours": on_ours}), flush=True)


if __name__ == "__main__":
    main()
