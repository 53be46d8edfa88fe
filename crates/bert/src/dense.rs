//! A dense layer, `x · Wᵀ + b`, computed in 16-bit integers: the weights are quantised
//! once at load (a scale per output column), each row of `x` on every call (a scale per
//! row), and the products summed exactly in 32-bit integers. AVX-512 VNNI multiplies and
//! adds two pairs of 16-bit integers per lane in one instruction, twice the rate of f32
//! fused multiply-adds, at the same memory traffic as half-precision weights (a question:
//! 2.4 ms instead of 4.0, BENCHMARKS.md). Weights are packed
//! in panels of 16 output columns so that the kernel streams each panel in order and keeps
//! its sums in registers. The portable loop computes the same integers, so every machine
//! gives the same vectors.

/// Output columns per panel: one 512-bit register of 32-bit sums.
const LANES: usize = 16;
/// Rows of `x` a kernel call keeps in registers (two panels each: 16 accumulators).
const ROWS: usize = 8;
/// Output columns a kernel call computes: two panels. Layer widths must be multiples.
pub const COLUMNS_PER_CALL: usize = 2 * LANES;
/// The largest quantised magnitude of a weight and of an input. The sum of `inputs`
/// products must fit in an i32 whatever the signs: 1536 × 1023² < 2³¹.
const LEVELS: f32 = 1023.0;
/// The widest layer input this bound allows.
const MAX_INPUTS: usize = i32::MAX as usize / (LEVELS as usize * LEVELS as usize);

pub struct Dense {
    inputs: usize,
    outputs: usize,
    /// Panel `p` holds columns `16p..16p+16`: for each pair of inputs `2j, 2j + 1`, each
    /// column's two weights side by side (what one VNNI lane multiplies).
    panels: Vec<i16>,
    /// What one unit of each column's quantised weights is worth.
    scales: Vec<f32>,
    bias: Vec<f32>,
}

impl Dense {
    /// From a weight matrix stored as PyTorch does, `outputs × inputs` row-major, and the
    /// bias. `outputs` must be a multiple of 32 (two panels per kernel call).
    pub fn new(weight: &[f32], bias: Vec<f32>, outputs: usize, inputs: usize) -> Dense {
        assert!(outputs.is_multiple_of(COLUMNS_PER_CALL) && weight.len() == outputs * inputs);
        assert!(
            inputs <= MAX_INPUTS,
            "{inputs} inputs could overflow the integer sums"
        );
        assert_eq!(bias.len(), outputs);
        let pairs = inputs.div_ceil(2);
        let mut panels = vec![0i16; outputs * pairs * 2];
        let mut scales = Vec::with_capacity(outputs);
        let mut quantised = vec![0i16; inputs];
        for (o, row) in weight.chunks_exact(inputs).enumerate() {
            scales.push(quantise(row, &mut quantised));
            let (panel, lane) = (o / LANES, o % LANES);
            for (k, &q) in quantised.iter().enumerate() {
                panels[((panel * pairs + k / 2) * LANES + lane) * 2 + k % 2] = q;
            }
        }
        Dense {
            inputs,
            outputs,
            panels,
            scales,
            bias,
        }
    }

    /// `rows × outputs` from `rows × inputs`.
    pub fn forward(&self, x: &[f32]) -> Vec<f32> {
        assert_eq!(x.len() % self.inputs, 0);
        let rows = x.len() / self.inputs;
        let (quantised, row_scales) = self.quantise_rows(x);
        let mut out = vec![0.0; rows * self.outputs];
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512vnni")
        {
            // SAFETY: the CPU has AVX-512F and VNNI (checked above); the kernel reads and
            // writes within `quantised`, `row_scales`, `panels` and `out`, sized here.
            unsafe { self.forward_avx512(&quantised, &row_scales, &mut out) };
            return out;
        }
        self.forward_portable(&quantised, &row_scales, &mut out);
        out
    }

    /// The kernel's integer sums and scaling, one column at a time.
    fn forward_portable(&self, x: &[i16], row_scales: &[f32], out: &mut [f32]) {
        let pairs = self.pairs();
        for (p, panel) in self.panels.chunks_exact(pairs * LANES * 2).enumerate() {
            let columns = p * LANES..(p + 1) * LANES;
            for (r, &row_scale) in row_scales.iter().enumerate() {
                let input = &x[r * pairs * 2..(r + 1) * pairs * 2];
                let mut sums = [0i32; LANES];
                for (two, weights) in input.chunks_exact(2).zip(panel.chunks_exact(LANES * 2)) {
                    for (sum, w) in sums.iter_mut().zip(weights.chunks_exact(2)) {
                        *sum += i32::from(two[0]) * i32::from(w[0])
                            + i32::from(two[1]) * i32::from(w[1]);
                    }
                }
                let row = &mut out[r * self.outputs..][columns.clone()];
                let scales = &self.scales[columns.clone()];
                for (((o, sum), scale), b) in row
                    .iter_mut()
                    .zip(sums)
                    .zip(scales)
                    .zip(&self.bias[columns.clone()])
                {
                    *o = sum as f32 * (row_scale * scale) + b;
                }
            }
        }
    }

    /// Each row of `x` quantised and padded to whole pairs, and its scale.
    fn quantise_rows(&self, x: &[f32]) -> (Vec<i16>, Vec<f32>) {
        let width = 2 * self.pairs();
        let mut quantised = vec![0i16; x.len() / self.inputs * width];
        let mut scales = Vec::new();
        for (row, out) in x
            .chunks_exact(self.inputs)
            .zip(quantised.chunks_exact_mut(width))
        {
            scales.push(quantise(row, &mut out[..self.inputs]));
        }
        (quantised, scales)
    }

    fn pairs(&self) -> usize {
        self.inputs.div_ceil(2)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512vnni")]
    unsafe fn forward_avx512(&self, x: &[i16], row_scales: &[f32], out: &mut [f32]) {
        let rows = row_scales.len();
        for pair in 0..self.outputs / (2 * LANES) {
            let mut first = 0;
            while first < rows {
                let block = (rows - first).min(ROWS);
                // SAFETY: as for `forward`; rows `first..first + block` exist.
                unsafe {
                    match block {
                        8 => self.block_avx512::<8>(x, row_scales, first, pair, out),
                        7 => self.block_avx512::<7>(x, row_scales, first, pair, out),
                        6 => self.block_avx512::<6>(x, row_scales, first, pair, out),
                        5 => self.block_avx512::<5>(x, row_scales, first, pair, out),
                        4 => self.block_avx512::<4>(x, row_scales, first, pair, out),
                        3 => self.block_avx512::<3>(x, row_scales, first, pair, out),
                        2 => self.block_avx512::<2>(x, row_scales, first, pair, out),
                        _ => self.block_avx512::<1>(x, row_scales, first, pair, out),
                    }
                }
                first += block;
            }
        }
    }

    /// Rows `first..first + R`, columns `32 pair..32 pair + 32`.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512vnni")]
    #[inline]
    unsafe fn block_avx512<const R: usize>(
        &self,
        x: &[i16],
        row_scales: &[f32],
        first: usize,
        pair: usize,
        out: &mut [f32],
    ) {
        use std::arch::x86_64::*;
        let pairs = self.pairs();
        let panel = pairs * LANES * 2;
        let left = self.panels[2 * pair * panel..].as_ptr();
        let right = self.panels[(2 * pair + 1) * panel..].as_ptr();
        let x = x[first * pairs * 2..(first + R) * pairs * 2].as_ptr();
        let mut acc = [[_mm512_setzero_si512(); 2]; R];
        for j in 0..pairs {
            // SAFETY: j < pairs, so each panel read is within its pairs × 32 values and
            // each x read within the block's R rows.
            unsafe {
                let a = _mm512_loadu_si512(left.add(j * LANES * 2).cast());
                let b = _mm512_loadu_si512(right.add(j * LANES * 2).cast());
                for (r, sum) in acc.iter_mut().enumerate() {
                    let two = x.add((r * pairs + j) * 2).cast::<i32>().read_unaligned();
                    let two = _mm512_set1_epi32(two);
                    sum[0] = _mm512_dpwssd_epi32(sum[0], two, a);
                    sum[1] = _mm512_dpwssd_epi32(sum[1], two, b);
                }
            }
        }
        let column = 2 * pair * LANES;
        // SAFETY: the scales and bias have `outputs` values and out `rows × outputs`.
        unsafe {
            let scales = self.scales.as_ptr().add(column);
            let bias = self.bias.as_ptr().add(column);
            let (scale_left, scale_right) =
                (_mm512_loadu_ps(scales), _mm512_loadu_ps(scales.add(LANES)));
            let (bias_left, bias_right) = (_mm512_loadu_ps(bias), _mm512_loadu_ps(bias.add(LANES)));
            for (r, sum) in acc.iter().enumerate() {
                let row_scale = _mm512_set1_ps(row_scales[first + r]);
                let at = out.as_mut_ptr().add((first + r) * self.outputs + column);
                let left = _mm512_mul_ps(
                    _mm512_cvtepi32_ps(sum[0]),
                    _mm512_mul_ps(row_scale, scale_left),
                );
                let right = _mm512_mul_ps(
                    _mm512_cvtepi32_ps(sum[1]),
                    _mm512_mul_ps(row_scale, scale_right),
                );
                _mm512_storeu_ps(at, _mm512_add_ps(left, bias_left));
                _mm512_storeu_ps(at.add(LANES), _mm512_add_ps(right, bias_right));
            }
        }
    }
}

/// Writes `values` divided by a scale, rounded to integers of at most `LEVELS`, to `out`,
/// and returns the scale.
fn quantise(values: &[f32], out: &mut [i16]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU has AVX-512F (checked above).
        return unsafe { quantise_avx512(values, out) };
    }
    quantise_portable(values, out)
}

/// As `quantise_portable`, to the same integers (rounding half to even).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn quantise_avx512(values: &[f32], out: &mut [i16]) -> f32 {
    use std::arch::x86_64::*;
    let chunks = values.chunks_exact(LANES);
    let mut largest = chunks
        .remainder()
        .iter()
        .fold(0.0f32, |m, v| m.max(v.abs()));
    let mut lanes = _mm512_setzero_ps();
    for chunk in chunks.clone() {
        // SAFETY: a chunk holds 16 floats.
        lanes = _mm512_max_ps(
            lanes,
            _mm512_abs_ps(unsafe { _mm512_loadu_ps(chunk.as_ptr()) }),
        );
    }
    largest = largest.max(_mm512_reduce_max_ps(lanes));
    let scale = scale_of(largest);
    let inverse = _mm512_set1_ps(1.0 / scale);
    for (i, chunk) in chunks.enumerate() {
        // SAFETY: a chunk holds 16 floats, and `out` as many values as `values`.
        unsafe {
            let scaled = _mm512_mul_ps(_mm512_loadu_ps(chunk.as_ptr()), inverse);
            let rounded = _mm512_cvtsepi32_epi16(_mm512_cvtps_epi32(scaled));
            _mm256_storeu_si256(out.as_mut_ptr().add(i * LANES).cast(), rounded);
        }
    }
    let whole = values.len() / LANES * LANES;
    for (q, &v) in out[whole..].iter_mut().zip(&values[whole..]) {
        *q = level(v, scale);
    }
    scale
}

fn quantise_portable(values: &[f32], out: &mut [i16]) -> f32 {
    let scale = scale_of(values.iter().fold(0.0f32, |m, v| m.max(v.abs())));
    for (q, &v) in out.iter_mut().zip(values) {
        *q = level(v, scale);
    }
    scale
}

/// `value` in units of `scale`, rounded half to even as the AVX-512 conversion does.
fn level(value: f32, scale: f32) -> i16 {
    (value * (1.0 / scale)).round_ties_even() as i16
}

/// What one quantised unit is worth when the largest magnitude is `largest`.
fn scale_of(largest: f32) -> f32 {
    if largest > 0.0 { largest / LEVELS } else { 1.0 }
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
        let w: Vec<f32> = (0..outputs * inputs).map(value).collect();
        let b: Vec<f32> = (0..outputs).map(|i| value(i + 3)).collect();
        let dense = Dense::new(&w, b.clone(), outputs, inputs);
        // Every remainder of the 8-row blocks.
        for rows in 1..=17 {
            let x: Vec<f32> = (0..rows * inputs).map(|i| value(i + 11)).collect();
            let expected = reference(&x, &w, &b, outputs, inputs);
            let got = dense.forward(&x);
            let worst = got
                .iter()
                .zip(&expected)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f32::max);
            // Each product is off by at most half a unit of either factor's scale.
            assert!(worst < 0.01, "{rows} rows: off by {worst}");
            // The kernel's integer sums are the portable loop's, exactly.
            // The portable loop gives the kernel's values, exactly.
            let (q, row_scales) = dense.quantise_rows(&x);
            let mut portable = vec![0.0; rows * outputs];
            dense.forward_portable(&q, &row_scales, &mut portable);
            assert_eq!(got, portable);
        }
    }

    #[test]
    fn quantising_is_the_same_on_every_path() {
        // The largest magnitude 1023 makes the scale 1, so that halves are ties of both
        // parities; 38 values leave a remainder past the last 16.
        let mut values: Vec<f32> = (0..37).map(|i| (i as f32 - 18.0) * 0.5).collect();
        values.push(-LEVELS);
        for values in [&values[..], &[0.0; 20][..]] {
            let mut portable = vec![0; values.len()];
            let scale = quantise_portable(values, &mut portable);
            assert!(portable.iter().all(|q| q.unsigned_abs() <= LEVELS as u16));
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx512f") {
                let mut kernel = vec![0; values.len()];
                // SAFETY: checked above.
                assert_eq!(unsafe { quantise_avx512(values, &mut kernel) }, scale);
                assert_eq!(kernel, portable);
            }
        }
    }
}
