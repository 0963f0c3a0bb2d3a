/**
 * Analytics and the activity feed. Rollups per minute and per day, per tenant and subject (a
 * source, an endpoint, a connection), kept by a catch-up job from the facts that the owning modules
 * expose ({@code inbound.InboundFacts}, {@code outbound.DeliveryFacts}); it reads no other module's
 * table. Provider calls plug in as one more {@link dev.switchboard.analytics.FactStream} writing
 * {@code connection} rows (the table already has their columns). The activity feed merges every
 * {@link dev.switchboard.common.ActivitySource} bean.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"common", "tenancy", "inbound", "outbound"})
package dev.switchboard.analytics;
