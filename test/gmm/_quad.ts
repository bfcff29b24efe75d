/**
 * Test helper: adaptive Gauss–Kronrod (7/15, QUADPACK qk15 nodes) integration with recursive
 * bisection, splitting first at the given breakpoints (e.g. jumps of a step function).
 */
const XGK = [0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
  0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
  0.207784955007898467600689403773245, 0];
const WGK = [0.02293532201052922496373200805897, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
  0.140653259715525918745189590510238, 0.16900472663926790282658342659855, 0.190350578064785409913256402421014,
  0.204432940075298892414161999234649, 0.209482141084727828012999174891714];
const WG = [0.129484966168869693270611432679082, 0.27970539148927666790146777142378, 0.381830050505118944950369775488975,
  0.417959183673469387755102040816327];

function gk15(f: (x: number) => number, a: number, b: number): [number, number] {
  const c = 0.5 * (a + b), h = 0.5 * (b - a);
  const fc = f(c);
  let K = WGK[7] * fc, G = WG[3] * fc;
  for (let j = 0; j < 7; j++) {
    const dx = h * XGK[j];
    const s = f(c - dx) + f(c + dx);
    K += WGK[j] * s;
    if (j % 2 === 1) G += WG[(j - 1) / 2] * s;
  }
  return [K * h, Math.abs((K - G) * h)];
}

/**
 * int_a^b f, splitting at `breaks` (inside (a, b)); QUADPACK-QAG-like global adaptivity: the
 * interval with the largest error estimate is bisected until the total estimated error is below
 * max(absTol, relTol |I|) or `maxIntervals` is reached.
 */
export function integrate(
  f: (x: number) => number, a: number, b: number, relTol = 1e-13, breaks: number[] = [], absTol = 1e-300, maxIntervals = 20000,
): number {
  const pts = [a, ...breaks.filter((x) => x > a && x < b).sort((x, y) => x - y), b];
  const ivs: { a: number; b: number; I: number; e: number }[] = [];
  for (let i = 0; i + 1 < pts.length; i++) {
    if (pts[i + 1] > pts[i]) {
      const [I, e] = gk15(f, pts[i], pts[i + 1]);
      ivs.push({ a: pts[i], b: pts[i + 1], I, e });
    }
  }
  for (;;) {
    let I = 0, E = 0, worst = 0;
    for (let i = 0; i < ivs.length; i++) {
      I += ivs[i].I;
      E += ivs[i].e;
      if (ivs[i].e > ivs[worst].e) worst = i;
    }
    if (E <= Math.max(absTol, relTol * Math.abs(I)) || ivs.length >= maxIntervals) return I;
    const w = ivs[worst];
    const m = 0.5 * (w.a + w.b);
    if (!(m > w.a && m < w.b)) return I;
    const [I1, e1] = gk15(f, w.a, m), [I2, e2] = gk15(f, m, w.b);
    ivs[worst] = { a: w.a, b: m, I: I1, e: e1 };
    ivs.push({ a: m, b: w.b, I: I2, e: e2 });
  }
}
