package dev.switchboard.common;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Tomcat's own error pages (a URL with {@code %00} or {@code %2F}, oversized headers, an unknown
 * {@code Expect} or transfer coding, an unsupported HTTP version) are refused before any servlet
 * runs, and Tomcat would answer them with an HTML page. This valve takes the place of Tomcat's
 * error report on the host and writes the same problem+json the application writes.
 */
public final class ProblemReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) return;
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) return;
        ErrorCode code = ErrorCode.forStatus(status);
        String requestId = response.getHeader(RequestIds.HEADER);
        if (requestId == null) {
            requestId = Ids.next("req");
            response.setHeader(RequestIds.HEADER, requestId);
        }
        // Tomcat closes the connection after these without saying so; say so, so a client does not
        // send its next request into a closed socket.
        if (status == 417 || status == 501 || status == 505 || status == 400) response.setHeader("Connection", "close");
        String body = "{\"type\":\"urn:switchboard:problem:" + code.code() + "\",\"title\":\"" + code.title()
                + "\",\"status\":" + status + ",\"detail\":\"" + code.title() + ".\",\"code\":\"" + code.code()
                + "\",\"requestId\":\"" + requestId + "\"}";
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response could not be written: nothing more to say.
        }
    }

    /** Installs the valve on the embedded Tomcat's host, in place of Tomcat's HTML error report. */
    @Component
    static final class Installer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {
        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                if (context.getParent() instanceof StandardHost host) {
                    host.setErrorReportValveClass(ProblemReportValve.class.getName());
                    host.getPipeline().addValve(new ProblemReportValve());
                }
            });
        }
    }
}
