"""Read claim files: YAML with line numbers → schema → :class:`Claim` objects, or one error.

Every problem raises :class:`ClaimFileError` naming the file, the line, the claim id and the
field. Checks, in order: the file reads as UTF-8 YAML without duplicate keys; it matches
``claims.schema.json``; ids are unique; the source text exists and every quote occurs in it
(whitespace and hyphenated line breaks normalised); every printed value parses; references
(``inputs``, ``same_as``, ``depends_on``) resolve; each kind gets the roles and params it
declares; values that cannot be right whatever else is printed (k > n, P outside [0, 1], a CI
not containing its HR) are rejected with the role named.
"""

from __future__ import annotations

import dataclasses
import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import yaml

from .errors import ClaimFileError
from .kinds import KINDS, RoleError, load_all
from .model import Claim, Expectation, Ref, Source
from .printed import parse_printed


class _Map(dict):
    """A YAML mapping that remembers the line of each key (1-based)."""

    line: int = 0
    key_lines: dict

    def __init__(self) -> None:
        super().__init__()
        self.key_lines = {}


def _construct(node: yaml.Node, path: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        out = _Map()
        out.line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise ClaimFileError(
                    "YAML merge keys (<<) are not supported", path=path, line=key_node.start_mark.line + 1, field="<<",
                    hint="write the fields out, or reuse a whole value with an anchor (&name) and an alias (*name)",
                )
            key = _construct(key_node, path)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise ClaimFileError("a mapping key must be a plain value", path=path, line=key_node.start_mark.line + 1)
            key = str(key) if not isinstance(key, str) else key
            if key in out:
                raise ClaimFileError(
                    f"duplicate key {key!r} in one mapping",
                    path=path,
                    line=key_node.start_mark.line + 1,
                    field=key,
                    hint="YAML would silently keep only the last one",
                )
            out[key] = _construct(value_node, path)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(v, path) for v in node.value]
    # Scalars: the safe constructor resolves the tag (int, float, bool, str, null).
    return _SCALAR_LOADER.construct_object(node, deep=True)


_SCALAR_LOADER = yaml.SafeLoader("")


@lru_cache(maxsize=1)
def schema() -> dict:
    """The JSON Schema of claim files (``claims.schema.json``)."""
    return json.loads(resources.files(__package__).joinpath("claims.schema.json").read_text("utf-8"))


def _validator():
    from jsonschema import Draft202012Validator  # ~0.1 s; only when a file is loaded

    return Draft202012Validator(schema())


def _normalise(text: str, keep_hyphen: bool) -> str:
    """Source text without whitespace, hyphenated line breaks joined (or the hyphen kept)."""
    text = re.sub(r"-[ \t]*\r?\n\s*", "-" if keep_hyphen else "", text)
    return re.sub(r"\s+", "", text)


@lru_cache(maxsize=16)
def _normalised_source(text: str) -> tuple[str, str]:
    return _normalise(text, False), _normalise(text, True)


def quote_in_source(quote: str, text: str) -> bool:
    """The quote occurs in the text once whitespace and hyphenated line breaks are normalised."""
    q = re.sub(r"\s+", "", quote)
    joined, kept = _normalised_source(text)
    return q in joined or q in kept


def _line_of(data: Any, field: str, default: int) -> int:
    return getattr(data, "key_lines", {}).get(field, getattr(data, "line", default)) or default


def _schema_error(path: str, doc: Any, err) -> ClaimFileError:
    loc = list(err.absolute_path)
    claim_id, field, line = None, None, getattr(doc, "line", 0)
    node = doc
    if len(loc) >= 2 and loc[0] == "claims" and isinstance(loc[1], int):
        claim = doc["claims"][loc[1]]
        claim_id = claim.get("id") if isinstance(claim, dict) else None
        line = getattr(claim, "line", line)
        node, rest = claim, loc[2:]
    else:
        rest = loc
    for part in rest:
        line = _line_of(node, part, line) if isinstance(part, str) else line
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        line = getattr(node, "line", line)
    field = ".".join(str(p) for p in rest) or None
    validator = err.validator
    hint = None
    if validator == "type" and err.validator_value == "string" and isinstance(err.instance, (int, float)):
        problem = f"{err.instance!r} is a YAML number, not a printed value"
        hint = 'write printed values in quotes, e.g. "0.50": unquoted YAML numbers lose trailing zeros'
    elif validator == "required":
        missing = err.message.split("'")[1]
        problem = f"missing required field {missing!r}"
        field = ".".join([*(str(p) for p in rest), missing])
    elif validator == "enum" and rest and rest[-1] == "kind":
        problem = f"unknown kind {err.instance!r}"
        hint = "known kinds: " + ", ".join(sorted(KINDS))
    elif validator == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        problem = f"unknown field {extra[0]!r}" if extra else err.message
        field = ".".join([*(str(p) for p in rest), extra[0]]) if extra else field
        hint = "allowed: " + ", ".join(sorted(err.schema.get("properties", {})))
    elif validator == "type":
        names = {"array": "a list", "object": "a mapping", "string": "a string", "boolean": "true or false"}
        want = names.get(err.validator_value, err.validator_value)
        found = next(
            (name for t, name in ((bool, "true or false"), (list, "a list"), (dict, "a mapping"), (str, "a string"), (int, "a number"),
                                  (float, "a number"), (type(None), "nothing")) if isinstance(err.instance, t)),
            type(err.instance).__name__,
        )
        problem = f"must be {want}, found {found}"
    elif validator == "pattern":
        problem = f"{err.instance!r} does not match the pattern {err.validator_value!r}"
    else:
        problem = err.message
    return ClaimFileError(problem, path=path, line=line, claim_id=claim_id, field=field, hint=hint)


def _compose(text: str) -> yaml.Node | None:
    """The YAML node tree: libyaml when present (~12x faster on chen2017.yaml: 0.007 s, not 0.08 s).

    Any error is raised by the pure-Python parser, so messages and lines do not depend on libyaml.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass  # re-parse below for the pure parser's message
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _read_yaml(path: Path, shown: str) -> Any:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ClaimFileError("no such claim file", path=shown) from None
    except OSError as e:
        raise ClaimFileError(f"cannot read the claim file: {e.strerror}", path=shown) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise ClaimFileError(f"not UTF-8: byte 0x{raw[e.start]:02x}", path=shown, line=line, hint="save the file as UTF-8") from None
    try:
        node = _compose(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ClaimFileError(f"malformed YAML: {problem}", path=shown, line=mark.line + 1 if mark else None) from None
    if node is None:
        raise ClaimFileError("empty claim file", path=shown, hint="a claim file has a 'source' and a 'claims' list")
    return _construct(node, shown)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_claims(path: str | Path) -> list[Claim]:
    """Load and validate one claim file; the claims in file order."""
    load_all()
    path = Path(path)
    shown = _display(path)
    doc = _read_yaml(path, shown)
    if not isinstance(doc, dict):
        raise ClaimFileError("a claim file is a mapping with 'source' and 'claims'", path=shown, line=1)
    errors = sorted(_validator().iter_errors(doc), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    if errors:
        # Report the most specific error first: the deepest path within the first claim at fault.
        first = min(errors, key=lambda e: (_claim_index(e), -len(e.absolute_path)))
        raise _schema_error(shown, doc, first)
    source = _load_source(doc["source"], path, shown)
    claims = [_claim(raw, source, shown) for raw in doc["claims"]]
    _check_ids(claims, shown)
    _check_references(claims, shown)
    claims = _resolve_alpha(claims, doc["source"], shown)
    for claim in claims:
        _check_values(claim, claims, shown)
    return claims


def _claim_index(err) -> int:
    loc = list(err.absolute_path)
    return loc[1] if len(loc) >= 2 and loc[0] == "claims" and isinstance(loc[1], int) else -1


def _load_source(raw: dict, path: Path, shown: str) -> Source:
    text_path = (path.parent / raw["text"]).resolve()
    try:
        text = text_path.read_text("utf-8")
    except FileNotFoundError:
        raise ClaimFileError(
            f"source text {raw['text']!r} not found", path=shown, line=_line_of(raw, "text", 0), field="source.text",
            hint="the path is relative to the claim file",
        ) from None
    except UnicodeDecodeError:
        raise ClaimFileError("source text is not UTF-8", path=shown, line=_line_of(raw, "text", 0), field="source.text") from None
    return Source(
        id=raw["id"],
        title=raw.get("title", ""),
        citation=raw.get("citation", ""),
        text_path=raw["text"],
        text=text,
        software=raw.get("software", ""),
        alpha=raw.get("alpha", "0.05"),
        rounding=tuple(raw.get("rounding", ("half_up", "half_even"))),
    )


def _claim(raw: dict, source: Source, shown: str) -> Claim:
    cid = raw["id"]
    lines = dict(raw.key_lines)
    if not quote_in_source(raw["quote"], source.text):
        raise ClaimFileError(
            "the quote does not occur in the source text",
            path=shown, line=lines.get("quote"), claim_id=cid, field="quote",
            hint=f"copy the exact words from {source.text_path}; whitespace and hyphenated line breaks may differ",
        )
    expect = None
    if "expect" in raw:
        expect = Expectation(raw["expect"], raw.get("reason", ""))
    same_as = {}
    for role, refs in raw.get("same_as", {}).items():
        refs = [refs] if isinstance(refs, str) else refs
        same_as[role] = tuple(Ref.parse(r) for r in refs)
    return Claim(
        id=cid,
        source=source,
        where=raw["where"],
        quote=raw["quote"],
        kind=raw["kind"],
        reported=dict(raw.get("reported", {})),
        inputs={role: Ref.parse(r) for role, r in raw.get("inputs", {}).items()},
        same_as=same_as,
        depends_on=tuple(raw.get("depends_on", ())),
        params=dict(raw.get("params", {})),
        data=dict(raw["data"]) if "data" in raw else None,
        significant=raw.get("significant"),
        expect=expect,
        reason=raw.get("reason", ""),
        rounding=tuple(raw.get("rounding", source.rounding)),
        path=shown,
        line=raw.line,
        lines=lines,
    )


_ALPHA_REF = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z_][a-z0-9_]*$")  # claim-id.role; "0.05" never matches


def _resolve_alpha(claims: list[Claim], raw: dict, shown: str) -> list[Claim]:
    """``source.alpha: methods-alpha.alpha`` takes the level from the claim that prints it (printed once)."""
    if not claims or not _ALPHA_REF.match(claims[0].source.alpha):
        return claims
    ref = Ref.parse(claims[0].source.alpha)
    target = next((c for c in claims if c.id == ref.claim), None)
    if target is None or ref.role not in target.reported:
        problem = f"refers to unknown claim {ref.claim!r}" if target is None else f"claim {ref.claim!r} has no printed value {ref.role!r}"
        raise ClaimFileError(problem, path=shown, line=_line_of(raw, "alpha", 0), field="source.alpha",
                             hint='give the level as printed ("0.05") or the claim that prints it (claim-id.role)')
    source = dataclasses.replace(claims[0].source, alpha=target.reported[ref.role])
    return [dataclasses.replace(c, source=source) for c in claims]


def _check_ids(claims: list[Claim], shown: str) -> None:
    seen: dict[str, int] = {}
    for c in claims:
        if c.id in seen:
            raise ClaimFileError(
                f"duplicate claim id (first at line {seen[c.id]})", path=shown, line=c.line, claim_id=c.id, field="id",
                hint="ids are stable and unique within a file",
            )
        seen[c.id] = c.line


def _check_references(claims: list[Claim], shown: str) -> None:
    by_id = {c.id: c for c in claims}
    for c in claims:
        refs: list[tuple[str, Ref]] = [(f"inputs.{role}", r) for role, r in c.inputs.items()]
        refs += [(f"same_as.{role}", r) for role, rs in c.same_as.items() for r in rs]
        for field, ref in refs:
            target = by_id.get(ref.claim)
            if target is None:
                raise ClaimFileError(
                    f"refers to unknown claim {ref.claim!r}", path=shown, line=c.line_of(field.split(".")[0]),
                    claim_id=c.id, field=field,
                )
            if ref.role not in target.reported:
                raise ClaimFileError(
                    f"claim {ref.claim!r} has no printed value {ref.role!r}", path=shown,
                    line=c.line_of(field.split(".")[0]), claim_id=c.id, field=field,
                    hint="known: " + (", ".join(target.reported) or "none"),
                )
        for role in c.same_as:
            if role not in c.reported and role not in c.inputs:
                raise ClaimFileError(
                    f"same_as names role {role!r}, which this claim does not print", path=shown,
                    line=c.line_of("same_as"), claim_id=c.id, field=f"same_as.{role}",
                )
        for dep in c.depends_on:
            if dep not in by_id:
                raise ClaimFileError(
                    f"depends on unknown claim {dep!r}", path=shown, line=c.line_of("depends_on"), claim_id=c.id,
                    field="depends_on",
                )


def resolve_values(claim: Claim, by_id: dict[str, Claim]):
    """Every printed value a claim's check reads: its own ``reported`` and its ``inputs``."""
    values = {}
    for role, text in claim.reported.items():
        values[role] = parse_printed(text, claim.rounding)
    for role, ref in claim.inputs.items():
        target = by_id[ref.claim]
        values[role] = parse_printed(target.reported[ref.role], target.rounding)
    return values


def _check_values(claim: Claim, claims: list[Claim], shown: str) -> None:
    for role, text in claim.reported.items():
        try:
            parse_printed(text, claim.rounding)
        except ValueError as e:
            raise ClaimFileError(
                str(e), path=shown, line=claim.line_of("reported"), claim_id=claim.id, field=f"reported.{role}",
                hint='write it exactly as printed, e.g. "0.223", "<0.001", "1:64"',
            ) from None
    spec = KINDS[claim.kind]
    roles = set(claim.reported) | set(claim.inputs)
    for role in sorted(roles):
        if not spec.accepts_role(role):
            field = f"reported.{role}" if role in claim.reported else f"inputs.{role}"
            raise ClaimFileError(
                f"kind {claim.kind!r} has no role {role!r}", path=shown, line=claim.line_of(field.split(".")[0]),
                claim_id=claim.id, field=field, hint="roles: " + ", ".join(spec.required + spec.optional),
            )
    for role in spec.required:
        if not any(_matches(r, role) for r in roles):
            raise ClaimFileError(
                f"kind {claim.kind!r} needs a printed value {role!r}", path=shown, line=claim.line,
                claim_id=claim.id, field=f"reported.{role}", hint="give it in 'reported' or take it from a claim in 'inputs'",
            )
    for name in claim.params:
        if name not in spec.params:
            raise ClaimFileError(
                f"kind {claim.kind!r} takes no param {name!r}", path=shown, line=claim.line_of("params"),
                claim_id=claim.id, field=f"params.{name}",
                hint=("params: " + ", ".join(spec.params)) if spec.params else "this kind takes no params",
            )
    if claim.significant is not None and "p" not in roles:
        raise ClaimFileError(
            "'significant' needs a printed value 'p'", path=shown, line=claim.line_of("significant"),
            claim_id=claim.id, field="significant",
        )
    if "reason" in spec.needs and not claim.reason:
        raise ClaimFileError(
            f"kind {claim.kind!r} needs a 'reason'", path=shown, line=claim.line, claim_id=claim.id, field="reason",
            hint="say why the printed numbers cannot decide this claim",
        )
    if "data" in spec.needs and claim.data is None:
        raise ClaimFileError(
            f"kind {claim.kind!r} needs a 'data' block", path=shown, line=claim.line, claim_id=claim.id, field="data",
            hint="say how the claim is recomputed from patient-level data (metric, cohort, ...)",
        )
    if claim.expect and not claim.expect.reason:
        raise ClaimFileError(
            "an expectation needs a reason", path=shown, line=claim.line_of("expect"), claim_id=claim.id, field="reason",
        )
    if spec.validate is not None:
        by_id = {c.id: c for c in claims}
        try:
            spec.validate(resolve_values(claim, by_id))
        except RoleError as e:
            field = f"inputs.{e.role}" if e.role in claim.inputs else f"reported.{e.role}"
            raise ClaimFileError(str(e), path=shown, line=claim.line_of(field.split(".")[0]), claim_id=claim.id, field=field) from None


def _matches(role: str, pattern: str) -> bool:
    import fnmatch

    return fnmatch.fnmatchcase(role, pattern)


def load_paths(paths: Iterable[str | Path]) -> list[Claim]:
    """Load several claim files (a folder means its ``*.yaml``); claims in file order."""
    claims: list[Claim] = []
    for p in paths:
        p = Path(p)
        files = sorted(p.glob("*.yaml")) if p.is_dir() else [p]
        for f in files:
            claims.extend(load_claims(f))
    return claims
