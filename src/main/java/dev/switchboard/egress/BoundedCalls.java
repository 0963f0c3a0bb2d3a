package dev.switchboard.egress;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpResponse;

/**
 * An outbound call with a deadline on the whole of it. HttpClient's own timeouts bound each connect
 * and each read, so a server that trickles a byte at a time would hold a call for ever; here a
 * timer cancels the request when the time is up, and the call ends in a {@link SocketTimeoutException}.
 */
public final class BoundedCalls {

    /** Reads what it needs from the response while the deadline still runs. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(ClassicHttpResponse response) throws IOException;
    }

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("outbound-deadlines").daemon().factory());

    private BoundedCalls() {}

    /**
     * Cancels the request when {@code limit} has passed, whoever is reading it then: for clients
     * (Spring's) that execute the request and read its answer out of our sight. A request that has
     * finished by then has given its connection back, so the late cancel touches nothing.
     */
    public static void cancelAfter(HttpUriRequestBase request, Duration limit) {
        TIMER.schedule(request::cancel, limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static <T> T call(CloseableHttpClient http, HttpUriRequestBase request, Duration limit, Reader<T> reader)
            throws IOException {
        AtomicBoolean expired = new AtomicBoolean();
        var deadline = TIMER.schedule(
                () -> {
                    expired.set(true);
                    request.cancel();
                },
                limit.toMillis(),
                TimeUnit.MILLISECONDS);
        try (ClassicHttpResponse response = http.executeOpen(null, request, null)) {
            return reader.read(response);
        } catch (IOException | RuntimeException e) {
            if (expired.get()) {
                SocketTimeoutException timeout = new SocketTimeoutException("no complete answer within " + limit);
                timeout.initCause(e);
                throw timeout;
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
    }
}
