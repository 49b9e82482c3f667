"""What can invoke a function: API Gateway (REST and HTTP), EventBridge rules and schedules, S3
notifications, SNS subscriptions, log subscription filters (estate/model/triggers.py)."""

from __future__ import annotations

from estate.model.shapes.common import Shape

# --- API Gateway (REST) -------------------------------------------------------------------


class EndpointConfigurationPart(Shape):
    types: list[str] | None = None


class RestApiPart(Shape):
    id: str
    name: str | None = None
    endpointConfiguration: EndpointConfigurationPart | None = None


class GetRestApis(Shape):
    items: list[RestApiPart] | None = None


class IntegrationPart(Shape):
    uri: str | None = None


class MethodPart(Shape):
    httpMethod: str | None = None
    authorizationType: str | None = None
    authorizerId: str | None = None
    apiKeyRequired: bool | None = None
    methodIntegration: IntegrationPart | None = None


class ResourcePart(Shape):
    path: str | None = None
    resourceMethods: dict[str, MethodPart] | None = None


class GetResources(Shape):
    items: list[ResourcePart] | None = None


class RestAuthorizerPart(Shape):
    id: str
    name: str | None = None
    type: str | None = None
    authorizerUri: str | None = None


class GetAuthorizers(Shape):
    items: list[RestAuthorizerPart] | None = None


class RestStagePart(Shape):
    stageName: str


class GetStages(Shape):
    item: list[RestStagePart] | None = None


class RestDomainPart(Shape):
    domainName: str
    securityPolicy: str | None = None
    endpointConfiguration: EndpointConfigurationPart | None = None


class GetDomainNames(Shape):
    items: list[RestDomainPart] | None = None


class BasePathMappingPart(Shape):
    restApiId: str | None = None


class GetBasePathMappings(Shape):
    items: list[BasePathMappingPart] | None = None


# --- API Gateway (HTTP, WebSocket) --------------------------------------------------------


class HttpApiPart(Shape):
    ApiId: str
    Name: str | None = None
    ProtocolType: str | None = None


class GetApis(Shape):
    Items: list[HttpApiPart] | None = None


class RoutePart(Shape):
    RouteKey: str | None = None
    Target: str | None = None
    AuthorizerId: str | None = None
    AuthorizationType: str | None = None
    ApiKeyRequired: bool | None = None


class GetRoutes(Shape):
    Items: list[RoutePart] | None = None


class HttpIntegrationPart(Shape):
    IntegrationId: str
    IntegrationUri: str | None = None


class GetIntegrations(Shape):
    Items: list[HttpIntegrationPart] | None = None


class HttpStagePart(Shape):
    StageName: str


class GetHttpStages(Shape):
    Items: list[HttpStagePart] | None = None


class GetAuthorizer(Shape):
    Name: str | None = None
    AuthorizerType: str | None = None
    AuthorizerUri: str | None = None


class DomainConfigurationPart(Shape):
    SecurityPolicy: str | None = None
    EndpointType: str | None = None


class HttpDomainPart(Shape):
    DomainName: str
    # an empty list reads as one empty configuration
    DomainNameConfigurations: list[DomainConfigurationPart] | None = None


class GetHttpDomainNames(Shape):
    Items: list[HttpDomainPart] | None = None


class ApiMappingPart(Shape):
    ApiId: str | None = None


class GetApiMappings(Shape):
    Items: list[ApiMappingPart] | None = None


# --- EventBridge, Scheduler ---------------------------------------------------------------


class RulePart(Shape):
    Name: str
    Arn: str | None = None
    EventBusName: str | None = None
    State: str | None = None
    ScheduleExpression: str | None = None
    EventPattern: str | None = None


class ListRules(Shape):
    Rules: list[RulePart] | None = None


class TargetPart(Shape):
    Arn: str


class ListTargetsByRule(Shape):
    Targets: list[TargetPart] | None = None


class ScheduleTargetPart(Shape):
    Arn: str | None = None
    RoleArn: str | None = None


class GetSchedule(Shape):
    Arn: str | None = None
    Name: str | None = None
    GroupName: str | None = None
    State: str | None = None
    ScheduleExpression: str | None = None
    Target: ScheduleTargetPart | None = None


# --- S3 notifications, SNS subscriptions, log subscription filters ------------------------


class FilterRulePart(Shape):
    Name: str | None = None
    Value: str | None = None


class KeyFilterPart(Shape):
    FilterRules: list[FilterRulePart] | None = None


class NotificationFilterPart(Shape):
    Key: KeyFilterPart | None = None


class LambdaNotificationPart(Shape):
    LambdaFunctionArn: str | None = None
    Events: list[str] | None = None
    Filter: NotificationFilterPart | None = None
    Id: str | None = None


class GetBucketNotificationConfiguration(Shape):
    LambdaFunctionConfigurations: list[LambdaNotificationPart] | None = None


class SubscriptionPart(Shape):
    SubscriptionArn: str | None = None
    TopicArn: str | None = None
    Protocol: str | None = None
    Endpoint: str | None = None


class ListSubscriptions(Shape):
    Subscriptions: list[SubscriptionPart] | None = None
