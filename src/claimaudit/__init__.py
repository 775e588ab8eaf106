"""claimaudit: audit the numbers of published clinical research, claim by claim.

>>> from claimaudit import load_claims, audit
>>> results = audit(load_claims("claims/chen2017.yaml"))  # doctest: +SKIP
"""

from .audit import audit
from .errors import ClaimauditError, ClaimFileError, ContractViolation, ExtractError, ReconstructionError
from .loader import load_claims, load_paths
from .model import Claim, Expectation, Source
from .printed import Printed, parse_printed
from .verdict import Check, Result, Verdict, explain

__all__ = [
    "Check",
    "Claim",
    "ClaimFileError",
    "ClaimauditError",
    "ContractViolation",
    "Expectation",
    "ExtractError",
    "Printed",
    "ReconstructionError",
    "Result",
    "Source",
    "Verdict",
    "audit",
    "explain",
    "load_claims",
    "load_paths",
    "parse_printed",
]
__version__ = "0.1.0"
