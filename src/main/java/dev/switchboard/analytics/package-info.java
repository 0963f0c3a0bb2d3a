/**
 * Analytics and the activity feed. Rollups per minute, hour and day, per tenant and subject (a
 * source, an endpoint, a connection), kept by a catch-up job from the facts that the owning modules
 * expose ({@code inbound.InboundFacts}, {@code outbound.DeliveryFacts}, {@code calllog.CallFacts}); it
 * reads no other module's table. The activity feed merges every
 * {@link dev.switchboard.common.ActivitySource} bean.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {"common", "tenancy", "inbound", "outbound", "calllog"})
package dev.switchboard.analytics;
