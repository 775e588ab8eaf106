"""Patient-level data: read an extract (``extract.py``) and check it against the data contract (``contract.py``).

``contract.py`` imports great_expectations only inside its functions (~3.5 s), and the names below
are loaded on first use (PEP 562), so importing this package, or ``data.recompute`` from the
data-free ``claimaudit audit``, does not import pandas (~0.5 s).
"""

__all__ = ["COLUMNS", "STUDIES", "Extract", "read_extract"]


def __getattr__(name: str):
    if name in __all__:
        from . import extract

        return getattr(extract, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
