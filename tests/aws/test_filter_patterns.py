"""The CloudWatch Logs JSON filter-pattern parser and the "matches every CIS event" test."""

from __future__ import annotations

import pytest

from scanner.providers.aws.cis_monitoring import EVENT_CLASSES
from scanner.providers.aws.filter_patterns import (
    EVERY_EVENT,
    MAX_CLAUSES,
    PatternError,
    Term,
    glob_within,
    parse,
    pattern_covers,
    term_implies,
)

CIS = {event_class.key: event_class.patterns for event_class in EVENT_CLASSES}


def clauses(pattern: str) -> set[frozenset[Term]]:
    return set(parse(pattern))


def test_terms_quoting_spacing_and_parentheses_normalize():
    expected = {frozenset({Term("$.eventName", "=", "CreateTrail")})}
    assert clauses('{ $.eventName = "CreateTrail" }') == expected
    assert clauses("{($.eventName=CreateTrail)}") == expected
    assert clauses("{ ((  $.eventName =CreateTrail ) ) }") == expected
    assert clauses("{ $['eventName'] = \"CreateTrail\" }") == expected


def test_and_binds_tighter_than_or():
    a, b, c = (Term(f"$.{name}", "=", "x") for name in "abc")
    assert clauses('{ $.a = "x" || $.b = "x" && $.c = "x" }') == {frozenset({a}), frozenset({b, c})}
    assert clauses('{ ($.a = "x" || $.b = "x") && $.c = "x" }') == {frozenset({a, c}), frozenset({b, c})}


def test_not_exists_is_and_comparisons():
    found = clauses('{ $.a NOT EXISTS && $.b IS NULL && $.c != "y" && $.d >= 10 && $.e IS TRUE }')
    assert found == {
        frozenset(
            {
                Term("$.a", "NOT EXISTS"),
                Term("$.b", "IS NULL"),
                Term("$.c", "!=", "y"),
                Term("$.d", ">=", "10.0"),
                Term("$.e", "IS TRUE"),
            }
        )
    }


def test_escaped_quotes_in_values():
    assert clauses(r'{ $.msg = "say \"hi\"" }') == {frozenset({Term("$.msg", "=", 'say "hi"')})}


def test_empty_pattern_matches_every_event():
    assert parse("") == EVERY_EVENT
    assert parse("   ") == EVERY_EVENT
    assert all(pattern_covers("", pattern) for patterns in CIS.values() for pattern in patterns)


@pytest.mark.parametrize(
    "text",
    [
        "ERROR",  # a plain term pattern, not JSON
        "[ip, user, ..., status_code = 4*, size]",
        "{ }",
        "{ $.a = }",
        '{ $.a = "x" && }',
        '{ ($.a = "x" }',
        '{ $.a = "x" ) }',
        '{ "x" = $.a }',
        "{ $.a > abc }",
    ],
)
def test_malformed_or_non_json_patterns_are_rejected(text):
    with pytest.raises(PatternError):
        parse(text)
    assert not pattern_covers(text, CIS["cloudtrail_changes"][0])


def test_expansion_is_bounded():
    conjuncts = " && ".join(f'($.f{n} = "a" || $.f{n} = "b")' for n in range(13))  # 2**13 clauses
    assert MAX_CLAUSES < 2**13
    with pytest.raises(PatternError):
        parse("{ " + conjuncts + " }")


@pytest.mark.parametrize(
    ("inner", "outer", "within"),
    [
        ("AccessDenied", "AccessDenied*", True),
        ("AccessDeniedException", "AccessDenied*", True),
        ("AccessDenied*", "AccessDenied*", True),
        ("AccessDenied*", "Access*", True),
        ("AccessDenied*", "*", True),
        ("Access*", "AccessDenied*", False),
        ("*UnauthorizedOperation", "*Unauthorized*", True),
        ("*UnauthorizedOperation", "Client.UnauthorizedOperation", False),
        ("CreateTrail", "createtrail", False),
        ("a.b", "a?b", False),  # only * is a wildcard
    ],
)
def test_wildcard_containment(inner, outer, within):
    assert glob_within(inner, outer) is within


def test_term_implication():
    eq = Term("$.eventName", "=", "CreateTrail")
    assert term_implies(eq, Term("$.eventName", "=", "Create*"))
    assert term_implies(eq, Term("$.eventName", "!=", "HeadBucket"))
    assert not term_implies(eq, Term("$.eventName", "!=", "Create*"))
    assert not term_implies(eq, Term("$.eventSource", "=", "CreateTrail"))
    assert term_implies(Term("$.a", "!=", "x*"), Term("$.a", "!=", "xy"))
    assert not term_implies(Term("$.a", "!=", "xy"), Term("$.a", "!=", "x*"))
    assert term_implies(Term("$.a", "NOT EXISTS"), Term("$.a", "NOT EXISTS"))
    assert not term_implies(Term("$.a", "NOT EXISTS"), Term("$.a", "IS NULL"))


CLOUDTRAIL = CIS["cloudtrail_changes"][0]


@pytest.mark.parametrize(
    "pattern",
    [
        # the CIS text itself, and the same with other quoting, spacing, order and parentheses
        CLOUDTRAIL,
        '{($.eventName="StopLogging")||($.eventName="StartLogging")||($.eventName="DeleteTrail")'
        '||($.eventName="UpdateTrail")||($.eventName="CreateTrail")}',
        "{ $.eventName = CreateTrail || $.eventName = UpdateTrail || $.eventName = DeleteTrail"
        " || $.eventName = StartLogging || $.eventName = StopLogging }",
        # a superset: more alternatives, or wildcards that include the CIS names
        "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail)"
        " || ($.eventName = StartLogging) || ($.eventName = StopLogging) || ($.eventName = PutEventSelectors) }",
        '{ ($.eventName = "*Trail") || ($.eventName = "*Logging") }',
        '{ $.eventSource = "cloudtrail.amazonaws.com" || $.eventName = "*" }',
    ],
)
def test_cloudtrail_change_patterns_that_cover_cis(pattern):
    assert pattern_covers(pattern, CLOUDTRAIL)


@pytest.mark.parametrize(
    "pattern",
    [
        # an event missing
        "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail)"
        " || ($.eventName = StartLogging) }",
        # narrower: an extra condition on every alternative
        '{ ($.eventSource = "cloudtrail.amazonaws.com") && (($.eventName = CreateTrail) || ($.eventName = UpdateTrail)'
        " || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging)) }",
        # case differs: CloudWatch compares values case-sensitively
        "{ ($.eventName = createtrail) || ($.eventName = updatetrail) || ($.eventName = deletetrail)"
        " || ($.eventName = startlogging) || ($.eventName = stoplogging) }",
        # a plain-text pattern is not analysed
        '"CreateTrail"',
    ],
)
def test_cloudtrail_change_patterns_that_do_not_cover_cis(pattern):
    assert not pattern_covers(pattern, CLOUDTRAIL)


def _covers_class(pattern: str, key: str) -> bool:
    return any(pattern_covers(pattern, reference) for reference in CIS[key])


def test_unauthorized_calls_published_v3_text_and_grouped_intent_both_pass():
    published = (
        '{($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && '
        '($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }'
    )
    grouped = (
        '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && '
        '($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }'
    )
    assert _covers_class(published, "unauthorized_api_calls")
    assert _covers_class(grouped, "unauthorized_api_calls")
    assert not _covers_class('{ $.errorCode = "AccessDenied*" }', "unauthorized_api_calls")
    # excluding more than CIS does is narrower
    assert not _covers_class(grouped.replace(" }", ' && ($.eventName != "GetObject") }'), "unauthorized_api_calls")


def test_console_signin_without_mfa_accepts_the_sso_excluding_alternative():
    assert _covers_class(
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
        '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
        "console_signin_without_mfa",
    )
    assert _covers_class('{ $.eventName = "ConsoleLogin" }', "console_signin_without_mfa")
    assert not _covers_class(
        '{ ($.eventName = "ConsoleLogin") && ($.userIdentity.type = "Root") }', "console_signin_without_mfa"
    )


def test_root_usage_with_not_exists():
    assert _covers_class(
        '{$.userIdentity.type="Root"&&$.userIdentity.invokedBy NOT EXISTS&&$.eventType!="AwsServiceEvent"}',
        "root_usage",
    )
    assert _covers_class('{ $.userIdentity.type = "Root" }', "root_usage")
    assert not _covers_class('{ $.userIdentity.type = "Root" && $.eventType = "AwsApiCall" }', "root_usage")


def test_every_cis_pattern_parses_and_covers_itself():
    for key, patterns in CIS.items():
        for pattern in patterns:
            assert parse(pattern), key
            assert pattern_covers(pattern, pattern), key
