#include "jv.h"

/* Scale, kernel, proof and pairs (see the method table); `padded`: cost holds m x m, rows n.. of cost 0. */
int finish_run(double *cost, idx n, idx m, int padded, double scale, const double *g, idx n_cols,
                      const unsigned char *allowed, const int64_t *row_of, const int64_t *col_of, int transpose,
                      int64_t *out_rows, int64_t *out_cols, idx budget, idx *count, double *total)
{
    double *prices = (double *)malloc(sizeof(double) * (size_t)(2 * m + 1));
    int64_t *x = (int64_t *)malloc(sizeof(int64_t) * (size_t)(m + 1));
    pair_t *pairs = (pair_t *)malloc(sizeof(pair_t) * (size_t)(n + 1));
    double *u = prices, *v = prices + m;
    int status = -1, ok = 0, flipped;
    idx k;
    if (prices == NULL || x == NULL || pairs == NULL)
        goto done;
    if (scale != 1.0)
        scale_costs(cost, n * m, scale);
    flipped = monge_orientation(cost, n, m);
    if (flipped >= 0) { /* Monge: by its structure */
        int found = monge_run(cost, n, m, flipped, x, u, v);
        if (found < 0 || (found == 0 && (ok = check_proof(cost, n, m, x, u, v)) < 0))
            goto done;
    }
    if (!ok && padded) { /* nearly square: column reduction and its transfer work on the padded square */
        if (padded_run(cost, n, m, x, u, v, budget) < 0 || (ok = check_proof(cost, n, m, x, u, v)) < 0)
            goto done;
    }
    if (!ok) { /* the kernel */
        if (jv_run(cost, n, m, x, u, v, budget) < 0 || (ok = check_proof(cost, n, m, x, u, v)) < 0)
            goto done;
    }
    if (!ok) {
        status = NOT_PROVED;
        goto done;
    }
    *count = collect_pairs(g, n_cols, allowed, row_of, col_of, transpose, n, x, pairs, total);
    status = *count < 0 ? PAIR_TWICE : PROVED;
    for (k = 0; k < *count; k++) {
        out_rows[k] = pairs[k].row;
        out_cols[k] = pairs[k].col;
    }
done:
    free(prices);
    free(x);
    free(pairs);
    return status;
}

/* The dense route from the score matrix (see dense() in module.c): costs, whole numbers, then
 * finish_run. A whole matrix with every cell allowed (the usual call) is read twice: the figures
 * the scale needs from the scores (and whether they are finite: NOT_FINITE if not), then one pass
 * writes the scaled costs; otherwise the costs are written first, then read for their figures, then
 * scaled (the caller checked the scores). */
int dense_run(const double *g, idx n_rows, idx n_cols, const unsigned char *allowed, const int64_t *row_of,
              const int64_t *col_of, int transpose, idx n, idx m, int pad, double limit, int max_exponent,
              int64_t *out_rows, int64_t *out_cols, idx budget, idx *count, double *total, int *exact, double *scale)
{
    double *cost = (double *)malloc(sizeof(double) * (size_t)((pad ? m : n) * m + 1)), largest;
    int whole, finite = 1, exponent, status, plain = allowed == NULL && row_of == NULL && col_of == NULL;
    *exact = 1;
    *scale = 1.0;
    if (cost == NULL)
        return -1;
    if (plain) {
        gain_stats(g, n_rows * n_cols, &largest, &whole, &finite);
    } else {
        fill_costs(g, n_cols, allowed, row_of, col_of, transpose, cost, n, m);
        cost_stats(cost, n * m, &largest, &whole);
    }
    if (pad) /* rows of cost 0 below, up to a square */
        memset(cost + n * m, 0, sizeof(double) * (size_t)((m - n) * m));
    frexp(largest, &exponent);
    if (!finite) {
        status = NOT_FINITE;
    } else if (largest == 0.0) {
        status = NO_USEFUL_PAIR;
    } else if (exponent > EXTREME_EXPONENT || exponent < -EXTREME_EXPONENT) {
        status = EXTREME;
    } else {
        int digits = whole ? 0 : plain ? most_digits(g, n_rows * n_cols, 1) : most_digits(cost, n * m, 0);
        *scale = whole_scale(largest, digits, limit, max_exponent, exact);
        if (plain)
            fill_scaled(g, n_rows, n_cols, *scale, transpose, cost);
        status = finish_run(cost, n, m, pad, plain ? 1.0 : *scale, g, n_cols, allowed, row_of, col_of, transpose,
                            out_rows, out_cols, budget, count, total);
    }
    free(cost);
    return status;
}
