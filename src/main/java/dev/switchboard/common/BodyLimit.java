package dev.switchboard.common;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps request bodies on every route but webhook ingest (which has its own, larger cap), and
 * refuses NUL in query strings (no database column can hold it). The route is decided on the
 * decoded path, so no spelling of {@code /api/} escapes the cap. A declared Content-Length over
 * the cap is refused before reading;
 * a chunked body is counted as it is read and fails with 413 the moment it passes the cap, so an
 * oversized request never reaches the database half-parsed.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class BodyLimit extends OncePerRequestFilter {

    private final long max;
    private final ProblemWriter problems;

    BodyLimit(ApiProperties properties, ProblemWriter problems) {
        this.max = properties.maxBodyBytes();
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return Paths.isIngest(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String query = request.getQueryString();
        if (query != null && query.toLowerCase(java.util.Locale.ROOT).contains("%00")) {
            problems.write(
                    request, response, ErrorCode.VALIDATION_FAILED, "Query parameters may not contain NUL characters.");
            return;
        }
        if (request.getContentLengthLong() > max) {
            problems.write(request, response, ErrorCode.PAYLOAD_TOO_LARGE, tooLarge());
            return;
        }
        chain.doFilter(new Limited(request), response);
    }

    private String tooLarge() {
        return "The request body is larger than " + max + " bytes.";
    }

    /** Thrown from the body stream once the cap is passed; {@link ProblemHandler} maps it to 413. */
    static final class TooLarge extends IOException {
        TooLarge(String message) {
            super(message);
        }
    }

    private final class Limited extends HttpServletRequestWrapper {
        private ServletInputStream stream;

        Limited(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) stream = new Counting(super.getInputStream());
            return stream;
        }
    }

    private final class Counting extends ServletInputStream {
        private final ServletInputStream in;
        private long count;

        Counting(ServletInputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) add(1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) add(n);
            return n;
        }

        private void add(int n) throws TooLarge {
            count += n;
            if (count > max) throw new TooLarge(tooLarge());
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
