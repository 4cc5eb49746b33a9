"""CloudWatch Logs JSON filter patterns: a parser, and "does pattern P match every event pattern C matches?".

Metric filters decide which log events count towards a metric. The CIS AWS Foundations
Benchmark publishes one pattern per event class (``cis_monitoring``); an account passes when
some filter on the trail's log group matches at least those events. Comparing the text would
fail patterns that differ only in spacing, quoting, parentheses or extra alternatives, so both
patterns are parsed and compared as boolean formulas over *terms* (``$.field <op> value``).

Grammar (the JSON form of https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html)::

    pattern := '{' expr '}'
    expr    := and ('||' and)*          -- '&&' binds tighter than '||'
    and     := unary ('&&' unary)*
    unary   := '(' expr ')' | term
    term    := selector op value | selector 'NOT EXISTS' | selector 'IS' ('NULL' | 'TRUE' | 'FALSE')
    op      := '=' | '!=' | '<' | '<=' | '>' | '>='
    value   := "quoted" | bare-word | number     -- '*' in a string value is a wildcard

Coverage is decided on the disjunctive normal form: P covers C when every clause (a conjunction
of terms) of C implies some clause of P, and a clause implies another when each term of the
other is implied by one of its terms. That test is sound (a pass is never wrong) but not
complete: it can miss coverage that needs several terms of C together to imply one term of P.
An empty pattern matches every event; a pattern that is not JSON (plain terms, ``[...]`` space
delimited) is never taken to cover a JSON pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product

# A pattern whose normal form would exceed this many clauses is not analysed (treated as not covering).
MAX_CLAUSES = 4096
_WILDCARD_STAND_IN = "\x00"


class PatternError(ValueError):
    """The text is not a JSON filter pattern this parser understands."""


@dataclass(frozen=True, order=True)
class Term:
    """One comparison: ``selector op value``; ``value`` is None for NOT EXISTS and the IS tests."""

    selector: str
    op: str
    value: str | None = None

    def __str__(self) -> str:
        return f"{self.selector} {self.op}" + ("" if self.value is None else f' "{self.value}"')


Clause = frozenset[Term]
Formula = frozenset[Clause]  # a disjunction of conjunctions; frozenset({frozenset()}) is "every event"

EVERY_EVENT: Formula = frozenset({frozenset()})

_TOKEN = re.compile(
    r"""
    \s*(?:
      (?P<open>\()|(?P<close>\))|(?P<and>&&)|(?P<or>\|\|)
    | (?P<op>!=|<=|>=|=|<|>)
    | (?P<not_exists>NOT\s+EXISTS\b)
    | (?P<is>IS\s+(?:NULL|TRUE|FALSE)\b)
    | (?P<selector>\$(?:\.[A-Za-z0-9_\-@]+|\[\d+\]|\[\*\]|\['[^']*'\]|\["[^"]*"\])*)
    | "(?P<quoted>(?:[^"\\]|\\.)*)"
    | (?P<bare>[^\s()&|=!<>"]+)
    )""",
    re.VERBOSE,
)


def _tokens(text: str) -> list[tuple[str, str]]:
    found, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise PatternError(f"cannot read the pattern at {text[position : position + 20]!r}")
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "quoted":
            value = re.sub(r"\\(.)", r"\1", value)
        found.append((kind, value))
        position = match.end()
    return found


def _selector(text: str) -> str:
    """``$.a.b``, ``$.a['b']`` and ``$.a["b"]`` name the same field."""
    return re.sub(r"""\[['"]([^'"]*)['"]\]""", r".\1", text)


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.position = 0

    def peek(self) -> str | None:
        return self.tokens[self.position][0] if self.position < len(self.tokens) else None

    def take(self, *kinds: str) -> tuple[str, str]:
        if self.peek() not in kinds:
            got = self.tokens[self.position][1] if self.position < len(self.tokens) else "end of pattern"
            raise PatternError(f"expected {' or '.join(kinds)}, got {got!r}")
        token = self.tokens[self.position]
        self.position += 1
        return token

    def expr(self) -> Formula:
        formula = self.conjunction()
        while self.peek() == "or":
            self.take("or")
            formula = _or(formula, self.conjunction())
        return formula

    def conjunction(self) -> Formula:
        formula = self.unary()
        while self.peek() == "and":
            self.take("and")
            formula = _and(formula, self.unary())
        return formula

    def unary(self) -> Formula:
        if self.peek() == "open":
            self.take("open")
            inner = self.expr()
            self.take("close")
            return inner
        return frozenset({frozenset({self.term()})})

    def term(self) -> Term:
        selector = _selector(self.take("selector")[1])
        kind, text = self.take("op", "not_exists", "is")
        if kind == "not_exists":
            return Term(selector, "NOT EXISTS")
        if kind == "is":
            return Term(selector, "IS " + text.split()[-1])
        value_kind, value = self.take("quoted", "bare")
        if value_kind == "bare" and text in ("<", "<=", ">", ">="):
            value = _number(value)
        return Term(selector, text, value)


def _number(text: str) -> str:
    try:
        return repr(float(text))
    except ValueError:
        raise PatternError(f"{text!r} is not a number") from None


def _or(left: Formula, right: Formula) -> Formula:
    return _checked(left | right)


def _and(left: Formula, right: Formula) -> Formula:
    return _checked(frozenset(a | b for a, b in product(left, right)))


def _checked(formula: Formula) -> Formula:
    if len(formula) > MAX_CLAUSES:
        raise PatternError(f"the pattern has more than {MAX_CLAUSES} alternatives once expanded")
    return formula


def parse(pattern: str) -> Formula:
    """The pattern as a disjunction of conjunctions of terms; ``PatternError`` if it is not a JSON pattern."""
    text = pattern.strip()
    if not text:
        return EVERY_EVENT
    if not (text.startswith("{") and text.endswith("}")):
        raise PatternError("not a JSON filter pattern (it does not start with '{' and end with '}')")
    tokens = _tokens(text[1:-1])
    if not tokens:
        raise PatternError("an empty JSON filter pattern")
    parser = _Parser(tokens)
    formula = parser.expr()
    if parser.position != len(tokens):
        raise PatternError(f"unexpected {tokens[parser.position][1]!r}")
    return formula


# --- implication --------------------------------------------------------------------------------------


def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if char == "*" else re.escape(char) for char in pattern), re.DOTALL)


def glob_within(inner: str, outer: str) -> bool:
    """Whether every string the wildcard value ``inner`` matches is matched by ``outer`` too.

    A ``*`` of ``inner`` can only be absorbed by a ``*`` of ``outer``: it is replaced by a
    character no literal matches, then ``outer`` must match the result. Sound; exact for the
    values filter patterns use.
    """
    probe = inner.replace("*", _WILDCARD_STAND_IN)
    return _glob(outer).fullmatch(probe) is not None


def _disjoint(left: str, right: str) -> bool:
    """Whether no string matches both wildcard values (decided only when one has no wildcard)."""
    if "*" not in left:
        return _glob(right).fullmatch(left) is None
    if "*" not in right:
        return _glob(left).fullmatch(right) is None
    return False


def term_implies(term: Term, other: Term) -> bool:
    """Whether every event matching ``term`` matches ``other``."""
    if term == other:
        return True
    if term.selector != other.selector or term.value is None or other.value is None:
        return False
    if term.op == "=" and other.op == "=":
        return glob_within(term.value, other.value)
    if term.op == "!=" and other.op == "!=":
        return glob_within(other.value, term.value)
    if term.op == "=" and other.op == "!=":
        return _disjoint(term.value, other.value)
    return False


def clause_implies(clause: Clause, other: Clause) -> bool:
    """Whether the conjunction ``clause`` implies the conjunction ``other``."""
    return all(any(term_implies(term, wanted) for term in clause) for wanted in other)


def covers(pattern: Formula, reference: Formula) -> bool:
    """Whether ``pattern`` matches every event ``reference`` matches (sound, see the module doc)."""
    return all(any(clause_implies(clause, mine) for mine in pattern) for clause in reference)


def pattern_covers(pattern: str, reference: str) -> bool:
    """``covers`` on pattern texts; a pattern that cannot be parsed covers nothing."""
    try:
        mine = parse(pattern)
    except PatternError:
        return False
    return covers(mine, parse(reference))
