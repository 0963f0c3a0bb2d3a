package dev.switchboard.outbound;

import dev.switchboard.common.PollingWorker;
import dev.switchboard.common.QueueFloor;
import dev.switchboard.common.RetryAfter;
import dev.switchboard.common.Sql;
import dev.switchboard.common.Text;
import dev.switchboard.egress.BlockedDestinationException;
import dev.switchboard.egress.BoundedCalls;
import dev.switchboard.vault.Secret;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Delivers messages to endpoints. Due deliveries are claimed from the database with one SKIP
 * LOCKED statement and leased, so a crashed node's deliveries are taken over when the lease ends.
 * A claim skips endpoints at their concurrency cap, tenants holding their share of this node's
 * slots, disabled tenants, and deliveries whose ordering key has an earlier delivery still open. Each delivery is sent on a virtual thread (at most
 * {@code concurrency} at once), rate limited per endpoint, signed to the Standard Webhooks spec;
 * its outcome goes to the {@link Completions} writer, which records many in one transaction.
 */
@Component
class DeliveryEngine implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveryEngine.class);
    static final String USER_AGENT = "Switchboard/0.1";

    private final DeliveryRepository deliveries;
    private final EndpointRepository endpoints;
    private final CloseableHttpClient http;
    private final OutboundProperties properties;
    private final RateLimits rateLimits;
    private final Payloads payloads;
    private final Completions completions;
    private final Clock clock;
    private final Semaphore inFlight;
    private final PollingWorker worker;
    private volatile ExecutorService executor;
    /** Deliveries each tenant has in flight on this node: one tenant may hold only its share of the slots. */
    private final ConcurrentHashMap<String, Integer> tenantsInFlight = new ConcurrentHashMap<>();
    /**
     * Deliveries of this node whose send has ended but whose outcome is not committed yet: their
     * leases still count in the database, but nothing is in flight. The in-flight counts leave them
     * out by id, so a finished send frees its endpoint slot at once, not after the outcome's commit.
     * (Counted per endpoint and taken off when the writer took a batch, each counted twice for the
     * length of its commit, which under ingest waits for the CPU: in a five-minute max-rate run that
     * made 23–38 % fewer deliveries, docs/BENCHMARKS.md.) An id leaves the set once its outcome's
     * transaction has ended.
     */
    private final Set<String> ended = ConcurrentHashMap.newKeySet();
    /**
     * When {@link #lookBeyondTheHead} may run again after finding nothing ({@link System#nanoTime}),
     * unless work arrived since (see {@link #arrivals}), and when it last ran. Only the polling
     * worker's one thread reads and writes these.
     */
    private long nextLookBeyond = System.nanoTime();

    private long lastLookBeyond = System.nanoTime();
    private long arrivalsAtLastLook;
    /** Wakes for new work on this node (deliveries queued, an endpoint enabled), not for freed slots. */
    private final AtomicLong arrivals = new AtomicLong();
    /** Where reads of the due queue start: past the deliveries already made (see QueueFloor). */
    private final QueueFloor floor;
    /** Claims that got work: with the completion counters, the benchmark's commits per delivery. */
    private final Counter claimsWithWork;

    DeliveryEngine(
            DeliveryRepository deliveries,
            EndpointRepository endpoints,
            @Qualifier("deliveryHttpClient") CloseableHttpClient http,
            OutboundProperties properties,
            RateLimits rateLimits,
            Payloads payloads,
            Completions completions,
            MeterRegistry metrics,
            Clock clock) {
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.http = http;
        this.properties = properties;
        this.rateLimits = rateLimits;
        this.payloads = payloads;
        this.completions = completions;
        this.clock = clock;
        this.inFlight = new Semaphore(properties.concurrency());
        this.worker = new PollingWorker("outbound-delivery", properties.pollInterval(), 1, this::runOnce);
        this.floor = new QueueFloor(deliveries::oldestPending);
        this.claimsWithWork = Counter.builder(CLAIMS)
                .description("Delivery claims that got work")
                .register(metrics);
        completions.onWritten(done -> {
            done.forEach(d -> ended.remove(d.due().id()));
            worker.wake();
        });
    }

    static final String CLAIMS = "switchboard.outbound.claims";

    /** Called after a commit that made deliveries due (new, replayed, or an endpoint enabled). */
    void wake() {
        arrivals.incrementAndGet();
        worker.wake();
    }

    /**
     * Claims as many due deliveries as there are free slots and starts them; returns how many.
     * Every claimed delivery starts at once, so each ends within the timeout, well inside its lease
     * (the settings are checked for that at startup). Tenants holding their share of this node's
     * slots are skipped: the claim goes to the others.
     *
     * <p>It reads before it claims: the due deliveries at the head of the queue, and what each of
     * their endpoints has in flight, then claims only what the endpoint and tenant caps leave room
     * for. Claiming a whole batch for an endpoint with one free slot and giving the rest back wrote
     * every row of the batch twice; under a backlog for one endpoint that was most of the database's
     * work per delivery.
     */
    int runOnce() {
        int free = Math.min(properties.batchSize(), inFlight.availablePermits());
        if (free == 0) return 0;
        Instant now = Sql.now(clock);
        // In flight per endpoint across the cluster, less this node's finished sends (see ended).
        DeliveryRepository.Leased leased = deliveries.leased(now, ended);
        Map<String, Integer> busyEndpoints = leased.inFlight();
        // The head of the queue, a bounded window: the leased rows at its front, and twice the free
        // slots past them, so an endpoint near its cap does not hide the ones behind it.
        int window = leased.rows() + 2 * free + 16;
        Instant floor = this.floor.at(now);
        List<DeliveryRepository.Candidate> head = deliveries.dueHead(now, floor, window);
        Choice choice = new Choice(free, busyEndpoints);
        head.forEach(choice::offer);
        long arrived = arrivals.get();
        long at = System.nanoTime();
        if (choice.wanted() > 0
                && head.size() == window
                && (at - nextLookBeyond >= 0
                        || (arrived != arrivalsAtLastLook
                                && at - lastLookBeyond
                                        >= properties.pollInterval().toNanos() / 10))) {
            arrivalsAtLastLook = arrived;
            lastLookBeyond = at;
            // The window is full and gave too little: what it holds is at a cap (an endpoint with a
            // backlog, a tenant at its share) or waits on an ordering key. Other endpoints may have
            // due work behind it; find them without reading the deliveries in between.
            lookBeyondTheHead(now, floor, choice);
        }
        List<String> chosen = choice.chosen;
        List<String> ids = deliveries.claimChosen(now, properties.lease(), chosen);
        if (ids.isEmpty()) {
            // Chosen, but claimed by another node meanwhile: look again at once rather than after the poll.
            if (!chosen.isEmpty()) worker.wake();
            return 0;
        }
        claimsWithWork.increment();
        List<DeliveryRepository.Due> claimed = withinCaps(deliveries.loadDue(ids), now);
        for (DeliveryRepository.Due d : claimed) {
            inFlight.acquireUninterruptibly();
            executor.submit(() -> {
                try {
                    Completions.Done done = deliver(d);
                    // In the set before it is queued, so the writer never takes it out before it is in.
                    ended.add(d.id());
                    completions.add(done);
                } catch (RuntimeException e) {
                    // The lease runs out and the delivery is claimed again: nothing is lost.
                    log.warn("Delivery {} failed unexpectedly", d.id(), e);
                } finally {
                    decrement(tenantsInFlight, d.tenantId());
                    inFlight.release();
                    // Its slot is free now (see ended): claim again without waiting for the commit.
                    worker.wake();
                }
            });
        }
        return ids.size();
    }

    /**
     * Deliveries chosen to claim, in the order offered, within each endpoint's cap (counting what the
     * cluster has in flight to it) and each tenant's share of this node's slots.
     */
    private final class Choice {
        final int free;
        final Map<String, Integer> busyEndpoints;
        final Map<String, Integer> endpointTaken = new HashMap<>();
        final Map<String, Integer> tenantTaken = new HashMap<>();
        final List<String> chosen = new ArrayList<>();
        final Set<String> seen = new HashSet<>();

        Choice(int free, Map<String, Integer> busyEndpoints) {
            this.free = free;
            this.busyEndpoints = busyEndpoints;
        }

        int wanted() {
            return free - chosen.size();
        }

        int cap(Integer own) {
            return own != null ? own : properties.endpointConcurrency();
        }

        /** Room left for the endpoint under its cap, after what is in flight and chosen. */
        int endpointRoom(String endpointId, Integer maxConcurrency) {
            return cap(maxConcurrency)
                    - busyEndpoints.getOrDefault(endpointId, 0)
                    - endpointTaken.getOrDefault(endpointId, 0);
        }

        boolean tenantHasRoom(String tenantId) {
            return tenantsInFlight.getOrDefault(tenantId, 0) + tenantTaken.getOrDefault(tenantId, 0)
                    < properties.tenantCap();
        }

        void offer(DeliveryRepository.Candidate c) {
            if (wanted() == 0 || !c.claimable() || !seen.add(c.id())) return;
            if (endpointRoom(c.endpointId(), c.maxConcurrency()) <= 0 || !tenantHasRoom(c.tenantId())) return;
            endpointTaken.merge(c.endpointId(), 1, Integer::sum);
            tenantTaken.merge(c.tenantId(), 1, Integer::sum);
            chosen.add(c.id());
        }
    }

    /**
     * When the head of the queue is full of what this node may not claim: the other endpoints with due
     * work (one index descent each), oldest first, and for each with room under its cap and its
     * tenant's share, the head of its own queue. Its cost follows the number of endpoints with
     * pending work, and a backlog held at its cap would pay it for every slot that frees, so a look
     * that finds nothing is not repeated for a poll interval, or a tenth of one when work arrives on
     * this node meanwhile (work queued on another node is found at the next poll, as an idle node
     * would find it). Under steady ingest that is at most ten fruitless looks a poll interval; a look
     * that finds work is not held back, so it runs on every pass while it keeps finding some.
     */
    private void lookBeyondTheHead(Instant now, Instant floor, Choice choice) {
        int before = choice.chosen.size();
        for (DeliveryRepository.DueEndpoint e : deliveries.endpointsWithDueWork(now, floor)) {
            if (choice.wanted() == 0) break;
            int room = choice.endpointRoom(e.endpointId(), e.maxConcurrency());
            if (room <= 0 || !choice.tenantHasRoom(e.tenantId())) continue;
            // Its leased rows come first in its queue; past them, room enough for what it may take and
            // for deliveries waiting on an ordering key. A queue whose first rows all wait on one key
            // gives nothing here until that key's deliveries are through.
            int window = choice.busyEndpoints.getOrDefault(e.endpointId(), 0) + Math.min(room, choice.wanted()) + 64;
            deliveries.dueOf(e.endpointId(), now, floor, window).forEach(choice::offer);
        }
        if (choice.chosen.size() == before)
            nextLookBeyond = System.nanoTime() + properties.pollInterval().toNanos();
    }

    /**
     * Keeps, per endpoint, only as many claimed deliveries as its cap leaves room for, counting what
     * every node has in flight now that this claim is committed, and per tenant only as many as its
     * share of this node's slots leaves room for; the rest go back (and are started here, which
     * counts them in flight for the tenant). Two nodes claiming at once both see each other here, so
     * together they never exceed an endpoint's cap.
     */
    private List<DeliveryRepository.Due> withinCaps(List<DeliveryRepository.Due> claimed, Instant now) {
        Map<String, List<DeliveryRepository.Due>> byEndpoint = new LinkedHashMap<>();
        claimed.forEach(d -> byEndpoint
                .computeIfAbsent(d.endpointId(), k -> new ArrayList<>())
                .add(d));
        Map<String, Integer> leased = deliveries.leased(now, ended).inFlight();
        Set<String> keep = new HashSet<>();
        byEndpoint.forEach((endpoint, mine) -> {
            int cap = mine.getFirst().maxConcurrency() != null
                    ? mine.getFirst().maxConcurrency()
                    : properties.endpointConcurrency();
            // In flight elsewhere, or here and still sending (see ended).
            int others = Math.max(0, leased.getOrDefault(endpoint, mine.size()) - mine.size());
            int room = Math.max(0, cap - others);
            for (int i = 0; i < Math.min(room, mine.size()); i++)
                keep.add(mine.get(i).id());
        });
        // In claim order, so the oldest of a tenant's deliveries go first.
        int tenantCap = properties.tenantCap();
        List<DeliveryRepository.Due> start = new ArrayList<>();
        List<DeliveryRepository.Due> release = new ArrayList<>();
        for (DeliveryRepository.Due d : claimed) {
            boolean admitted =
                    keep.contains(d.id()) && tenantsInFlight.merge(d.tenantId(), 1, Integer::sum) <= tenantCap;
            if (admitted) {
                start.add(d);
            } else {
                if (keep.contains(d.id())) tenantsInFlight.computeIfPresent(d.tenantId(), (k, n) -> n - 1);
                release.add(d);
            }
        }
        deliveries.release(release);
        return start;
    }

    private static void decrement(ConcurrentHashMap<String, Integer> counts, String key) {
        counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    private Completions.Done deliver(DeliveryRepository.Due d) {
        Instant now = Sql.now(clock);
        if (!d.endpointStatus().equals("active")) return new Completions.Inactive(d, now);
        if (d.rateLimitPerSecond() != null) {
            Optional<Duration> wait = rateLimits.tryAcquire(d.endpointId(), d.rateLimitPerSecond());
            if (wait.isPresent()) return new Completions.Deferred(d, now.plus(wait.get()), now);
        }
        List<Secret> secrets = endpoints.signingSecrets(
                d.tenantId(), d.endpointId(), d.secret(), d.previousSecret(), d.previousSecretExpiresAt(), now);
        Payloads.Request request = payloads.request(d, now);
        HttpPost post = new HttpPost(d.url());
        endpoints
                .headers(d.tenantId(), d.endpointId(), d.headersColumn(), d.headersSealed())
                .forEach(post::setHeader);
        request.headers().forEach(post::setHeader);
        long timestamp = now.getEpochSecond();
        post.setHeader("webhook-id", d.messageId());
        post.setHeader("webhook-timestamp", String.valueOf(timestamp));
        post.setHeader(
                "webhook-signature", WebhookSigner.signatures(d.messageId(), timestamp, request.body(), secrets));
        post.setHeader("User-Agent", USER_AGENT);
        post.setEntity(new ByteArrayEntity(request.body(), ContentType.parse(request.contentType())));

        Integer code = null;
        String excerpt = null;
        String error = null;
        Optional<Duration> retryAfter = Optional.empty();
        RetryPolicy.Outcome outcome;
        long started = System.nanoTime();
        try {
            Answer answer = BoundedCalls.call(http, post, properties.timeout(), response -> {
                var header = response.getFirstHeader("Retry-After");
                return new Answer(
                        response.getCode(),
                        RetryAfter.parse(header == null ? null : header.getValue(), now),
                        excerpt(response));
            });
            code = answer.code();
            retryAfter = answer.retryAfter();
            excerpt = answer.excerpt();
            outcome = RetryPolicy.Outcome.of(code);
        } catch (BlockedDestinationException e) {
            outcome = RetryPolicy.Outcome.NETWORK_ERROR;
            error = "blocked by the SSRF guard: " + e.getMessage();
        } catch (SocketTimeoutException e) {
            // A slow read, or the deadline on the whole request: what the receiver said so far does not count.
            outcome = RetryPolicy.Outcome.TIMEOUT;
            error = "timed out after " + properties.timeout();
        } catch (IOException | RuntimeException e) {
            outcome = RetryPolicy.Outcome.NETWORK_ERROR;
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        int latency = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - started) / 1_000_000);
        var attempt = new DeliveryRepository.Attempt(
                null, d.messageId(), d.endpointId(), now, outcome.name(), code, latency, excerpt, clip(error));
        String failure = clip(
                error != null ? error : code != null && outcome != RetryPolicy.Outcome.SUCCESS ? "HTTP " + code : null);
        return new Completions.Attempted(
                d, attempt, outcome, d.attempts() + 1, code, failure, retryAfter, Sql.now(clock));
    }

    /** What a receiver answered, as far as an attempt records it. */
    private record Answer(int code, Optional<Duration> retryAfter, String excerpt) {}

    /** At most responseExcerptBytes of the body, read (after decompression) without reading the rest. */
    private String excerpt(ClassicHttpResponse response) throws IOException {
        if (response.getEntity() == null || properties.responseExcerptBytes() == 0) return null;
        try (InputStream in = response.getEntity().getContent()) {
            byte[] bytes = in.readNBytes(properties.responseExcerptBytes());
            // A receiver's bytes go into a text column: PostgreSQL refuses NUL, so it becomes U+FFFD.
            return new String(bytes, StandardCharsets.UTF_8).replace('\0', '\uFFFD');
        }
    }

    /** Errors go into 2000-wide text columns. */
    static String clip(String s) {
        return Text.storable(s, 2000);
    }

    @Override
    public void start() {
        executor = Executors.newVirtualThreadPerTaskExecutor();
        completions.start();
        if (properties.enabled()) worker.start();
    }

    @Override
    public void stop() {
        worker.stop();
        ExecutorService e = executor;
        if (e != null) e.close(); // waits for in-flight deliveries, each bounded by the timeout
        completions.stop(); // writes what they left
    }

    @Override
    public boolean isRunning() {
        return worker.running();
    }
}
