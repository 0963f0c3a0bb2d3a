package dev.switchboard.tenancy;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Resolves {@link TenantScope} and {@link PlatformAdmin} controller arguments: the access check
 * every tenant-scoped route makes, in one place instead of a call at the top of each handler.
 * Arguments resolve in declaration order, before the request body is read and validated.
 */
@Configuration(proxyBeanMethods = false)
class TenantScopeResolver implements HandlerMethodArgumentResolver, WebMvcConfigurer {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    private final TenantAccess access;

    TenantScopeResolver(TenantAccess access) {
        this.access = access;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(this);
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        Class<?> type = parameter.getParameterType();
        return type == TenantScope.class || type == PlatformAdmin.class;
    }

    @Override
    public Object resolveArgument(
            MethodParameter parameter,
            ModelAndViewContainer mav,
            NativeWebRequest webRequest,
            WebDataBinderFactory binders) {
        Caller caller = caller();
        if (parameter.getParameterType() == PlatformAdmin.class) {
            access.platformAdmin(caller);
            return new PlatformAdmin(caller);
        }
        HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
        String tenant = tenantOf(request, parameter);
        if (READS.contains(request.getMethod()) && !parameter.hasMethodAnnotation(WriteAccess.class)) {
            access.read(caller, tenant);
        } else {
            access.write(caller, tenant);
        }
        return new TenantScope(tenant, caller);
    }

    private static Caller caller() {
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof Caller caller) return caller;
        // Only reachable if a route outside /api/** asked for a scope: the API chain authenticates first.
        throw new ApiException(ErrorCode.UNAUTHORIZED, "Send an API key as 'Authorization: Bearer <key>'.");
    }

    private static String tenantOf(HttpServletRequest request, MethodParameter parameter) {
        @SuppressWarnings("unchecked")
        var variables = (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        String tenant = variables == null ? null : variables.get(TenantScope.PATH_VARIABLE);
        if (tenant == null) {
            throw new IllegalStateException(parameter.getExecutable() + " takes a TenantScope but its route has no {"
                    + TenantScope.PATH_VARIABLE + "} path variable");
        }
        return tenant;
    }
}
