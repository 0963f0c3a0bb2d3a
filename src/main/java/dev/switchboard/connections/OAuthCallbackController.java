package dev.switchboard.connections;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
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
    Connected callback(
            @RequestParam(required = false) String code,
            @RequestParam(required = false) String state,
            @RequestParam(required = false) String error) {
        Connection c = oauth.callback(state, code, error);
        return new Connected(c.id(), c.state().wire());
    }
}
