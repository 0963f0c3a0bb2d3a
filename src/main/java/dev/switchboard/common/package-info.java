/**
 * Shared building blocks every module may use: ids, time, problem+json errors, pagination, SQL and
 * dialect helpers, the polling loop. It depends on no other module.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {})
package dev.switchboard.common;
