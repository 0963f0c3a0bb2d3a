package dev.switchboard.outbound;

import org.springframework.stereotype.Component;

/**
 * A tenant's dead letters, for the hub's card: deliveries that gave up (every attempt failed, or their
 * endpoint was deleted) and wait to be recovered or resent, as the failed-deliveries list shows them.
 * Counted up to {@link #CAP} so the card stays one short index read. The caller has checked that it
 * may read the tenant.
 */
@Component
public class DeadLetters {

    public static final int CAP = 10_000;

    /** {@code more}: there are more than {@code count} (which is then the cap). */
    public record Summary(long count, boolean more) {}

    private final DeliveryRepository deliveries;

    DeadLetters(DeliveryRepository deliveries) {
        this.deliveries = deliveries;
    }

    public Summary forTenant(String tenantId) {
        long n = deliveries.countFailed(tenantId, CAP + 1);
        return new Summary(Math.min(n, CAP), n > CAP);
    }
}
