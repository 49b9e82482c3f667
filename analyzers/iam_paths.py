"""IAM rules. So far: policies the engine cannot parse, which leave access unknown, not denied."""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.findings import RULES, Evidence, Finding, Rule, Severity
from estate.invokers import grants_from_policy
from estate.model import Estate

UNPARSEABLE_POLICY = RULES.register(
    Rule(
        id="iam.unparseable-policy",
        analyzer="iam",
        severity=Severity.MEDIUM,
        title="A policy could not be parsed, so the access it grants is unknown",
        rationale=(
            "lambdascope never guesses: a policy it cannot parse is left out of every analysis, so "
            "who can invoke the resource (or what a role can do) is unknown until it is fixed."
        ),
        remediation="Inspect the policy text in the evidence; AWS may accept forms we do not yet parse.",
        compliance=(),
    )
)


def unparseable_policy_findings(estate: Estate) -> Iterator[Finding]:
    for fn in estate.functions:
        _grants, problems = grants_from_policy(fn)
        for problem in problems:
            yield Finding(
                rule=UNPARSEABLE_POLICY,
                resource=fn.arn,
                title=f"{fn.name}: resource policy could not be parsed ({problem.message})",
                severity=Severity.MEDIUM,
                evidence=(
                    Evidence("error", problem.message),
                    Evidence("policy", fn.policy.text if fn.policy else None),
                ),
                region=fn.region,
            )
