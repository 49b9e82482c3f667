"""Configuration rules on a function's own settings: secrets in environment variables and
active tracing.

Secret verdicts come from the snapshot (detect-secrets plugins plus the entropy and key-name
rules of estate/secrets.py, with its allow-list of obvious non-secrets); the values themselves are
never read here, so no finding can leak one: evidence names the variable, the kind, the length and
the keyed digest only.
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.findings.model import Evidence, Finding, Rule, Severity
from analyzers.findings.registry import RULES
from estate.model import EnvVar, Estate

ENV_SECRET = RULES.register(
    Rule(
        id="config.env-secret",
        analyzer="config",
        severity=Severity.HIGH,
        title="A secret is stored in an environment variable",
        rationale=(
            "Environment variables are returned in clear by lambda:GetFunctionConfiguration to anyone "
            "allowed it, copied into every version, deployment tool and log of the configuration, and "
            "never rotated. A live payment-provider key, cloud key or private key there is a breach "
            "waiting for the first over-broad read permission."
        ),
        remediation=(
            "Rotate the secret now, store it in Secrets Manager (or an SSM SecureString), grant the "
            "execution role secretsmanager:GetSecretValue on that one secret, and read it at start-up "
            "(the AWS Parameters and Secrets Lambda extension caches it)."
        ),
    ),
    check=lambda ctx: env_secret_findings(ctx.estate),
)

NO_TRACING = RULES.register(
    Rule(
        id="config.no-tracing",
        analyzer="config",
        severity=Severity.LOW,
        title="Function does not use AWS X-Ray active tracing",
        rationale=(
            "Without active tracing an incident responder cannot follow a request through the "
            "function to the stores and services it called, nor see where latency or errors began."
        ),
        remediation="Set TracingConfig Mode=Active (aws lambda update-function-configuration "
        "--function-name NAME --tracing-config Mode=Active) and allow the role xray:PutTraceSegments.",
    ),
    check=lambda ctx: no_tracing_findings(ctx.estate),
)

# Kinds whose leak hands over money or infrastructure outright (detect-secrets' type names; its
# Stripe plugin matches live keys only, sk_live_/rk_live_).
CRITICAL_KINDS = frozenset(
    {
        "AWS Access Key",
        "Private Key",
        "Stripe Access Key",
        "Square OAuth Secret",
        "Azure Storage Account access key",
        "IBM Cloud IAM Key",
        "IBM COS HMAC Credentials",
        "Twilio API Key",
        "GitHub Token",
        "GitLab Token",
    }
)
# Guesses from entropy or the variable's name alone: worth a look, not proof.
WEAK_KINDS = frozenset({"Base64 High Entropy String", "Hex High Entropy String", "Secret-named variable"})


def secret_severity(kind: str) -> Severity:
    if kind in CRITICAL_KINDS:
        return Severity.CRITICAL
    if kind in WEAK_KINDS:
        return Severity.MEDIUM
    return Severity.HIGH  # a named detector (JWT, Slack, credentials in a URL, ...)


def _variable_evidence(var: EnvVar) -> Evidence:
    value = {"kind": var.secret_kind, "length": var.length}
    if var.digest:
        value["hmac_sha256"] = var.digest
    return Evidence(f"variable {var.key}", value)


def env_secret_findings(estate: Estate) -> Iterator[Finding]:
    for fn in estate.functions:
        secrets = [v for v in fn.environment if v.secret_kind]
        if not secrets:
            continue
        severity = max((secret_severity(str(v.secret_kind)) for v in secrets), key=lambda s: s.rank)
        kinds = sorted({str(v.secret_kind) for v in secrets})
        names = ", ".join(v.key for v in secrets)
        evidence = [_variable_evidence(v) for v in secrets]
        evidence.append(Evidence("KMSKeyArn", fn.kms_key_arn))
        yield Finding(
            rule=ENV_SECRET,
            resource=fn.arn,
            title=f"{fn.name}: {names} hold{'s' if len(secrets) == 1 else ''} {', '.join(kinds)}",
            severity=severity,
            evidence=tuple(evidence),
            region=fn.region,
        )


def no_tracing_findings(estate: Estate) -> Iterator[Finding]:
    for fn in estate.functions:
        if fn.tracing_mode is None or fn.tracing_mode == "Active":
            continue  # None: the listing carried no TracingConfig, so the state is unknown
        yield Finding(
            rule=NO_TRACING,
            resource=fn.arn,
            title=f"{fn.name}: X-Ray tracing {fn.tracing_mode}",
            severity=NO_TRACING.severity,
            evidence=(Evidence("TracingConfig.Mode", fn.tracing_mode),),
            region=fn.region,
        )
