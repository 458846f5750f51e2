/* The _jv extension: revmatch's dense assignment kernel, called from revmatch.engine.jv.
 *
 * A minimum-cost assignment of an n x m cost matrix (n <= m, row-major float64) pairs every row; the
 * prices it returns prove the result (proof.c): u_i + v_j <= c_ij on every pair, equality on the
 * pairs made, and v_j <= 0 with v_j == 0 on every column left free when n < m. The files:
 *   costs.c   the score matrix read into whole-number costs (masked, repeated, transposed, scaled)
 *   kernel.c  Jonker-Volgenant shortest augmenting paths, keeping their prices
 *   monge.c   Monge matrices (Machol-Wien, sorted distances) by their structure
 *   proof.c   the prices checked on every pair; the pairs read back into the matrix's lines
 *   dense.c   the dense route: scale, solve (Monge or kernel), prove, pairs
 *   module.c  this file: the Python functions, on the buffer API (no numpy headers needed)
 * The GIL is released while any of them runs.
 */
#include "jv.h"

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

static PyObject *py_solve(PyObject *self, PyObject *args)
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

static PyObject *py_proved(PyObject *self, PyObject *args)
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

static PyObject *py_prepare(PyObject *self, PyObject *args)
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

static PyObject *py_all_finite(PyObject *self, PyObject *args)
{
    Py_buffer gain, mask;
    PyObject *mask_object;
    idx n, m;
    int ok, bad = 0;
    if (!PyArg_ParseTuple(args, "y*nnO", &gain, &n, &m, &mask_object))
        return NULL;
    ok = optional_buffer(mask_object, &mask);
    if (ok && (n < 0 || m < 0 || gain.len != (Py_ssize_t)sizeof(double) * n * m || (mask.buf != NULL && mask.len != n * m))) {
        PyErr_SetString(PyExc_ValueError, "finite: the matrix and mask do not fit");
        ok = 0;
    }
    if (ok) {
        Py_BEGIN_ALLOW_THREADS
        bad = !all_finite((const double *)gain.buf, n * m, (const unsigned char *)mask.buf);
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&gain);
    release(&mask);
    if (!ok)
        return NULL;
    return PyBool_FromLong(!bad);
}

static PyObject *py_digits(PyObject *self, PyObject *args)
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

/* The pairs as a list of (row, column) tuples: what rm.solve returns, built here rather than from arrays. */
static PyObject *pair_list(const int64_t *rows, const int64_t *cols, idx count)
{
    PyObject *list = PyList_New(count);
    idx k;
    if (list == NULL)
        return NULL;
    for (k = 0; k < count; k++) {
        PyObject *pair = PyTuple_New(2), *row = PyLong_FromLongLong(rows[k]), *col = PyLong_FromLongLong(cols[k]);
        if (pair == NULL || row == NULL || col == NULL) {
            Py_XDECREF(pair);
            Py_XDECREF(row);
            Py_XDECREF(col);
            Py_DECREF(list);
            return NULL;
        }
        PyTuple_SET_ITEM(pair, 0, row);
        PyTuple_SET_ITEM(pair, 1, col);
        PyList_SET_ITEM(list, k, pair);
    }
    return list;
}

static PyObject *py_dense(PyObject *self, PyObject *args)
{
    Py_buffer gain, mask, rows, cols;
    PyObject *mask_object, *rows_object, *cols_object, *pairs = NULL, *result = NULL;
    idx n, m, n_rows, n_cols, budget, count = 0;
    double limit, total = 0.0, scale = 1.0;
    int transpose, pad, max_exponent, ok, exact = 1, status = -2;
    int64_t *out_rows = NULL, *out_cols = NULL;
    if (!PyArg_ParseTuple(args, "y*nnOOOpnnpdin", &gain, &n_rows, &n_cols, &mask_object, &rows_object, &cols_object,
                          &transpose, &n, &m, &pad, &limit, &max_exponent, &budget))
        return NULL;
    ok = optional_buffer(mask_object, &mask) & optional_buffer(rows_object, &rows)
         & optional_buffer(cols_object, &cols);
    if (ok)
        ok = lines_fit(&gain, n_rows, n_cols, &mask, &rows, transpose ? m : n, &cols, transpose ? n : m);
    if (ok && n > m) {
        PyErr_SetString(PyExc_ValueError, "dense: the problem must have rows <= columns");
        ok = 0;
    }
    if (ok) {
        const double *g = (const double *)gain.buf;
        const unsigned char *allowed = (const unsigned char *)mask.buf;
        const int64_t *row_of = (const int64_t *)rows.buf, *col_of = (const int64_t *)cols.buf;
        out_rows = (int64_t *)malloc(sizeof(int64_t) * (size_t)(2 * n + 1));
        out_cols = out_rows == NULL ? NULL : out_rows + n;
        if (out_rows == NULL) {
            status = -1;
        } else {
            Py_BEGIN_ALLOW_THREADS
            status = dense_run(g, n_rows, n_cols, allowed, row_of, col_of, transpose, n, m, pad && n < m, limit,
                               max_exponent, out_rows, out_cols, budget, &count, &total, &exact, &scale);
            Py_END_ALLOW_THREADS
        }
        if (status == -1)
            PyErr_NoMemory();
    }
    if (ok && status >= 0)
        pairs = pair_list(out_rows, out_cols, status == PROVED ? count : 0);
    if (pairs != NULL)
        result = Py_BuildValue("iNdOd", status, pairs, total, exact ? Py_True : Py_False, scale);
    free(out_rows);
    PyBuffer_Release(&gain);
    release(&mask);
    release(&rows);
    release(&cols);
    return result;
}

static PyMethodDef methods[] = {
    {"prepare", py_prepare, METH_VARARGS,
     "prepare(gain, n_rows, n_cols, mask, rows, cols, transpose, cost, n, m): cost[r, c] = -gain of the "
     "useful cell (allowed, > 0) at (rows[r], cols[c]) (transposed: (rows[c], cols[r])), else 0; returns "
     "(largest, whole) of the useful cells."},
    {"finite", py_all_finite, METH_VARARGS,
     "finite(gain, n, m, mask): whether every allowed cell (every cell when mask is None) is finite."},
    {"digits", py_digits, METH_VARARGS,
     "digits(cost, n, m): the most binary digits after the point a cell needs (31 once past 30)."},
    {"dense", py_dense, METH_VARARGS,
     "dense(gain, n_rows, n_cols, mask, rows, cols, transpose, n, m, pad, limit, max_exponent, budget): the "
     "costs of prepare() (padded to a square if asked), scaled to whole numbers below limit, solved (Monge ones "
     "by their structure), proved, and the useful pairs made, sorted, in the matrix's own lines; (status, pairs, "
     "total, exact, scale): status 0 proved (pairs: a list of (row, column)), 2 a pair twice, 3 not proved, 4 no "
     "useful pair, 5 scores beyond 2^+-256 (rescale first)."},
    {"solve", py_solve, METH_VARARGS,
     "solve(cost, n, m, cols, u, v, budget): minimum-cost assignment of every row of an n x m (n <= m) "
     "float64 cost matrix into cols (int64), with dual prices u, v; budget caps each row-reduction pass."},
    {"proved", py_proved, METH_VARARGS,
     "proved(cost, n, m, cols, u, v): whether the prices prove the assignment of every row optimal."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_jv", "Jonker-Volgenant kernel with dual prices.", -1,
                                    methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__jv(void) { return PyModule_Create(&module); }
