#include "jv.h"

/* Whether the cost matrix is Monge, c[i][a] + c[i+1][b] <= c[i][b] + c[i+1][a] for adjacent columns a
 * before b (which implies it for any two rows and columns), with the columns in order (returns 0) or
 * reversed (1); -1 when neither. Machol-Wien's c_ij = ij + 1 and squared distances between sorted
 * points are Monge: the matrices where augmenting paths are longest. The first and last rows go first,
 * so a matrix that is not Monge is usually told at once. */
int monge_orientation(const double *c, idx n, idx m)
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
int monge_run(const double *c, idx n, idx m, int flipped, int64_t *x, double *u, double *v)
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
