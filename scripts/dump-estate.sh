#!/usr/bin/env bash
# Dump one AWS account's Lambda estate with read-only AWS CLI calls, in the layout
# `lambdascope import DIR -o FILE.lsnap` reads:
#   DIR/global/<command>.json   DIR/<region>/<command>.json   DIR/<region>/<command>/<resource>.json
# Usage: scripts/dump-estate.sh DIR REGION [REGION ...]   (uses your AWS CLI profile / env credentials)
# A refused call leaves the CLI's error text in the file (lambdascope records the refusal as a gap);
# an empty output (e.g. no reserved concurrency) leaves an empty file.
set -uo pipefail

if [ "$#" -lt 2 ]; then
  echo "usage: $0 DIR REGION [REGION ...]" >&2
  exit 2
fi
out=$1
shift
umask 077
export AWS_PAGER=""

# dump FILE aws-args...: the command's JSON output in FILE, or its error text when it fails.
dump() {
  local file=$1
  shift
  mkdir -p "$(dirname "$file")"
  if ! aws "$@" --output json >"$file" 2>"$file.err"; then
    mv "$file.err" "$file"
    echo "warning: aws $1 $2 failed: $(tr '\n' ' ' <"$file" | cut -c1-200)" >&2
    return 0
  fi
  rm -f "$file.err"
}

# A resource name as a file name ("/" in secret and log group names becomes %2F).
fname() {
  local name=${1//%/%25}
  printf '%s' "${name//\//%2F}"
}

# The values of a JSON query over a dump file, one per line (empty when the file is an error).
values() {
  jq -r "$2 // empty" "$1" 2>/dev/null || true
}

command -v jq >/dev/null || { echo "error: jq is required" >&2; exit 2; }

# Organizations, as the collector reads it: the organization, its SCPs and RCPs with their
# documents, and the policies attached to this account and each parent up to the root. Outside an
# organization (or without the rights) the CLI's error is saved: a gap, not a failure.
dump_organization() {
  local g=$1 type id child parent kind account
  dump "$g/organizations-describe-organization.json" organizations describe-organization
  [ -n "$(values "$g/organizations-describe-organization.json" '.Organization.Id')" ] || return 0
  for type in SERVICE_CONTROL_POLICY RESOURCE_CONTROL_POLICY; do
    dump "$g/organizations-list-policies/$type.json" organizations list-policies --filter "$type"
  done
  for id in $(cat "$g"/organizations-list-policies/*.json 2>/dev/null | jq -r '.Policies[]?.Id' 2>/dev/null | sort -u); do
    dump "$g/organizations-describe-policy/$id.json" organizations describe-policy --policy-id "$id"
  done
  account=$(aws sts get-caller-identity --query Account --output text) || return 0
  child=$account
  for _ in 1 2 3 4 5 6 7 8; do  # the account, then each parent up to and including the root
    for type in SERVICE_CONTROL_POLICY RESOURCE_CONTROL_POLICY; do
      dump "$g/organizations-list-policies-for-target/$child@$type.json" organizations \
        list-policies-for-target --target-id "$child" --filter "$type"
    done
    [ "${kind:-}" = ROOT ] && break
    dump "$g/organizations-list-parents/$child.json" organizations list-parents --child-id "$child"
    parent=$(values "$g/organizations-list-parents/$child.json" '.Parents[0].Id')
    kind=$(values "$g/organizations-list-parents/$child.json" '.Parents[0].Type')
    [ -n "$parent" ] || break
    child=$parent
  done
}

# Lambda's region-wide reads, API Gateway, EventBridge, Scheduler, SSM (metadata only) and RDS.
dump_region_services() {
  local r=$1 region=$2 layer v api auth domain bus rule group name
  local a=(--region "$region")
  dump "$r/lambda-list-layers.json" lambda list-layers "${a[@]}"
  for layer in $(values "$r/lambda-list-layers.json" '.Layers[]?.LayerName'); do
    dump "$r/lambda-list-layer-versions/$layer.json" lambda list-layer-versions --layer-name "$layer" "${a[@]}"
    for v in $(values "$r/lambda-list-layer-versions/$layer.json" '.LayerVersions[]?.Version'); do
      dump "$r/lambda-get-layer-version-policy/$layer@$v.json" lambda get-layer-version-policy \
        --layer-name "$layer" --version-number "$v" "${a[@]}"
    done
  done
  dump "$r/lambda-get-account-settings.json" lambda get-account-settings "${a[@]}"
  dump "$r/lambda-list-code-signing-configs.json" lambda list-code-signing-configs "${a[@]}"
  dump "$r/apigateway-get-rest-apis.json" apigateway get-rest-apis "${a[@]}"
  for api in $(values "$r/apigateway-get-rest-apis.json" '.items[]?.id'); do
    dump "$r/apigateway-get-resources/$api.json" apigateway get-resources --rest-api-id "$api" --embed methods "${a[@]}"
    dump "$r/apigateway-get-authorizers/$api.json" apigateway get-authorizers --rest-api-id "$api" "${a[@]}"
    dump "$r/apigateway-get-stages/$api.json" apigateway get-stages --rest-api-id "$api" "${a[@]}"
  done
  dump "$r/apigateway-get-domain-names.json" apigateway get-domain-names "${a[@]}"
  for domain in $(values "$r/apigateway-get-domain-names.json" '.items[]?.domainName'); do
    dump "$r/apigateway-get-base-path-mappings/$domain.json" apigateway get-base-path-mappings \
      --domain-name "$domain" "${a[@]}"
  done
  dump "$r/apigatewayv2-get-apis.json" apigatewayv2 get-apis "${a[@]}"
  for api in $(values "$r/apigatewayv2-get-apis.json" '.Items[]?.ApiId'); do
    for cmd in get-routes get-integrations get-stages; do
      dump "$r/apigatewayv2-$cmd/$api.json" apigatewayv2 "$cmd" --api-id "$api" "${a[@]}"
    done
    for auth in $(values "$r/apigatewayv2-get-routes/$api.json" '.Items[]?.AuthorizerId' | sort -u); do
      dump "$r/apigatewayv2-get-authorizer/$api@$auth.json" apigatewayv2 get-authorizer \
        --api-id "$api" --authorizer-id "$auth" "${a[@]}"
    done
  done
  dump "$r/apigatewayv2-get-domain-names.json" apigatewayv2 get-domain-names "${a[@]}"
  for domain in $(values "$r/apigatewayv2-get-domain-names.json" '.Items[]?.DomainName'); do
    dump "$r/apigatewayv2-get-api-mappings/$domain.json" apigatewayv2 get-api-mappings --domain-name "$domain" "${a[@]}"
  done
  dump "$r/events-list-event-buses.json" events list-event-buses "${a[@]}"
  for bus in $(values "$r/events-list-event-buses.json" '.EventBuses[]?.Name'); do
    b=$(fname "$bus")
    dump "$r/events-describe-event-bus/$b.json" events describe-event-bus --name "$bus" "${a[@]}"
    dump "$r/events-list-rules/$b.json" events list-rules --event-bus-name "$bus" "${a[@]}"
    for rule in $(values "$r/events-list-rules/$b.json" '.Rules[]?.Name'); do
      dump "$r/events-list-targets-by-rule/$b@$rule.json" events list-targets-by-rule \
        --rule "$rule" --event-bus-name "$bus" "${a[@]}"
    done
  done
  dump "$r/scheduler-list-schedules.json" scheduler list-schedules "${a[@]}"
  values "$r/scheduler-list-schedules.json" '.Schedules[]? | "\(.GroupName // "default")\t\(.Name)"' |
    while IFS=$'\t' read -r group name; do
      dump "$r/scheduler-get-schedule/$group@$name.json" scheduler get-schedule --name "$name" \
        --group-name "$group" "${a[@]}"
    done
  dump "$r/ssm-describe-parameters.json" ssm describe-parameters "${a[@]}"
  dump "$r/rds-describe-db-instances.json" rds describe-db-instances "${a[@]}"
  dump "$r/rds-describe-db-clusters.json" rds describe-db-clusters "${a[@]}"
}

# The window the collector reads metrics and function changes over: DUMP_METRICS_DAYS (default 14;
# 0: neither is read) ending at the last whole 5 minutes (or DUMP_METRICS_END, Unix seconds).
# Computed once, so every region's files cover the same window.
period=300
days=${DUMP_METRICS_DAYS:-14}
case $days in '' | *[!0-9]*) echo "error: DUMP_METRICS_DAYS must be a whole number of days" >&2; exit 2 ;; esac
end=${DUMP_METRICS_END:-$(date -u +%s)}
end=$((end / period * period))
start=$((end - days * 86400))

# CloudWatch metrics of every function, as the collector asks for them: the same queries and ids,
# at most 500 per GetMetricData call, over the window; Duration p99 in batches of its own.
# Each batch is two files: the request (...-queries/<batch>.json) and the output.
dump_metrics() {
  local r=$1 region=$2 prefix stats batch n request
  [ "$days" != 0 ] || return 0
  for prefix in q p; do
    if [ $prefix = q ]; then
      stats='[["Invocations","Sum"],["Errors","Sum"],["Throttles","Sum"],["Duration","Average"],["ConcurrentExecutions","Maximum"]]'
    else
      stats='[["Duration","p99"]]'
    fi
    n=0
    jq -c --argjson period "$period" --arg prefix "$prefix" --argjson stats "$stats" \
      --argjson from "$start" --argjson until "$end" '
      [[.Functions[]?.FunctionName] | sort | .[] as $fn | $stats[] | {fn: $fn, metric: .[0], stat: .[1]}]
      | to_entries
      | map({Id: "\($prefix)\(.key)", ReturnData: true, MetricStat: {Period: $period, Stat: .value.stat,
          Metric: {Namespace: "AWS/Lambda", MetricName: .value.metric,
                   Dimensions: [{Name: "FunctionName", Value: .value.fn}]}}})
      | range(0; length; 500) as $i
      | {MetricDataQueries: .[$i:$i + 500], StartTime: ($from | todate), EndTime: ($until | todate),
         ScanBy: "TimestampAscending"}' "$r/lambda-list-functions.json" 2>/dev/null |
      while read -r request; do
        n=$((n + 1))
        batch=$(printf '%s-%04d' "$prefix" "$n")
        mkdir -p "$r/cloudwatch-get-metric-data-queries"
        printf '%s\n' "$request" >"$r/cloudwatch-get-metric-data-queries/$batch.json"
        dump "$r/cloudwatch-get-metric-data/$batch.json" cloudwatch get-metric-data \
          --cli-input-json "file://$r/cloudwatch-get-metric-data-queries/$batch.json" "${a[@]}"
      done
  done
}

# The region's recent Lambda management events (the Anomalies view's change history), as the
# collector reads them: EventSource lambda.amazonaws.com over the same window, pages of 50, at
# most 1000 events (its 20-page cap; a cut history keeps the CLI's NextToken). Two files: the
# request (the window, which the output does not repeat) and the output.
dump_changes() {
  local r=$1 region=$2
  [ "$days" != 0 ] || return 0
  mkdir -p "$r"
  jq -n --argjson from "$start" --argjson until "$end" '{
    LookupAttributes: [{AttributeKey: "EventSource", AttributeValue: "lambda.amazonaws.com"}],
    StartTime: ($from | todate), EndTime: ($until | todate)}' >"$r/cloudtrail-lookup-events-request.json"
  dump "$r/cloudtrail-lookup-events.json" cloudtrail lookup-events \
    --cli-input-json "file://$r/cloudtrail-lookup-events-request.json" --page-size 50 --max-items 1000 \
    --region "$region"
}

g="$out/global"
dump "$g/iam-get-account-authorization-details.json" iam get-account-authorization-details
dump "$g/s3api-list-buckets.json" s3api list-buckets
for bucket in $(values "$g/s3api-list-buckets.json" '.Buckets[]?.Name'); do
  for cmd in get-bucket-location get-bucket-notification-configuration get-bucket-policy \
    get-bucket-encryption get-public-access-block get-bucket-tagging get-bucket-versioning; do
    dump "$g/s3api-$cmd/$bucket.json" s3api "$cmd" --bucket "$bucket"
  done
done
dump_organization "$g"

for region in "$@"; do
  r="$out/$region"
  a=(--region "$region")
  dump "$r/lambda-list-functions.json" lambda list-functions "${a[@]}"
  dump "$r/lambda-list-event-source-mappings.json" lambda list-event-source-mappings "${a[@]}"
  for fn in $(values "$r/lambda-list-functions.json" '.Functions[]?.FunctionName'); do
    dump "$r/lambda-get-policy/$fn.json" lambda get-policy --function-name "$fn" "${a[@]}"
    dump "$r/lambda-get-function-url-config/$fn.json" lambda get-function-url-config --function-name "$fn" "${a[@]}"
    dump "$r/lambda-list-tags/$fn.json" lambda list-tags --resource \
      "$(values "$r/lambda-list-functions.json" ".Functions[] | select(.FunctionName==\"$fn\") | .FunctionArn")" "${a[@]}"
    dump "$r/lambda-get-function-concurrency/$fn.json" lambda get-function-concurrency --function-name "$fn" "${a[@]}"
    dump "$r/lambda-list-provisioned-concurrency-configs/$fn.json" lambda list-provisioned-concurrency-configs \
      --function-name "$fn" "${a[@]}"
    dump "$r/lambda-get-function-code-signing-config/$fn.json" lambda get-function-code-signing-config \
      --function-name "$fn" "${a[@]}"
    dump "$r/lambda-list-function-event-invoke-configs/$fn.json" lambda list-function-event-invoke-configs \
      --function-name "$fn" "${a[@]}"
    dump "$r/lambda-list-aliases/$fn.json" lambda list-aliases --function-name "$fn" "${a[@]}"
    dump "$r/lambda-list-versions-by-function/$fn.json" lambda list-versions-by-function --function-name "$fn" "${a[@]}"
    for alias in $(values "$r/lambda-list-aliases/$fn.json" '.Aliases[]?.Name'); do
      dump "$r/lambda-get-policy/$fn@$alias.json" lambda get-policy --function-name "$fn" --qualifier "$alias" "${a[@]}"
    done
  done
  for cmd in describe-vpcs describe-subnets describe-route-tables describe-internet-gateways \
    describe-nat-gateways describe-vpc-endpoints describe-security-groups; do
    dump "$r/ec2-$cmd.json" ec2 "$cmd" "${a[@]}"
  done
  dump "$r/kms-list-keys.json" kms list-keys "${a[@]}"
  dump "$r/kms-list-aliases.json" kms list-aliases "${a[@]}"
  for key in $(values "$r/kms-list-keys.json" '.Keys[]?.KeyId'); do
    dump "$r/kms-describe-key/$key.json" kms describe-key --key-id "$key" "${a[@]}"
    dump "$r/kms-get-key-policy/$key.json" kms get-key-policy --key-id "$key" --policy-name default "${a[@]}"
    if [ "$(values "$r/kms-describe-key/$key.json" '.KeyMetadata | select(.KeyManager=="CUSTOMER"
        and (.KeySpec // "SYMMETRIC_DEFAULT")=="SYMMETRIC_DEFAULT" and (.Origin // "AWS_KMS")=="AWS_KMS"
        and (.KeyState=="Enabled" or .KeyState=="Disabled")) | .KeyId')" = "$key" ]; then
      dump "$r/kms-get-key-rotation-status/$key.json" kms get-key-rotation-status --key-id "$key" "${a[@]}"
    fi
  done
  dump "$r/dynamodb-list-tables.json" dynamodb list-tables "${a[@]}"
  for table in $(values "$r/dynamodb-list-tables.json" '.TableNames[]?'); do
    dump "$r/dynamodb-describe-table/$table.json" dynamodb describe-table --table-name "$table" "${a[@]}"
    dump "$r/dynamodb-describe-continuous-backups/$table.json" dynamodb describe-continuous-backups \
      --table-name "$table" "${a[@]}"
    arn=$(values "$r/dynamodb-describe-table/$table.json" '.Table.TableArn')
    if [ -n "$arn" ]; then
      dump "$r/dynamodb-list-tags-of-resource/$table.json" dynamodb list-tags-of-resource --resource-arn "$arn" "${a[@]}"
      dump "$r/dynamodb-get-resource-policy/$table.json" dynamodb get-resource-policy --resource-arn "$arn" "${a[@]}"
    fi
  done
  dump "$r/sqs-list-queues.json" sqs list-queues "${a[@]}"
  for url in $(values "$r/sqs-list-queues.json" '.QueueUrls[]?'); do
    q=$(fname "${url##*/}")
    dump "$r/sqs-get-queue-attributes/$q.json" sqs get-queue-attributes --queue-url "$url" --attribute-names All "${a[@]}"
    dump "$r/sqs-list-queue-tags/$q.json" sqs list-queue-tags --queue-url "$url" "${a[@]}"
  done
  dump "$r/sns-list-topics.json" sns list-topics "${a[@]}"
  dump "$r/sns-list-subscriptions.json" sns list-subscriptions "${a[@]}"
  for topic in $(values "$r/sns-list-topics.json" '.Topics[]?.TopicArn'); do
    t=$(fname "${topic##*:}")
    dump "$r/sns-get-topic-attributes/$t.json" sns get-topic-attributes --topic-arn "$topic" "${a[@]}"
    dump "$r/sns-list-tags-for-resource/$t.json" sns list-tags-for-resource --resource-arn "$topic" "${a[@]}"
  done
  dump "$r/secretsmanager-list-secrets.json" secretsmanager list-secrets "${a[@]}"
  values "$r/secretsmanager-list-secrets.json" '.SecretList[]? | "\(.ARN)\t\(.Name)"' |
    while IFS=$'\t' read -r arn name; do
      dump "$r/secretsmanager-get-resource-policy/$(fname "$name").json" secretsmanager get-resource-policy \
        --secret-id "$arn" "${a[@]}"
    done
  dump "$r/logs-describe-log-groups.json" logs describe-log-groups --log-group-name-prefix /aws/lambda/ "${a[@]}"
  for group in $(values "$r/logs-describe-log-groups.json" '.logGroups[]?.logGroupName'); do
    dump "$r/logs-describe-subscription-filters/$(fname "$group").json" logs describe-subscription-filters \
      --log-group-name "$group" "${a[@]}"
  done
  dump "$r/cloudtrail-describe-trails.json" cloudtrail describe-trails --include-shadow-trails "${a[@]}"
  values "$r/cloudtrail-describe-trails.json" ".trailList[]? | select(.HomeRegion==\"$region\") | \"\(.TrailARN)\t\(.Name)\"" |
    while IFS=$'\t' read -r arn name; do
      dump "$r/cloudtrail-get-event-selectors/$(fname "$name").json" cloudtrail get-event-selectors --trail-name "$arn" "${a[@]}"
      dump "$r/cloudtrail-get-trail-status/$(fname "$name").json" cloudtrail get-trail-status --name "$arn" "${a[@]}"
    done
  dump "$r/cloudwatch-describe-alarms.json" cloudwatch describe-alarms "${a[@]}"
  dump_region_services "$r" "$region"
  dump_metrics "$r" "$region"
  dump_changes "$r" "$region"
done
echo "dumped to $out; now run: lambdascope import $out -o estate.lsnap" >&2
