/* revmatch's dense kernel, the _jv extension: what its files share. module.c describes the whole. */
#ifndef REVMATCH_JV_H
#define REVMATCH_JV_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

typedef Py_ssize_t idx;

/* Whole-number rounding (to even) of |x| < 2^51, in two additions: vectorises where rint does not. */
#define ROUNDER 6755399441055744.0     /* 1.5 * 2^52 */
#define EXACT_BELOW 2251799813685248.0 /* 2^51: below it, ROUNDER rounds exactly */

/* Scores beyond 2^+-EXTREME_EXPONENT are rescaled by a power of two first (by the caller). */
#define EXTREME_EXPONENT 256

/* What a dense solve found (revmatch.engine.jv has the same numbers); -1: out of memory. */
enum { PROVED = 0, PAIR_TWICE = 2, NOT_PROVED = 3, NO_USEFUL_PAIR = 4, EXTREME = 5, NOT_FINITE = 6 };

typedef struct {
    int64_t row, col;
} pair_t;

/* kernel.c: Jonker-Volgenant with its prices */
int jv_run(const double *c, idx n, idx m, int64_t *x, double *u, double *v, idx budget);
int padded_run(const double *cost, idx n, idx m, int64_t *x, double *u, double *v, idx budget);

/* monge.c: Monge matrices by their structure */
int monge_orientation(const double *c, idx n, idx m);
int monge_run(const double *c, idx n, idx m, int flipped, int64_t *x, double *u, double *v);

/* costs.c: the matrix read into whole-number costs */
void fill_costs(const double *g, idx m, const unsigned char *allowed, const int64_t *row_of, const int64_t *col_of,
                int transpose, double *o, idx n_out, idx m_out);
void fill_scaled(const double *g, idx n_rows, idx n_cols, double scale, int transpose, double *o);
void cost_stats(const double *o, idx total, double *largest, int *whole);
void gain_stats(const double *g, idx total, double *largest, int *whole, int *finite);
int most_digits(const double *o, idx total, int gains);
double whole_scale(double largest, int digits, double limit, int max_exponent, int *exact);
void scale_costs(double *cost, idx total, double scale);
int all_finite(const double *g, idx total, const unsigned char *allowed);

/* proof.c: the prices checked, the pairs read back */
int check_proof(const double *c, idx n, idx m, const int64_t *x, const double *u, const double *v);
idx collect_pairs(const double *g, idx n_cols, const unsigned char *allowed, const int64_t *row_of,
                  const int64_t *col_of, int transpose, idx n, const int64_t *x, pair_t *pairs, double *total);

/* dense.c: the whole dense route */
int finish_run(double *cost, idx n, idx m, int padded, double scale, const double *g, idx n_cols,
               const unsigned char *allowed, const int64_t *row_of, const int64_t *col_of, int transpose,
               int64_t *out_rows, int64_t *out_cols, idx budget, idx *count, double *total);
int dense_run(const double *g, idx n_rows, idx n_cols, const unsigned char *allowed, const int64_t *row_of,
              const int64_t *col_of, int transpose, idx n, idx m, int pad, double limit, int max_exponent,
              int64_t *out_rows, int64_t *out_cols, idx budget, idx *count, double *total, int *exact, double *scale);

#endif
