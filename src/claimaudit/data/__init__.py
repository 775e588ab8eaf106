"""Patient-level data: read an extract (``extract.py``) and check it against the data contract (``contract.py``).

``contract.py`` imports great_expectations only inside its functions (~3.5 s), so importing this
package stays cheap.
"""

from .extract import COLUMNS, STUDIES, Extract, read_extract

__all__ = ["COLUMNS", "STUDIES", "Extract", "read_extract"]
