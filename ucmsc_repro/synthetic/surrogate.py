"""Synthetic cohort, step 2b: the surrogate of the likelihood equations and its solver.

Fixing a logistic model's coefficients at the reported values, its likelihood
equations ``X'(y - expit(X b)) = 0`` and Wald standard errors become conditions
on the covariates ``X``; :class:`_Surrogate` writes them (with the paper's other
statements) as residuals, and :func:`_solve` solves them by nonlinear least squares.
Private to :mod:`ucmsc_repro.synthetic.models`.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import special, stats

from ..chapters.factors import (
    MSC_ADJUSTMENT,
    WHOLE_POPULATION_COVARIATES,
)
from .baseline import bmi_bounds, expected_height_cm
from .model_terms import (
    _FCP_BOUNDS,
    _HEIGHT_Z_BOUNDS,
    STEPWISE_FINAL,
    STEPWISE_REPORTED,
    WHOLE_REPORTED,
    interval_center,
    reported_term,
)
from .targets import Targets


def _logit_parts(X: np.ndarray, y: np.ndarray, beta: np.ndarray):
    """Score, information and its inverse for a logistic model at ``beta``."""
    p = special.expit(X @ beta)
    score = X.T @ (y - p)
    info = X.T @ (X * (p * (1.0 - p))[:, None])
    return score, info, np.linalg.inv(info)


def _row_updates(X, y, beta, score, info, rows, deltas):
    """Score and SEs after adding ``deltas[u]`` to row ``rows[u]`` of X, for every u.

    One changed row changes the score by one term and the information by a
    rank-two term, so all candidates are evaluated at once (batched inverse).
    """
    p = special.expit(X @ beta)
    w = p * (1.0 - p)
    Xr = X[rows]
    Xn = Xr + deltas
    pn = special.expit(Xn @ beta)
    wn = pn * (1.0 - pn)
    yr = y[rows]
    s_new = score[None, :] + Xn * (yr - pn)[:, None] - Xr * (yr - p[rows])[:, None]
    i_new = (
        info[None, :, :]
        + wn[:, None, None] * Xn[:, :, None] * Xn[:, None, :]
        - w[rows][:, None, None] * Xr[:, :, None] * Xr[:, None, :]
    )
    cov = np.linalg.inv(i_new)
    return s_new, np.sqrt(np.diagonal(cov, axis1=1, axis2=2))


def _t_updates(f, grp, idx, delta):
    """Student's t (group ``grp`` minus the rest) after adding ``delta`` to ``f[idx]``."""
    a, b = f[grp], f[~grp]
    n1, n2 = a.size, b.size
    m1, m2 = a.mean(), b.mean()
    ss1, ss2 = np.sum((a - m1) ** 2), np.sum((b - m2) ** 2)
    in1 = grp[idx]
    dev = f[idx] - np.where(in1, m1, m2)
    nn = np.where(in1, n1, n2)
    dss = 2.0 * delta * dev + delta**2 * (1.0 - 1.0 / nn)
    m1n = m1 + np.where(in1, delta / n1, 0.0)
    m2n = m2 + np.where(in1, 0.0, delta / n2)
    sp2 = (ss1 + ss2 + dss) / (n1 + n2 - 2)
    return (m1n - m2n) / np.sqrt(sp2 * (1.0 / n1 + 1.0 / n2))


def _t_stat(f, grp) -> float:
    """Student's pooled-variance t of ``f[grp]`` against the rest (as scipy's
    ``ttest_ind``, which the tests compare it with; written out for speed)."""
    a, b = f[grp], f[~grp]
    n1, n2 = a.size, b.size
    sp2 = (np.sum((a - a.mean()) ** 2) + np.sum((b - b.mean()) ** 2)) / (n1 + n2 - 2)
    return float((a.mean() - b.mean()) / np.sqrt(sp2 * (1.0 / n1 + 1.0 / n2)))


class _Surrogate:
    """The per-protocol covariates as unknowns of the models' likelihood equations.

    Unknowns, phase ``"full"``: BMI (n), fasting C-peptide (n), height SD
    score in the MSC arm (m), then the unreported coefficients of the
    whole-population and MSC-arm models; phase ``"fcp"``: fasting C-peptide
    and the coefficients, with BMI and height fixed (``fixed``).
    """

    def __init__(self, d: pd.DataFrame, t: Targets, ratio_pcp: np.ndarray):
        self.y = d["remission"].to_numpy(dtype=float)
        self.msc = d["msc"].to_numpy() == 1
        self.n = len(d)
        self.m = int(self.msc.sum())
        self.msc_pos = np.flatnonzero(self.msc)
        self.male = d["male"].to_numpy(dtype=float)
        self.age = d["age_years"].to_numpy(dtype=float)
        self.dur = d["duration_months"].to_numpy(dtype=float)
        self.hba = d["hba1c_pct_0"].to_numpy(dtype=float)
        self.h_ref = expected_height_cm(self.age, self.male == 1)[self.msc]
        self.ratio_pcp = ratio_pcp
        self.bmi_moments = (
            t.value("baseline.bmi_kg_m2.all.mean"),
            t.value("baseline.bmi_kg_m2.all.sd"),
        )
        self.target_whole = {
            k: interval_center(reported_term(t, f"factors.whole.{k}"))[:2]
            for k in WHOLE_REPORTED
        }
        self.target_step = {
            k: interval_center(reported_term(t, f"factors.stepwise.{k}"))[:2]
            for k in STEPWISE_REPORTED
        }
        p_rem = t.value("factors.msc_remitters.fcp_pmol_l_0.pval")
        self.t_rem = -float(stats.t.isf(p_rem / 2.0, self.m - 2))  # remitters lower
        self.rem_m = self.y[self.msc] == 1
        self.terms_w = ("const", *WHOLE_POPULATION_COVARIATES)
        self.terms_s = ("const", *STEPWISE_FINAL)
        self.free_w = [i for i, c in enumerate(self.terms_w) if c not in self.target_whole]
        self.free_s = [i for i, c in enumerate(self.terms_s) if c not in self.target_step]
        self.fixed: dict | None = None
        #: whole-model terms whose SE is approached, not imposed: term -> SE
        #: currently imposed (None = free)
        self.soft_se: dict[str, float | None] = {}
        self.norm_w = self.norm_s = None
        #: lowest fasting C-peptide each participant may be moved to: the
        #: eligibility limit plus a spread, so that values pushed down do not
        #: pile up on one number
        self.fcp_floor = _FCP_BOUNDS[0] + 25.0 * np.linspace(0.0, 1.0, self.n) ** 2

    # -- unknowns ------------------------------------------------------------
    @property
    def n_cov(self) -> int:
        return self.n if self.fixed is not None else 2 * self.n + self.m

    @property
    def n_beta(self) -> int:
        return len(self.free_w) + len(self.free_s)

    def scale(self) -> np.ndarray:
        """Typical size of a plausible change of each unknown."""
        n, m = self.n, self.m
        if self.fixed is not None:
            cov = np.full(n, 40.0)
        else:
            cov = np.concatenate([np.full(n, 2.0), np.full(n, 40.0), np.full(m, 0.7)])
        return np.concatenate([cov, np.full(self.n_beta, 20.0)])

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        n, m = self.n, self.m
        if self.fixed is not None:
            pairs = [(_FCP_BOUNDS, n)]
        else:  # BMI bounds depend on age, added below
            pairs = [(_FCP_BOUNDS, n), (_HEIGHT_Z_BOUNDS, m)]
        lo = [np.full(k, b_[0]) for b_, k in pairs] + [np.full(self.n_beta, -np.inf)]
        hi = [np.full(k, b_[1]) for b_, k in pairs] + [np.full(self.n_beta, np.inf)]
        lo[0] = np.maximum(lo[0], self.fcp_floor)
        if self.fixed is None:
            blo, bhi = bmi_bounds(self.age)
            lo, hi = [blo, *lo], [bhi, *hi]
        return np.concatenate(lo), np.concatenate(hi)

    def height_m(self, hz) -> np.ndarray:
        return (self.h_ref + 6.0 * np.asarray(hz)) / 100.0

    def unpack(self, x) -> dict:
        n, m = self.n, self.m
        if self.fixed is not None:
            v = dict(self.fixed)
            v["fcp"] = x[:n]
        else:
            v = {"bmi": x[:n], "fcp": x[n : 2 * n], "hz": x[2 * n : 2 * n + m]}
            v["cells"] = 2.0 * v["bmi"][self.msc] * self.height_m(v["hz"]) ** 2
        k = self.n_cov
        v["b_w"] = x[k : k + len(self.free_w)]
        v["b_s"] = x[k + len(self.free_w) :]
        return v

    def pack(self, v: dict) -> np.ndarray:
        cov = [v["fcp"]] if self.fixed is not None else [v["bmi"], v["fcp"], v["hz"]]
        return np.concatenate([*cov, v["b_w"], v["b_s"]])

    def design(self, v: dict):
        cols = {
            "const": np.ones(self.n),
            "msc": self.msc.astype(float),
            "age_years": self.age,
            "male": self.male,
            "duration_months": self.dur,
            "bmi_kg_m2": v["bmi"],
            "hba1c_pct_0": self.hba,
            "fcp_pmol_l_0": v["fcp"],
        }
        Xw = np.column_stack([cols[c] for c in self.terms_w])
        cols_m = {k: c[self.msc] for k, c in cols.items()}
        cols_m["msc_cells_total"] = v["cells"]
        Xs = np.column_stack([cols_m[c] for c in self.terms_s])
        return Xw, Xs, cols_m

    def betas(self, v: dict) -> tuple[np.ndarray, np.ndarray]:
        bw = np.array([self.target_whole.get(c, (0.0, 0.0))[0] for c in self.terms_w])
        bw[self.free_w] = v["b_w"]
        bs = np.array([self.target_step.get(c, (0.0, 0.0))[0] for c in self.terms_s])
        bs[self.free_s] = v["b_s"]
        return bw, bs

    def whole_se(self, x, term: str) -> float:
        """Wald SE of a whole-population term at the unknowns ``x``."""
        v = self.unpack(x)
        Xw, _, _ = self.design(v)
        _, _, cov = _logit_parts(Xw, self.y, self.betas(v)[0])
        i = self.terms_w.index(term)
        return float(np.sqrt(cov[i, i]))

    # -- conditions ------------------------------------------------------------
    def _se_targets(self):
        out_w = []
        for c, (_, s_) in self.target_whole.items():
            if c in self.soft_se:
                if self.soft_se[c] is None:
                    continue
                s_ = self.soft_se[c]
            out_w.append((self.terms_w.index(c), s_))
        out_s = [(self.terms_s.index(c), s_) for c, (_, s_) in self.target_step.items()]
        return out_w, out_s

    def _assemble(self, sw, sew, ss, ses, tstat, bmi_mean, bmi_sd):
        """Equality values from the model parts (leading axis = candidates)."""
        tw, ts = self._se_targets()
        cols = [sw / self.norm_w]
        cols += [((sew[:, i] - s_) / s_)[:, None] for i, s_ in tw]
        cols += [ss / self.norm_s]
        cols += [((ses[:, i] - s_) / s_)[:, None] for i, s_ in ts]
        cols += [(tstat - self.t_rem)[:, None]]
        if self.fixed is None:
            m_, s_ = self.bmi_moments
            cols += [((bmi_mean - m_) / s_)[:, None], ((bmi_sd - s_) / s_)[:, None]]
        return np.concatenate(cols, axis=1)

    def _parts(self, v):
        Xw, Xs, cols_m = self.design(v)
        bw, bs = self.betas(v)
        sw, iw, cw = _logit_parts(Xw, self.y, bw)
        ss, is_, cs = _logit_parts(Xs, self.y[self.msc], bs)
        if self.norm_w is None:
            self.norm_w = np.sqrt(np.diag(iw))
            self.norm_s = np.sqrt(np.diag(is_))
        return {
            "Xw": Xw,
            "Xs": Xs,
            "bw": bw,
            "bs": bs,
            "cols_m": cols_m,
            "sw": sw,
            "iw": iw,
            "sew": np.sqrt(np.diag(cw)),
            "ss": ss,
            "is": is_,
            "ses": np.sqrt(np.diag(cs)),
            "t": _t_stat(cols_m["fcp_pmol_l_0"], self.rem_m),
        }

    def equalities(self, x, extra=()) -> np.ndarray:
        """Conditions that must hold exactly (0 = met), each of order 1.

        A candidate whose information matrix is not positive definite gives
        non-finite values (no warning), which the solver rejects.
        """
        with np.errstate(all="ignore"):
            return self._equalities(x, extra)

    def _equalities(self, x, extra=()) -> np.ndarray:
        v = self.unpack(x)
        P = self._parts(v)
        bmi = v["bmi"]
        r = self._assemble(
            P["sw"][None],
            P["sew"][None],
            P["ss"][None],
            P["ses"][None],
            np.array([P["t"]]),
            np.array([bmi.mean()]),
            np.array([bmi.std(ddof=1)]),
        )[0]
        if extra:
            r = np.concatenate([r, [self.inequality(name, v) - tg for name, tg in extra]])
        return r

    def jacobian(self, x, r, extra=(), h=1e-6) -> np.ndarray:
        """Forward-difference Jacobian of :meth:`equalities`, batched per unknown."""
        with np.errstate(all="ignore"):
            return self._jacobian(x, r, extra, h)

    def _jacobian(self, x, r, extra, h) -> np.ndarray:
        v = self.unpack(x)
        P = self._parts(v)
        scale = self.scale()
        n, m, nc = self.n, self.m, self.n_cov
        step = h * scale
        base = r[: r.size - len(extra)]
        J = np.zeros((r.size, x.size))
        # covariate unknowns: which row of which model each one changes
        kw, ks = len(self.terms_w), len(self.terms_s)
        cw = {c: i for i, c in enumerate(self.terms_w)}
        cs = {c: i for i, c in enumerate(self.terms_s)}
        dw = np.zeros((nc, kw))
        ds = np.zeros((nc, ks))
        row_w = np.zeros(nc, dtype=int)
        row_s = np.zeros(nc, dtype=int)
        touch_s = np.zeros(nc, dtype=bool)
        touch_w = np.zeros(nc, dtype=bool)
        fcp_off = 0 if self.fixed is not None else n
        pos_in_msc = np.full(n, -1)
        pos_in_msc[self.msc_pos] = np.arange(m)
        hgt = self.height_m(v["hz"])
        if self.fixed is None:
            ui = np.arange(n)  # BMI unknowns
            dw[ui, cw["bmi_kg_m2"]] = step[ui]
            row_w[ui], touch_w[ui] = ui, True
            mm = ui[self.msc]
            row_s[mm], touch_s[mm] = pos_in_msc[mm], True
            ds[mm, cs["bmi_kg_m2"]] = step[mm]
            ds[mm, cs["msc_cells_total"]] = 2.0 * step[mm] * hgt**2
            uz = 2 * n + np.arange(m)  # height unknowns
            row_s[uz], touch_s[uz] = np.arange(m), True
            ds[uz, cs["msc_cells_total"]] = (
                2.0 * v["bmi"][self.msc] * (self.height_m(v["hz"] + step[uz]) ** 2 - hgt**2)
            )
        uf = fcp_off + np.arange(n)  # fasting C-peptide unknowns
        dw[uf, cw["fcp_pmol_l_0"]] = step[uf]
        row_w[uf], touch_w[uf] = np.arange(n), True
        mf = uf[self.msc]
        row_s[mf], touch_s[mf] = pos_in_msc[self.msc_pos], True
        ds[mf, cs["fcp_pmol_l_0"]] = step[mf]
        sw = np.repeat(P["sw"][None], nc, axis=0)
        sew = np.repeat(P["sew"][None], nc, axis=0)
        ss = np.repeat(P["ss"][None], nc, axis=0)
        ses = np.repeat(P["ses"][None], nc, axis=0)
        u = np.flatnonzero(touch_w)
        sw[u], sew[u] = _row_updates(
            P["Xw"], self.y, P["bw"], P["sw"], P["iw"], row_w[u], dw[u]
        )
        u = np.flatnonzero(touch_s)
        ss[u], ses[u] = _row_updates(
            P["Xs"], self.y[self.msc], P["bs"], P["ss"], P["is"], row_s[u], ds[u]
        )
        tstat = np.full(nc, P["t"])
        tstat[mf] = _t_updates(
            P["cols_m"]["fcp_pmol_l_0"], self.rem_m, np.arange(m), step[mf]
        )
        bmi = v["bmi"]
        bmean = np.full(nc, bmi.mean())
        bsd = np.full(nc, bmi.std(ddof=1))
        if self.fixed is None:
            ss_b = np.sum((bmi - bmi.mean()) ** 2)
            db = step[:n]
            bmean[:n] = bmi.mean() + db / n
            bsd[:n] = np.sqrt(
                (ss_b + 2 * db * (bmi - bmi.mean()) + db**2 * (1 - 1 / n)) / (n - 1)
            )
        E = self._assemble(sw, sew, ss, ses, tstat, bmean, bsd)
        J[: base.size, :nc] = ((E - base[None, :]) / h).T
        # coefficient unknowns and held bound statements: plain differences
        for j in range(nc, x.size):
            xj = x.copy()
            xj[j] += step[j]
            J[:, j] = (self.equalities(xj, extra) - r) / h
        for e, (name, target) in enumerate(extra):
            row = base.size + e
            for j in self._depends(name):
                xj = x.copy()
                xj[j] += step[j]
                J[row, j] = (self.inequality(name, self.unpack(xj)) - target - r[row]) / h
        return J

    # -- statements held as bounds --------------------------------------------
    def _depends(self, name: str) -> np.ndarray:
        """Covariate unknowns a bound statement depends on."""
        n, nc = self.n, self.n_cov
        fcp_off = 0 if self.fixed is not None else n
        if name.startswith("fcp_normal_"):
            grp = self.rem_m if name.endswith("rem") else ~self.rem_m
            return fcp_off + self.msc_pos[grp]
        if name == "fcp_similar" or name == "pcp_similar":
            return fcp_off + np.arange(n)
        if self.fixed is not None and name in (
            "bmi_similar",
            "msc_cells_total_higher",
            "msc_cells_total_ns",
        ):
            return np.array([], dtype=int)
        if name == "bmi_similar":
            return np.arange(n)
        if name.startswith("msc_cells_total"):
            return np.concatenate([self.msc_pos, 2 * n + np.arange(self.m)])
        return np.arange(nc)

    def inequality(self, name: str, v: dict) -> float:
        """One bound statement (>= 0 = met)."""
        if name.startswith("fcp_normal_"):
            f = v["fcp"][self.msc]
            grp = self.rem_m if name.endswith("rem") else ~self.rem_m
            return float(stats.shapiro(f[grp]).pvalue) - 0.1
        if name.endswith("_similar"):
            a = {
                "bmi": v["bmi"],
                "fcp": v["fcp"],
                "pcp": v["fcp"] * self.ratio_pcp,
                "hba": self.hba,
            }[name.split("_")[0]]
            return 1.5 - abs(_t_stat(a, self.msc))
        if name.startswith(("msc_cells_total", "hba1c_pct_0_")):
            a = v["cells"] if name.startswith("msc_cells_total") else self.hba[self.msc]
            tstat = _t_stat(a, self.rem_m)
            return tstat - 0.3 if name.endswith("higher") else 1.5 - tstat
        Xw, Xs, cols_m = self.design(v)
        bw, bs = self.betas(v)
        if name.startswith("whole_"):
            _, _, cov = _logit_parts(Xw, self.y, bw)
            i = self.terms_w.index(name[len("whole_") : -len("_ns")])
            return 1.9 - abs(bw[i] / np.sqrt(cov[i, i]))
        ys = self.y[self.msc]
        if name.startswith("step_"):
            _, _, cov = _logit_parts(Xs, ys, bs)
            i = self.terms_s.index(name[len("step_") : -len("_ns")])
            return 1.9 - abs(bs[i] / np.sqrt(cov[i, i]))
        if name == "hba1c_not_entered":
            p = special.expit(Xs @ bs)
            Xh = np.column_stack([Xs, cols_m["hba1c_pct_0"]])
            u = Xh.T @ (ys - p)
            info = Xh.T @ (Xh * (p * (1 - p))[:, None])
            return 2.0 - float(u @ np.linalg.solve(info, u))
        raise KeyError(name)

    def inequalities(self, x) -> dict:
        """Every bound statement, name -> value (>= 0 = met)."""
        v = self.unpack(x)
        names = [
            f"whole_{c}_ns" for c in ("age_years", "male", "duration_months", "hba1c_pct_0")
        ]
        names += [f"step_{c}_ns" for c in MSC_ADJUSTMENT]
        names += ["hba1c_not_entered", "fcp_normal_rem", "fcp_normal_non"]
        names += [
            "hba1c_pct_0_higher",
            "hba1c_pct_0_ns",
            "msc_cells_total_higher",
            "msc_cells_total_ns",
        ]
        names += ["bmi_similar", "fcp_similar", "pcp_similar", "hba_similar"]
        return {k: self.inequality(k, v) for k in names}


#: Value an active bound statement is held at (inside its bound, with a margin).
_ACTIVE_TARGET = {"hba1c_not_entered": 0.8, "fcp_normal_rem": 0.1, "fcp_normal_non": 0.1}
#: Bound statements that can be held by moving the unknowns.
_HOLDABLE_FIXED = ("fcp_normal_rem", "fcp_normal_non", "fcp_similar", "pcp_similar")


def _solve(sur: _Surrogate, x0: np.ndarray, *, extra=(), tol=1e-10, max_iter=40):
    """Damped minimum-change Gauss-Newton on the equality conditions.

    Each step solves ``J dz = -r`` for the smallest ``dz`` in scaled units
    (``dz = -J' (J J' + lam I)^-1 r``), so that the unknowns move as little
    as the conditions require; unknowns at a bound that a step would push
    outwards stay at the bound.

    Returns
    -------
    x : numpy.ndarray
    norm : float
        Largest absolute condition value at ``x``.
    evals : int
        Jacobians computed.
    """
    lo, hi = sur.bounds()
    scale = sur.scale()
    x = np.clip(x0, lo, hi)
    r = sur.equalities(x, extra)
    evals, lam = 0, 1e-6
    for _ in range(max_iter):
        if np.max(np.abs(r)) < tol:
            break
        J = sur.jacobian(x, r, extra)
        evals += 1
        accepted = False
        for _ in range(12):
            free = np.ones(x.size, dtype=bool)
            for _ in range(3):
                Jf = J[:, free]
                dz = np.zeros(x.size)
                dz[free] = -Jf.T @ np.linalg.solve(Jf @ Jf.T + lam * np.eye(r.size), r)
                step = dz * scale
                out = ((x <= lo) & (step < 0)) | ((x >= hi) & (step > 0))
                if not (out & free).any():
                    break
                free &= ~out
            x_new = np.clip(x + step, lo, hi)
            try:
                r_new = sur.equalities(x_new, extra)
            except np.linalg.LinAlgError:
                r_new = np.full_like(r, np.inf)
            if np.all(np.isfinite(r_new)) and np.linalg.norm(r_new) < np.linalg.norm(r):
                x, r, accepted = x_new, r_new, True
                lam = max(lam / 10.0, 1e-9)
                break
            lam *= 10.0
        if not accepted:
            break
    return x, float(np.max(np.abs(r))), evals


def _hold_bounds(sur: _Surrogate, x: np.ndarray, extra=(), rounds: int = 4):
    """Re-solve while bound statements fail, holding each failed one at a safe value."""
    extra = list(extra)
    evals, norm = 0, float(np.max(np.abs(sur.equalities(x, tuple(extra)))))
    for _ in range(rounds):
        g = sur.inequalities(x)
        bad = [
            k
            for k, val in g.items()
            if val < 0
            and k not in dict(extra)
            and len(sur._depends(k))
            and not k.startswith("hba1c_pct_0_")
            and k != "hba_similar"
        ]
        if not bad:
            break
        extra += [(k, _ACTIVE_TARGET.get(k, 0.3)) for k in bad]
        x, norm, more = _solve(sur, x, extra=tuple(extra))
        evals += more
    return x, norm, evals, tuple(extra)


def _approach_se(sur: _Surrogate, x: np.ndarray, term: str, extra=(), steps: int = 6):
    """Lower a whole-model term's SE towards its target while the other conditions hold.

    The SE equation of ``term`` is added with a target between the SE reached
    and the reported one; when the conditions cannot be met the step halves
    (continuation). Returns the unknowns, the SE reached and the Jacobians
    computed.
    """
    target = sur.target_whole[term][1]
    current = sur.whole_se(x, term)
    evals = 0
    gap = current - target
    for _ in range(steps):
        if current <= target:
            break
        sur.soft_se[term] = max(target, current - gap)
        x_new, norm, more = _solve(sur, x, extra=extra, max_iter=6)
        evals += more
        if norm < 1e-9:
            x, current = x_new, sur.whole_se(x_new, term)
        else:
            gap /= 2.0
    sur.soft_se[term] = max(current, target)
    return x, current, evals


def _fit_quietly(y, X):
    """Unconstrained logistic MLE (statsmodels), or None when it fails."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            res = sm.Logit(y, X).fit(method="newton", disp=False, maxiter=50)
        except (Exception, Warning):  # separation, singular Hessian, no convergence
            return None
    if not res.mle_retvals.get("converged", False):
        return None
    return np.asarray(res.params, dtype=float), np.asarray(res.bse, dtype=float)


def _start(sur: _Surrogate, v: dict) -> np.ndarray:
    """Starting unknowns: the covariates as drawn, free coefficients as fitted."""
    Xw, Xs, _ = sur.design(v)
    out = []
    for X, y, free in ((Xw, sur.y, sur.free_w), (Xs, sur.y[sur.msc], sur.free_s)):
        fit = _fit_quietly(y, X)
        out.append(np.zeros(len(free)) if fit is None else fit[0][free])
    v = dict(v, b_w=out[0], b_s=out[1])
    return sur.pack(v)


def _assignment_badness(sur: _Surrogate, v: dict, y: np.ndarray) -> float:
    """How far the models fitted with outcome ``y`` are from the reported ones."""
    Xw, Xs, cols_m = sur.design(v)
    total = 0.0
    for X, terms, targets, yy in (
        (Xw, sur.terms_w, sur.target_whole, y),
        (Xs, sur.terms_s, sur.target_step, y[sur.msc]),
    ):
        fit = _fit_quietly(yy, X)
        if fit is None:
            return np.inf
        beta, se = fit
        for c, (b_, s_) in targets.items():
            i = terms.index(c)
            total += ((beta[i] - b_) / s_) ** 2 + ((se[i] - s_) / (0.1 * s_)) ** 2
    rem = y[sur.msc] == 1
    f = cols_m["fcp_pmol_l_0"]
    tt = float(stats.ttest_ind(f[rem], f[~rem]).statistic)
    return total + ((tt - sur.t_rem) / 0.5) ** 2


def _drawn(b: pd.DataFrame, sur: _Surrogate, idx: np.ndarray) -> dict:
    pp = b.iloc[idx]
    v = {
        "bmi": pp["bmi_kg_m2"].to_numpy(dtype=float),
        "fcp": pp["fcp0"].to_numpy(dtype=float),
        "hz": pp["height_z"].to_numpy(dtype=float)[sur.msc],
    }
    v["cells"] = 2.0 * v["bmi"][sur.msc] * sur.height_m(v["hz"]) ** 2
    return v
