// The kernel module's exports. Memory is imported (env.memory) and laid out by the
// TypeScript side (src/kernels/); heap_base tells it where the static data ends.

export { f_erf_f32_scalar, f_erf_f32_simd } from "./erf_f32";
export {
  gemm_f32_f64_scalar, gemm_f32_f64_simd, gemm_f32_scalar, gemm_f32_simd, pack_panels_f32,
} from "./gemm_f32";
export { per_f32_scalar, per_f32_simd } from "./per_f32";
export { exact_f32_scalar, exact_f32_simd } from "./exact_f32";
export { first_non_finite_f32_scalar, first_non_finite_f32_simd } from "./check_f32";
export { per_tasks_f32 } from "./tasks_f32";
export { sort_f32 } from "./sort_f32";
export { wasserstein_sorted_f64 } from "./wasserstein_f64";
export { column_f32, f_sum_f32_scalar, f_sum_f32_simd } from "./reduce_f32";

/** First byte after the module's static data: the TypeScript side allocates from here. */
export function heap_base(): usize {
  return __heap_base;
}
export { peak_madd_f32x4, peak_mul_add_f32x4 } from "./peak_f32";
