"""Checking derivatives: finite differences, gradcheck, jacobian, hessian (standard library only)."""

from tinygrad_edu.checking.numeric import analytic_gradient, finite_difference, gradcheck, hessian, jacobian

__all__ = ["finite_difference", "analytic_gradient", "gradcheck", "jacobian", "hessian"]
