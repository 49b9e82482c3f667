"""Which Cartography node each lambdascope graph node becomes: its labels, its id and properties.

Cartography's conventions (cartography/models/aws/*, read December 2026): a node is MERGEd on
one label and `id`; `AWSLambda`, `AWSRole`, `AWSUser`, `AWSGroup`, `AWSManagedPolicy`,
`AWSDynamoDBTable`, `AWSSQSQueue`, `AWSSNSTopic`, `AWSSecretsManagerSecret`, `AWSSSMParameter`,
`AWSRDSInstance`, `AWSEventBridgeRule` take the ARN; `S3Bucket` the bucket name; `KMSKey` the
KeyId; `EC2Subnet`, `EC2SecurityGroup`, `AWSVpc`, `AWSVpcEndpoint`, `AWSInternetGateway` the
AWS id (subnet-..., sg-...); `AWSAccount` the 12 digits; an inline policy
`<principal ARN>/inline_policy/<name>`; `AWSServicePrincipal` the service (lambda.amazonaws.com).
Cartography is renaming its labels with an `AWS` prefix (`AWSS3Bucket`, the old `S3Bucket` kept
as an extra label): we MERGE on the label the issue names and set both, so either generation of
Cartography meets the same node.

What Cartography has no node for is ours, labelled `Lambdascope*`: the internet, invokers that
are not AWS resources (API routes, function URLs, callers a condition scopes), summary sets.
Every data store (and an invoker that is one: a queue, topic, bucket) also gets
`LambdascopeDataStore` with its `classification`, so one label finds them all.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from estate.text import escape_control

DATA_STORE = "LambdascopeDataStore"


@dataclass(frozen=True, slots=True)
class NodeRecord:
    label: str  # the label MERGEd on
    id: str
    extra_labels: tuple[str, ...] = ()
    account: str | None = None  # the account that owns it: (:AWSAccount)-[:RESOURCE]->(n)
    props: Mapping[str, Any] = field(default_factory=dict)


def _arn_parts(arn: str) -> list[str]:
    parts = arn.split(":", 5)
    return parts if len(parts) == 6 and parts[0] == "arn" else []


def arn_account(arn: str) -> str | None:
    parts = _arn_parts(arn)
    return parts[4] if parts and len(parts[4]) == 12 and parts[4].isdigit() else None


def _tail(arn: str, marker: str) -> str:
    """`arn:...:key/<id>` -> `<id>` for marker `key/`; the whole id when the marker is absent."""
    return arn.split(marker, 1)[1] if marker in arn else arn


# ARN service (and resource prefix) -> (label merged on, extra labels, id from the ARN)
_BY_ARN: dict[tuple[str, str], tuple[str, tuple[str, ...], str]] = {
    ("dynamodb", "table"): ("DynamoDBTable", ("AWSDynamoDBTable",), "arn"),
    ("sqs", ""): ("AWSSQSQueue", ("SQSQueue",), "arn"),
    ("sns", ""): ("AWSSNSTopic", ("SNSTopic",), "arn"),
    ("secretsmanager", "secret"): ("AWSSecretsManagerSecret", ("SecretsManagerSecret",), "arn"),
    ("ssm", "parameter"): ("AWSSSMParameter", ("SSMParameter",), "arn"),
    ("rds", "db"): ("AWSRDSInstance", ("RDSInstance",), "arn"),
    ("rds", "cluster"): ("AWSRDSCluster", ("RDSCluster",), "arn"),
    ("events", "rule"): ("AWSEventBridgeRule", ("EventBridgeRule",), "arn"),
    ("s3", ""): ("S3Bucket", ("AWSS3Bucket",), "name"),
}

_PRINCIPALS = {"role": "AWSRole", "user": "AWSUser", "group": "AWSGroup"}


def _by_arn(node_id: str) -> tuple[str, tuple[str, ...], str] | None:
    parts = _arn_parts(node_id)
    if not parts:
        return None
    service, resource = parts[2], parts[5]
    prefix = resource.split(":", 1)[0].split("/", 1)[0]
    found = _BY_ARN.get((service, prefix)) or _BY_ARN.get((service, ""))
    if found is None:
        return None
    label, extra, id_from = found
    if service == "dynamodb" and "/stream/" in resource:
        return None  # a table's stream is an invoker, not the table
    return label, extra, resource.split("/", 1)[0] if id_from == "name" else node_id


@functools.lru_cache(maxsize=1 << 16)
def _safe_text(text: str) -> str:
    return escape_control(text)  # cached: action names and levels repeat on every access edge


def safe_value(value: Any) -> Any:
    """Strings from AWS, with every control or invisible character made a visible escape."""
    if isinstance(value, str):
        return _safe_text(value)
    if isinstance(value, list | tuple):
        return [safe_value(v) for v in value]
    return value


def node_record(node_id: str, data: Mapping[str, Any], owner: str | None = None) -> NodeRecord | None:
    """The Cartography-shaped node for one graph node (None: the node is not exported).

    `owner`: the account to file an account-less node under (an invoker's: its function's)."""
    kind = str(data.get("kind") or "")
    name = data.get("label")
    account = data.get("account") or arn_account(node_id) or owner
    account = _safe_text(str(account)) if account else None
    props: dict[str, Any] = {"name": name, "lambdascope_kind": kind}
    labels: tuple[str, tuple[str, ...], str] | None = None
    if kind == "account" and node_id.startswith("account:"):
        ident = node_id.removeprefix("account:")
        return NodeRecord("AWSAccount", escape_control(ident), (), None, {"name": escape_control(ident)})
    if kind == "account":  # an organization (`org:o-...`) or any account (`*`)
        labels = ("LambdascopePrincipalSet", (), node_id)
        account = None
    elif kind == "internet":
        return NodeRecord("LambdascopeInternet", node_id, (), None, {"name": "internet"})
    elif kind == "service":
        service = escape_control(node_id.removeprefix("service:"))
        return NodeRecord("AWSServicePrincipal", service, ("AWSPrincipal",), None, {"name": service})
    elif kind == "function":
        labels = ("AWSLambda", (), node_id)
        props.update(arn=node_id, region=data.get("region"))
    elif kind == "alias":
        labels = ("AWSLambdaFunctionAlias", (), node_id)
        props.update(arn=node_id)
    elif kind in _PRINCIPALS:
        labels = (_PRINCIPALS[kind], ("AWSPrincipal",), node_id)
        props.update(arn=node_id)
    elif kind == "principal":
        labels = ("AWSPrincipal", (), node_id)
        props.update(arn=node_id)
    elif kind == "policy" and "#inline/" in node_id:
        principal, _, policy = node_id.partition("#inline/")
        labels = ("AWSInlinePolicy", ("AWSPolicy",), f"{principal}/inline_policy/{policy}")
        props.update(type="inline")
    elif kind == "policy":
        labels = ("AWSManagedPolicy", ("AWSPolicy",), node_id)
        props.update(arn=node_id, type="managed")
    elif kind == "kms-key":
        labels = ("KMSKey", ("AWSKMSKey",), _tail(node_id, ":key/"))
        props.update(arn=node_id, key_manager=data.get("subkind"))
    elif kind == "subnet":
        labels = ("EC2Subnet", ("AWSEC2Subnet",), _tail(node_id, ":subnet/"))
        props.update(
            subnet_arn=node_id, subnetid=labels[2], availability_zone=data.get("az"), vpc_id=data.get("vpc")
        )
        del props["name"]  # Cartography's subnet `name` is its CIDR block: ours would flip it each sync
    elif kind == "security-group":
        labels = ("EC2SecurityGroup", ("AWSEC2SecurityGroup",), _tail(node_id, ":security-group/"))
        props.update(groupid=labels[2], arn=node_id)
    elif kind == "vpc-endpoint":
        labels = ("AWSVpcEndpoint", (), _tail(node_id, ":vpc-endpoint/"))
        props.update(service_name=data.get("service"), vpc_endpoint_type=data.get("endpoint_type"))
    elif kind == "igw":
        labels = ("AWSInternetGateway", (), _tail(node_id, ":internet-gateway/"))
    elif kind == "nat":
        labels = ("AWSNatGateway", (), _tail(node_id, ":natgateway/"))
    elif kind in ("function-set", "role-set", "store-set"):
        labels = ("LambdascopeSet", (), node_id)
        props.update(region=data.get("region"), classification=data.get("classification"))
    elif kind in ("data-store", "invoker"):
        fallback = "LambdascopeInvoker" if kind == "invoker" else DATA_STORE
        labels = _by_arn(node_id) or (fallback, (), node_id)
        props.update(subkind=data.get("subkind"), region=data.get("region"))
        if labels[0] != "LambdascopeInvoker" and "arn" not in props and node_id.startswith("arn:"):
            props["arn"] = node_id
        if kind == "invoker" and labels[0] != "LambdascopeInvoker":
            labels = (labels[0], (*labels[1], "LambdascopeInvoker"), labels[2])
        if kind == "invoker":
            props["auth_type"] = data.get("auth_type")
    else:
        labels = ("LambdascopeNode", (), node_id)
    label, extra, ident = labels
    if kind == "data-store" or "encryption" in data:  # a store, or an invoker that is one
        extra = (*extra, DATA_STORE)
        props.update(classification=data.get("classification"), encryption=data.get("encryption"))
    # None stays: `SET n += row.props` then removes a property this kind no longer has (a store
    # whose classification tag was deleted must not keep its old classification in the graph)
    props = {key: safe_value(value) for key, value in props.items()}
    extra = tuple(dict.fromkeys(x for x in extra if x != label))
    return NodeRecord(label, escape_control(ident), extra, account, props)
