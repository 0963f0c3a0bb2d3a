/** Provider connections: the provider catalog, connection lifecycle, OAuth, health checks. */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {"common", "outbound", "tenancy", "vault", "egress"})
package dev.switchboard.connections;
