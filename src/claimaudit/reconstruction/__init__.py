"""Reconstructed cohorts: patient-level data that meets a source's printed aggregates jointly, or proof that none can.

A reconstruction reads its constraints from the claim catalogue (:mod:`.constraints`: claim id,
role, printed value, parsed only by :func:`claimaudit.printed.parse_printed`), searches for data
meeting all of them at once, and writes an extract (``docs/extract-format.md``) with a
provenance file that lists every constraint with its printed and achieved value
(:mod:`.provenance`). A constraint that cannot hold is never relaxed silently: the provenance
says it does not hold, with the proof or the bound searched and the closest value found.

Modules:

* :mod:`.constraints` - the printed values a cohort must meet, by claim id and role;
* :mod:`.survival` - the exhaustive enumeration of event/censoring structures deciding the
  Kaplan-Meier, log-rank and Cox numbers of Chen 2017 under Breslow and Efron ties;
* :mod:`.nmosd` - the tacrolimus and azathioprine cohorts (Chen 2017);
* :mod:`.mg` - the myasthenia gravis cohort and healthy controls (Wu 2022);
* :mod:`.provenance` - achieved values, holds/does not hold, and the JSON written next to the data;
* :mod:`.implications` - facts the printed numbers force, rendered as ``docs/implications.md``;
* :mod:`.build` - regenerate everything, or compare with what is committed (``claimaudit reconstruct``).

A pass on reconstructed data (basis ``reconstruction``) shows that the printed numbers are
jointly achievable, not that the authors' data are these.
"""
