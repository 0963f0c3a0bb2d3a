package dev.switchboard.common;

import org.springframework.aot.AotDetector;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * A start from the build's ahead-of-time processed context ({@code -Dspring.aot.enabled=true}) has the
 * beans the build decided on, and the build had no management port: the context that would serve
 * {@code /actuator/**} on a port of its own does not exist then, and metrics and detailed health would
 * stay on the public port the operator meant to keep them off. Such a start is refused, with the way
 * out in the message, rather than exposing them.
 */
@Component
class AotStartCheck {

    AotStartCheck(Environment env) {
        if (!AotDetector.useGeneratedArtifacts()) return;
        String management = env.getProperty("management.server.port", "");
        if (!management.isBlank() && !management.equals(env.getProperty("server.port", "8080")))
            throw new IllegalStateException(
                    "SWITCHBOARD_MANAGEMENT_PORT (management.server.port) is set, and a start with"
                            + " -Dspring.aot.enabled=true cannot serve a management port (the build decided the"
                            + " application's beans without one): start without -Dspring.aot.enabled=true");
    }
}
