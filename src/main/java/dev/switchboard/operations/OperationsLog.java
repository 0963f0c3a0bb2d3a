package dev.switchboard.operations;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Timestamps;
import org.springframework.stereotype.Service;

/**
 * Reading what operations recorded: the alerts sent, with each channel's send status, and the job
 * log. The use case behind the alerts and job-log API and the dashboard's pages, so both check
 * their filters the same way.
 */
@Service
class OperationsLog {

    private final AlertRepository alerts;
    private final JobRunRepository jobs;

    OperationsLog(AlertRepository alerts, JobRunRepository jobs) {
        this.alerts = alerts;
        this.jobs = jobs;
    }

    /** A scope's alerts ({@link Alerting#PLATFORM} or a tenant), newest first; {@code kind} exact. */
    Page<Alert> alerts(String scope, String kind, Integer limit, String cursor) {
        PageRequest page = PageRequest.of(limit, cursor);
        if (kind != null && kind.length() > 40) throw ApiException.invalid("kind", "must be at most 40 characters");
        return Page.of(alerts.page(scope, kind, page), page, a -> new Cursor(a.createdAt(), a.id()));
    }

    Alert alert(String scope, String id) {
        return alerts.find(scope, id).orElseThrow(() -> ApiException.notFound("alert"));
    }

    /** Job runs that did work or failed, newest first; {@code from} and {@code to} are RFC 3339. */
    Page<JobRunRepository.JobRun> jobs(
            String name, Boolean failed, String from, String to, Integer limit, String cursor) {
        PageRequest page = PageRequest.of(limit, cursor);
        if (name != null && name.length() > 100) throw ApiException.invalid("name", "must be at most 100 characters");
        var filter = new JobRunRepository.Filter(
                name,
                failed,
                from == null ? null : Timestamps.parse("from", from),
                to == null ? null : Timestamps.parse("to", to));
        return Page.of(jobs.page(filter, page), page, r -> new Cursor(r.startedAt(), r.id()));
    }
}
