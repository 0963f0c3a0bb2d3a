package dev.switchboard.analytics;

/**
 * The counts of one rollup row, or of any merge of rows. Latency is kept apart for deliveries
 * (endpoint rows) and provider calls (connection rows), which share the row's latency columns.
 */
final class Tally {

    long received;
    long rejected;
    long duplicates;
    long attempts;
    long succeeded;
    long failed;
    long calls;
    long calls2xx;
    long calls3xx;
    long calls4xx;
    long calls5xx;
    long callsError;
    long deliveryLatencySum;
    long callLatencySum;
    final LatencySketch deliveryLatency = new LatencySketch();
    final LatencySketch callLatency = new LatencySketch();

    void add(Tally o) {
        addCounts(o);
        deliveryLatency.merge(o.deliveryLatency);
        callLatency.merge(o.callLatency);
    }

    /** The counts of {@code o}, not its latencies (a provider's share needs no sketch merge). */
    void addCounts(Tally o) {
        received += o.received;
        rejected += o.rejected;
        duplicates += o.duplicates;
        attempts += o.attempts;
        succeeded += o.succeeded;
        failed += o.failed;
        calls += o.calls;
        calls2xx += o.calls2xx;
        calls3xx += o.calls3xx;
        calls4xx += o.calls4xx;
        calls5xx += o.calls5xx;
        callsError += o.callsError;
        deliveryLatencySum += o.deliveryLatencySum;
        callLatencySum += o.callLatencySum;
    }

    /** A delivery attempt. */
    void attempt(boolean success, int latencyMillis) {
        attempts++;
        if (success) succeeded++;
        else failed++;
        deliveryLatencySum += latencyMillis;
        deliveryLatency.add(latencyMillis);
    }

    /** A provider call: {@code status} null when no answer came. */
    void call(Integer status, long latencyMillis) {
        calls++;
        if (status == null) callsError++;
        else if (status >= 200 && status < 300) calls2xx++;
        else if (status >= 300 && status < 400) calls3xx++;
        else if (status >= 400 && status < 500) calls4xx++;
        else if (status >= 500) calls5xx++;
        else callsError++; // 1xx as a final answer: not a class the API reports
        callLatencySum += latencyMillis;
        callLatency.add(latencyMillis);
    }
}
