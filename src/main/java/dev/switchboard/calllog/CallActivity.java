package dev.switchboard.calllog;

import dev.switchboard.common.ActivitySource;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.PageRequest;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;

/** Provider calls in the activity feed: one entry per call, its status class as the status. */
@Component
class CallActivity implements ActivitySource {

    private final CallRepository calls;
    private final CallWriter writer;

    CallActivity(CallRepository calls, CallWriter writer) {
        this.calls = calls;
        this.writer = writer;
    }

    @Override
    public String type() {
        return "call";
    }

    @Override
    public List<Entry> page(String tenantId, Instant beforeAt, String beforeId, Instant since, int limit) {
        writer.flush();
        var page = new PageRequest(limit, beforeAt == null ? null : new Cursor(beforeAt, beforeId));
        var filter = new CallRepository.Filter(tenantId, null, null, null, null, null, null, false, null, since, null);
        return calls.search(filter, page).stream()
                .limit(limit)
                .map(c -> new Entry(
                        type(),
                        c.id(),
                        c.calledAt(),
                        c.connectionId(),
                        c.status() == null ? "error" : (c.status() / 100) + "xx",
                        // The stored path is already redacted; the method and path say what was called.
                        c.origin() + " " + c.method() + " " + c.path()
                                + (c.status() == null ? "" : " → " + c.status())))
                .toList();
    }
}
