#include "search_markers.h"

#include <algorithm>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SAMENPLAN_MARKERS_AVX2 1
#include <immintrin.h>
#endif

namespace samenplan::crdt {
namespace {

uint64_t abs_diff(uint64_t a, uint64_t b) { return a > b ? a - b : b - a; }

// Scalar versions over [from, n): the reference the AVX2 versions follow.
void nearest_scalar(const uint64_t* idx, size_t from, size_t n, uint64_t q, size_t& best,
                    uint64_t& best_diff) {
  for (size_t i = from; i < n; ++i) {
    const uint64_t d = abs_diff(q, idx[i]);
    if (d <= best_diff) {
      best_diff = d;
      best = i;
    }
  }
}

void shift_insert_scalar(uint64_t* idx, size_t from, size_t n, uint64_t q, uint64_t len) {
  for (size_t i = from; i < n; ++i) idx[i] += q <= idx[i] ? len : 0;
}

void shift_delete_scalar(uint64_t* idx, size_t from, size_t n, uint64_t q, uint64_t len) {
  for (size_t i = from; i < n; ++i) {
    if (q < idx[i]) idx[i] = std::max(q, idx[i] >= len ? idx[i] - len : 0);
  }
}

#ifdef SAMENPLAN_MARKERS_AVX2
// Unsigned 64-bit comparisons as signed ones on values with the top bit
// flipped.
#define SAMENPLAN_AVX2 __attribute__((target("avx2")))

SAMENPLAN_AVX2 inline __m256i flip(__m256i v) {
  return _mm256_xor_si256(v, _mm256_set1_epi64x(INT64_MIN));
}
// a > b, unsigned.
SAMENPLAN_AVX2 inline __m256i gt_u(__m256i a, __m256i b) {
  return _mm256_cmpgt_epi64(flip(a), flip(b));
}

// The per-lane results of a nearest scan (distance, position; lanes of
// `Lane` bits) to one: the smallest distance, of those the largest position.
template <typename Lane>
SAMENPLAN_AVX2 void reduce_lanes(__m256i lane_dist, __m256i lane_pos, size_t& best,
                                 uint64_t& best_diff) {
  constexpr size_t kLanes = 32 / sizeof(Lane);
  alignas(32) Lane d[kLanes];
  alignas(32) Lane p[kLanes];
  _mm256_store_si256(reinterpret_cast<__m256i*>(d), lane_dist);
  _mm256_store_si256(reinterpret_cast<__m256i*>(p), lane_pos);
  best_diff = d[0];
  best = p[0];
  for (size_t l = 1; l < kLanes; ++l) {
    if (d[l] < best_diff || (d[l] == best_diff && p[l] > best)) {
      best_diff = d[l];
      best = p[l];
    }
  }
}

// Returns how many leading markers it covered (a multiple of 4).
SAMENPLAN_AVX2 size_t nearest_avx2(const uint64_t* idx, size_t n, uint64_t q, size_t& best,
                                   uint64_t& best_diff) {
  const size_t blocks = n / 4 * 4;
  if (blocks == 0) return 0;
  const __m256i qv = _mm256_set1_epi64x(static_cast<int64_t>(q));
  const __m256i qf = flip(qv);
  // Per lane: the smallest distance so far (flipped) and its position.
  __m256i best_df = _mm256_set1_epi64x(INT64_MAX);  // flip(UINT64_MAX)
  __m256i best_pos = _mm256_setzero_si256();
  __m256i pos = _mm256_set_epi64x(3, 2, 1, 0);
  const __m256i four = _mm256_set1_epi64x(4);
  for (size_t i = 0; i < blocks; i += 4) {
    const __m256i m = _mm256_load_si256(reinterpret_cast<const __m256i*>(idx + i));
    const __m256i q_gt_m = _mm256_cmpgt_epi64(qf, flip(m));
    const __m256i d = _mm256_blendv_epi8(_mm256_sub_epi64(m, qv), _mm256_sub_epi64(qv, m), q_gt_m);
    const __m256i df = flip(d);
    // d <= best: not (d > best).
    const __m256i worse = _mm256_cmpgt_epi64(df, best_df);
    best_df = _mm256_blendv_epi8(df, best_df, worse);
    best_pos = _mm256_blendv_epi8(pos, best_pos, worse);
    pos = _mm256_add_epi64(pos, four);
  }
  reduce_lanes<uint64_t>(flip(best_df), best_pos, best, best_diff);
  return blocks;
}

// The same scan on the low 32 bits of every index, 8 markers per vector,
// when `q` and every index are below 2^31 (then distances fit in 31 bits and
// the signed 32-bit compares are exact). Returns how many leading markers it
// covered (a multiple of 8), or 0 with `best`/`best_diff` untouched when some
// index has any of its upper 33 bits set (the caller then runs the 64-bit
// scan).
SAMENPLAN_AVX2 size_t nearest_avx2_u32(const uint64_t* idx, size_t n, uint64_t q, size_t& best,
                                       uint64_t& best_diff) {
  const size_t blocks = n / 8 * 8;
  if (blocks == 0 || q >= (uint64_t{1} << 31)) return 0;
  const __m256i qv = _mm256_set1_epi32(static_cast<int32_t>(q));
  __m256i best_d = _mm256_set1_epi32(INT32_MAX);
  __m256i best_pos = _mm256_setzero_si256();
  // _mm256_shuffle_ps(a, b, (2,0,2,0)) puts the low halves of markers
  // i..i+7 in the lanes in the order 0 1 4 5 2 3 6 7.
  __m256i pos = _mm256_setr_epi32(0, 1, 4, 5, 2, 3, 6, 7);
  const __m256i eight = _mm256_set1_epi32(8);
  __m256 high = _mm256_setzero_ps();  // the upper halves, or-ed
  __m256 low = _mm256_setzero_ps();   // the lower halves, or-ed (bit 31 must stay clear)
  for (size_t i = 0; i < blocks; i += 8) {
    const __m256 a =
        _mm256_castsi256_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(idx + i)));
    const __m256 b =
        _mm256_castsi256_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(idx + i + 4)));
    const __m256 lo = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
    high = _mm256_or_ps(high, _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
    low = _mm256_or_ps(low, lo);
    const __m256i d = _mm256_abs_epi32(_mm256_sub_epi32(_mm256_castps_si256(lo), qv));
    // d <= best: not (d > best).
    const __m256i worse = _mm256_cmpgt_epi32(d, best_d);
    best_d = _mm256_blendv_epi8(d, best_d, worse);
    best_pos = _mm256_blendv_epi8(pos, best_pos, worse);
    pos = _mm256_add_epi32(pos, eight);
  }
  const __m256i hi_bits = _mm256_castps_si256(high);
  const __m256i sign_bits =
      _mm256_and_si256(_mm256_castps_si256(low), _mm256_set1_epi32(INT32_MIN));
  if (!_mm256_testz_si256(hi_bits, hi_bits) || !_mm256_testz_si256(sign_bits, sign_bits)) return 0;
  reduce_lanes<uint32_t>(best_d, best_pos, best, best_diff);
  return blocks;
}

SAMENPLAN_AVX2 size_t shift_insert_avx2(uint64_t* idx, size_t n, uint64_t q, uint64_t len) {
  const size_t blocks = n / 4 * 4;
  const __m256i qv = _mm256_set1_epi64x(static_cast<int64_t>(q));
  const __m256i lv = _mm256_set1_epi64x(static_cast<int64_t>(len));
  for (size_t i = 0; i < blocks; i += 4) {
    auto* at = reinterpret_cast<__m256i*>(idx + i);
    const __m256i m = _mm256_load_si256(at);
    // q > m: unchanged; else + len.
    const __m256i add = _mm256_andnot_si256(gt_u(qv, m), lv);
    _mm256_store_si256(at, _mm256_add_epi64(m, add));
  }
  return blocks;
}

SAMENPLAN_AVX2 size_t shift_delete_avx2(uint64_t* idx, size_t n, uint64_t q, uint64_t len) {
  const size_t blocks = n / 4 * 4;
  const __m256i qv = _mm256_set1_epi64x(static_cast<int64_t>(q));
  const __m256i lv = _mm256_set1_epi64x(static_cast<int64_t>(len));
  for (size_t i = 0; i < blocks; i += 4) {
    auto* at = reinterpret_cast<__m256i*>(idx + i);
    const __m256i m = _mm256_load_si256(at);
    // t = m >= len ? m - len : 0; t = max(q, t); only where q < m.
    __m256i t = _mm256_andnot_si256(gt_u(lv, m), _mm256_sub_epi64(m, lv));
    t = _mm256_blendv_epi8(t, qv, gt_u(qv, t));
    _mm256_store_si256(at, _mm256_blendv_epi8(m, t, gt_u(m, qv)));
  }
  return blocks;
}

// AVX-512 (F): unsigned compares and masks are native, and a masked load
// and store cover the last partial vector, so these cover all n markers.
#define SAMENPLAN_AVX512 __attribute__((target("avx512f")))

SAMENPLAN_AVX512 inline __mmask8 lanes_from(size_t i, size_t n) {
  return n - i >= 8 ? static_cast<__mmask8>(0xFF) : static_cast<__mmask8>((1u << (n - i)) - 1);
}

SAMENPLAN_AVX512 void shift_insert_avx512(uint64_t* idx, size_t n, uint64_t q, uint64_t len) {
  const __m512i qv = _mm512_set1_epi64(static_cast<int64_t>(q));
  const __m512i lv = _mm512_set1_epi64(static_cast<int64_t>(len));
  for (size_t i = 0; i < n; i += 8) {
    const __mmask8 lanes = lanes_from(i, n);
    const __m512i m = _mm512_maskz_loadu_epi64(lanes, idx + i);
    // q <= m: + len.
    const __mmask8 moved = _mm512_mask_cmpge_epu64_mask(lanes, m, qv);
    _mm512_mask_storeu_epi64(idx + i, moved, _mm512_add_epi64(m, lv));
  }
}

SAMENPLAN_AVX512 void shift_delete_avx512(uint64_t* idx, size_t n, uint64_t q, uint64_t len) {
  const __m512i qv = _mm512_set1_epi64(static_cast<int64_t>(q));
  const __m512i lv = _mm512_set1_epi64(static_cast<int64_t>(len));
  for (size_t i = 0; i < n; i += 8) {
    const __mmask8 lanes = lanes_from(i, n);
    const __m512i m = _mm512_maskz_loadu_epi64(lanes, idx + i);
    // Where q < m: max(q, m >= len ? m - len : 0).
    const __mmask8 moved = _mm512_mask_cmpgt_epu64_mask(lanes, m, qv);
    const __m512i t = _mm512_maskz_sub_epi64(_mm512_cmpge_epu64_mask(m, lv), m, lv);
    _mm512_mask_storeu_epi64(idx + i, moved, _mm512_mask_max_epu64(qv, moved, t, qv));
  }
}

// The widest level the CPU has, capped by SearchMarkers::limit_simd.
SearchMarkers::Simd simd_cap = SearchMarkers::Simd::kAvx512;

bool have_avx512() {
  static const bool yes = __builtin_cpu_supports("avx512f");
  return yes && simd_cap >= SearchMarkers::Simd::kAvx512;
}

bool have_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes && simd_cap >= SearchMarkers::Simd::kAvx2;
}
#endif

}  // namespace

void SearchMarkers::limit_simd(Simd widest) {
#ifdef SAMENPLAN_MARKERS_AVX2
  simd_cap = widest;
#else
  (void)widest;
#endif
}

size_t SearchMarkers::push_back(Item* p, uint64_t index, uint64_t timestamp) {
  if (!a_) a_ = std::make_unique<Arrays>();
  a_->p[n_] = p;
  a_->index[n_] = index;
  a_->timestamp[n_] = timestamp;
  return n_++;
}

void SearchMarkers::erase(size_t i) {
  const auto tail = static_cast<ptrdiff_t>(n_ - i - 1);
  std::copy_n(a_->p + i + 1, tail, a_->p + i);
  std::copy_n(a_->index + i + 1, tail, a_->index + i);
  std::copy_n(a_->timestamp + i + 1, tail, a_->timestamp + i);
  --n_;
  if (recent_ == i) {
    recent_ = kNone;
  } else if (recent_ != kNone && recent_ > i) {
    --recent_;
  }
}

size_t SearchMarkers::nearest(uint64_t q) const {
  size_t best = 0;
  uint64_t best_diff = abs_diff(q, a_->index[0]);
  size_t from = 1;
#ifdef SAMENPLAN_MARKERS_AVX2
  if (have_avx2()) {
    size_t covered = nearest_avx2_u32(a_->index, n_, q, best, best_diff);
    if (covered == 0) covered = nearest_avx2(a_->index, n_, q, best, best_diff);
    from = std::max<size_t>(covered, 1);
  }
#endif
  nearest_scalar(a_->index, from, n_, q, best, best_diff);
  return best;
}

size_t SearchMarkers::oldest() const {
  return static_cast<size_t>(std::min_element(a_->timestamp, a_->timestamp + n_) - a_->timestamp);
}

void SearchMarkers::shift_insert(uint64_t q, uint64_t len) {
  if (n_ == 0) return;
  size_t from = 0;
#ifdef SAMENPLAN_MARKERS_AVX2
  if (have_avx512()) {
    shift_insert_avx512(a_->index, n_, q, len);
    return;
  }
  if (have_avx2()) from = shift_insert_avx2(a_->index, n_, q, len);
#endif
  shift_insert_scalar(a_->index, from, n_, q, len);
}

void SearchMarkers::shift_delete(uint64_t q, uint64_t len) {
  if (n_ == 0) return;
  size_t from = 0;
#ifdef SAMENPLAN_MARKERS_AVX2
  if (have_avx512()) {
    shift_delete_avx512(a_->index, n_, q, len);
    return;
  }
  if (have_avx2()) from = shift_delete_avx2(a_->index, n_, q, len);
#endif
  shift_delete_scalar(a_->index, from, n_, q, len);
}

}  // namespace samenplan::crdt
