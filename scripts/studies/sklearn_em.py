"""scikit-learn side of scripts/studies/speed-em.ts.

Usage: /usr/bin/python3 scripts/studies/sklearn_em.py <dir>

Reads <dir>/points.f64 (float64 little-endian, row-major n x d) and <dir>/init.json (sizes, tol, max_iter,
reg_covar and the initial mixture in gmmgen JSON), fits sklearn.mixture.GaussianMixture from exactly that
initial mixture (init_params='random_from_data' is cheap and is overridden by weights_init / means_init /
precisions_init) `repeats` times, and prints one JSON line: times, n_iter, converged, score, means.
"""
import json
import os
import sys
import time

import numpy as np
from sklearn.mixture import GaussianMixture


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: sklearn_em.py <dir>")
    d_ = sys.argv[1]
    with open(os.path.join(d_, "init.json")) as f:
        meta = json.load(f)
    n, d, k = meta["n"], meta["d"], meta["k"]
    X = np.fromfile(os.path.join(d_, "points.f64"), dtype="<f8")
    if X.size != n * d:
        sys.exit(f"points.f64 has {X.size} values, expected n*d = {n * d}")
    X = X.reshape(n, d)
    g = meta["gmm"]
    cov_type = meta["covarianceType"]
    weights = np.asarray(g["weights"], dtype=np.float64)
    means = np.asarray(g["means"], dtype=np.float64)
    covs = np.asarray(g["covariances"], dtype=np.float64)
    precisions = np.linalg.inv(covs) if cov_type == "full" else 1.0 / covs
    try:
        from threadpoolctl import threadpool_info
        threads = ", ".join(f"{i.get('internal_api')} {i.get('num_threads')} threads" for i in threadpool_info())
    except Exception:  # threadpoolctl missing: not essential
        threads = "BLAS"
    times = []
    gm = None
    for r in range(meta["repeats"]):
        gm = GaussianMixture(
            n_components=k, covariance_type=cov_type, tol=meta["tol"], reg_covar=meta["reg"],
            max_iter=meta["maxIter"], n_init=1, init_params="random_from_data",
            weights_init=weights, means_init=means, precisions_init=precisions, random_state=0,
        )
        t = time.perf_counter()
        gm.fit(X)
        sec = time.perf_counter() - t
        times.append(sec)
        print(f"  sklearn run {r + 1}: {sec:.3f} s, {gm.n_iter_} iterations, converged {gm.converged_}, "
              f"mean log-lik {gm.score(X):.6f}")
    print(json.dumps({
        "times": times, "n_iter": int(gm.n_iter_), "converged": bool(gm.converged_), "score": float(gm.score(X)),
        "means": gm.means_.tolist(), "threads": threads,
    }))


if __name__ == "__main__":
    main()
