package dev.switchboard.operations;

import dev.switchboard.tenancy.PlatformAdmin;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The job log for platform admins: background job runs that did work or failed, newest first,
 * filtered by job name and failure. Same rules as {@code GET /api/v1/admin/jobs}, through
 * {@link OperationsLog}; anyone else gets a 403 from the {@link PlatformAdmin} argument.
 */
@Controller
class JobPages {

    static final int LIMIT = 100;

    private final OperationsLog log;

    JobPages(OperationsLog log) {
        this.log = log;
    }

    @GetMapping("/ui/jobs")
    String jobs(
            PlatformAdmin admin,
            @RequestParam(required = false) String name,
            @RequestParam(required = false) String failed,
            @RequestParam(required = false) String cursor,
            Model model) {
        String job = name == null || name.isBlank() ? null : name.strip();
        Boolean onlyFailed = "true".equals(failed) ? Boolean.TRUE : null;
        model.addAttribute("name", job);
        model.addAttribute("failed", onlyFailed != null);
        model.addAttribute(
                "runs",
                log.jobs(job, onlyFailed, null, null, LIMIT, cursor == null || cursor.isBlank() ? null : cursor));
        return "operations/jobs";
    }
}
