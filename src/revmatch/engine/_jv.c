/* Jonker–Volgenant shortest augmenting paths with their dual prices, and the check of those prices.
 *
 * The dense route's kernel (revmatch.engine.jv wraps it). A minimum-cost assignment of an n × m cost
 * matrix (n <= m, row-major float64) pairs every row; the prices it returns prove the result:
 * u_i + v_j <= c_ij on every pair, equality on the pairs made, and v_j <= 0 with v_j == 0 on every
 * column left free when n < m. Jonker and Volgenant (1987), "A shortest augmenting path algorithm for
 * dense and sparse linear assignment problems", Computing 38: column reduction and reduction
 * transfer (square matrices only: they give free columns a price), two passes of augmenting row
 * reduction, then Dijkstra-like augmentation from each row still free.
 *
 * Costs must be whole numbers small enough that every sum along a path is exact in float64; the
 * caller scales them so. The GIL is released while the kernel runs.
 */
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

/* Whether a typical row's best gain is well above its second (median of 15 evenly spread rows, by 30 %
 * or more): heavy-tailed scores (log-normal, Pareto, log-uniform over many decades at n = 100). There
 * column reduction and its transfer leave augmenting row reduction to creep (2-20x the time), and the
 * rectangular start (prices 0, each row to its cheapest column) does better; on uniform, integer,
 * 0/1 and distance scores it is the other way round. */
static int heavy_tailed(const double *c, idx n, idx m)
{
    enum { SAMPLE = 15 };
    double ratio[SAMPLE];
    idx s, k, j;
    if (m < 2)
        return 0;
    for (s = 0; s < SAMPLE; s++) { /* costs are -gain: the best two are the most negative */
        const double *row = c + (s * (n - 1) / (SAMPLE - 1)) * m;
        double best = 0.0, second = 0.0;
        for (j = 0; j < m; j++) {
            double x = row[j];
            if (x < second) {
                second = x < best ? best : x;
                best = x < best ? x : best;
            }
        }
        ratio[s] = second < 0.0 ? best / second : (best < 0.0 ? HUGE_VAL : 1.0);
    }
    for (s = 1; s < SAMPLE; s++) /* insertion sort, for the median */
        for (k = s; k > 0 && ratio[k - 1] > ratio[k]; k--) {
            double t = ratio[k];
            ratio[k] = ratio[k - 1];
            ratio[k - 1] = t;
        }
    return ratio[SAMPLE / 2] >= 1.3;
}

/* The assignment of every row of an n x m (n <= m) cost matrix and its prices; -1 when out of memory. */
static int jv_run(const double *c, idx n, idx m, int64_t *x, double *u, double *v, idx budget)
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

/* Whether (x, u, v) proves the assignment of every row of an n x m (n <= m) cost matrix with costs
 * <= 0 optimal: distinct columns, u_i + v_j <= c_ij everywhere with equality on the pairs, and, when
 * n < m, v <= 0 with v == 0 on free columns (then the total cost equals the dual bound); -1 when out
 * of memory. */
static int check_proof(const double *c, idx n, idx m, const int64_t *x, const double *u, const double *v)
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

static int problem_fits(idx n, idx m, const Py_buffer *cost, const Py_buffer *cols, const Py_buffer *u,
                        const Py_buffer *v)
{
    if (n < 0 || n > m || cost->len != (Py_ssize_t)sizeof(double) * n * m
        || cols->len != (Py_ssize_t)sizeof(int64_t) * n || u->len != (Py_ssize_t)sizeof(double) * n
        || v->len != (Py_ssize_t)sizeof(double) * m) {
        PyErr_SetString(PyExc_ValueError, "the buffers do not fit an n x m problem with n <= m");
        return 0;
    }
    return 1;
}

static PyObject *solve(PyObject *self, PyObject *args)
{
    Py_buffer cost, cols, u, v;
    idx n, m, budget;
    int status = -2;
    if (!PyArg_ParseTuple(args, "y*nnw*w*w*n", &cost, &n, &m, &cols, &u, &v, &budget))
        return NULL;
    if (problem_fits(n, m, &cost, &cols, &u, &v)) {
        Py_BEGIN_ALLOW_THREADS
        status = jv_run((const double *)cost.buf, n, m, (int64_t *)cols.buf, (double *)u.buf, (double *)v.buf, budget);
        Py_END_ALLOW_THREADS
        if (status < 0)
            PyErr_NoMemory();
    }
    PyBuffer_Release(&cost);
    PyBuffer_Release(&cols);
    PyBuffer_Release(&u);
    PyBuffer_Release(&v);
    if (status < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *proved(PyObject *self, PyObject *args)
{
    Py_buffer cost, cols, u, v;
    idx n, m;
    int ok = -2;
    if (!PyArg_ParseTuple(args, "y*nny*y*y*", &cost, &n, &m, &cols, &u, &v))
        return NULL;
    if (problem_fits(n, m, &cost, &cols, &u, &v)) {
        Py_BEGIN_ALLOW_THREADS
        ok = check_proof((const double *)cost.buf, n, m, (const int64_t *)cols.buf, (const double *)u.buf,
                         (const double *)v.buf);
        Py_END_ALLOW_THREADS
        if (ok == -1)
            PyErr_NoMemory();
    }
    PyBuffer_Release(&cost);
    PyBuffer_Release(&cols);
    PyBuffer_Release(&u);
    PyBuffer_Release(&v);
    if (ok < 0)
        return NULL;
    return PyBool_FromLong(ok);
}

/* o[r][c] = -g[i][j] for a useful cell (allowed, g > 0), else 0, where (i, j) is (rows[r], cols[c]), or
 * (rows[c], cols[r]) when transposed; rows/cols NULL for every line in order. A transposed copy goes
 * tile by tile: both sides' lines stay in cache. */
static void fill_costs(const double *g, idx m, const unsigned char *allowed, const int64_t *row_of,
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

/* The optional buffers of a call (None gives NULL); 0 when one is not a buffer. */
static int optional_buffer(PyObject *object, Py_buffer *view)
{
    view->buf = NULL;
    view->obj = NULL;
    return object == Py_None || PyObject_GetBuffer(object, view, PyBUF_SIMPLE) == 0;
}

static void release(Py_buffer *view)
{
    if (view->obj != NULL)
        PyBuffer_Release(view);
}

/* Whether the matrix, the mask and the line indices fit: an error set when not. */
static int lines_fit(const Py_buffer *gain, idx n, idx m, const Py_buffer *mask, const Py_buffer *rows, idx n_lines,
                     const Py_buffer *cols, idx m_lines)
{
    const int64_t *row_of = (const int64_t *)rows->buf, *col_of = (const int64_t *)cols->buf;
    idx k;
    int ok = n >= 0 && m >= 0 && gain->len == (Py_ssize_t)sizeof(double) * n * m
             && (mask->buf == NULL || mask->len == n * m)
             && (row_of == NULL ? n_lines == n : rows->len == (Py_ssize_t)sizeof(int64_t) * n_lines)
             && (col_of == NULL ? m_lines == m : cols->len == (Py_ssize_t)sizeof(int64_t) * m_lines);
    for (k = 0; ok && row_of != NULL && k < n_lines; k++)
        ok = row_of[k] >= 0 && row_of[k] < n;
    for (k = 0; ok && col_of != NULL && k < m_lines; k++)
        ok = col_of[k] >= 0 && col_of[k] < m;
    if (!ok)
        PyErr_SetString(PyExc_ValueError, "the matrix, mask and line indices do not fit");
    return ok;
}

/* Whether the cost matrix is Monge, c[i][a] + c[i+1][b] <= c[i][b] + c[i+1][a] for adjacent columns a
 * before b (which implies it for any two rows and columns), with the columns in order (returns 0) or
 * reversed (1); -1 when neither. Machol-Wien's c_ij = ij + 1 and squared distances between sorted
 * points are Monge: the matrices where augmenting paths are longest. The first and last rows go first,
 * so a matrix that is not Monge is usually told at once. */
static int monge_orientation(const double *c, idx n, idx m)
{
    int flipped;
    if (n < 2 || m < 2)
        return -1;
    for (flipped = 0; flipped < 2; flipped++) {
        idx i, j;
        int ok = 1;
        for (i = -1; i < n - 1 && ok; i++) {
            const double *top = i < 0 ? c : c + i * m, *bottom = i < 0 ? c + (n - 1) * m : top + m;
            for (j = 0; j + 1 < m && ok; j++) {
                idx a = flipped ? m - 1 - j : j, b = flipped ? m - 2 - j : j + 1;
                ok = top[a] + bottom[b] <= top[b] + bottom[a];
            }
        }
        if (ok)
            return flipped;
    }
    return -1;
}

/* A Monge matrix's optimal assignment (Hoffman 1963: rows in order, columns increasing) and its prices;
 * 0 when found, 1 when the prices did not settle, -1 when out of memory. Square: the diagonal, priced
 * along the staircase (i, i), (i, i + 1). Rectangular: the cheapest increasing path by dynamic
 * programming, O(nm); prices u as shortest paths from the free columns (price 0) in the exchange graph
 * (row i taking row p's column costs c[i][x_p] - c[p][x_p]), by Gauss-Seidel sweeps in alternating
 * directions: on Monge matrices they settle in two or three. */
static int monge_run(const double *c, idx n, idx m, int flipped, int64_t *x, double *u, double *v)
{
#define AT(i, j) c[(i) * m + (flipped ? m - 1 - (j) : (j))]
    idx i, j;
    if (n == m) {
        v[0] = 0.0;
        for (j = 1; j < n; j++)
            v[j] = v[j - 1] + AT(j - 1, j) - AT(j - 1, j - 1);
        for (i = 0; i < n; i++) {
            x[i] = i;
            u[i] = AT(i, i) - v[i];
        }
    } else {
        double *best = (double *)malloc(sizeof(double) * (size_t)(2 * m + n));
        unsigned char *take = (unsigned char *)malloc((size_t)(n * m));
        double *previous, *current, *pair;
        int sweep, changed = 1;
        if (best == NULL || take == NULL) {
            free(best);
            free(take);
            return -1;
        }
        previous = best;
        current = best + m;
        pair = best + 2 * m;
        for (i = 0; i < n; i++) { /* current[j]: the least cost of rows 0..i with row i in a column <= j */
            for (j = 0; j < m; j++) {
                double before = j > 0 ? current[j - 1] : HUGE_VAL;
                double reach = i == 0 ? AT(0, j) : (j >= i ? previous[j - 1] + AT(i, j) : HUGE_VAL);
                take[i * m + j] = reach < before;
                current[j] = reach < before ? reach : before;
            }
            { double *t = previous; previous = current; current = t; }
        }
        j = m - 1;
        for (i = n - 1; i >= 0; i--) { /* back along the path: row i sits where its best was last improved */
            while (!take[i * m + j])
                j--;
            x[i] = j--;
        }
        free(take);
        for (j = 0; j < m; j++)
            current[j] = 1.0; /* 1: free */
        for (i = 0; i < n; i++) {
            current[x[i]] = 0.0;
            pair[i] = AT(i, x[i]);
        }
        for (i = 0; i < n; i++) { /* the way to the root: the cheapest free column */
            double least = HUGE_VAL;
            for (j = 0; j < m; j++)
                if (current[j] != 0.0 && AT(i, j) < least)
                    least = AT(i, j);
            u[i] = least;
        }
        for (sweep = 0; sweep < 64 && changed; sweep++) {
            idx t;
            changed = 0;
            for (t = 0; t < n; t++) {
                idx k = sweep % 2 == 0 ? t : n - 1 - t, p;
                double least = u[k];
                for (p = 0; p < n; p++) {
                    double through = AT(k, x[p]) - pair[p] + u[p];
                    if (through < least)
                        least = through;
                }
                if (least < u[k]) {
                    u[k] = least;
                    changed = 1;
                }
            }
        }
        for (j = 0; j < m; j++)
            v[j] = 0.0;
        for (i = 0; i < n; i++)
            v[x[i]] = pair[i] - u[i];
        free(best);
        if (changed)
            return 1;
    }
    if (flipped) { /* back to the matrix's own column order */
        for (i = 0; i < n; i++)
            x[i] = m - 1 - x[i];
        for (j = 0; j < m / 2; j++) {
            double t = v[j];
            v[j] = v[m - 1 - j];
            v[m - 1 - j] = t;
        }
    }
    return 0;
#undef AT
}

typedef struct {
    int64_t row, col;
} pair_t;

static int by_row_then_column(const void *a, const void *b)
{
    const pair_t *p = (const pair_t *)a, *q = (const pair_t *)b;
    if (p->row != q->row)
        return p->row < q->row ? -1 : 1;
    return (p->col > q->col) - (p->col < q->col);
}

/* The pairs of the solved problem in the matrix's own lines: only useful ones, sorted, with their total;
 * -1 when a pair comes twice (people repeated on both sides). */
static idx collect_pairs(const double *g, idx n_cols, const unsigned char *allowed, const int64_t *row_of,
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
    qsort(pairs, (size_t)count, sizeof(pair_t), by_row_then_column);
    for (r = 0; r < count; r++) {
        if (r > 0 && pairs[r].row == pairs[r - 1].row && pairs[r].col == pairs[r - 1].col)
            return -1;
        *total += g[pairs[r].row * n_cols + pairs[r].col];
    }
    return count;
}

/* Whole-number rounding (to even) of |x| < 2^51, in two additions: vectorises where rint does not. */
#define ROUNDER 6755399441055744.0  /* 1.5 * 2^52 */
#define EXACT_BELOW 2251799813685248.0 /* 2^51: below it, ROUNDER rounds exactly */

/* The largest useful score and whether every one is a whole number below 2^51, read off costs that hold
 * -x (x useful) or 0. With SSE2, two cells at a time and two running minima (their latency overlaps). */
static void cost_stats(const double *o, idx total, double *largest, int *whole)
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

static PyObject *prepare(PyObject *self, PyObject *args)
{
    Py_buffer gain, mask, rows, cols, cost;
    PyObject *mask_object, *rows_object, *cols_object;
    idx n_rows, n_cols, n, m;
    int transpose, ok, whole = 1;
    double largest = 0.0;
    if (!PyArg_ParseTuple(args, "y*nnOOOpw*nn", &gain, &n_rows, &n_cols, &mask_object, &rows_object, &cols_object,
                          &transpose, &cost, &n, &m))
        return NULL;
    ok = optional_buffer(mask_object, &mask) & optional_buffer(rows_object, &rows)
         & optional_buffer(cols_object, &cols);
    if (ok)
        ok = lines_fit(&gain, n_rows, n_cols, &mask, &rows, transpose ? m : n, &cols, transpose ? n : m);
    if (ok && cost.len != (Py_ssize_t)sizeof(double) * n * m && cost.len != (Py_ssize_t)sizeof(double) * m * m) {
        PyErr_SetString(PyExc_ValueError, "prepare: the costs do not fit (n x m, or m x m padded)");
        ok = 0;
    }
    if (ok) {
        double *o = (double *)cost.buf;
        Py_BEGIN_ALLOW_THREADS
        fill_costs((const double *)gain.buf, n_cols, (const unsigned char *)mask.buf, (const int64_t *)rows.buf,
                   (const int64_t *)cols.buf, transpose, o, n, m);
        if (cost.len == (Py_ssize_t)sizeof(double) * m * m) /* padded to a square with rows of cost 0 */
            memset(o + n * m, 0, sizeof(double) * (size_t)((m - n) * m));
        cost_stats(o, n * m, &largest, &whole);
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&gain);
    PyBuffer_Release(&cost);
    release(&mask);
    release(&rows);
    release(&cols);
    if (!ok)
        return NULL;
    return Py_BuildValue("dO", largest, whole ? Py_True : Py_False);
}

static PyObject *all_finite(PyObject *self, PyObject *args)
{
    Py_buffer gain, mask;
    PyObject *mask_object;
    idx n, m, k = 0;
    int ok, bad = 0;
    if (!PyArg_ParseTuple(args, "y*nnO", &gain, &n, &m, &mask_object))
        return NULL;
    ok = optional_buffer(mask_object, &mask);
    if (ok && (n < 0 || m < 0 || gain.len != (Py_ssize_t)sizeof(double) * n * m || (mask.buf != NULL && mask.len != n * m))) {
        PyErr_SetString(PyExc_ValueError, "finite: the matrix and mask do not fit");
        ok = 0;
    }
    if (ok) {
        const double *g = (const double *)gain.buf;
        const unsigned char *allowed = (const unsigned char *)mask.buf;
        Py_BEGIN_ALLOW_THREADS
        if (allowed == NULL) {
#ifdef __SSE2__
            __m128d odd = _mm_setzero_pd(), zero = _mm_setzero_pd();
            for (; k + 2 <= n * m; k += 2) { /* x * 0 is NaN for NaN and +-inf, else 0 */
                __m128d x = _mm_loadu_pd(g + k);
                odd = _mm_or_pd(odd, _mm_cmpneq_pd(_mm_mul_pd(x, zero), zero));
            }
            bad = _mm_movemask_pd(odd) != 0;
#endif
            for (; k < n * m; k++)
                bad |= g[k] * 0.0 != 0.0;
        } else {
            for (; k < n * m; k++)
                bad |= allowed[k] && g[k] * 0.0 != 0.0;
        }
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&gain);
    release(&mask);
    if (!ok)
        return NULL;
    return PyBool_FromLong(!bad);
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
static int most_digits(const double *o, idx total, int gains)
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

static PyObject *digits(PyObject *self, PyObject *args)
{
    Py_buffer cost;
    idx n, m;
    int most = 0;
    if (!PyArg_ParseTuple(args, "y*nn", &cost, &n, &m))
        return NULL;
    if (n < 0 || m < 0 || cost.len != (Py_ssize_t)sizeof(double) * n * m) {
        PyBuffer_Release(&cost);
        PyErr_SetString(PyExc_ValueError, "digits: the costs do not fit");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    most = most_digits((const double *)cost.buf, n * m, 0);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&cost);
    return PyLong_FromLong(most);
}

/* The power of two that makes the costs whole numbers, as revmatch.engine.mincost.integer_scale picks
 * it: 2^digits when the largest score times it stays within `limit` (exact), else the finest power of
 * two that keeps it there (capped at 2^max_exponent; within a rounding tolerance). */
static double whole_scale(double largest, int digits, double limit, int max_exponent, int *exact)
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
static void scale_costs(double *cost, idx total, double scale)
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

/* The kernel on costs padded to a square by m - n rows of cost 0, its prices made those of the n real
 * rows: a padding row's column has the highest price (it is tight on a row of zeros), so shifting
 * every column's price down by that much leaves the free columns at 0 and the others below. */
static int padded_run(const double *cost, idx n, idx m, int64_t *x, double *u, double *v, idx budget)
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

/* Scale, kernel, proof and pairs (see the method table); `padded`: cost holds m x m, rows n.. of cost 0. */
static int finish_run(double *cost, idx n, idx m, int padded, double scale, const double *g, idx n_cols,
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
        status = 3;
        goto done;
    }
    *count = collect_pairs(g, n_cols, allowed, row_of, col_of, transpose, n, x, pairs, total);
    status = *count < 0 ? 2 : 0;
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

/* cost_stats on the gains themselves (every cell useful where > 0): the largest and whether all are
 * whole numbers below 2^51. */
static void gain_stats(const double *g, idx total, double *largest, int *whole)
{
    double top = 0.0;
    int odd = 0;
    idx k = 0;
#ifdef __SSE2__
    {
        const __m128d rounder = _mm_set1_pd(ROUNDER), zero = _mm_setzero_pd();
        __m128d top0 = zero, top1 = zero, bad = zero;
        for (; k + 4 <= total; k += 4) {
            __m128d x0 = _mm_loadu_pd(g + k), x1 = _mm_loadu_pd(g + k + 2);
            __m128d off0 = _mm_cmpneq_pd(_mm_sub_pd(_mm_add_pd(x0, rounder), rounder), x0);
            __m128d off1 = _mm_cmpneq_pd(_mm_sub_pd(_mm_add_pd(x1, rounder), rounder), x1);
            top0 = _mm_max_pd(top0, x0);
            top1 = _mm_max_pd(top1, x1);
            bad = _mm_or_pd(bad, _mm_and_pd(_mm_cmpgt_pd(x0, zero), off0));
            bad = _mm_or_pd(bad, _mm_and_pd(_mm_cmpgt_pd(x1, zero), off1));
        }
        top0 = _mm_max_pd(top0, top1);
        top = _mm_cvtsd_f64(_mm_max_sd(top0, _mm_unpackhi_pd(top0, top0)));
        odd = _mm_movemask_pd(bad) != 0 || top >= EXACT_BELOW;
    }
#endif
    for (; k < total; k++) {
        double x = g[k];
        if (x > 0.0) {
            if (x > top)
                top = x;
            if ((x + ROUNDER) - ROUNDER != x || x >= EXACT_BELOW)
                odd = 1;
        }
    }
    *largest = top;
    *whole = !odd;
}

/* o = -rint(scale * g) where g > 0, else 0, for a matrix read whole (transposed if asked). */
static void fill_scaled(const double *g, idx n_rows, idx n_cols, double scale, int transpose, double *o)
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

/* What dense() found besides finish_run's statuses. */
#define NO_USEFUL_PAIR 4
#define EXTREME 5
#define EXTREME_EXPONENT 256

static PyObject *dense(PyObject *self, PyObject *args)
{
    Py_buffer gain, mask, rows, cols, out_rows, out_cols;
    PyObject *mask_object, *rows_object, *cols_object;
    idx n, m, n_rows, n_cols, budget, count = 0;
    double limit, total = 0.0, scale = 1.0;
    int transpose, pad, max_exponent, ok, exact = 1, status = -2;
    if (!PyArg_ParseTuple(args, "y*nnOOOpnnpdiw*w*n", &gain, &n_rows, &n_cols, &mask_object, &rows_object,
                          &cols_object, &transpose, &n, &m, &pad, &limit, &max_exponent, &out_rows, &out_cols, &budget))
        return NULL;
    ok = optional_buffer(mask_object, &mask) & optional_buffer(rows_object, &rows)
         & optional_buffer(cols_object, &cols);
    if (ok)
        ok = lines_fit(&gain, n_rows, n_cols, &mask, &rows, transpose ? m : n, &cols, transpose ? n : m);
    if (ok && (n > m || out_rows.len != (Py_ssize_t)sizeof(int64_t) * n || out_cols.len != (Py_ssize_t)sizeof(int64_t) * n)) {
        PyErr_SetString(PyExc_ValueError, "dense: the problem must have rows <= columns and outputs of its rows");
        ok = 0;
    }
    if (ok) {
        const double *g = (const double *)gain.buf;
        const unsigned char *allowed = (const unsigned char *)mask.buf;
        const int64_t *row_of = (const int64_t *)rows.buf, *col_of = (const int64_t *)cols.buf;
        pad = pad && n < m;
        Py_BEGIN_ALLOW_THREADS
        {
            double *cost = (double *)malloc(sizeof(double) * (size_t)((pad ? m : n) * m + 1)), largest;
            int whole, exponent;
            if (cost == NULL) {
                status = -1;
            } else {
                /* A whole matrix, every cell allowed (the usual call): the figures from the scores, then
                 * one pass writes the scaled costs. Otherwise the costs first, then their figures. */
                int plain = allowed == NULL && row_of == NULL && col_of == NULL;
                if (plain)
                    gain_stats(g, n_rows * n_cols, &largest, &whole);
                else {
                    fill_costs(g, n_cols, allowed, row_of, col_of, transpose, cost, n, m);
                    cost_stats(cost, n * m, &largest, &whole);
                }
                if (pad)
                    memset(cost + n * m, 0, sizeof(double) * (size_t)((m - n) * m));
                frexp(largest, &exponent);
                if (largest == 0.0)
                    status = NO_USEFUL_PAIR;
                else if (exponent > EXTREME_EXPONENT || exponent < -EXTREME_EXPONENT)
                    status = EXTREME;
                else {
                    int digits = whole ? 0 : plain ? most_digits(g, n_rows * n_cols, 1) : most_digits(cost, n * m, 0);
                    scale = whole_scale(largest, digits, limit, max_exponent, &exact);
                    if (plain)
                        fill_scaled(g, n_rows, n_cols, scale, transpose, cost);
                    status = finish_run(cost, n, m, pad, plain ? 1.0 : scale, g, n_cols, allowed, row_of, col_of,
                                        transpose, (int64_t *)out_rows.buf, (int64_t *)out_cols.buf, budget, &count,
                                        &total);
                }
                free(cost);
            }
        }
        Py_END_ALLOW_THREADS
        if (status == -1)
            PyErr_NoMemory();
    }
    PyBuffer_Release(&gain);
    PyBuffer_Release(&out_rows);
    PyBuffer_Release(&out_cols);
    release(&mask);
    release(&rows);
    release(&cols);
    if (!ok || status < 0)
        return NULL;
    return Py_BuildValue("indOd", status, count, total, exact ? Py_True : Py_False, scale);
}

static PyMethodDef methods[] = {
    {"prepare", prepare, METH_VARARGS,
     "prepare(gain, n_rows, n_cols, mask, rows, cols, transpose, cost, n, m): cost[r, c] = -gain of the "
     "useful cell (allowed, > 0) at (rows[r], cols[c]) (transposed: (rows[c], cols[r])), else 0; returns "
     "(largest, count, whole) of the useful cells."},
    {"finite", all_finite, METH_VARARGS,
     "finite(gain, n, m, mask): whether every allowed cell (every cell when mask is None) is finite."},
    {"digits", digits, METH_VARARGS,
     "digits(cost, n, m): the most binary digits after the point a cell needs (31 once past 30)."},
    {"dense", dense, METH_VARARGS,
     "dense(gain, n_rows, n_cols, mask, rows, cols, transpose, n, m, pad, limit, max_exponent, out_rows, out_cols, "
     "budget): the costs of prepare() (padded to a square if asked), scaled to whole numbers below limit, solved "
     "(Monge ones by their structure), proved, and the useful pairs made, sorted, in the matrix's own lines; "
     "(status, count, total, exact, scale): status 0 proved, 2 a pair twice, 3 not proved, 4 no useful pair, "
     "5 scores beyond 2^+-256 (rescale first)."},
    {"solve", solve, METH_VARARGS,
     "solve(cost, n, m, cols, u, v, budget): minimum-cost assignment of every row of an n x m (n <= m) "
     "float64 cost matrix into cols (int64), with dual prices u, v; budget caps each row-reduction pass."},
    {"proved", proved, METH_VARARGS,
     "proved(cost, n, m, cols, u, v): whether the prices prove the assignment of every row optimal."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_jv", "Jonker-Volgenant kernel with dual prices.", -1,
                                    methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__jv(void) { return PyModule_Create(&module); }
