/**
 * The provider API gateway: calls to a provider's API on a connection's behalf, queued as outbox jobs
 * or proxied synchronously, paced by the provider's rate limits and quotas across nodes.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {
            "approvals",
            "calllog",
            "common",
            "connections",
            "consent",
            "egress",
            "outbound",
            "tenancy"
        })
package dev.switchboard.gateway;
