/* The score matrix read into the kernel's whole-number costs: masked, repeated by capacity, transposed,
 * scaled by a power of two; and the figures the scale is chosen from. */
#include "jv.h"

/* o[r][c] = -g[i][j] for a useful cell (allowed, g > 0), else 0, where (i, j) is (rows[r], cols[c]), or
 * (rows[c], cols[r]) when transposed; rows/cols NULL for every line in order. A transposed copy goes
 * tile by tile: both sides' lines stay in cache. */
void fill_costs(const double *g, idx m, const unsigned char *allowed, const int64_t *row_of,
                       const int64_t *col_of, int transpose, double *o, idx n_out, idx m_out)
{
    const idx tile = 64;
    idx r0, c0, r, c;
    if (!transpose && col_of == NULL && allowed == NULL) { /* whole rows in order: two cells at a time */
        for (r = 0; r < n_out; r++) {
            const double *row = g + (row_of != NULL ? (idx)row_of[r] : r) * m;
            double *out = o + r * m_out;
            c = 0;
#ifdef __SSE2__
            {
                const __m128d zero = _mm_setzero_pd();
                for (; c + 2 <= m_out; c += 2) {
                    __m128d x = _mm_loadu_pd(row + c);
                    _mm_storeu_pd(out + c, _mm_and_pd(_mm_sub_pd(zero, x), _mm_cmpgt_pd(x, zero)));
                }
            }
#endif
            for (; c < m_out; c++)
                out[c] = row[c] > 0.0 ? -row[c] : 0.0;
        }
        return;
    }
    if (transpose && row_of == NULL && col_of == NULL && allowed == NULL) { /* a plain transposed copy */
        for (c0 = 0; c0 < m_out; c0 += tile)
            for (r0 = 0; r0 < n_out; r0 += tile) {
                idx c_end = c0 + tile < m_out ? c0 + tile : m_out, r_end = r0 + tile < n_out ? r0 + tile : n_out;
                for (c = c0; c < c_end; c++) { /* input row c, read along; output column c */
                    const double *row = g + c * m;
                    for (r = r0; r < r_end; r++)
                        o[r * m_out + c] = row[r] > 0.0 ? -row[r] : 0.0;
                }
            }
        return;
    }
    for (r0 = 0; r0 < n_out; r0 += (transpose ? tile : 1))
        for (c0 = 0; c0 < m_out; c0 += (transpose ? tile : m_out)) {
            idx r_end = transpose ? (r0 + tile < n_out ? r0 + tile : n_out) : r0 + 1;
            idx c_end = transpose ? (c0 + tile < m_out ? c0 + tile : m_out) : m_out;
            for (r = r0; r < r_end; r++)
                for (c = c0; c < c_end; c++) {
                    idx i = transpose ? c : r, j = transpose ? r : c, k;
                    double x;
                    if (row_of != NULL)
                        i = (idx)row_of[i];
                    if (col_of != NULL)
                        j = (idx)col_of[j];
                    k = i * m + j;
                    x = g[k];
                    o[r * m_out + c] = (x > 0.0 && (allowed == NULL || allowed[k])) ? -x : 0.0;
                }
        }
}

/* cost_stats on the gains themselves (every cell useful where > 0): the largest and whether all are
 * whole numbers below 2^51; and whether every cell is finite (x * 0 is NaN for NaN and +-inf). */
void gain_stats(const double *g, idx total, double *largest, int *whole, int *finite)
{
    double top = 0.0;
    int odd = 0, bad = 0;
    idx k = 0;
#ifdef __SSE2__
    {
        const __m128d rounder = _mm_set1_pd(ROUNDER), zero = _mm_setzero_pd();
        __m128d top0 = zero, top1 = zero, off = zero, nan = zero;
        for (; k + 4 <= total; k += 4) {
            __m128d x0 = _mm_loadu_pd(g + k), x1 = _mm_loadu_pd(g + k + 2);
            __m128d off0 = _mm_cmpneq_pd(_mm_sub_pd(_mm_add_pd(x0, rounder), rounder), x0);
            __m128d off1 = _mm_cmpneq_pd(_mm_sub_pd(_mm_add_pd(x1, rounder), rounder), x1);
            top0 = _mm_max_pd(top0, x0);
            top1 = _mm_max_pd(top1, x1);
            off = _mm_or_pd(off, _mm_and_pd(_mm_cmpgt_pd(x0, zero), off0));
            off = _mm_or_pd(off, _mm_and_pd(_mm_cmpgt_pd(x1, zero), off1));
            nan = _mm_or_pd(nan, _mm_cmpneq_pd(_mm_mul_pd(x0, zero), zero));
            nan = _mm_or_pd(nan, _mm_cmpneq_pd(_mm_mul_pd(x1, zero), zero));
        }
        top0 = _mm_max_pd(top0, top1);
        top = _mm_cvtsd_f64(_mm_max_sd(top0, _mm_unpackhi_pd(top0, top0)));
        odd = _mm_movemask_pd(off) != 0 || top >= EXACT_BELOW;
        bad = _mm_movemask_pd(nan) != 0;
    }
#endif
    for (; k < total; k++) {
        double x = g[k];
        bad |= x * 0.0 != 0.0;
        if (x > 0.0) {
            if (x > top)
                top = x;
            if ((x + ROUNDER) - ROUNDER != x || x >= EXACT_BELOW)
                odd = 1;
        }
    }
    *largest = top;
    *whole = !odd;
    *finite = !bad;
}

/* o = -rint(scale * g) where g > 0, else 0, for a matrix read whole (transposed if asked). */
void fill_scaled(const double *g, idx n_rows, idx n_cols, double scale, int transpose, double *o)
{
    idx k = 0, i, j, i0, j0;
    const idx tile = 64;
    if (transpose) {
        for (i0 = 0; i0 < n_rows; i0 += tile)
            for (j0 = 0; j0 < n_cols; j0 += tile) {
                idx i_end = i0 + tile < n_rows ? i0 + tile : n_rows, j_end = j0 + tile < n_cols ? j0 + tile : n_cols;
                i = i0;
#ifdef __SSE2__
                { /* 2 x 2 blocks: two input rows' cells j, j + 1 become two output rows' cells i, i + 1 */
                    const __m128d rounder = _mm_set1_pd(ROUNDER), factor = _mm_set1_pd(scale), zero = _mm_setzero_pd();
                    for (; i + 2 <= i_end; i += 2) {
                        const double *top = g + i * n_cols, *bottom = top + n_cols;
                        for (j = j0; j + 2 <= j_end; j += 2) {
                            __m128d a = _mm_loadu_pd(top + j), b = _mm_loadu_pd(bottom + j);
                            __m128d lo = _mm_unpacklo_pd(a, b), hi = _mm_unpackhi_pd(a, b);
                            __m128d wlo = _mm_sub_pd(_mm_add_pd(_mm_mul_pd(lo, factor), rounder), rounder);
                            __m128d whi = _mm_sub_pd(_mm_add_pd(_mm_mul_pd(hi, factor), rounder), rounder);
                            _mm_storeu_pd(o + j * n_rows + i, _mm_and_pd(_mm_sub_pd(zero, wlo), _mm_cmpgt_pd(lo, zero)));
                            _mm_storeu_pd(o + (j + 1) * n_rows + i,
                                          _mm_and_pd(_mm_sub_pd(zero, whi), _mm_cmpgt_pd(hi, zero)));
                        }
                        for (; j < j_end; j++) {
                            o[j * n_rows + i] = top[j] > 0.0 ? -((top[j] * scale + ROUNDER) - ROUNDER) : 0.0;
                            o[j * n_rows + i + 1] = bottom[j] > 0.0 ? -((bottom[j] * scale + ROUNDER) - ROUNDER) : 0.0;
                        }
                    }
                }
#endif
                for (; i < i_end; i++) { /* input row i, read along; output column i */
                    const double *row = g + i * n_cols;
                    for (j = j0; j < j_end; j++)
                        o[j * n_rows + i] = row[j] > 0.0 ? -((row[j] * scale + ROUNDER) - ROUNDER) : 0.0;
                }
            }
        return;
    }
#ifdef __SSE2__
    {
        const __m128d rounder = _mm_set1_pd(ROUNDER), factor = _mm_set1_pd(scale), zero = _mm_setzero_pd();
        for (; k + 2 <= n_rows * n_cols; k += 2) {
            __m128d x = _mm_loadu_pd(g + k);
            __m128d whole = _mm_sub_pd(_mm_add_pd(_mm_mul_pd(x, factor), rounder), rounder);
            _mm_storeu_pd(o + k, _mm_and_pd(_mm_sub_pd(zero, whole), _mm_cmpgt_pd(x, zero)));
        }
    }
#endif
    for (; k < n_rows * n_cols; k++)
        o[k] = g[k] > 0.0 ? -((g[k] * scale + ROUNDER) - ROUNDER) : 0.0;
}

/* The largest useful score and whether every one is a whole number below 2^51, read off costs that hold
 * -x (x useful) or 0. With SSE2, two cells at a time and two running minima (their latency overlaps). */
void cost_stats(const double *o, idx total, double *largest, int *whole)
{
    double top = 0.0;
    int odd = 0;
    idx k = 0;
#ifdef __SSE2__
    {
        const __m128d rounder = _mm_set1_pd(ROUNDER), below = _mm_set1_pd(-EXACT_BELOW);
        __m128d top0 = _mm_setzero_pd(), top1 = _mm_setzero_pd(), bad = _mm_setzero_pd();
        for (; k + 4 <= total; k += 4) {
            __m128d x0 = _mm_loadu_pd(o + k), x1 = _mm_loadu_pd(o + k + 2);
            top0 = _mm_min_pd(top0, x0);
            top1 = _mm_min_pd(top1, x1);
            bad = _mm_or_pd(bad, _mm_cmpneq_pd(_mm_add_pd(_mm_sub_pd(x0, rounder), rounder), x0));
            bad = _mm_or_pd(bad, _mm_cmpneq_pd(_mm_add_pd(_mm_sub_pd(x1, rounder), rounder), x1));
            bad = _mm_or_pd(bad, _mm_cmplt_pd(_mm_min_pd(x0, x1), below));
        }
        top0 = _mm_min_pd(top0, top1);
        top0 = _mm_min_sd(top0, _mm_unpackhi_pd(top0, top0));
        top = _mm_cvtsd_f64(top0);
        odd = _mm_movemask_pd(bad) != 0;
    }
#endif
    for (; k < total; k++) {
        double x = o[k];
        if (x < top)
            top = x;
        if ((x - ROUNDER) + ROUNDER != x || x < -EXACT_BELOW)
            odd = 1;
    }
    *largest = -top;
    *whole = !odd;
}

/* Binary digits after the point of x != 0: x = M 2^(e - 1075) with M odd needs 1075 - e - tz of them. */
static int fraction_digits(double x)
{
    uint64_t bits, mantissa;
    int exponent;
    memcpy(&bits, &x, sizeof bits);
    exponent = (int)((bits >> 52) & 0x7ff);
    mantissa = bits & ((UINT64_C(1) << 52) - 1);
    if (exponent == 0)
        exponent = 1; /* subnormal: no implicit bit */
    else
        mantissa |= UINT64_C(1) << 52;
    return 1075 - exponent - __builtin_ctzll(mantissa);
}

/* The most binary digits after the point any cost needs; it stops counting past 30 (returns 31). */
int most_digits(const double *o, idx total, int gains)
{
    idx k;
    int most = 0;
    for (k = 0; k < total && most <= 30; k++)
        if (gains ? o[k] > 0.0 : o[k] != 0.0) { /* the useful cells: gains > 0, or costs -gain (not 0) */
            int d = fraction_digits(o[k]);
            if (d > most)
                most = d;
        }
    return most > 30 ? 31 : most;
}

/* The power of two that makes the costs whole numbers, as revmatch.engine.mincost.integer_scale picks
 * it: 2^digits when the largest score times it stays within `limit` (exact), else the finest power of
 * two that keeps it there (capped at 2^max_exponent; within a rounding tolerance). */
double whole_scale(double largest, int digits, double limit, int max_exponent, int *exact)
{
    int top, floor;
    *exact = 1;
    if (largest <= 0.0)
        return 1.0;
    if (digits <= 30 && ldexp(largest, digits) <= limit)
        return ldexp(1.0, digits);
    *exact = 0;
    frexp(largest, &top);
    frexp(limit, &floor);
    floor -= 1;
    return ldexp(1.0, floor - top < max_exponent ? floor - top : max_exponent);
}

/* Costs times scale, rounded to whole numbers (they stay below 2^51 in size). */
void scale_costs(double *cost, idx total, double scale)
{
    idx k = 0;
#ifdef __SSE2__
    {
        const __m128d rounder = _mm_set1_pd(ROUNDER), factor = _mm_set1_pd(scale);
        for (; k + 2 <= total; k += 2) {
            __m128d c = _mm_mul_pd(_mm_loadu_pd(cost + k), factor);
            _mm_storeu_pd(cost + k, _mm_add_pd(_mm_sub_pd(c, rounder), rounder));
        }
    }
#endif
    for (; k < total; k++)
        cost[k] = (cost[k] * scale - ROUNDER) + ROUNDER;
}

/* Whether every allowed cell (every cell when allowed is NULL) is finite: x * 0 is NaN for NaN and
 * +-inf, else 0. */
int all_finite(const double *g, idx total, const unsigned char *allowed)
{
    idx k = 0;
    int bad = 0;
    if (allowed != NULL) {
        for (; k < total; k++)
            bad |= allowed[k] && g[k] * 0.0 != 0.0;
        return !bad;
    }
#ifdef __SSE2__
    {
        __m128d odd = _mm_setzero_pd(), zero = _mm_setzero_pd();
        for (; k + 2 <= total; k += 2)
            odd = _mm_or_pd(odd, _mm_cmpneq_pd(_mm_mul_pd(_mm_loadu_pd(g + k), zero), zero));
        bad = _mm_movemask_pd(odd) != 0;
    }
#endif
    for (; k < total; k++)
        bad |= g[k] * 0.0 != 0.0;
    return !bad;
}
