/* Jonker and Volgenant (1987), "A shortest augmenting path algorithm for dense and sparse linear
 * assignment problems", Computing 38: column reduction and reduction transfer (square matrices), two
 * passes of augmenting row reduction, then Dijkstra-like augmentation from each row still free. The
 * prices are kept: u_i + v_j <= c_ij everywhere, equality on the pairs, v_j <= 0 and 0 on free
 * columns (n < m). Costs are whole numbers small enough that every path sum is exact in float64. */
#include "jv.h"

/* The least reduced cost row[j] - v[j] of a row (SSE2: two cells at a time, two running minima). */
static double least_reduced(const double *row, const double *v, idx m)
{
    double least = HUGE_VAL;
    idx j = 0;
#ifdef __SSE2__
    {
        __m128d low0 = _mm_set1_pd(HUGE_VAL), low1 = low0;
        for (; j + 4 <= m; j += 4) {
            low0 = _mm_min_pd(low0, _mm_sub_pd(_mm_loadu_pd(row + j), _mm_loadu_pd(v + j)));
            low1 = _mm_min_pd(low1, _mm_sub_pd(_mm_loadu_pd(row + j + 2), _mm_loadu_pd(v + j + 2)));
        }
        low0 = _mm_min_pd(low0, low1);
        least = _mm_cvtsd_f64(_mm_min_sd(low0, _mm_unpackhi_pd(low0, low0)));
    }
#endif
    for (; j < m; j++)
        if (row[j] - v[j] < least)
            least = row[j] - v[j];
    return least;
}

/* Column reduction and reduction transfer (square only): every column priced at its least cost, each
 * row that is some column's cheapest takes one of those columns; returns how many rows stay free. */
static idx column_reduction(const double *c, idx n, int64_t *x, idx *y, double *v, idx *free_rows,
                            idx *matches, double *first)
{
    idx i, j, numfree = 0;
    idx *lowest = y; /* y holds each column's cheapest row until the columns are assigned below */
    for (j = 0; j < n; j++) {
        v[j] = c[j];
        first[j] = 0.0;
    }
    for (i = 1; i < n; i++) { /* row by row: the matrix is read in memory order; no branch to mispredict */
        const double *row = c + i * n;
        j = 0;
#ifdef __SSE2__
        {
            const __m128d here = _mm_set1_pd((double)i);
            for (; j + 2 <= n; j += 2) {
                __m128d cell = _mm_loadu_pd(row + j), least = _mm_loadu_pd(v + j);
                __m128d lower = _mm_cmplt_pd(cell, least);
                _mm_storeu_pd(v + j, _mm_min_pd(cell, least));
                _mm_storeu_pd(first + j, _mm_or_pd(_mm_and_pd(lower, here), _mm_andnot_pd(lower, _mm_loadu_pd(first + j))));
            }
        }
#endif
        for (; j < n; j++)
            if (row[j] < v[j]) {
                v[j] = row[j];
                first[j] = (double)i;
            }
    }
    for (j = 0; j < n; j++)
        lowest[j] = (idx)first[j];
    for (i = 0; i < n; i++) {
        matches[i] = 0;
        x[i] = -1;
    }
    for (j = n - 1; j >= 0; j--) { /* each column to its cheapest row, if that row has none yet */
        i = lowest[j];
        if (matches[i]++ == 0) {
            x[i] = j;
            y[j] = i;
        } else {
            y[j] = -1;
        }
    }
    for (i = 0; i < n; i++) /* rows left out take a free column where they are cheapest too (ties) */
        if (x[i] < 0) {
            const double *row = c + i * n;
            for (j = 0; j < n; j++)
                if (y[j] < 0 && row[j] == v[j]) {
                    x[i] = j;
                    y[j] = i;
                    break;
                }
        }
    for (i = 0; i < n; i++) {
        if (x[i] < 0) {
            free_rows[numfree++] = i;
        } else { /* reduction transfer: the row's slack moves to its column */
            idx j1 = (idx)x[i];
            double own = v[j1], least;
            v[j1] = -HUGE_VAL; /* leaves its own column out of the least below */
            least = least_reduced(c + i * n, v, n);
            v[j1] = own;
            if (least < HUGE_VAL)
                v[j1] -= least;
        }
    }
    return numfree;
}

/* Rectangular start (all prices 0, in v): each row takes the first free column where its cost is
 * least; returns how many rows stay free. */
static idx row_minima(const double *c, idx n, idx m, int64_t *x, idx *y, const double *v, idx *free_rows)
{
    idx i, j, numfree = 0;
    for (i = 0; i < n; i++) {
        const double *row = c + i * m;
        double least = least_reduced(row, v, m);
        x[i] = -1;
        for (j = 0; j < m; j++)
            if (row[j] == least && y[j] < 0) {
                x[i] = j;
                y[j] = i;
                break;
            }
        if (x[i] < 0)
            free_rows[numfree++] = i;
    }
    return numfree;
}

/* Two passes of augmenting row reduction over the free rows (at most `budget` steps each); returns
 * how many rows stay free (listed first in free_rows). */
static idx row_reduction(const double *c, idx m, int64_t *x, idx *y, double *v, idx *free_rows, idx numfree,
                         idx budget)
{
    int pass;
    if (m < 2)
        return numfree;
    for (pass = 0; pass < 2; pass++) {
        idx k = 0, previous = numfree, steps = 0;
        numfree = 0;
        while (k < previous) {
            idx i = free_rows[k++], j, j1 = 0, j2 = 0, i0;
            const double *row = c + i * m;
            double least = row[0] - v[0], second = HUGE_VAL;
            if (++steps > budget) { /* the rest waits for augmentation */
                free_rows[numfree++] = i;
                while (k < previous)
                    free_rows[numfree++] = free_rows[k++];
                break;
            }
            for (j = 1; j < m; j++) {
                double h = row[j] - v[j];
                if (h < second) {
                    if (h >= least) {
                        second = h;
                        j2 = j;
                    } else {
                        second = least;
                        least = h;
                        j2 = j1;
                        j1 = j;
                    }
                }
            }
            i0 = y[j1];
            if (least < second)
                v[j1] -= second - least;
            else if (i0 >= 0) {
                j1 = j2;
                i0 = y[j2];
            }
            x[i] = j1;
            y[j1] = i;
            if (i0 >= 0) {
                x[i0] = -1;
                if (least < second)
                    free_rows[--k] = i0; /* its column's price fell: it tries again at once */
                else
                    free_rows[numfree++] = i0;
            }
        }
    }
    return numfree;
}

/* Augment from the free row f along a shortest path of reduced costs (Dijkstra on the columns). */
static void augment(const double *c, idx m, idx f, int64_t *x, idx *y, double *v, double *d, idx *pred,
                    idx *todo)
{
    const double *row = c + f * m;
    idx j, k, low = 0, up = 0, last = 0, end = -1, i;
    double least = 0.0;
    for (j = 0; j < m; j++) {
        d[j] = row[j] - v[j];
        pred[j] = f;
        todo[j] = j;
    }
    for (;;) {
        if (up == low) { /* the columns at the next least distance */
            last = low;
            least = d[todo[up++]];
            for (k = up; k < m; k++) {
                double h;
                j = todo[k];
                h = d[j];
                if (h <= least) {
                    if (h < least) {
                        up = low;
                        least = h;
                    }
                    todo[k] = todo[up];
                    todo[up++] = j;
                }
            }
            for (k = low; k < up; k++)
                if (y[todo[k]] < 0) {
                    end = todo[k];
                    break;
                }
            if (end >= 0)
                break;
        }
        {
            idx j1 = todo[low++];
            const double *through;
            double h;
            i = y[j1];
            through = c + i * m;
            h = through[j1] - v[j1] - least;
            for (k = up; k < m; k++) {
                double reach;
                j = todo[k];
                reach = through[j] - v[j] - h;
                if (reach < d[j]) {
                    pred[j] = i;
                    if (reach == least) {
                        if (y[j] < 0) {
                            end = j;
                            break;
                        }
                        todo[k] = todo[up];
                        todo[up++] = j;
                    }
                    d[j] = reach;
                }
            }
            if (end >= 0)
                break;
        }
    }
    for (k = 0; k < last; k++) { /* the columns scanned before the last level: prices fall */
        j = todo[k];
        v[j] += d[j] - least;
    }
    do {
        idx next;
        i = pred[end];
        y[end] = i;
        next = (idx)x[i];
        x[i] = end;
        end = next;
    } while (i != f);
}

/* Whether a typical row's best gain stands out: its lead over the second best is more than 15 % of its
 * lead over the row's mean (the median over 15 evenly spread rows). Heavy-tailed scores do that
 * (log-normal, Pareto, log-uniform over many decades): there column reduction and its transfer leave
 * augmenting row reduction to creep (2-20x the time, measured on eight families at n = 100-1 000),
 * and the rectangular start (prices 0, each row to its cheapest column) does better; on uniform,
 * integer, 0/1 and distance scores, and tied ones, it is the other way round. */
static int heavy_tailed(const double *c, idx n, idx m)
{
    enum { SAMPLE = 15 };
    double lead[SAMPLE];
    idx s, k, j;
    if (m < 2)
        return 0;
    for (s = 0; s < SAMPLE; s++) { /* costs are -gain: the best two are the most negative */
        const double *row = c + (s * (n - 1) / (SAMPLE - 1)) * m;
        double best = HUGE_VAL, second = HUGE_VAL, sum = 0.0;
        for (j = 0; j < m; j++) {
            double x = row[j];
            sum += x;
            if (x < second) {
                second = x < best ? best : x;
                best = x < best ? x : best;
            }
        }
        lead[s] = sum / (double)m > best ? (second - best) / (sum / (double)m - best) : 0.0;
    }
    for (s = 1; s < SAMPLE; s++) /* insertion sort, for the median */
        for (k = s; k > 0 && lead[k - 1] > lead[k]; k--) {
            double t = lead[k];
            lead[k] = lead[k - 1];
            lead[k - 1] = t;
        }
    return lead[SAMPLE / 2] > 0.15;
}

/* The assignment of every row of an n x m (n <= m) cost matrix and its prices; -1 when out of memory. */
int jv_run(const double *c, idx n, idx m, int64_t *x, double *u, double *v, idx budget)
{
    idx *work = (idx *)malloc(sizeof(idx) * (size_t)(4 * m + 2 * n + 1));
    double *d = (double *)malloc(sizeof(double) * (size_t)(m + 1));
    idx *y, *pred, *todo, *free_rows, *matches, i, j, numfree;
    if (work == NULL || d == NULL) {
        free(work);
        free(d);
        return -1;
    }
    y = work;
    pred = work + m;
    todo = work + 2 * m;
    free_rows = work + 3 * m;
    matches = work + 3 * m + n;
    if (n == m && n > 0 && !heavy_tailed(c, n, m)) {
        numfree = column_reduction(c, n, x, y, v, free_rows, matches, d);
    } else {
        for (j = 0; j < m; j++) {
            v[j] = 0.0;
            y[j] = -1;
        }
        numfree = row_minima(c, n, m, x, y, v, free_rows);
    }
    numfree = row_reduction(c, m, x, y, v, free_rows, numfree, budget);
    for (i = 0; i < numfree; i++)
        augment(c, m, free_rows[i], x, y, v, d, pred, todo);
    for (i = 0; i < n; i++)
        u[i] = c[i * m + x[i]] - v[x[i]];
    free(work);
    free(d);
    return 0;
}

/* The kernel on costs padded to a square by m - n rows of cost 0, its prices made those of the n real
 * rows: a padding row's column has the highest price (it is tight on a row of zeros), so shifting
 * every column's price down by that much leaves the free columns at 0 and the others below. */
int padded_run(const double *cost, idx n, idx m, int64_t *x, double *u, double *v, idx budget)
{
    idx i, j;
    double highest = -HUGE_VAL;
    if (jv_run(cost, m, m, x, u, v, budget) < 0)
        return -1;
    for (j = 0; j < m; j++)
        if (v[j] > highest)
            highest = v[j];
    for (j = 0; j < m; j++)
        v[j] -= highest;
    for (i = 0; i < n; i++)
        u[i] += highest;
    return 0;
}
