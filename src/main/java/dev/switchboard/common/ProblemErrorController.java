package dev.switchboard.common;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors raised outside Spring MVC (by the servlet container, e.g. a malformed URL) reach
 * {@code /error}; answer those as problem+json too, never with an HTML page or a stack trace.
 * Errors the container finds before any servlet runs are answered by {@link ProblemReportValve}.
 */
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object s = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = s instanceof Integer i && i >= 400 && i <= 599 ? i : 500;
        ErrorCode code = ErrorCode.forStatus(status);
        ProblemDetail p = ProblemWriter.problem(code, code.title() + ".", List.of(), request);
        p.setStatus(status);
        p.setInstance(ProblemWriter.instance(request));
        // Set, not negotiated: the answer is problem+json whatever the caller's Accept says.
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(p);
    }
}
