package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A background loop outlives whatever one batch throws, an Error included, and stops without interrupting a batch. */
class PollingWorkerTest {

    @Test
    void keepsRunningAfterAnErrorOrAnException() {
        AtomicInteger runs = new AtomicInteger();
        PollingWorker worker = new PollingWorker("test-loop", Duration.ofHours(1), 1, () -> {
            int n = runs.incrementAndGet();
            if (n == 1) throw new StackOverflowError("a batch blew up");
            if (n == 2) throw new IllegalStateException("the database went away");
            return 0;
        });
        worker.start();
        try {
            // Each failure waits for the poll interval (an hour) or a wake-up: the test wakes it.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                worker.wake();
                return runs.get() >= 3;
            });
            assertThat(worker.running()).isTrue();
        } finally {
            worker.stop();
        }
    }

    @Test
    void stopLetsTheBatchInHandFinishUninterrupted() throws Exception {
        var inBatch = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        var interrupted = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicInteger finished = new AtomicInteger();
        PollingWorker worker = new PollingWorker("test-stop", Duration.ofHours(1), 1, () -> {
            inBatch.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                interrupted.set(true); // what aborts a JDBC call or an H2 file write mid-way
                return 0;
            }
            finished.incrementAndGet();
            return 0;
        });
        worker.start();
        assertThat(inBatch.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Thread stopper = Thread.ofVirtual().start(worker::stop);
        release.countDown(); // the batch ends on its own while stop() waits for it
        stopper.join(Duration.ofSeconds(15));
        assertThat(interrupted).isFalse();
        assertThat(finished.get()).isEqualTo(1);
        assertThat(worker.running()).isFalse();
    }

    @Test
    void recordsOnlyBatchesThatClaimedOrFailedToTheRecorderCurrentAtStart() {
        var runs = new java.util.concurrent.CopyOnWriteArrayList<PollingWorker.Run>();
        var later = new java.util.concurrent.CopyOnWriteArrayList<PollingWorker.Run>();
        PollingWorker.Recorder recorder = runs::add;
        PollingWorker.Recorder other = later::add;
        var script = new java.util.concurrent.ConcurrentLinkedQueue<Integer>(java.util.List.of(0, 0, 4, -1, 0));
        PollingWorker worker = new PollingWorker("recorded-loop", Duration.ofHours(1), 100, () -> {
            Integer next = script.poll();
            if (next == null) return 0;
            if (next < 0) throw new IllegalStateException("boom\nsecond line");
            if (next > 0) PollingWorker.itemsFailed(1);
            return next;
        });
        PollingWorker.recordRunsWith(recorder);
        worker.start();
        // A recorder set after the start is another context's: this worker keeps its own.
        PollingWorker.recordRunsWith(other);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                worker.wake();
                return script.isEmpty() && runs.size() >= 2;
            });
        } finally {
            worker.stop();
            PollingWorker.stopRecording(other);
        }
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0).name()).isEqualTo("recorded-loop");
        assertThat(runs.get(0).processed()).isEqualTo(4);
        assertThat(runs.get(0).failed()).isEqualTo(1);
        assertThat(runs.get(0).error()).isNull();
        assertThat(runs.get(1).processed()).isZero();
        assertThat(runs.get(1).failed())
                .as("the count starts again with each batch")
                .isZero();
        assertThat(runs.get(1).error()).isEqualTo("IllegalStateException: boom");
        assertThat(later).isEmpty();
    }
}
