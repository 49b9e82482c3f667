"""One function in full: configuration, role, who can invoke it and why, findings, metrics.

Opened while the analysis is pending, it shows what the model holds (configuration, role,
environment, metrics) and says which stage the rest waits for; it recomposes in full when the
analysis completes.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Footer, Header, Static

from estate.model import EnvVar, Estate, LambdaFunction
from estate.model.invoke_grants import grants_from_policy
from estate.secrets import mask
from tui.safe_text import literal
from tui.screens.analysis_screen import AnalysisScreen
from tui.screens.isolate import ISOLATION_BINDINGS, IsolationKeys
from tui.severity import SeverityPalette
from tui.viewmodels.loading import EstateState, Pending
from tui.viewmodels.summary import role_of
from tui.widgets.analysis_progress import AnalysisProgress
from tui.widgets.finding_card import FindingCard
from tui.widgets.invoker_card import InvokerCard
from tui.widgets.key_values import KeyValue, KeyValues
from tui.widgets.metric_row import MetricRow

SPARK_METRICS = ("Invocations", "Errors", "Throttles")
_DIM = Style(dim=True, italic=True)


def _none(text: str) -> Text:
    return Text(text, _DIM)


def _lines(values: tuple[str, ...] | list[str], empty: str) -> Text:
    if not values:
        return _none(empty)
    return Text("\n").join(literal(v) for v in values)


_STATE_WORDS = {"absent": "none", "unknown": "not collected"}


def _stated(value: object, state: str) -> Text:
    """A value read from AWS, or why there is none: "none" (read, nothing set) or "not collected"."""
    if value is not None and state == "present":
        return literal(str(value))
    return _none(_STATE_WORDS.get(state, "none" if value is None else state))


def _stated_lines(values: list[str], state: str) -> Text:
    if values:
        return _lines(values, "none")
    return _none(_STATE_WORDS.get(state, "none"))


def configuration(fn: LambdaFunction) -> list[KeyValue]:
    vpc = fn.vpc
    aliases = [f"{a.name} -> {a.function_version}" for a in fn.aliases]
    url = (
        literal(f"{fn.url.url} (AuthType {fn.url.auth_type})")
        if fn.url
        else _none({"absent": "none", "unknown": "not collected"}.get(fn.url_state, fn.url_state))
    )
    return [
        ("ARN", literal(fn.arn)),
        ("Description", literal(fn.description) if fn.description else _none("none")),
        ("Runtime", literal(fn.runtime) if fn.runtime else _none(f"container image ({fn.package_type})")),
        ("Handler", literal(fn.handler) if fn.handler else _none("none")),
        ("Memory", literal(f"{fn.memory_size} MB") if fn.memory_size else _none("unknown")),
        ("Timeout", literal(f"{fn.timeout} s") if fn.timeout else _none("unknown")),
        ("Architectures", _lines(fn.architectures, "x86_64 (default)")),
        ("Tracing", literal(fn.tracing_mode) if fn.tracing_mode else _none("unknown")),
        ("VPC", literal(vpc.vpc_id or "(id unknown)") if vpc else _none("not attached to a VPC")),
        ("Subnets", _lines(vpc.subnet_ids, "none") if vpc else _none("–")),
        ("Security groups", _lines(vpc.security_group_ids, "none") if vpc else _none("–")),
        ("KMS key", literal(fn.kms_key_arn) if fn.kms_key_arn else _none("AWS-managed key (no CMK)")),
        ("Layers", _lines(fn.layers, "none")),
        ("Dead-letter", literal(fn.dead_letter_target) if fn.dead_letter_target else _none("none")),
        ("On failure", _stated(fn.on_failure_destination, fn.event_invoke_state)),
        ("Reserved concurrency", _stated(fn.reserved_concurrency, fn.reserved_concurrency_state)),
        ("Code signing", _stated(fn.code_signing_config_arn, fn.code_signing_state)),
        ("Aliases", _stated_lines(aliases, fn.aliases_state)),
        ("Log group", literal(fn.log_group_name)),
        ("Tags", _stated_lines([f"{k}={v}" for k, v in sorted(fn.tags.items())], fn.tags_state)),
        ("Function URL", url),
        ("Last modified", literal(fn.last_modified) if fn.last_modified else _none("unknown")),
    ]


def role_rows(estate: Estate, fn: LambdaFunction) -> list[KeyValue]:
    principal = role_of(estate, fn)
    if principal is None:
        return [
            ("ARN", literal(fn.role_arn) if fn.role_arn else _none("none")),
            ("Policies", _none("role not in the IAM data (not collected, or another account)")),
        ]
    policies = estate.policies
    attached = [
        policies[a].name if a in policies else a.rsplit("/", 1)[-1] for a in principal.attached_policy_arns
    ]
    tags = Text("\n").join(literal(f"{key}={value}") for key, value in sorted(principal.tags.items()))
    return [
        ("Name", literal(principal.name, "bold")),
        ("ARN", literal(principal.arn)),
        ("Attached", _lines(attached, "none")),
        ("Inline", _lines([p.name for p in principal.inline_policies], "none")),
        ("Boundary", literal(principal.boundary_arn) if principal.boundary_arn else _none("none")),
        ("Tags", tags if principal.tags else _none("none")),
        ("Last used", literal(principal.last_used) if principal.last_used else _none("unknown")),
    ]


def environment_table(variables: tuple[EnvVar, ...]) -> Table:
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    table.add_column("Key", overflow="fold", ratio=3)
    table.add_column("Length", justify="right", no_wrap=True)
    table.add_column("Secret?", overflow="fold", ratio=2)
    table.add_column("Value", overflow="fold", ratio=2)
    for var in variables:
        verdict = literal(var.secret_kind, "bold") if var.secret_kind else _none("no")
        value = literal(mask(var.value)) if var.value is not None else _none("not kept")
        table.add_row(literal(var.key), Text(str(var.length)), verdict, value)
    return table


class FunctionDetailScreen(IsolationKeys, AnalysisScreen):
    """Everything about one function; `esc` goes back to the table it was opened from."""

    CSS_PATH = "detail.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("y", "app.copy_arn", "Copy ARN"),
        Binding("j", "scroll('down')", "Scroll down", show=False),
        Binding("k", "scroll('up')", "Scroll up", show=False),
        *ISOLATION_BINDINGS,  # opt-in (--allow-actions): tui/screens/isolate.py
    ]
    AUTO_FOCUS = "#detail"
    help_name = "function detail"
    shows_pending = True

    selected_arn: reactive[str | None] = reactive(None)

    def __init__(self, state: EstateState, arn: str) -> None:
        super().__init__(state, classes="detail-screen")
        self.set_reactive(FunctionDetailScreen.selected_arn, arn)

    @property
    def function(self) -> LambdaFunction | None:
        return self.estate.function(self.selected_arn or "")

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        with VerticalScroll(id="detail"):
            fn = self.function
            if fn is None:
                yield Static(Text.assemble("Function not found: ", literal(self.selected_arn)))
            else:
                yield from self._body(fn)
        yield Footer()

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._restyle)

    async def _restyle(self, _theme: object) -> None:
        await self.recompose()  # cards carry colours resolved from the theme

    def _section(self, section_id: str, title: str, *children: Widget) -> Vertical:
        section = Vertical(*children, id=section_id, classes="section")
        section.border_title = title
        return section

    def _body(self, fn: LambdaFunction) -> ComposeResult:
        heading = literal(fn.name, "bold")
        heading.append("  ")
        heading.append_text(literal(fn.region, Style(dim=True)))
        yield Static(heading, id="detail-title")
        yield Horizontal(
            self._section("configuration", "Configuration", KeyValues(configuration(fn))),
            Vertical(
                self._section("role", "Execution role", KeyValues(role_rows(self.estate, fn))),
                self._section(
                    "environment",
                    f"Environment variables ({len(fn.environment)})",
                    Static(environment_table(fn.environment) if fn.environment else _none("none")),
                ),
                id="side",
            ),
            id="overview",
        )
        rows = [
            MetricRow(m, [v for _t, v in series.points()])
            for m in SPARK_METRICS
            if (series := self.estate.series(fn, m)) is not None and series.values
        ]
        if rows:
            yield self._section("metrics", "Metrics", *rows)
        if isinstance(self.state, Pending):
            yield self._section("invokers", "Who can invoke it and why", AnalysisProgress())
            yield self._section("findings", "Findings", AnalysisProgress())
            return
        yield self._invokers(fn)
        yield self._findings(fn)

    def _invokers(self, fn: LambdaFunction) -> Vertical:
        from estate.graph.builder import invokers_of  # loaded with the analysis, not before
        from tui.viewmodels.cached_findings import CachedFindings, function_invokers

        if isinstance(self.analysis, CachedFindings):  # from the cache: the graph is being built
            count = function_invokers(self.analysis, fn.arn)
            public = " (the internet among them)" if count.public else ""
            note = f"{count.count} invoker(s){public}: who they are and why show once the graph is built."
            return self._section(
                "invokers",
                "Who can invoke it and why",
                Static(_none(note), classes="note"),
                AnalysisProgress(),
            )
        graph = self.analysis.graph
        palette = SeverityPalette(self.app.get_css_variables())
        invokers = invokers_of(graph, fn.arn)
        cards: list[Widget] = [
            InvokerCard(source, graph.nodes[source], data, palette) for source, data in invokers
        ]
        _grants, problems = grants_from_policy(fn)
        for problem in problems:
            cards.append(
                Static(
                    Text.assemble(("Resource policy not understood: ", "bold"), literal(problem.message)),
                    classes="note",
                )
            )
        if not invokers:
            cards.append(Static(_none(self._no_invokers(fn)), classes="note"))
        return self._section("invokers", f"Who can invoke it and why ({len(invokers)})", *cards)

    @staticmethod
    def _no_invokers(fn: LambdaFunction) -> str:
        if fn.policy_state == "unknown":
            return "The resource policy was not collected: who else can invoke it is unknown."
        return (
            "No resource policy, function URL or event source mapping grants invocation: only "
            "principals whose IAM policies allow lambda:InvokeFunction can call it."
        )

    def _findings(self, fn: LambdaFunction) -> Vertical:
        findings = self.analysis.findings_for(fn.arn)
        palette = SeverityPalette(self.app.get_css_variables())
        cards: list[Widget] = [FindingCard(f, palette) for f in findings]
        if not cards:
            cards.append(Static(_none("No findings."), classes="note"))
        return self._section("findings", f"Findings ({len(findings)})", *cards)

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#detail", VerticalScroll)
        if direction == "down":
            body.scroll_down()
        else:
            body.scroll_up()
