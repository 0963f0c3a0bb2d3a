/** Provider connections: the provider catalog, connection lifecycle, OAuth, health checks. */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {"common", "outbound", "tenancy", "vault", "egress", "calllog"})
package dev.switchboard.connections;
