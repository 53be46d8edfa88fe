//! A dense layer, `x · Wᵀ + b`, with the weights packed once at load into panels of 16
//! output columns, so that the kernel streams each panel from memory in order and keeps
//! its sums in registers. A question is a dozen rows: general matrix libraries spend more
//! time packing the weights on every call than multiplying them, and what is left is
//! reading the weights, so they stay in half precision (as the model file has them) and
//! are widened in registers.

use half::f16;
use half::slice::HalfFloatSliceExt;

/// Output columns per panel: one 512-bit register of f32.
const LANES: usize = 16;
/// Rows of `x` a kernel call keeps in registers (two panels each: 16 accumulators).
const ROWS: usize = 8;
/// Output columns a kernel call computes: two panels. Layer widths must be multiples.
pub const COLUMNS_PER_CALL: usize = 2 * LANES;

pub struct Dense {
    inputs: usize,
    outputs: usize,
    /// Panel `p` holds columns `16p..16p+16`: for each input `k`, their 16 weights.
    panels: Vec<f16>,
    bias: Vec<f32>,
}

impl Dense {
    /// From a weight matrix stored as PyTorch does, `outputs × inputs` row-major, and the
    /// bias. `outputs` must be a multiple of 32 (two panels per kernel call).
    pub fn new(weight: &[f32], bias: Vec<f32>, outputs: usize, inputs: usize) -> Dense {
        assert!(outputs.is_multiple_of(COLUMNS_PER_CALL) && weight.len() == outputs * inputs);
        assert_eq!(bias.len(), outputs);
        let mut panels = vec![f16::ZERO; outputs * inputs];
        for (o, row) in weight.chunks_exact(inputs).enumerate() {
            let (panel, lane) = (o / LANES, o % LANES);
            for (k, &w) in row.iter().enumerate() {
                panels[(panel * inputs + k) * LANES + lane] = f16::from_f32(w);
            }
        }
        Dense {
            inputs,
            outputs,
            panels,
            bias,
        }
    }

    /// `rows × outputs` from `rows × inputs`.
    pub fn forward(&self, x: &[f32]) -> Vec<f32> {
        assert_eq!(x.len() % self.inputs, 0);
        let rows = x.len() / self.inputs;
        let mut out = vec![0.0; rows * self.outputs];
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F (checked above); the kernel reads and writes
            // within `x`, `panels` and `out`, whose sizes `new` and this call fixed.
            unsafe { self.forward_avx512(x, rows, &mut out) };
            return out;
        }
        self.forward_portable(x, rows, &mut out);
        out
    }

    fn forward_portable(&self, x: &[f32], rows: usize, out: &mut [f32]) {
        let mut widened = vec![0.0f32; self.inputs * LANES];
        for (p, panel) in self.panels.chunks_exact(self.inputs * LANES).enumerate() {
            panel.convert_to_f32_slice(&mut widened);
            let columns = p * LANES..(p + 1) * LANES;
            for r in 0..rows {
                let input = &x[r * self.inputs..(r + 1) * self.inputs];
                let mut sums = [0.0f32; LANES];
                for (&a, weights) in input.iter().zip(widened.chunks_exact(LANES)) {
                    for (sum, &w) in sums.iter_mut().zip(weights) {
                        *sum += a * w;
                    }
                }
                let row = &mut out[r * self.outputs..][columns.clone()];
                for ((o, sum), b) in row.iter_mut().zip(sums).zip(&self.bias[columns.clone()]) {
                    *o = sum + b;
                }
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn forward_avx512(&self, x: &[f32], rows: usize, out: &mut [f32]) {
        for pair in 0..self.outputs / (2 * LANES) {
            let mut first = 0;
            while first < rows {
                let block = (rows - first).min(ROWS);
                // SAFETY: as for `forward`; rows `first..first + block` exist.
                unsafe {
                    match block {
                        8 => self.block_avx512::<8>(x, first, pair, out),
                        7 => self.block_avx512::<7>(x, first, pair, out),
                        6 => self.block_avx512::<6>(x, first, pair, out),
                        5 => self.block_avx512::<5>(x, first, pair, out),
                        4 => self.block_avx512::<4>(x, first, pair, out),
                        3 => self.block_avx512::<3>(x, first, pair, out),
                        2 => self.block_avx512::<2>(x, first, pair, out),
                        _ => self.block_avx512::<1>(x, first, pair, out),
                    }
                }
                first += block;
            }
        }
    }

    /// Rows `first..first + R`, columns `32 pair..32 pair + 32`.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn block_avx512<const R: usize>(
        &self,
        x: &[f32],
        first: usize,
        pair: usize,
        out: &mut [f32],
    ) {
        use std::arch::x86_64::*;
        let k_len = self.inputs;
        let left = self.panels[2 * pair * k_len * LANES..].as_ptr();
        let right = self.panels[(2 * pair + 1) * k_len * LANES..].as_ptr();
        let x = x[first * k_len..(first + R) * k_len].as_ptr();
        let mut sums = [[_mm512_setzero_ps(); 2]; R];
        for k in 0..k_len {
            // SAFETY: k < inputs, so each panel read is within its inputs × 16 floats and
            // each x read within the block's R rows.
            unsafe {
                let a = _mm512_cvtph_ps(_mm256_loadu_si256(left.add(k * LANES).cast()));
                let b = _mm512_cvtph_ps(_mm256_loadu_si256(right.add(k * LANES).cast()));
                for (r, sum) in sums.iter_mut().enumerate() {
                    let value = _mm512_set1_ps(*x.add(r * k_len + k));
                    sum[0] = _mm512_fmadd_ps(value, a, sum[0]);
                    sum[1] = _mm512_fmadd_ps(value, b, sum[1]);
                }
            }
        }
        let column = 2 * pair * LANES;
        // SAFETY: the bias has `outputs` values and out `rows × outputs`.
        unsafe {
            let bias = self.bias.as_ptr().add(column);
            let (bias_left, bias_right) = (_mm512_loadu_ps(bias), _mm512_loadu_ps(bias.add(LANES)));
            for (r, sum) in sums.iter().enumerate() {
                let at = out.as_mut_ptr().add((first + r) * self.outputs + column);
                _mm512_storeu_ps(at, _mm512_add_ps(sum[0], bias_left));
                _mm512_storeu_ps(at.add(LANES), _mm512_add_ps(sum[1], bias_right));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// x · Wᵀ + b the slow way.
    fn reference(x: &[f32], w: &[f32], b: &[f32], outputs: usize, inputs: usize) -> Vec<f32> {
        let rows = x.len() / inputs;
        let mut out = Vec::new();
        for r in 0..rows {
            for o in 0..outputs {
                let dot: f32 = (0..inputs)
                    .map(|k| x[r * inputs + k] * w[o * inputs + k])
                    .sum();
                out.push(dot + b[o]);
            }
        }
        out
    }

    #[test]
    fn every_kernel_computes_the_product() {
        let (outputs, inputs) = (64, 40);
        let value = |i: usize| ((i * 7919 % 97) as f32 - 48.0) / 64.0;
        // Multiples of 1/64: exact in half precision.
        let w: Vec<f32> = (0..outputs * inputs).map(value).collect();
        let b: Vec<f32> = (0..outputs).map(|i| value(i + 3)).collect();
        let dense = Dense::new(&w, b.clone(), outputs, inputs);
        // Every remainder of the 8-row blocks.
        for rows in 1..=17 {
            let x: Vec<f32> = (0..rows * inputs).map(|i| value(i + 11)).collect();
            let expected = reference(&x, &w, &b, outputs, inputs);
            let mut portable = vec![0.0; rows * outputs];
            dense.forward_portable(&x, rows, &mut portable);
            for got in [dense.forward(&x), portable] {
                let worst = got
                    .iter()
                    .zip(&expected)
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f32::max);
                assert!(worst < 1e-4, "{rows} rows: off by {worst}");
            }
        }
    }
}
