#include "jv.h"

/* Whether (x, u, v) proves the assignment of every row of an n x m (n <= m) cost matrix with costs
 * <= 0 optimal: distinct columns, u_i + v_j <= c_ij everywhere with equality on the pairs, and, when
 * n < m, v <= 0 with v == 0 on free columns (then the total cost equals the dual bound); -1 when out
 * of memory. */
int check_proof(const double *c, idx n, idx m, const int64_t *x, const double *u, const double *v)
{
    unsigned char *taken = (unsigned char *)calloc((size_t)m + 1, 1);
    idx i, j;
    int ok = 1;
    if (taken == NULL)
        return -1;
    for (i = 0; i < n && ok; i++) {
        if (x[i] < 0 || x[i] >= m || taken[x[i]]++)
            ok = 0;
        else if (u[i] + v[x[i]] != c[i * m + x[i]])
            ok = 0;
    }
    for (j = 0; j < m && ok && n < m; j++)
        ok = v[j] <= 0.0 && (taken[j] || v[j] == 0.0);
    for (i = 0; i < n && ok; i++) { /* u_i + v_j <= c_ij <= 0, with SSE2 two cells at a time */
        const double *row = c + i * m;
        j = 0;
#ifdef __SSE2__
        {
            const __m128d ui = _mm_set1_pd(u[i]), zero = _mm_setzero_pd();
            __m128d bad = _mm_setzero_pd();
            for (; j + 2 <= m; j += 2) {
                __m128d cell = _mm_loadu_pd(row + j);
                bad = _mm_or_pd(bad, _mm_cmpgt_pd(_mm_add_pd(ui, _mm_loadu_pd(v + j)), cell));
                bad = _mm_or_pd(bad, _mm_cmpgt_pd(cell, zero));
            }
            ok = _mm_movemask_pd(bad) == 0;
        }
#endif
        for (; j < m && ok; j++)
            ok = u[i] + v[j] <= row[j] && row[j] <= 0.0;
    }
    free(taken);
    return ok;
}

static int by_row_then_column(const void *a, const void *b)
{
    const pair_t *p = (const pair_t *)a, *q = (const pair_t *)b;
    if (p->row != q->row)
        return p->row < q->row ? -1 : 1;
    return (p->col > q->col) - (p->col < q->col);
}

/* The pairs of the solved problem in the matrix's own lines: only useful ones, sorted, with their total;
 * -1 when a pair comes twice (people repeated on both sides). */
idx collect_pairs(const double *g, idx n_cols, const unsigned char *allowed, const int64_t *row_of,
                         const int64_t *col_of, int transpose, idx n, const int64_t *x, pair_t *pairs,
                         double *total)
{
    idx r, count = 0;
    *total = 0.0;
    for (r = 0; r < n; r++) {
        idx i = transpose ? (idx)x[r] : r, j = transpose ? r : (idx)x[r], k;
        if (row_of != NULL)
            i = (idx)row_of[i];
        if (col_of != NULL)
            j = (idx)col_of[j];
        k = i * n_cols + j;
        if (g[k] > 0.0 && (allowed == NULL || allowed[k])) {
            pairs[count].row = i;
            pairs[count].col = j;
            count++;
        }
    }
    for (r = 1; r < count && by_row_then_column(pairs + r - 1, pairs + r) < 0; r++)
        ; /* rows in order (the usual case: no line repeated, none transposed): no sort needed */
    if (r < count)
        qsort(pairs, (size_t)count, sizeof(pair_t), by_row_then_column);
    for (r = 0; r < count; r++) {
        if (r > 0 && pairs[r].row == pairs[r - 1].row && pairs[r].col == pairs[r - 1].col)
            return -1;
        *total += g[pairs[r].row * n_cols + pairs[r].col];
    }
    return count;
}
