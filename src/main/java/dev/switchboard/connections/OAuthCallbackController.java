package dev.switchboard.connections;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Where providers send the browser back after an authorization. No key: the state is the credential. */
@Tag(name = "Connections")
@RestController
class OAuthCallbackController {

    record Connected(String connectionId, String state) {}

    private final OAuthFlow oauth;

    OAuthCallbackController(OAuthFlow oauth) {
        this.oauth = oauth;
    }

    @Operation(summary = "OAuth redirect target: exchanges the code and activates the connection")
    @GetMapping("/oauth/callback")
    ResponseEntity<Connected> callback(
            @RequestParam(required = false) String code,
            @RequestParam(required = false) String state,
            @RequestParam(required = false) String error,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
        Connection c = oauth.callback(state, code, error);
        var connected = new Connected(c.id(), c.state().wire());
        // A browser that came from the dashboard's wizard goes back to it; API clients get the JSON.
        if (accept != null && accept.contains(MediaType.TEXT_HTML_VALUE)) {
            return ResponseEntity.status(HttpStatus.SEE_OTHER)
                    .location(URI.create("/ui/tenants/" + c.tenantId() + "/connections?connected"))
                    .body(connected);
        }
        return ResponseEntity.ok(connected);
    }
}
