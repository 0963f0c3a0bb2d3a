package dev.switchboard.inbound;

import dev.switchboard.common.Paths;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Finds the handler of a {@code /webhooks/…} request among the ingest controller's own routes.
 * Spring MVC's main mapping has no direct entry for a path with a variable in it, so for every
 * webhook it tried each of the ~240 routes of the API and the dashboard, each asking the request
 * for its method through a dozen wrappers: 8.6 % of the server's Java CPU at the maximum ingest
 * rate (JFR, docs/BENCHMARKS.md). The routes are the controller's own annotations matched by
 * Spring's own machinery, so a match is what it was (the path variable, HEAD, OPTIONS, 405 with
 * {@code Allow}, the {@code uri} tag of {@code http.server.requests}). A path under
 * {@code /webhooks/} that none of them matches goes on to the main mapping, which also keeps the
 * controller for the API docs.
 */
@Component
final class IngestRoutes implements HandlerMapping, Ordered, SmartInitializingSingleton {

    private final Routes routes = new Routes();
    private final ApplicationContext context;
    private final IngestController controller;

    IngestRoutes(ApplicationContext context, IngestController controller) {
        this.context = context;
        this.controller = controller;
    }

    /** Once every bean exists: initializing looks up interceptor beans, which must not start early. */
    @Override
    public void afterSingletonsInstantiated() {
        routes.setApplicationContext(context);
        routes.afterPropertiesSet();
        routes.register(controller);
    }

    @Override
    public HandlerExecutionChain getHandler(HttpServletRequest request) throws Exception {
        return Paths.isIngest(request) ? routes.getHandler(request) : null;
    }

    @Override
    public boolean usesPathPatterns() {
        return true;
    }

    /** Ahead of the main mapping (0), behind the actuator's (-100). */
    @Override
    public int getOrder() {
        return -1;
    }

    /** A request mapping that holds only the controller it is given, not every controller bean. */
    private static final class Routes extends RequestMappingHandlerMapping {
        @Override
        protected void initHandlerMethods() {
            // Nothing from the context: register() adds the one controller.
        }

        void register(Object controller) {
            detectHandlerMethods(controller);
        }
    }
}
