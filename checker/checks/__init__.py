"""Claims and documents -> findings.  Every check is registered here, in one place.

* ``DOCUMENT_CHECKS``: functions ``(doc, mentions, claims, ruleset, options) ->
  list[Finding]`` run on each document (each draft, in pre-publish mode): the checks that
  need no rule (``restatement``) and the notices (``notices``);
* ``GROUP_CHECKS``: functions ``(claims, ruleset, options) -> list[Finding]`` run once
  over every claim read: the comparison across articles (``compare``) and the rule
  files' arithmetic checks (``arithmetic``).

The pipeline runs both lists; a new check is a function added to one of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..model import Claim, Document, Finding, Mention
from ..attribute import implausible_claims
from ..rules import RuleSet
from .arithmetic import check_arithmetic, corpus_check_rules
from . import compare as comparison
from .notices import find_notices, implausible_notices
from .restatement import CONVERSION_RULE, RANGE_ORDER_RULE, RESTATEMENT_RULE, check_document
from ..rules.notices import NOTICE_IDS


@dataclass(frozen=True, slots=True)
class CheckOptions:
    show_consistent: bool = False
    #: pre-publish mode: the drafts' paths; group checks may skip groups without a draft claim
    involving: frozenset[str] | None = None
    #: the findings are listed again around the draft (``checks.prepublish.draft_centred``,
    #: which writes their detail): compare leaves the detail of its own listing unwritten
    relisted: bool = False


DocumentCheck = Callable[[Document, list[Mention], list[Claim], RuleSet, CheckOptions], list[Finding]]
GroupCheck = Callable[[list[Claim], RuleSet, CheckOptions], list[Finding]]


def _restatements(doc: Document, mentions: list[Mention], claims: list[Claim], ruleset: RuleSet,
                  options: CheckOptions) -> list[Finding]:
    return check_document(doc, mentions, show_consistent=options.show_consistent)


def _notices(doc: Document, mentions: list[Mention], claims: list[Claim], ruleset: RuleSet,
             options: CheckOptions) -> list[Finding]:
    findings = find_notices(doc, mentions, ruleset, settings=ruleset.notice_levels)
    refused = implausible_claims(doc, mentions, ruleset, claims)
    if refused:
        findings += implausible_notices(doc, refused, ruleset, settings=ruleset.notice_levels)
        findings.sort(key=Finding.sort_key)
    return findings


def _compare(claims: list[Claim], ruleset: RuleSet, options: CheckOptions) -> list[Finding]:
    return comparison.compare(claims, ruleset, show_consistent=options.show_consistent, involving=options.involving,
                              detail=not options.relisted)


def _arithmetic(claims: list[Claim], ruleset: RuleSet, options: CheckOptions) -> list[Finding]:
    return check_arithmetic(claims, ruleset.checks, show_consistent=options.show_consistent)


def known_rule_ids(ruleset: RuleSet) -> tuple[str, ...]:
    """Every id a finding of these checks can carry: the claim rules, the arithmetic checks,
    the notices and the rule-free derived checks."""
    return (*(r.id for r in ruleset.rules), *(c.id for c in ruleset.checks), *NOTICE_IDS,
            RESTATEMENT_RULE, CONVERSION_RULE, RANGE_ORDER_RULE)


#: Run on each document (drafts only in pre-publish mode).
DOCUMENT_CHECKS: list[DocumentCheck] = [_restatements, _notices]
#: Run once over every claim read.
GROUP_CHECKS: list[GroupCheck] = [_compare, _arithmetic]
#: The comparison among GROUP_CHECKS: against an index's summaries it runs once per time bucket
#: of the drafts' families (``prepublish.SummaryPlan``), the others once over every claim.
COMPARE: GroupCheck = _compare

__all__ = ["COMPARE", "DOCUMENT_CHECKS", "GROUP_CHECKS", "CheckOptions", "DocumentCheck", "GroupCheck", "corpus_check_rules",
           "known_rule_ids"]
