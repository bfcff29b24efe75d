"""scikit-learn side of the EM comparison (scripts/studies/speed-em.ts; gmmgen's side is em-fit-once.ts).

Usage: /usr/bin/python3 scripts/studies/sklearn_em.py <dir> [--means]

Reads <dir>/points.f64 (float64 little-endian, row-major n x d) and <dir>/init.json (sizes, tol, max_iter,
reg_covar and the initial mixture in gmmgen JSON), fits sklearn.mixture.GaussianMixture from exactly that
initial mixture (init_params='random_from_data' is cheap and is overridden by weights_init / means_init /
precisions_init) `repeats` times, and prints one JSON line per fit: program, fit_s (in-process wall time of
fit() alone), iterations, nll (mean negative log-likelihood of the fitted mixture, -score), threads; with --means
the last line also carries the fitted means.
"""
import json
import os
import sys
import time

import numpy as np
from sklearn.mixture import GaussianMixture


def main() -> None:
    args = sys.argv[1:]
    with_means = "--means" in args
    args = [a for a in args if a != "--means"]
    if len(args) != 1 or args[0].startswith("-"):
        sys.exit("usage: sklearn_em.py <dir> [--means]")
    d_ = args[0]
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
    for r in range(meta["repeats"]):
        gm = GaussianMixture(
            n_components=k, covariance_type=cov_type, tol=meta["tol"], reg_covar=meta["reg"],
            max_iter=meta["maxIter"], n_init=1, init_params="random_from_data",
            weights_init=weights, means_init=means, precisions_init=precisions, random_state=0,
        )
        t = time.perf_counter()
        gm.fit(X)
        sec = time.perf_counter() - t
        line = {
            "program": "sklearn", "fit_s": sec, "iterations": int(gm.n_iter_), "nll": float(-gm.score(X)),
            "threads": threads,
        }
        if with_means and r == meta["repeats"] - 1:
            line["means"] = gm.means_.tolist()
        print(json.dumps(line), flush=True)

if __name__ == "__main__":
    main()
