package dev.switchboard.ui;

import dev.switchboard.common.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Turns an {@link ApiException} thrown behind a dashboard page (a viewer's write refused by its
 * {@code TenantScope}, another tenant's resource, a missing event) into a page with the same status,
 * instead of the REST API's problem+json. Handlers that answer with a body (the REST controllers)
 * are left to the problem handler, so the API's errors are unchanged.
 */
final class PageErrors implements HandlerExceptionResolver {

    private final ShellInterceptor shell;

    PageErrors(ShellInterceptor shell) {
        this.shell = shell;
    }

    @Override
    public ModelAndView resolveException(
            HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
        if (!(ex instanceof ApiException e) || !(handler instanceof HandlerMethod method)) return null;
        if (AnnotatedElementUtils.hasAnnotation(method.getBeanType(), ResponseBody.class)
                || method.hasMethodAnnotation(ResponseBody.class)) {
            return null;
        }
        response.setStatus(e.code().status().value());
        var mav = new ModelAndView("ui/error");
        mav.setStatus(e.code().status());
        mav.addObject("error", e);
        shell.postHandle(request, response, handler, mav);
        return mav;
    }
}
