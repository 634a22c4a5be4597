"""Reproducible analysis book of Lu et al. 2021 (UC-MSC in type 1 diabetes).

The package holds all the logic (data contract and validation, derived
variables, statistics, figures, the synthetic cohort and the book runner);
the notebooks in ``notebooks/`` are prose plus calls into it.
"""

__version__ = "0.1.0"
