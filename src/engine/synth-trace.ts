/**
 * Synthetic PyTorch-profiler (Kineto) trace generator.
 *
 * Produces one complete trace JSON object whose events have the same shape, field sets, key order
 * and even whitespace layout as files written by `torch.profiler` (Kineto): ProfilerStep ranges,
 * nested cpu_op slices, cuda_runtime launches with `ac2g` flow pairs, GPU kernels / memcpy / memset
 * on streams, `[memory]` instant events, `gpu_user_annotation`s, metadata at the end.
 *
 * Pure TypeScript, no imports: runs in Node, a browser or a worker. The one Kineto-shaped
 * generator: the bench's files, `npm run gen`, the tests, and the trace worker's warm-up sample
 * (worker/warm-up.ts, with `variety`).
 *
 * Determinism: everything is driven by one seeded mulberry32 PRNG. The same code path runs with or
 * without rendering text (`render` flag), and no random draw depends on the flag, so
 * `synthExpected` reports exactly what `synthTraceChunks` writes without building any strings.
 *
 * Event count: exactly `opts.events` whenever `opts.events` is larger than the fixed metadata tail
 * (about 20 events for default options); smaller requests produce only that tail.
 */

export interface SynthOptions {
  /** Number of entries in traceEvents (exact, see above). */
  events: number;
  seed?: number;
  /** CPU threads with ProfilerStep ranges (default 2). */
  threads?: number;
  /** Streams per GPU (default 2: 7 and 20). */
  streams?: number;
  /** GPUs (default 1). */
  devices?: number;
  /**
   * Per round of steps, also what other producers and `with_stack` add: a B/E pair, an async
   * b/e pair, a counter, and `VARIETY_FRAMES` python_function frames (three deep) of names seen once
   * (on a thread of their own); while `events` leaves room for them.
   */
  variety?: boolean;
  /** Added to the idle time between rounds of steps (ns; default 0). */
  roundGapNs?: number;
  /** `distributedInfo.rank` (default 0; world_size is then rank + 1): the ranks of a run. */
  rank?: number;
}

export interface SynthExpected {
  events: number;
  kernels: number;
  memcpy: number;
  memset: number;
  flowsS: number;
  flowsF: number;
  byPhase: Record<string, number>;
}

/** python_function frames per round with `variety`. */
export const VARIETY_FRAMES = 120;
/** Events per round with `variety`. */
const VARIETY_EVENTS = 5 + VARIETY_FRAMES;

// ---------------------------------------------------------------------------------------------
// constants and small helpers

const CHUNK_CHARS = 1 << 20; // ~1 MiB of ASCII per yielded chunk
const BASE_US = 1_700_000_000_000; // ts of trace time 0, in µs
const NUM_SMS = 108;
const MAX_WARPS_PER_SM = 64; // 2048 threads / 32
const SMEM_PER_SM = 167936;

export const SYNTH_TRACE_NAME = 'synthetic.pt.trace.json';

/** mulberry32: tiny, fast, good enough for test data. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const P3: string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** Absolute timestamp (µs, exactly 3 decimals) of an integer ns offset from trace time 0. */
function t3(ns: number): string {
  const us = Math.floor(ns / 1000);
  return `${BASE_US + us}.${P3[ns - us * 1000]}`;
}

/** Duration (µs, exactly 3 decimals) of an integer ns span. */
function d3(ns: number): string {
  const us = Math.floor(ns / 1000);
  return `${us}.${P3[ns - us * 1000]}`;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

// ---------------------------------------------------------------------------------------------
// kernel name pool (~200 realistic templated C++ names, 100–800 chars), independent of the seed

type KClass =
  | 'gemm'
  | 'elementwise'
  | 'reduce'
  | 'norm'
  | 'softmax'
  | 'conv'
  | 'attention'
  | 'optimizer';

interface KernelEntry {
  name: string;
  regs: number;
  smem: number;
  block: number;
  /** max resident blocks per SM from the occupancy limits */
  maxBlocks: number;
  gridMin: number;
  gridMax: number;
  durMin: number; // ns
  durMax: number; // ns
}

const DT = ['float', 'c10::Half', 'c10::BFloat16', 'double'];
const DT2 = ['half_t', 'bfloat16_t'];

function kernelNames(): Record<KClass, string[]> {
  const elementwise: string[] = [];
  const bin = ['MulFunctor', 'DivFunctor', 'DivTrueFunctor'];
  for (const T of DT) {
    for (const F of bin) {
      const f = `at::native::BinaryFunctor<${T}, ${T}, ${T}, at::native::binary_internal::${F}<${T}> >`;
      elementwise.push(
        `void at::native::vectorized_elementwise_kernel<4, ${f}, at::detail::Array<char*, 3> >(int, ${f}, at::detail::Array<char*, 3>)`,
      );
      const a = `at::native::AUnaryFunctor<${T}, ${T}, ${T}, at::native::binary_internal::${F}<${T}> >`;
      elementwise.push(
        `void at::native::vectorized_elementwise_kernel<4, ${a}, at::detail::Array<char*, 2> >(int, ${a}, at::detail::Array<char*, 2>)`,
      );
    }
    const add = `at::native::CUDAFunctor_add<${T}>`;
    elementwise.push(
      `void at::native::vectorized_elementwise_kernel<4, ${add}, at::detail::Array<char*, 3> >(int, ${add}, at::detail::Array<char*, 3>)`,
      `void at::native::unrolled_elementwise_kernel<${add}, at::detail::Array<char*, 3>, TrivialOffsetCalculator<2, unsigned int>, TrivialOffsetCalculator<1, unsigned int>, at::native::memory::LoadWithCast<2>, at::native::memory::StoreWithCast<1> >(int, ${add}, at::detail::Array<char*, 3>, TrivialOffsetCalculator<2, unsigned int>, TrivialOffsetCalculator<1, unsigned int>, at::native::memory::LoadWithCast<2>, at::native::memory::StoreWithCast<1>)`,
      `void at::native::vectorized_elementwise_kernel<4, at::native::FillFunctor<${T}>, at::detail::Array<char*, 1> >(int, at::native::FillFunctor<${T}>, at::detail::Array<char*, 1>)`,
    );
    const unary = ['gelu', 'sigmoid', 'tanh', 'silu', 'exp', 'rsqrt', 'neg'];
    unary.forEach((u, i) => {
      const l = `at::native::${u}_kernel_cuda(at::TensorIteratorBase&)::{lambda()#${(i % 2) + 1}}::operator()() const::{lambda()#${(i % 4) + 3}}::operator()() const::{lambda(${T})#1}`;
      elementwise.push(
        `void at::native::vectorized_elementwise_kernel<4, ${l}, at::detail::Array<char*, 2> >(int, ${l}, at::detail::Array<char*, 2>)`,
      );
    });
    const copy = `at::native::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#3}::operator()() const::{lambda()#${T === 'float' ? 8 : 12}}::operator()() const::{lambda(${T})#1}`;
    elementwise.push(
      `void at::native::unrolled_elementwise_kernel<${copy}, at::detail::Array<char*, 2>, TrivialOffsetCalculator<1, unsigned int>, TrivialOffsetCalculator<1, unsigned int>, at::native::memory::LoadWithCast<1>, at::native::memory::StoreWithCast<1> >(int, ${copy}, at::detail::Array<char*, 2>, TrivialOffsetCalculator<1, unsigned int>, TrivialOffsetCalculator<1, unsigned int>, at::native::memory::LoadWithCast<1>, at::native::memory::StoreWithCast<1>)`,
    );
    const clamp = `at::native::(anonymous namespace)::launch_clamp_scalar(at::TensorIteratorBase&, c10::Scalar, c10::Scalar, at::native::detail::ClampLimits)::{lambda()#1}::operator()() const::{lambda()#7}::operator()() const::{lambda(${T})#1}`;
    elementwise.push(
      `void at::native::vectorized_elementwise_kernel<4, ${clamp}, at::detail::Array<char*, 2> >(int, ${clamp}, at::detail::Array<char*, 2>)`,
    );
    const thr = `at::native::BinaryFunctor<${T}, ${T}, ${T}, at::native::(anonymous namespace)::threshold_kernel_impl<${T}>(at::TensorIteratorBase&, ${T}, ${T})::{lambda(${T}, ${T})#1}>`;
    elementwise.push(
      `void at::native::vectorized_elementwise_kernel<4, ${thr}, at::detail::Array<char*, 3> >(int, ${thr}, at::detail::Array<char*, 3>)`,
    );
    const e2 = `at::native::gpu_kernel_impl_nocast<at::native::BUnaryFunctor<${T}, ${T}, ${T}, at::native::binary_internal::MulFunctor<${T}> > >(at::TensorIteratorBase&, at::native::BUnaryFunctor<${T}, ${T}, ${T}, at::native::binary_internal::MulFunctor<${T}> > const&)::{lambda(int)#1}`;
    elementwise.push(`void at::native::elementwise_kernel<128, 2, ${e2}>(int, ${e2})`);
    elementwise.push(
      `void at::native::(anonymous namespace)::indexSelectLargeIndex<${T}, long, unsigned int, 2, 2, -2, true>(at::cuda::detail::TensorInfo<${T}, unsigned int>, at::cuda::detail::TensorInfo<${T} const, unsigned int>, at::cuda::detail::TensorInfo<long const, unsigned int>, int, int, unsigned int, unsigned int, long)`,
    );
  }

  const reduce: string[] = [];
  for (const T of ['float', 'c10::Half', 'c10::BFloat16']) {
    for (const [a, b] of [
      [512, 1],
      [128, 4],
      [256, 2],
    ]) {
      reduce.push(
        `void at::native::reduce_kernel<${a}, ${b}, at::native::ReduceOp<${T}, at::native::MeanOps<${T}, float, float, float>, unsigned int, ${T}, 4> >(at::native::ReduceOp<${T}, at::native::MeanOps<${T}, float, float, float>, unsigned int, ${T}, 4>)`,
        `void at::native::reduce_kernel<${a}, ${b}, at::native::ReduceOp<${T}, at::native::func_wrapper_t<float, at::native::sum_functor<${T}, float, ${T}>::operator()(at::TensorIterator&)::{lambda(float, float)#1}>, unsigned int, ${T}, 4> >(at::native::ReduceOp<${T}, at::native::func_wrapper_t<float, at::native::sum_functor<${T}, float, ${T}>::operator()(at::TensorIterator&)::{lambda(float, float)#1}>, unsigned int, ${T}, 4>)`,
      );
    }
    reduce.push(
      `void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, at::native::NormTwoOps<${T}, float, float>, unsigned int, float, 4> >(at::native::ReduceOp<float, at::native::NormTwoOps<${T}, float, float>, unsigned int, float, 4>)`,
      `void at::native::(anonymous namespace)::nll_loss_forward_reduce_cuda_kernel_2d<${T}, float, long>(${T}*, ${T}*, ${T}*, long*, ${T}*, bool, long, long, long, long)`,
      `void at::native::(anonymous namespace)::nll_loss_backward_reduce_cuda_kernel_2d<${T}, long>(${T}*, ${T}*, long*, ${T}*, ${T}*, bool, int, int, long, long)`,
    );
  }

  const gemm: string[] = [];
  for (const tile of ['128x128_32x3', '256x128_32x3', '128x256_64x3', '64x64_64x5', '128x64_32x6']) {
    for (const lay of ['nn', 'tn', 'nt']) {
      const k = `cutlass_80_tensorop_s1688gemm_${tile}_${lay}_align4`;
      gemm.push(`void cutlass::Kernel2<${k}>(${k}::Params)`);
    }
  }
  for (const tile of ['128x128x32', '256x128x32', '128x256x64', '64x128x64']) {
    for (const lay of ['tn', 'nn', 'nt']) {
      gemm.push(
        `sm80_xmma_gemm_bf16bf16_bf16f32_f32_${lay}_n_tilesize${tile}_stage4_warpsize2x2x1_tensor16x8x16_execute_kernel__5x_cublas`,
      );
    }
  }
  gemm.push(
    'void gemv2T_kernel_val<int, int, float, float, float, float, 128, 16, 4, 4, false, false, cublasGemvParamsEx<int, cublasGemvTensorStridedBatched<float const>, cublasGemvTensorStridedBatched<float const>, cublasGemvTensorStridedBatched<float>, float> >(cublasGemvParamsEx<int, cublasGemvTensorStridedBatched<float const>, cublasGemvTensorStridedBatched<float const>, cublasGemvTensorStridedBatched<float>, float>, float, float)',
    'void cublasLt::splitKreduce_kernel<32, 16, int, float, float, float, float, false, true, false, false, false>(cublasLt::cublasSplitKParams<float>, float const*, float const*, float*, float const*, float const*, float const*, float const*, float*, void*, long, float*, int*)',
    'void cutlass::Kernel<cutlass_80_wmma_tensorop_bf16_s161616gemm_bf16_32x32_128x2_tn_align8>(cutlass_80_wmma_tensorop_bf16_s161616gemm_bf16_32x32_128x2_tn_align8::Params)',
  );

  const norm: string[] = [];
  for (const T of ['float', 'c10::Half', 'c10::BFloat16']) {
    norm.push(
      `void at::native::(anonymous namespace)::vectorized_layer_norm_kernel<${T}, float>(int, float, ${T} const*, ${T} const*, ${T} const*, float*, float*, ${T}*)`,
      `void at::native::(anonymous namespace)::layer_norm_grad_input_kernel_vectorized<${T}, float>(${T} const*, ${T} const*, float const*, float const*, ${T} const*, ${T}*, int)`,
      `void at::native::(anonymous namespace)::GammaBetaBackwardCUDAKernel_32x32<${T}, float>(long, long, ${T} const*, ${T} const*, float const*, float const*, ${T}*, ${T}*)`,
      `void cudnn::bn_fw_tr_1C11_kernel_NCHW<${T}, float, 512, true, 1>(cudnnTensorStruct, ${T} const*, cudnnTensorStruct, ${T}*, float const*, float const*, float, float, float*, float*, float*, float*, float, float)`,
      `void cudnn::bn_bw_1C11_kernel_new<${T}, float, float2, 32, true, 1>(float, float, float, float, cudnnTensorStruct, ${T} const*, cudnnTensorStruct, ${T} const*, cudnnTensorStruct, ${T}*, float const*, float*, float*, float const*, float const*, float)`,
      `void at::native::(anonymous namespace)::RowwiseMomentsCUDAKernel<${T}, float>(long, float, ${T} const*, float*, float*)`,
    );
  }

  const softmax: string[] = [];
  for (const T of ['float', 'c10::Half', 'c10::BFloat16']) {
    for (const l2 of [7, 10, 11]) {
      for (const lg of ['false', 'true']) {
        softmax.push(
          `void (anonymous namespace)::softmax_warp_forward<${T}, ${T}, float, ${l2}, ${lg}, false>(${T}*, ${T} const*, int, int, int, bool const*, int, bool)`,
          `void (anonymous namespace)::softmax_warp_backward<${T}, ${T}, float, ${l2}, ${lg}, false>(${T}*, ${T} const*, ${T} const*, int, int, int, bool const*)`,
        );
      }
    }
    softmax.push(
      `void at::native::(anonymous namespace)::cunn_SoftMaxForward<4, ${T}, float, ${T}, at::native::(anonymous namespace)::SoftMaxForwardEpilogue>(${T}*, ${T} const*, int)`,
    );
  }

  const conv: string[] = [];
  for (const T of ['float', '__half']) {
    conv.push(
      `void cudnn::cnn::wgrad_alg0_engine<${T}, 128, 6, 7, 3, 3, 5, false, 512>(int, int, int, ${T} const*, int, ${T}*, ${T} const*, kernel_grad_params, unsigned long long, int, float, int, int, int, int)`,
      `void implicit_convolve_sgemm<${T}, ${T}, 128, 5, 5, 3, 3, 3, 1, false, false, true>(int, int, int, ${T} const*, int, ${T}*, ${T} const*, kernel_conv_params, unsigned long long, int, float, float, int, ${T} const*, ${T} const*, bool, int, int)`,
      `void cudnn::ops::nchwToNhwcKernel<${T}, ${T}, float, false, true, (cudnnKernelDataType_t)0>(cudnn::ops::nchw2nhwc_params_t<float>, ${T} const*, ${T}*)`,
      `void cudnn::ops::nhwcToNchwKernel<${T}, ${T}, float, true, false, (cudnnKernelDataType_t)0>(cudnn::ops::nhwc2nchw_params_t<float>, ${T} const*, ${T}*)`,
    );
  }
  for (const tile of ['128x128x32', '256x64x32', '64x256x32']) {
    conv.push(
      `sm80_xmma_fprop_implicit_gemm_indexed_f16f16_f16f32_f32_nhwckrsc_nhwc_tilesize${tile}_stage4_warpsize2x2x1_g1_tensor16x8x16_kernel`,
      `sm80_xmma_dgrad_implicit_gemm_indexed_f16f16_f16f32_f32_nhwckrsc_nhwc_tilesize${tile}_stage4_warpsize2x2x1_g1_tensor16x8x16_kernel`,
    );
  }

  const attention: string[] = [];
  for (const T of DT2) {
    for (const [hd, bm, bn] of [
      [64, 128, 128],
      [128, 128, 64],
      [128, 64, 128],
    ]) {
      attention.push(
        `void pytorch_flash::flash_fwd_kernel<Flash_fwd_kernel_traits<${hd}, ${bm}, ${bn}, 4, false, false, cutlass::${T}, Flash_kernel_traits<${hd}, ${bm}, ${bn}, 4, cutlass::${T}> >, false, true, false, false, true, true, false, false>(pytorch_flash::Flash_fwd_params)`,
        `void pytorch_flash::flash_bwd_dq_dk_dv_loop_seqk_parallel_kernel<Flash_bwd_kernel_traits<${hd}, ${bm}, ${bn}, 8, 4, 4, 4, false, false, cutlass::${T}, Flash_kernel_traits<${hd}, ${bm}, ${bn}, 8, cutlass::${T}> >, true, false, false, false, true, true, false>(pytorch_flash::Flash_bwd_params)`,
      );
    }
    attention.push(
      `void pytorch_flash::flash_bwd_convert_dq_kernel<Flash_bwd_kernel_traits<128, 64, 128, 8, 2, 4, 2, false, false, cutlass::${T}, Flash_kernel_traits<128, 64, 128, 8, cutlass::${T}> > >(pytorch_flash::Flash_bwd_params, int)`,
    );
  }

  const optimizer: string[] = [];
  for (const T of ['float', 'c10::BFloat16']) {
    for (const n of [1, 2, 3]) {
      optimizer.push(
        `void at::native::(anonymous namespace)::multi_tensor_apply_kernel<at::native::(anonymous namespace)::TensorListMetadata<${n + 1}>, at::native::(anonymous namespace)::BinaryOpListAlphaFunctor<${T}, ${n + 1}, ${n}, 0>, std::plus<float>, float>(at::native::(anonymous namespace)::TensorListMetadata<${n + 1}>, at::native::(anonymous namespace)::BinaryOpListAlphaFunctor<${T}, ${n + 1}, ${n}, 0>, std::plus<float>, float)`,
        `void at::native::(anonymous namespace)::multi_tensor_apply_kernel<at::native::(anonymous namespace)::TensorListMetadata<${n}>, at::native::(anonymous namespace)::UnaryOpListFunctor<${T}, ${n}, ${n}, 0>, at::native::(anonymous namespace)::ZeroFunctor<${T}>>(at::native::(anonymous namespace)::TensorListMetadata<${n}>, at::native::(anonymous namespace)::UnaryOpListFunctor<${T}, ${n}, ${n}, 0>, at::native::(anonymous namespace)::ZeroFunctor<${T}>)`,
      );
    }
    for (const mode of [0, 1]) {
      optimizer.push(
        `void at::native::(anonymous namespace)::multi_tensor_apply_kernel<at::native::(anonymous namespace)::FusedOptimizerTensorListMetadata<4>, at::native::(anonymous namespace)::FusedAdamMathFunctor<${T}, 4, (at::native::ADAM_MODE)${mode}, false>, double*, double, double, double, double, double, bool, float*, float*>(at::native::(anonymous namespace)::FusedOptimizerTensorListMetadata<4>, at::native::(anonymous namespace)::FusedAdamMathFunctor<${T}, 4, (at::native::ADAM_MODE)${mode}, false>, double*, double, double, double, double, double, bool, float*, float*)`,
      );
    }
  }

  const all: Record<KClass, string[]> = {
    gemm,
    elementwise,
    reduce,
    norm,
    softmax,
    conv,
    attention,
    optimizer,
  };
  for (const k of Object.keys(all) as KClass[]) {
    all[k] = [...new Set(all[k])].filter((n) => n.length >= 100 && n.length <= 800);
  }
  return all;
}

const CLASS_PARAMS: Record<
  KClass,
  { durMin: number; durMax: number; gridMin: number; gridMax: number; regs: [number, number]; smem: [number, number]; blocks: number[] }
> = {
  gemm: { durMin: 8_000, durMax: 420_000, gridMin: 16, gridMax: 2048, regs: [90, 254], smem: [16384, 98304], blocks: [128, 256] },
  elementwise: { durMin: 1_500, durMax: 45_000, gridMin: 1, gridMax: 16384, regs: [16, 40], smem: [0, 0], blocks: [128, 512] },
  reduce: { durMin: 2_500, durMax: 60_000, gridMin: 1, gridMax: 1024, regs: [32, 64], smem: [16, 4096], blocks: [512, 256] },
  norm: { durMin: 4_000, durMax: 70_000, gridMin: 64, gridMax: 8192, regs: [28, 72], smem: [0, 8192], blocks: [128, 256, 512] },
  softmax: { durMin: 3_000, durMax: 90_000, gridMin: 32, gridMax: 8192, regs: [24, 64], smem: [0, 0], blocks: [128, 256] },
  conv: { durMin: 20_000, durMax: 700_000, gridMin: 64, gridMax: 4096, regs: [64, 232], smem: [8192, 81920], blocks: [128, 256] },
  attention: { durMin: 40_000, durMax: 900_000, gridMin: 32, gridMax: 1024, regs: [160, 255], smem: [49152, 147456], blocks: [128, 256] },
  optimizer: { durMin: 10_000, durMax: 250_000, gridMin: 40, gridMax: 640, regs: [30, 96], smem: [0, 0], blocks: [512] },
};

let KERNEL_POOL: Record<KClass, KernelEntry[]> | null = null;

function kernelPool(): Record<KClass, KernelEntry[]> {
  if (KERNEL_POOL) return KERNEL_POOL;
  const names = kernelNames();
  const r = mulberry32(0x5eed);
  const pool = {} as Record<KClass, KernelEntry[]>;
  for (const k of Object.keys(names) as KClass[]) {
    const p = CLASS_PARAMS[k];
    pool[k] = names[k].map((name) => {
      const regs = p.regs[0] + Math.floor(r() * (p.regs[1] - p.regs[0] + 1));
      const smem = p.smem[1] === 0 ? 0 : Math.round((p.smem[0] + r() * (p.smem[1] - p.smem[0])) / 16) * 16;
      const block = p.blocks[Math.floor(r() * p.blocks.length)];
      const warps = block / 32;
      const byRegs = Math.floor(65536 / (Math.ceil((regs * 32) / 256) * 256 * warps));
      const bySmem = smem > 0 ? Math.floor(SMEM_PER_SM / smem) : 32;
      const byWarps = Math.floor(MAX_WARPS_PER_SM / warps);
      const maxBlocks = Math.max(1, Math.min(32, byRegs, bySmem, byWarps));
      return {
        name,
        regs,
        smem,
        block,
        maxBlocks,
        gridMin: p.gridMin,
        gridMax: p.gridMax,
        durMin: p.durMin,
        durMax: p.durMax,
      };
    });
  }
  KERNEL_POOL = pool;
  return pool;
}

/** All kernel names of the pool (for tests / inspection). */
export function synthKernelNames(): string[] {
  const p = kernelPool();
  return (Object.keys(p) as KClass[]).flatMap((k) => p[k].map((e) => e.name));
}

// ---------------------------------------------------------------------------------------------
// op templates: static trees of cpu ops; leaves 'K:<class>' (cudaLaunchKernel → kernel),
// 'C' (cudaMemcpyAsync → gpu_memcpy), 'Z' (cudaMemsetAsync → gpu_memset), '@' / '~' ([memory]
// alloc / free). Every template has a static event count.

interface TOp {
  n: string;
  ua: boolean;
  c: TNode[];
}
type TNode = TOp | string;

const op = (n: string, ...c: TNode[]): TOp => ({ n, ua: false, c });
const ua = (n: string, ...c: TNode[]): TOp => ({ n, ua: true, c });

function countNode(n: TNode): number {
  if (typeof n === 'string') return n === '@' || n === '~' ? 1 : 4;
  let s = 1;
  for (const c of n.c) s += countNode(c);
  return s;
}

const tStrided = () => op('aten::t', op('aten::transpose', op('aten::as_strided')));

const FWD: [number, TOp][] = [
  [10, op('aten::linear', tStrided(), op('aten::addmm', '@', 'K:gemm'))],
  [3, op('aten::linear', tStrided(), op('aten::addmm', '@', 'K:gemm', 'K:gemm'))],
  [4, op('aten::matmul', op('aten::reshape', op('aten::view')), op('aten::mm', '@', 'K:gemm'), op('aten::_unsafe_view'))],
  [5, op('aten::relu', '@', op('aten::clamp_min', 'K:elementwise'))],
  [5, op('aten::gelu', '@', 'K:elementwise')],
  [6, op('aten::add', '@', 'K:elementwise')],
  [3, op('aten::mul', '@', 'K:elementwise', '~')],
  [2, op('aten::add_', 'K:elementwise')],
  [5, op('aten::layer_norm', op('aten::native_layer_norm', op('aten::empty'), '@', '@', '@', 'K:norm'))],
  [3, op('aten::softmax', op('aten::_softmax', '@', 'K:softmax'))],
  [3, op('aten::dropout', op('aten::native_dropout', op('aten::empty_like', op('aten::empty_strided')), '@', '@', 'K:elementwise'))],
  [2, op('aten::to', op('aten::_to_copy', op('aten::empty_strided'), '@', op('aten::copy_', 'K:elementwise')))],
  [2, op('aten::zeros', op('aten::empty'), '@', op('aten::zero_', op('aten::fill_', 'Z')))],
  [
    3,
    op(
      'aten::scaled_dot_product_attention',
      op('aten::_scaled_dot_product_flash_attention', op('aten::_flash_attention_forward', op('aten::empty'), '@', '@', 'K:attention')),
    ),
  ],
  [
    2,
    op(
      'aten::conv2d',
      op('aten::convolution', op('aten::_convolution', op('aten::contiguous', op('aten::clone', '@', 'K:conv')), op('aten::cudnn_convolution', '@', 'K:conv'))),
    ),
  ],
  [2, op('aten::mean', '@', 'K:reduce')],
  [1, op('aten::view', op('aten::as_strided'))],
  [1, op('aten::slice', op('aten::as_strided'))],
  [
    1,
    op(
      'aten::cross_entropy_loss',
      op('aten::log_softmax', op('aten::_log_softmax', '@', 'K:softmax')),
      op('aten::nll_loss_nd', op('aten::nll_loss', op('aten::nll_loss_forward', '@', 'K:reduce'))),
    ),
  ],
  [1, op('aten::embedding', op('aten::reshape', op('aten::view')), op('aten::index_select', '@', 'K:elementwise'), op('aten::view'))],
];

const ev = (name: string, ...c: TNode[]) => op(`autograd::engine::evaluate_function: ${name}`, op(name, ...c));

const BWD: [number, TOp][] = [
  [8, ev('AddmmBackward0', tStrided(), op('aten::mm', '@', 'K:gemm'), tStrided(), op('aten::mm', '@', 'K:gemm'), op('aten::sum', '@', 'K:reduce'), '~')],
  [3, ev('MmBackward0', tStrided(), op('aten::mm', '@', 'K:gemm'), op('aten::mm', '@', 'K:gemm'))],
  [10, op('autograd::engine::evaluate_function: torch::autograd::AccumulateGrad', op('torch::autograd::AccumulateGrad', op('aten::add_', 'K:elementwise'), '~'))],
  [4, ev('GeluBackward0', op('aten::gelu_backward', '@', 'K:elementwise'), '~')],
  [3, ev('ReluBackward0', op('aten::threshold_backward', '@', 'K:elementwise'), '~')],
  [4, ev('NativeLayerNormBackward0', op('aten::native_layer_norm_backward', '@', '@', '@', 'K:norm', 'K:norm', 'K:reduce'))],
  [2, ev('SoftmaxBackward0', op('aten::_softmax_backward_data', '@', 'K:softmax'))],
  [
    2,
    ev(
      'ScaledDotProductFlashAttentionBackward0',
      op('aten::_scaled_dot_product_flash_attention_backward', op('aten::_flash_attention_backward', '@', '@', '@', 'Z', 'K:attention', 'K:attention')),
    ),
  ],
  [2, ev('NativeDropoutBackward0', op('aten::native_dropout_backward', '@', 'K:elementwise'))],
  [3, ev('AddBackward0')],
  [2, ev('ViewBackward0', op('aten::reshape', op('aten::view')))],
  [2, ev('TBackward0', tStrided())],
  [1, ev('ConvolutionBackward0', op('aten::convolution_backward', '@', '@', 'K:conv', 'K:conv', 'K:reduce'))],
  [1, ev('NllLossBackward0', op('aten::nll_loss_backward', op('aten::zeros_like', op('aten::empty_like'), op('aten::zero_', 'Z')), 'K:reduce'))],
];

const ZERO_GRAD = ua('Optimizer.zero_grad#AdamW.zero_grad', op('aten::_foreach_zero_', 'K:optimizer'));
const COPY_IN = op(
  'aten::to',
  op('aten::_to_copy', op('aten::empty_strided'), '@', op('aten::copy_', 'C')),
);
const OPTIM = ua(
  'Optimizer.step#AdamW.step',
  op('aten::_foreach_add_', 'K:optimizer'),
  op('aten::_fused_adamw_', 'K:optimizer', 'K:optimizer'),
  op('aten::_local_scalar_dense', 'C'),
);
const FILLER_NAMES = ['aten::detach', 'aten::empty', 'aten::as_strided', 'aten::view', 'aten::item'];

function cumWeights(list: [number, TOp][]): number[] {
  const out: number[] = [];
  let s = 0;
  for (const [w] of list) out.push((s += w));
  return out;
}
const FWD_CUM = cumWeights(FWD);
const BWD_CUM = cumWeights(BWD);
const MAX_TEMPLATE = Math.max(
  ...FWD.map(([, t]) => countNode(t)),
  ...BWD.map(([, t]) => countNode(t)),
  countNode(ZERO_GRAD),
  countNode(COPY_IN),
  countNode(OPTIM),
);
/** Below this many remaining events a step switches to exact filling. */
const FILL = MAX_TEMPLATE + 4;

// ---------------------------------------------------------------------------------------------
// records (planned events). Counted always, formatted only when rendering.

const R_OP = 0; // cpu_op X
const R_UA = 1; // user_annotation X
const R_RT = 2; // cuda_runtime X + ac2g s
const R_MEM = 3; // [memory] i
const R_KER = 4; // kernel X + ac2g f
const R_CPY = 5; // gpu_memcpy X + ac2g f
const R_SET = 6; // gpu_memset X + ac2g f
const R_GUA = 7; // gpu_user_annotation X

class Rec {
  k = 0;
  name = '';
  pid = 0;
  tid = 0;
  ts = 0;
  dur = 0;
  ext = 0;
  /** cpu: Ev Idx | rt/gpu: correlation */
  a = 0;
  /** cpu: shape index or -1 | rt: cbid | kernel: grid x | mem: Bytes | copy: bytes */
  b = 0;
  /** cpu: sequence number or -1 | kernel: grid y | mem: Addr */
  c = 0;
  /** kernel: entry index | mem: Total Allocated */
  d = 0;
  /** mem: Total Reserved | kernel: class index */
  e = 0;
  /** mem: device */
  f = 0;
}

interface StreamState {
  free: number;
  lastStart: number;
  lastEnd: number;
  lastOv: boolean;
  lastKernel: boolean;
  lastSeg: number;
}

const CLASSES: KClass[] = ['gemm', 'elementwise', 'reduce', 'norm', 'softmax', 'conv', 'attention', 'optimizer'];
const CLASS_IDX: Record<string, number> = Object.fromEntries(CLASSES.map((c, i) => [c, i]));
const MEMCPY_KINDS: [string, number, number][] = [
  ['Memcpy HtoD (Pinned -> Device)', 12, 24],
  ['Memcpy HtoD (Pageable -> Device)', 4, 12],
  ['Memcpy DtoH (Device -> Pinned)', 12, 24],
  ['Memcpy DtoD (Device -> Device)', 300, 1400],
];

function streamIds(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(i === 0 ? 7 : 16 + 4 * i);
  return out;
}

// ---------------------------------------------------------------------------------------------
// the generator core

class Gen {
  readonly rnd: () => number;
  readonly render: boolean;
  readonly nThreads: number;
  readonly nStreams: number;
  readonly nDevices: number;
  private readonly rank: number;
  readonly pid: number;
  readonly tids: number[] = [];
  readonly streams: number[];
  readonly pool: Record<KClass, KernelEntry[]>;
  readonly shapes: string[] = [];
  readonly ss: StreamState[] = [];

  ext = 0;
  corr = 0;
  evIdx = 0;
  seqNo = 0;
  seg = 0;
  stepNo: number[] = [];
  threadCursor: number[] = [];
  maxEnd = 0;

  // memory model
  alloc: number[] = [];
  reserved: number[] = [];
  live: number[] = []; // triples addr, bytes, dev
  nextAddr = 139_926_520_725_504;

  // planning context
  tid = 0;
  dev = 0;
  recs: Rec[] = [];
  pending: Rec[] = [];
  segPrimaryFirst = -1;

  // output counts
  cX = 0;
  cI = 0;
  cS = 0;
  cF = 0;
  cM = 0;
  kernels = 0;
  memcpy = 0;
  memset = 0;
  /** B, E, b, e, C (with `variety`). */
  cOther: Record<string, number> = {};

  constructor(opts: SynthOptions, render: boolean) {
    this.render = render;
    this.rnd = mulberry32(opts.seed ?? 1);
    this.nThreads = Math.max(1, Math.floor(opts.threads ?? 2));
    this.nStreams = Math.max(1, Math.floor(opts.streams ?? 2));
    this.nDevices = Math.max(1, Math.floor(opts.devices ?? 1));
    this.rank = Math.max(0, Math.floor(opts.rank ?? 0));
    this.pool = kernelPool();
    this.streams = streamIds(this.nStreams);
    this.pid = 100_000 + Math.floor(this.rnd() * 3_000_000);
    for (let t = 0; t < this.nThreads; t++) {
      this.tids.push(t === 0 ? this.pid : this.pid + 40 + Math.floor(this.rnd() * 9000));
      this.stepNo.push(10 + Math.floor(this.rnd() * 90));
      this.threadCursor.push(0);
    }
    for (let i = 0; i < this.nDevices * this.nStreams; i++) {
      this.ss.push({ free: 0, lastStart: 0, lastEnd: 0, lastOv: true, lastKernel: false, lastSeg: -1 });
    }
    for (let d = 0; d < this.nDevices; d++) {
      this.alloc.push(1_073_741_824 + Math.floor(this.rnd() * 4_000_000) * 512);
      this.reserved.push(4 * 1_073_741_824);
    }
    this.ext = 100 + Math.floor(this.rnd() * 1000);
    this.corr = 10_000 + Math.floor(this.rnd() * 50_000);
    this.seqNo = 1000 + Math.floor(this.rnd() * 10_000);
    this.makeShapes();
  }

  private makeShapes(): void {
    const types = ['float', 'c10::BFloat16', 'c10::Half'];
    const dims = [1, 8, 16, 32, 64, 128, 512, 768, 1024, 2048, 4096, 11008];
    for (let i = 0; i < 48; i++) {
      const n = 1 + Math.floor(this.rnd() * 3);
      const ty = types[Math.floor(this.rnd() * types.length)];
      const ds: string[] = [];
      const st: string[] = [];
      for (let j = 0; j < n; j++) {
        const rank = 1 + Math.floor(this.rnd() * 3);
        const shape: number[] = [];
        for (let r = 0; r < rank; r++) shape.push(dims[Math.floor(this.rnd() * dims.length)]);
        const strides: number[] = [];
        let acc = 1;
        for (let r = rank - 1; r >= 0; r--) {
          strides[r] = acc;
          acc *= shape[r];
        }
        ds.push(`[${shape.join(', ')}]`);
        st.push(`[${strides.join(', ')}]`);
      }
      const tys = Array.from({ length: n }, () => `"${ty}"`).join(', ');
      const ci = Array.from({ length: n }, () => '""').join(', ');
      this.shapes.push(
        `, "Input Dims": [${ds.join(', ')}], "Input type": [${tys}], "Input Strides": [${st.join(', ')}], "Concrete Inputs": [${ci}]`,
      );
    }
  }

  span(min: number, max: number): number {
    return min + Math.floor(this.rnd() * (max - min));
  }

  logSpan(min: number, max: number): number {
    return Math.floor(min * Math.pow(max / min, this.rnd()));
  }

  // --- GPU scheduling -----------------------------------------------------------------------

  /** Places an activity on a stream; returns its start (and may lengthen via out param). */
  private schedule(dev: number, si: number, ready: number, dur: number, kernel: boolean): [number, number] {
    const s = this.ss[dev * this.nStreams + si];
    let start = Math.max(ready, s.free);
    let ov = false;
    if (kernel && s.lastKernel && !s.lastOv && s.lastSeg === this.seg && this.rnd() < 0.012) {
      // programmatic dependent launch: start inside the previous kernel, end after it
      const cand = s.lastStart + Math.floor((s.lastEnd - s.lastStart) * (0.3 + 0.5 * this.rnd()));
      if (cand > ready && cand < s.lastEnd && cand > s.lastStart) {
        start = cand;
        dur = Math.max(dur, s.lastEnd - cand + 500 + Math.floor(this.rnd() * 5000));
        ov = true;
      }
    }
    const end = start + dur;
    if (si === 0 && dev === this.dev && this.segPrimaryFirst < 0) this.segPrimaryFirst = start;
    s.free = Math.max(s.free, end);
    s.lastStart = start;
    s.lastEnd = end;
    s.lastOv = ov;
    s.lastKernel = kernel;
    s.lastSeg = this.seg;
    if (end > this.maxEnd) this.maxEnd = end;
    return [start, dur];
  }

  private pickStream(copy: boolean): number {
    if (this.nStreams === 1) return 0;
    const r = this.rnd();
    if (copy) return r < 0.6 ? this.nStreams - 1 : 0;
    if (r < 0.85) return 0;
    return 1 + Math.floor(this.rnd() * (this.nStreams - 1));
  }

  // --- planning -----------------------------------------------------------------------------

  private cpuRec(k: number, name: string, ts: number): Rec {
    const r = new Rec();
    r.k = k;
    r.name = name;
    r.pid = this.pid;
    r.tid = this.tid;
    r.ts = ts;
    this.recs.push(r);
    return r;
  }

  private leaf(n: string, t0: number, pext: number): number {
    if (n === '@' || n === '~') {
      const r = this.cpuRec(R_MEM, '[memory]', t0);
      r.a = this.evIdx++;
      const live = this.live;
      let free = n === '~' ? live.length > 0 : live.length >= 3 * 256;
      if (n === '~' && this.rnd() < 0.1) free = false; // sometimes allocate inside a free-ish op
      if (free) {
        const i = Math.floor(this.rnd() * (live.length / 3)) * 3;
        r.c = live[i];
        r.b = -live[i + 1];
        r.f = live[i + 2];
        live[i] = live[live.length - 3];
        live[i + 1] = live[live.length - 2];
        live[i + 2] = live[live.length - 1];
        live.length -= 3;
      } else {
        const bytes = Math.ceil(this.logSpan(512, 256 * 1024 * 1024) / 512) * 512;
        r.c = this.nextAddr;
        r.b = bytes;
        r.f = this.dev;
        this.nextAddr += Math.ceil(bytes / 2097152) * 2097152 + 512 * Math.floor(this.rnd() * 8);
        if (this.nextAddr > 139_999_000_000_000) this.nextAddr = 139_926_520_725_504;
        live.push(r.c, bytes, this.dev);
      }
      const d = r.f;
      this.alloc[d] += r.b;
      if (this.alloc[d] > this.reserved[d]) this.reserved[d] = Math.ceil(this.alloc[d] / 20971520) * 20971520;
      r.d = this.alloc[d];
      r.e = this.reserved[d];
      return t0 + this.span(100, 900);
    }
    // a CUDA runtime call + its GPU activity
    const rt = this.cpuRec(R_RT, '', t0);
    rt.ext = pext;
    rt.a = ++this.corr;
    rt.dur = this.rnd() < 0.01 ? this.span(50_000, 900_000) : this.logSpan(2_500, 22_000);
    const g = new Rec();
    g.pid = this.dev;
    g.ext = pext;
    g.a = rt.a;
    const ready = t0 + this.span(2_000, 25_000);
    if (n === 'C' || n === 'Z') {
      const copy = n === 'C';
      rt.name = copy ? 'cudaMemcpyAsync' : 'cudaMemsetAsync';
      rt.b = copy ? 41 : 51;
      g.k = copy ? R_CPY : R_SET;
      let bw: number;
      if (copy) {
        const kind = MEMCPY_KINDS[Math.floor(this.rnd() * MEMCPY_KINDS.length)];
        g.name = kind[0];
        bw = kind[1] + this.rnd() * (kind[2] - kind[1]);
        this.memcpy++;
      } else {
        g.name = 'Memset (Device)';
        bw = 100 + this.rnd() * 1200;
        this.memset++;
      }
      g.b = this.logSpan(4, 64 * 1024 * 1024) & ~3;
      if (g.b === 0) g.b = 4;
      const si = this.pickStream(true);
      g.tid = this.streams[si];
      const [start, dur] = this.schedule(this.dev, si, ready, Math.max(640, Math.floor(g.b / bw)), false);
      g.ts = start;
      g.dur = dur;
    } else {
      rt.name = 'cudaLaunchKernel';
      rt.b = 211;
      g.k = R_KER;
      const ci = CLASS_IDX[n.slice(2)];
      const list = this.pool[CLASSES[ci]];
      const r1 = this.rnd();
      g.d = Math.floor(r1 * r1 * list.length); // skewed: a few hot kernels
      g.e = ci;
      const ent = list[g.d];
      g.b = Math.max(1, this.logSpan(ent.gridMin, ent.gridMax + 1));
      g.c = ci === 0 && this.rnd() < 0.3 ? 2 + Math.floor(this.rnd() * 7) : 1;
      const si = this.pickStream(false);
      g.tid = this.streams[si];
      const [start, dur] = this.schedule(this.dev, si, ready, this.logSpan(ent.durMin, ent.durMax), true);
      g.ts = start;
      g.dur = dur;
      this.kernels++;
    }
    this.pending.push(g);
    return t0 + rt.dur;
  }

  private node(n: TNode, t0: number, pext: number, top: boolean): number {
    if (typeof n === 'string') return this.leaf(n, t0, pext);
    const r = this.cpuRec(n.ua ? R_UA : R_OP, n.n, t0);
    r.ext = ++this.ext;
    r.a = this.evIdx++;
    r.b = -1;
    r.c = -1;
    if (!n.ua && top) {
      r.c = this.seqNo++;
      if (this.rnd() < 0.7) r.b = Math.floor(this.rnd() * this.shapes.length);
    }
    let cur = t0 + (n.c.length === 0 ? 0 : this.span(300, 6_000));
    for (const c of n.c) {
      cur = this.node(c, cur + this.span(150, 2_500), r.ext, n.ua);
      if (n.ua) this.flushGpu();
    }
    let end: number;
    if (n.c.length === 0) end = this.rnd() < 0.03 ? t0 : t0 + this.logSpan(400, 14_000);
    else end = cur + this.span(300, 5_000);
    r.dur = end - t0;
    return end;
  }

  private flushGpu(): void {
    for (const g of this.pending) this.recs.push(g);
    this.pending.length = 0;
  }

  private pickTemplate(list: [number, TOp][], cum: number[]): TOp {
    const x = this.rnd() * cum[cum.length - 1];
    let i = 0;
    while (cum[i] <= x) i++;
    return list[i][1];
  }

  /** Plans one ProfilerStep on thread t using exactly min(budget, natural size) events. */
  planStep(t: number, start: number, budget: number): number {
    this.recs.length = 0;
    this.tid = this.tids[t];
    this.dev = t % this.nDevices;
    this.seg++;
    const fwd = t % 2 === 0;
    let used = 1;
    const step = this.cpuRec(R_UA, `ProfilerStep#${this.stepNo[t]++}`, start);
    step.ext = ++this.ext;
    step.a = this.evIdx++;
    step.b = -1;
    step.c = -1;
    let cur = start + this.span(500, 8_000);
    /** plans a direct child of the step; returns its event count */
    const child = (n: TNode): number => {
      cur = this.node(n, cur + this.span(200, 6_000), step.ext, true);
      this.flushGpu();
      return countNode(n);
    };
    const nOps = 6 + Math.floor(this.rnd() * 36);
    if (fwd) {
      if (budget - used > FILL && this.rnd() < 0.8) used += child(ZERO_GRAD);
      if (budget - used > FILL) used += child(COPY_IN);
      if (budget - used > FILL + 2) {
        // "## forward ##" range with its gpu_user_annotation on the primary stream
        used += 2;
        this.seg++;
        this.segPrimaryFirst = -1;
        const w = this.cpuRec(R_UA, '## forward ##', cur + this.span(200, 3_000));
        w.ext = ++this.ext;
        w.a = this.evIdx++;
        w.b = -1;
        w.c = -1;
        let wc = w.ts + this.span(300, 4_000);
        for (let i = 0; i < nOps && budget - used > FILL; i++) {
          const tpl = this.pickTemplate(FWD, FWD_CUM);
          wc = this.node(tpl, wc + this.span(200, 6_000), w.ext, true);
          this.flushGpu();
          used += countNode(tpl);
        }
        const wend = wc + this.span(300, 4_000);
        w.dur = wend - w.ts;
        cur = wend;
        const s = this.ss[this.dev * this.nStreams];
        const ga = new Rec();
        ga.k = R_GUA;
        ga.name = '## forward ##';
        ga.pid = this.dev;
        ga.tid = this.streams[0];
        ga.ext = w.ext;
        if (this.segPrimaryFirst >= 0) {
          ga.ts = this.segPrimaryFirst;
          ga.dur = s.free - ga.ts;
        } else {
          ga.ts = Math.max(s.free, w.ts);
          ga.dur = 1_000;
          s.free = ga.ts + ga.dur;
          s.lastKernel = false;
        }
        if (ga.ts + ga.dur > this.maxEnd) this.maxEnd = ga.ts + ga.dur;
        this.recs.push(ga);
        this.seg++;
      }
      if (budget - used > FILL) used += child(OPTIM);
    } else {
      for (let i = 0; i < nOps && budget - used > FILL; i++) used += child(this.pickTemplate(BWD, BWD_CUM));
    }
    if (budget - used <= FILL) {
      // the end of the trace: fill exactly
      while (used < budget) {
        const tpl = this.pickTemplate(fwd ? FWD : BWD, fwd ? FWD_CUM : BWD_CUM);
        if (countNode(tpl) <= budget - used) used += child(tpl);
        else used += child(op(FILLER_NAMES[Math.floor(this.rnd() * FILLER_NAMES.length)]));
      }
    }
    const end = cur + this.span(500, 10_000);
    step.dur = end - start;
    this.threadCursor[t] = end;
    if (end > this.maxEnd) this.maxEnd = end;
    return used;
  }

  // --- formatting ---------------------------------------------------------------------------

  fmt(r: Rec): string {
    switch (r.k) {
      case R_OP:
      case R_UA: {
        let extra = '';
        if (r.b >= 0) extra = this.shapes[r.b];
        if (r.c >= 0) extra += `, "Fwd thread id": 0, "Sequence number": ${r.c}`;
        return `  {
    "ph": "X", "cat": "${r.k === R_OP ? 'cpu_op' : 'user_annotation'}", "name": "${r.name}", "pid": ${r.pid}, "tid": ${r.tid},
    "ts": ${t3(r.ts)}, "dur": ${d3(r.dur)},
    "args": {
      "External id": ${r.ext},"Record function id": ${r.ext - 77}, "Ev Idx": ${r.a}${extra}
    }
  }`;
      }
      case R_RT:
        return `  {
    "ph": "X", "cat": "cuda_runtime", "name": "${r.name}", "pid": ${r.pid}, "tid": ${r.tid},
    "ts": ${t3(r.ts)}, "dur": ${d3(r.dur)},
    "args": {
      "External id": ${r.ext},      "cbid": ${r.b}, "correlation": ${r.a}
    }
  },
  {
    "ph": "s", "id": ${r.a}, "pid": ${r.pid}, "tid": ${r.tid}, "ts": ${t3(r.ts)},
    "cat": "ac2g", "name": "ac2g"
  }`;
      case R_MEM:
        return `  {
    "ph": "i", "cat": "cpu_instant_event", "s": "t", "name": "[memory]",
    "pid": ${r.pid}, "tid": ${r.tid},
    "ts": ${t3(r.ts)},
    "args": {
      "Ev Idx": ${r.a}, "Device Type": 1, "Device Id": ${r.f}, "Addr": ${r.c}, "Bytes": ${r.b}, "Total Allocated": ${r.d}, "Total Reserved": ${r.e}
    }
  }`;
      case R_KER: {
        const ent = this.pool[CLASSES[r.e]][r.d];
        const blocks = r.b * r.c;
        const bpsm = blocks / NUM_SMS;
        const warps = ent.block / 32;
        const occ = Math.min(100, Math.round((100 * Math.min(ent.maxBlocks, bpsm) * warps) / MAX_WARPS_PER_SM));
        return `  {
    "ph": "X", "cat": "kernel", "name": "${ent.name}", "pid": ${r.pid}, "tid": ${r.tid},
    "ts": ${t3(r.ts)}, "dur": ${d3(r.dur)},
    "args": {
      "External id": ${r.ext},      "queued": 0, "device": ${r.pid}, "context": 1,      "stream": ${r.tid}, "correlation": ${r.a},      "registers per thread": ${ent.regs},      "shared memory": ${ent.smem},      "blocks per SM": ${round6(bpsm)},      "warps per SM": ${round6(bpsm * warps)},      "grid": [${r.b}, ${r.c}, 1],      "block": [${ent.block}, 1, 1],      "est. achieved occupancy %": ${occ}
    }
  },
  {
    "ph": "f", "id": ${r.a}, "pid": ${r.pid}, "tid": ${r.tid}, "ts": ${t3(r.ts)},
    "cat": "ac2g", "name": "ac2g", "bp": "e"
  }`;
      }
      case R_CPY:
      case R_SET:
        return `  {
    "ph": "X", "cat": "${r.k === R_CPY ? 'gpu_memcpy' : 'gpu_memset'}", "name": "${r.name}", "pid": ${r.pid}, "tid": ${r.tid},
    "ts": ${t3(r.ts)}, "dur": ${d3(r.dur)},
    "args": {
      "External id": ${r.ext},      "device": ${r.pid}, "context": 1,      "stream": ${r.tid}, "correlation": ${r.a},      "bytes": ${r.b}, "memory bandwidth (GB/s)": ${r.b / r.dur}
    }
  },
  {
    "ph": "f", "id": ${r.a}, "pid": ${r.pid}, "tid": ${r.tid}, "ts": ${t3(r.ts)},
    "cat": "ac2g", "name": "ac2g", "bp": "e"
  }`;
      default:
        return `  {
    "ph": "X", "cat": "gpu_user_annotation", "name": "${r.name}", "pid": ${r.pid}, "tid": ${r.tid},
    "ts": ${t3(r.ts)}, "dur": ${d3(r.dur)},
    "args": {
      "External id": ${r.ext}
    }
  }`;
    }
  }

  count(r: Rec): void {
    switch (r.k) {
      case R_RT:
        this.cX++;
        this.cS++;
        break;
      case R_MEM:
        this.cI++;
        break;
      case R_KER:
      case R_CPY:
      case R_SET:
        this.cX++;
        this.cF++;
        break;
      default:
        this.cX++;
    }
  }

  tailCount(): number {
    // M: CPU process (3) + threads (2 each) + GPUs (3 + 2 per stream) + Spans sort index (1);
    // plus the Trace X and two global instants.
    return 3 + 2 * this.nThreads + this.nDevices * (3 + 2 * this.nStreams) + 1 + 3;
  }

  header(): string {
    const dev: string[] = [];
    for (let d = 0; d < this.nDevices; d++) {
      dev.push(`    {
      "id": ${d}, "name": "NVIDIA A100-SXM4-80GB", "totalGlobalMem": 84974239744,
      "computeMajor": 8, "computeMinor": 0,
      "maxThreadsPerBlock": 1024, "maxThreadsPerMultiprocessor": 2048,
      "regsPerBlock": 65536, "regsPerMultiprocessor": 65536, "warpSize": 32,
      "sharedMemPerBlock": 49152, "sharedMemPerMultiprocessor": 167936,
      "numSms": ${NUM_SMS}, "sharedMemPerBlockOptin": 166912
    }`);
    }
    return `
{
  "schemaVersion": 1,
  "deviceProperties": [
${dev.join(',\n')}
  ],
  "distributedInfo": {"backend": "nccl", "rank": ${this.rank}, "world_size": ${this.rank + 1}},
  "traceEvents": [
`;
  }

  /** The M events, the Trace pseudo event and the two global instants, in Kineto's order. */
  tail(): string[] {
    const mts = t3(40_000);
    const m = (name: string, pid: number | string, tid: number, args: string) => `  {
    "name": "${name}", "ph": "M", "ts": ${mts}, "pid": ${pid}, "tid": ${tid},
    "args": {
      ${args}
    }
  }`;
    const out: string[] = [];
    out.push(m('process_name', this.pid, 0, '"name": "python3.10"'));
    out.push(m('process_labels', this.pid, 0, '"labels": "CPU"'));
    out.push(m('process_sort_index', this.pid, 0, `"sort_index": ${this.pid}`));
    for (let d = 0; d < this.nDevices; d++) {
      out.push(m('process_name', d, 0, '"name": "python3.10"'));
      out.push(m('process_labels', d, 0, `"labels": "GPU ${d}"`));
      out.push(m('process_sort_index', d, 0, `"sort_index": ${16777216 + d}`));
    }
    for (let d = 0; d < this.nDevices; d++) {
      for (const s of this.streams) {
        out.push(m('thread_name', d, s, `"name": "stream ${s} "`));
        out.push(m('thread_sort_index', d, s, `"sort_index": ${s}`));
      }
    }
    for (const tid of this.tids) {
      out.push(m('thread_name', this.pid, tid, `"name": "thread ${tid} (python)"`));
      out.push(m('thread_sort_index', this.pid, tid, `"sort_index": ${tid}`));
    }
    out.push(`  {
    "ph": "X", "cat": "Trace", "ts": ${t3(0)}, "dur": ${d3(this.maxEnd + 150_000)},
    "pid": "Spans", "tid": "PyTorch Profiler",
    "name": "PyTorch Profiler (0)",
    "args": {
      "Op count": 0
    }
  }`);
    out.push(`  {
    "name": "process_sort_index", "ph": "M", "ts": ${t3(0)},
    "pid": "Spans", "tid": 0,
    "args": {
      "sort_index": 536870912
    }
  }`);
    out.push(`  {
    "name": "Iteration Start: PyTorch Profiler", "ph": "i", "s": "g",
    "pid": "Traces", "tid": "Trace PyTorch Profiler", "ts": ${t3(0)}
  }`);
    out.push(`  {
    "name": "Record Window End", "ph": "i", "s": "g",
    "pid": "", "tid": "", "ts": ${t3(this.maxEnd + 160_000)}
  }`);
    return out;
  }

  countTail(): void {
    this.cM += 3 + 2 * this.nThreads + this.nDevices * (3 + 2 * this.nStreams) + 1;
    this.cX += 1;
    this.cI += 2;
  }

  /**
   * The `variety` events of round `round`, spanning [t0, t1] (ns): rendered when rendering,
   * counted always.
   */
  variety(round: number, t0: number, t1: number): string[] {
    const out: string[] = [];
    const pid = this.pid;
    const tid = 1;
    const pyTid = 2;
    const slots = VARIETY_FRAMES / 3;
    const slot = Math.max(Math.floor((t1 - t0) / slots), 16);
    const span = slot * slots;
    t1 = t0 + span;
    const mem = this.alloc[0]! + round * 4096;
    for (const ph of ['B', 'E', 'b', 'e', 'C']) this.cOther[ph] = (this.cOther[ph] ?? 0) + 1;
    this.cX += VARIETY_FRAMES;
    if (!this.render) return out;
    const id = `0x${(round % 4).toString(16)}`;
    out.push(
      `  {"name": "step", "ph": "B", "pid": ${pid}, "tid": ${tid}, "ts": ${t3(t0)}}`,
      `  {"name": "step", "ph": "E", "pid": ${pid}, "tid": ${tid}, "ts": ${t3(t1)}}`,
      `  {"name": "load", "cat": "io", "ph": "b", "id": "${id}", "pid": ${pid}, "tid": ${tid}, "ts": ${t3(t0 + 1)}}`,
      `  {"name": "load", "cat": "io", "ph": "e", "id": "${id}", "pid": ${pid}, "tid": ${tid}, "ts": ${t3(t0 + Math.floor(span / 2))}}`,
      `  {"name": "GPU Memory", "ph": "C", "pid": ${pid}, "ts": ${t3(t0)}, "args": {"allocated": ${mem}, "reserved": ${this.reserved[0]}}}`,
    );
    // frames three deep, one after the other, with names seen once
    for (let j = 0; j < VARIETY_FRAMES; j++) {
      const py = 3 * (round * VARIETY_FRAMES + j);
      const d = j % 3;
      out.push(`  {
    "ph": "X", "cat": "python_function", "name": "models/block_${round}.py(${100 + j}): forward_${j}", "pid": ${pid}, "tid": ${pyTid},
    "ts": ${t3(t0 + slot * Math.floor(j / 3) + 2 * d)}, "dur": ${d3(slot - 1 - 4 * d)},
    "args": {
      "Python parent id": ${py}, "Python id": ${py + 1}, "Python thread": 0
    }
  }`);
    }
    return out;
  }

  stats(): SynthExpected {
    return {
      events: this.cX + this.cI + this.cS + this.cF + this.cM + Object.values(this.cOther).reduce((a, n) => a + n, 0),
      kernels: this.kernels,
      memcpy: this.memcpy,
      memset: this.memset,
      flowsS: this.cS,
      flowsF: this.cF,
      byPhase: { X: this.cX, i: this.cI, s: this.cS, f: this.cF, M: this.cM, ...this.cOther },
    };
  }
}

/** Core: yields ~1 MiB strings when rendering (nothing otherwise) and returns the counts. */
function* core(opts: SynthOptions, render: boolean): Generator<string, SynthExpected> {
  const g = new Gen(opts, render);
  // text is collected in parts and joined once per chunk: a flat string encodes fastest
  const parts: string[] = render ? [g.header()] : [];
  let len = 0;
  let sep = '';
  let remaining = Math.max(0, Math.floor(opts.events) - g.tailCount());
  let roundStart = 500_000; // 0.5 ms after the profiler start
  const emit = function* (s: string): Generator<string> {
    parts.push(sep, s);
    sep = ',\n';
    len += s.length + 2;
    if (len >= CHUNK_CHARS) {
      yield parts.join('');
      parts.length = 0;
      len = 0;
    }
  };
  for (let round = 0; remaining > 0; round++) {
    const variety = opts.variety === true && remaining > VARIETY_EVENTS;
    if (variety) remaining -= VARIETY_EVENTS;
    for (let t = 0; t < g.nThreads && remaining > 0; t++) {
      remaining -= g.planStep(t, roundStart + (t === 0 ? 0 : g.span(1_000, 60_000)), remaining);
      for (const r of g.recs) {
        g.count(r);
        if (render) yield* emit(g.fmt(r));
      }
    }
    // the next round starts once every thread and stream is idle (a step-end synchronisation)
    let next = 0;
    for (const c of g.threadCursor) next = Math.max(next, c);
    for (const s of g.ss) next = Math.max(next, s.free);
    if (variety) for (const s of g.variety(round, roundStart, next)) yield* emit(s);
    roundStart = next + g.span(20_000, 400_000) + (opts.roundGapNs ?? 0);
  }
  g.countTail();
  if (render) {
    for (const s of g.tail()) {
      parts.push(sep, s);
      sep = ',\n';
    }
    parts.push(`
  ],
  "traceName": "${SYNTH_TRACE_NAME}",
  "displayTimeUnit": "ms",
  "baseTimeNanoseconds": 1700000000000000000
}
`);
    yield parts.join('');
  }
  return g.stats();
}

/**
 * Yields UTF-8 chunks (~1 MiB each) of one complete trace JSON object with about `events` events
 * in traceEvents (exactly `events` unless that is below the ~20-event metadata tail). The
 * generator's return value is what it wrote (same as `synthExpected(opts)`).
 */
export function* synthTraceChunks(opts: SynthOptions): Generator<Uint8Array, SynthExpected> {
  const enc = new TextEncoder();
  const it = core(opts, true);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
    yield enc.encode(r.value);
  }
}

/** The whole trace as one buffer (for small sizes). */
export function synthTraceBytes(opts: SynthOptions): Uint8Array {
  const parts: Uint8Array[] = [];
  let n = 0;
  for (const c of synthTraceChunks(opts)) {
    parts.push(c);
    n += c.length;
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** What `synthTraceChunks(opts)` writes, computed without building any text. */
export function synthExpected(opts: SynthOptions): SynthExpected {
  const it = core(opts, false);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}
