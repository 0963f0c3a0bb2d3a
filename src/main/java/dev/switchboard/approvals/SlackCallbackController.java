package dev.switchboard.approvals;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Slack's interactivity callback for approval buttons; authenticated by Slack's signature, not a key. */
@Tag(name = "Approvals")
@RestController
class SlackCallbackController {

    record Answer(String result) {}

    private final SlackApprovals slack;

    SlackCallbackController(SlackApprovals slack) {
        this.slack = slack;
    }

    @Operation(
            summary = "Slack's interactivity callback for approval buttons",
            description = "Set as the Slack app's Interactivity request URL. Verified with the tenant's Slack signing"
                    + " secret (v0 signature, 5-minute timestamp tolerance); 401 signature_missing | signature_invalid"
                    + " | timestamp_out_of_tolerance; 409 a replayed callback; 404 Slack approvals not set up.",
            security = {})
    @PostMapping("/webhooks/slack/approvals/{tenant}")
    ResponseEntity<Answer> callback(@PathVariable String tenant, HttpServletRequest request) {
        byte[] body = read(request);
        return switch (slack.receive(tenant, headers(request), body, request)) {
            case SlackApprovals.Outcome.Acknowledged a -> ResponseEntity.ok(new Answer(a.result()));
            case SlackApprovals.Outcome.Replayed r -> throw ApiException.conflict("This callback was handled before.");
            case SlackApprovals.Outcome.Rejected r ->
                throw new ApiException(
                        switch (r.reason()) {
                            case SIGNATURE_MISSING -> ErrorCode.SIGNATURE_MISSING;
                            case TIMESTAMP_OUT_OF_TOLERANCE -> ErrorCode.TIMESTAMP_OUT_OF_TOLERANCE;
                            case SIGNATURE_INVALID, VERIFIED -> ErrorCode.SIGNATURE_INVALID;
                        },
                        "The Slack signature or timestamp is not valid.");
        };
    }

    private static byte[] read(HttpServletRequest request) {
        int max = SlackApprovals.maxBody();
        if (request.getContentLengthLong() > max) throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "Too large.");
        try {
            byte[] body = request.getInputStream().readNBytes(max + 1);
            if (body.length > max) throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "Too large.");
            return body;
        } catch (IOException e) {
            throw new ApiException(ErrorCode.VALIDATION_FAILED, "The request body could not be read.");
        }
    }

    private static Map<String, List<String>> headers(HttpServletRequest request) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            out.put(name, Collections.list(request.getHeaders(name)));
        }
        return out;
    }
}
