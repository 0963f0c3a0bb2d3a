package dev.switchboard.operations;

import dev.switchboard.common.PollingWorker;
import dev.switchboard.common.Sql;
import dev.switchboard.egress.BoundedCalls;
import dev.switchboard.vault.Secret;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends queued alerts to their channels: claims due sends (leased, fenced by a token), posts each
 * on its own virtual thread with no transaction open, so a slow or failing channel holds up no
 * other, and records the outcome under the claim. Failures are retried with backoff, then the
 * send is marked failed.
 */
@Component
class AlertSender implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AlertSender.class);
    static final int BATCH = 16;

    private final AlertRepository alerts;
    private final Channels channels;
    private final OperationsConfig.AlertClients clients;
    private final OperationsProperties properties;
    private final JsonMapper json;
    private final Clock clock;
    private final PollingWorker worker;

    AlertSender(
            AlertRepository alerts,
            Channels channels,
            OperationsConfig.AlertClients clients,
            OperationsProperties properties,
            JsonMapper json,
            Clock clock) {
        this.alerts = alerts;
        this.channels = channels;
        this.clients = clients;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
        this.worker = new PollingWorker("alert-sender", properties.pollInterval(), BATCH, this::runOnce);
    }

    void wake() {
        worker.wake();
    }

    int runOnce() {
        Instant now = Sql.now(clock);
        List<String> ids = alerts.claimDue(now, properties.sendLease(), BATCH);
        if (ids.isEmpty()) return 0;
        List<AlertRepository.Claimed> claimed = alerts.loadClaimed(ids);
        int failed = 0;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> results =
                    claimed.stream().map(c -> pool.submit(() -> send(c))).toList();
            for (Future<Boolean> r : results) {
                try {
                    if (!r.get()) failed++;
                } catch (java.util.concurrent.ExecutionException e) {
                    failed++;
                    log.warn("An alert send failed unexpectedly", e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        PollingWorker.itemsFailed(failed);
        return ids.size();
    }

    /** One send; true when the channel took it. */
    private boolean send(AlertRepository.Claimed c) {
        int attempts = c.attempts() + 1;
        Secret url = c.channelKind() == null ? null : channels.url(c.channelTenant(), c.channelId());
        if (url == null) {
            finish(c, "failed", attempts, null, null, "the channel was deleted", null);
            return false;
        }
        Integer status = null;
        String error;
        try {
            HttpPost post = new HttpPost(url.reveal());
            post.setEntity(new ByteArrayEntity(
                    json.writeValueAsBytes(AlertPayloads.of(c.channelKind(), c.alert())),
                    ContentType.APPLICATION_JSON));
            var client = Alerting.PLATFORM.equals(c.channelTenant()) ? clients.operator() : clients.tenant();
            status = BoundedCalls.call(client, post, properties.sendTimeout(), response -> {
                EntityUtils.consumeQuietly(response.getEntity());
                return response.getCode();
            });
            if (status >= 200 && status < 300) {
                finish(c, "sent", attempts, null, status, null, Sql.now(clock));
                return true;
            }
            error = "HTTP " + status;
        } catch (IOException | RuntimeException e) {
            // The exception names the host at most; the URL (the channel's secret) is not in it.
            error = e.getClass().getSimpleName();
        }
        Instant now = Sql.now(clock);
        boolean last = attempts >= properties.sendAttempts();
        finish(
                c,
                last ? "failed" : "pending",
                attempts,
                last ? null : now.plus(backoff(attempts)),
                status,
                error,
                null);
        return false;
    }

    private void finish(
            AlertRepository.Claimed c,
            String status,
            int attempts,
            Instant next,
            Integer code,
            String error,
            Instant at) {
        if (!alerts.finishSend(c, status, attempts, next, code, error, at)) {
            log.info("Alert send {}: its claim ended before the outcome was recorded; it will be retried", c.id());
        }
    }

    /** 10 s, 40 s, 160 s, 640 s, then hourly. */
    static Duration backoff(int attempt) {
        long seconds = 10L << Math.min(2 * (attempt - 1), 20);
        return Duration.ofSeconds(Math.min(seconds, 3600));
    }

    @Override
    public void start() {
        worker.start();
    }

    @Override
    public void stop() {
        worker.stop();
    }

    @Override
    public boolean isRunning() {
        return worker.running();
    }
}
