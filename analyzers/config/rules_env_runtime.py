"""Configuration rules: what each function's own settings say about its posture."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from analyzers.config.runtimes import runtime_status
from analyzers.findings.model import Evidence, Finding, Rule, Severity
from analyzers.findings.registry import RULES
from estate.model import Estate

ENV_NO_CMK = RULES.register(
    Rule(
        id="config.env-no-cmk",
        analyzer="config",
        severity=Severity.MEDIUM,
        title="Environment variables not encrypted with a customer-managed KMS key",
        rationale=(
            "Without KMSKeyArn, Lambda encrypts environment variables with an AWS-owned key: "
            "anyone allowed lambda:GetFunctionConfiguration reads them in clear, and you cannot "
            "restrict or audit decryption through a key policy."
        ),
        remediation=(
            "Set KMSKeyArn to a customer-managed key whose policy limits kms:Decrypt to the "
            "execution role, and move secrets to Secrets Manager or SSM SecureString."
        ),
        compliance=("PCI-DSS-4.0:3.5.1", "PCI-DSS-4.0:3.6.1"),
    ),
    check=lambda ctx: env_no_cmk_findings(ctx.estate),
)

RUNTIME_DEPRECATED = RULES.register(
    Rule(
        id="config.runtime-deprecated",
        analyzer="config",
        severity=Severity.HIGH,
        title="Function runs on a deprecated (or soon deprecated) runtime",
        rationale=(
            "A deprecated runtime no longer receives security patches: known vulnerabilities in "
            "the language runtime and OS stay exploitable."
        ),
        remediation="Move the function to a supported runtime before its deprecation date.",
        compliance=("AWS-FSBP:Lambda.2", "PCI-DSS-4.0:6.3.3"),
    ),
    check=lambda ctx: runtime_deprecated_findings(ctx.estate, ctx.today),
)


def env_no_cmk_findings(estate: Estate) -> Iterator[Finding]:
    for fn in estate.functions:
        if not fn.environment or fn.kms_key_arn:
            continue
        secrets = [v.key for v in fn.environment if v.secret_kind]
        severity = Severity.HIGH if secrets else Severity.MEDIUM
        evidence = [
            Evidence("KMSKeyArn", None),
            Evidence("variables", [v.key for v in fn.environment]),
        ]
        if secrets:
            evidence.append(Evidence("variables that look like secrets", secrets))
        yield Finding(
            rule=ENV_NO_CMK,
            resource=fn.arn,
            title=f"{fn.name}: {len(fn.environment)} env vars without a customer-managed key",
            severity=severity,
            evidence=tuple(evidence),
            region=fn.region,
        )


def runtime_deprecated_findings(estate: Estate, today: dt.date) -> Iterator[Finding]:
    for fn in estate.functions:
        if not fn.runtime:
            continue  # container images carry their own runtime
        status = runtime_status(fn.runtime, today)
        if status.state not in {"deprecated", "deprecating"}:
            continue
        assert status.deprecated_on is not None
        deprecated = status.state == "deprecated"
        when = status.deprecated_on.isoformat()
        title = (
            f"{fn.name}: runtime {fn.runtime} deprecated since {when}"
            if deprecated
            else f"{fn.name}: runtime {fn.runtime} deprecated on {when} ({status.days_left(today)} days)"
        )
        yield Finding(
            rule=RUNTIME_DEPRECATED,
            resource=fn.arn,
            title=title,
            severity=Severity.HIGH if deprecated else Severity.LOW,
            evidence=(
                Evidence("Runtime", fn.runtime),
                Evidence("deprecation date", when),
                Evidence("evaluated on", today.isoformat()),
            ),
            region=fn.region,
        )
