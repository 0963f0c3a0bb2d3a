package dev.switchboard.common;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Content negotiation for writes happens before the write. Spring MVC negotiates the response
 * type after the handler has run, so a POST with {@code Accept: application/xml} would create its
 * row and then answer 406 (an API key made whose secret nobody saw). A write whose {@code Accept}
 * admits none of the route's types, or does not parse, is refused here with 406 and runs not at
 * all. Reads keep the usual order: nothing is lost by negotiating after them.
 */
@Configuration(proxyBeanMethods = false)
class AcceptFirst implements WebMvcConfigurer, HandlerInterceptor {

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    private static final List<MediaType> JSON = List.of(MediaType.APPLICATION_JSON);

    private final ProblemWriter problems;

    AcceptFirst(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws Exception {
        if (!(handler instanceof HandlerMethod) || SAFE.contains(request.getMethod()) || Paths.isIngest(request)) {
            return true;
        }
        List<String> accept = Collections.list(request.getHeaders("Accept"));
        if (accept.isEmpty()) return true;
        List<MediaType> acceptable;
        try {
            acceptable = MediaType.parseMediaTypes(accept);
        } catch (InvalidMediaTypeException e) {
            problems.write(request, response, ErrorCode.NOT_ACCEPTABLE, "The Accept header is not valid.");
            return false;
        }
        if (acceptable.isEmpty()) return true;
        for (MediaType wanted : acceptable) {
            if (wanted.getQualityValue() == 0) continue;
            for (MediaType offered : producible(request)) {
                if (wanted.isCompatibleWith(offered)) return true;
            }
        }
        problems.write(request, response, ErrorCode.NOT_ACCEPTABLE, "This operation answers application/json only.");
        return false;
    }

    @SuppressWarnings("unchecked")
    private static Collection<MediaType> producible(HttpServletRequest request) {
        Object declared = request.getAttribute(HandlerMapping.PRODUCIBLE_MEDIA_TYPES_ATTRIBUTE);
        return declared instanceof Collection<?> c && !c.isEmpty() ? (Collection<MediaType>) c : JSON;
    }
}
