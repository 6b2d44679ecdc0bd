// The standard normal distribution function and density in float64, for the closed
// forms of the Wasserstein distances (wasserstein_f64.ts).
//
// Φ(x) = erfc(−x/√2)/2 with erfc from the rational Chebyshev approximations of W. J. Cody,
// "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969)
// 631–637, with the coefficients of his double-precision routine CALERF (SPECFUN): errors
// below 1e−17 before rounding. The closed forms need Φ to an absolute 1e−16, which this
// gives without Cody's splitting of x² (src/math/normal.ts keeps that for relative
// accuracy in the far tails); tests/wasserstein_test.ts compares with src/math/normal.ts.

const SMALL: f64 = 0.46875;
const MIDDLE: f64 = 4.0;
const INV_SQRT_PI: f64 = 0.5641895835477563;
const INV_SQRT_2PI: f64 = 0.3989422804014327;

/** erf(y)/y = N(z)/D(z), z = y², for |y| ≤ 0.46875 (Cody's first interval). */
// @ts-ignore: decorator
@inline function erfSmallRatio(z: f64): f64 {
  const n = 3209.37758913846947 + z * (377.485237685302021 + z * (113.864154151050156 +
    z * (3.16112374387056560 + z * 0.185777706184603153)));
  const d = 2844.23683343917062 + z * (1282.61652607737228 + z * (244.024637934444173 +
    z * (23.6012909523441209 + z)));
  return n / d;
}

/** erfcx(y) = exp(y²)·erfc(y) for y > 0.46875 (Cody's second and third intervals). */
function erfcxPositive(y: f64): f64 {
  if (y <= MIDDLE) {
    const n = 1230.33935479799725 + y * (2051.07837782607147 + y * (1712.04761263407058 +
      y * (881.952221241769090 + y * (298.635138197400131 + y * (66.1191906371416295 +
      y * (8.88314979438837594 + y * (0.564188496988670089 + y * 2.15311535474403846e-8)))))));
    const d = 1230.33935480374942 + y * (3439.36767414372164 + y * (4362.61909014324716 +
      y * (3290.79923573345963 + y * (1621.38957456669019 + y * (537.181101862009858 +
      y * (117.693950891312499 + y * (15.7449261107098347 + y)))))));
    return n / d;
  }
  const z = 1 / (y * y);
  const n = 6.58749161529837803e-4 + z * (0.0160837851487422766 + z * (0.125781726111229246 +
    z * (0.360344899949804439 + z * (0.305326634961232344 + z * 0.0163153871373020978))));
  const d = 2.33520497626869185e-3 + z * (0.0605183413124413191 + z * (0.527905102951428412 +
    z * (1.87295284992346047 + z * (2.56852019228982242 + z))));
  return (INV_SQRT_PI - z * n / d) / y;
}

/** Φ(x) = P(Z ≤ x), to 1e−16 absolute. */
export function normalCdf(x: f64): f64 {
  const y = -x * 0.7071067811865476; // erfc argument: Φ(x) = erfc(y)/2
  const a = abs<f64>(y);
  if (a <= SMALL) return 0.5 - 0.5 * y * erfSmallRatio(y * y);
  if (a >= 27.3) return y > 0 ? 0 : 1;
  const tail = 0.5 * Math.exp(-a * a) * erfcxPositive(a); // erfc(a)/2 = Φ(−|x|)
  return y > 0 ? tail : 1 - tail;
}

/** φ(x) = exp(−x²/2)/√(2π). */
export function normalPdf(x: f64): f64 {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}
