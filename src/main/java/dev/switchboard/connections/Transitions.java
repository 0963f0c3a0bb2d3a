package dev.switchboard.connections;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import dev.switchboard.connections.Connection.Operation;
import dev.switchboard.connections.Connection.State;
import dev.switchboard.outbound.OperationalEvents;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Every change of a connection's state, and the operational events that report it. A move is
 * written only if the connection is still in the state it was read in ({@code UPDATE … WHERE state
 * = :from}), and reported only when it was written, so a decision taken on an old reading (a health
 * check that took 10 s) never undoes a change made meanwhile (a suspend).
 */
@Component
class Transitions {

    static final String CONNECTED = "switchboard.integration.connected";
    static final String DISCONNECTED = "switchboard.integration.disconnected";
    static final String ERROR = "switchboard.integration.error";
    static final String REFRESHED = "switchboard.oauth.refreshed";
    static final String EXPIRED = "switchboard.oauth.expired";
    static final String HEALTH_CHANGED = "switchboard.connection.health_changed";

    private final ConnectionRepository connections;
    private final OAuthStates states;
    private final OperationalEvents events;

    Transitions(ConnectionRepository connections, OAuthStates states, OperationalEvents events) {
        this.connections = connections;
        this.states = states;
        this.events = events;
    }

    /** 409 invalid_state unless the connection's state allows the operation. */
    static void require(Connection c, Operation operation) {
        if (!c.state().allows(operation)) {
            throw new ApiException(
                    ErrorCode.INVALID_STATE,
                    "Cannot " + operation.verb() + " a connection that is "
                            + c.state().wire() + ".");
        }
    }

    /**
     * Moves {@code c} from the state it was read in to {@code to}, and reports it; call inside a
     * transaction. False when it is no longer in that state (nothing written, nothing reported).
     * A move the table does not allow is 409 invalid_state.
     */
    boolean move(Connection c, State to, String error, Instant now) {
        State from = c.state();
        if (!from.canMoveTo(to)) {
            throw new ApiException(
                    ErrorCode.INVALID_STATE,
                    "A connection that is " + from.wire() + " cannot become " + to.wire() + ".");
        }
        if (!connections.transition(c, from, to, error, now)) return false;
        // An authorization started earlier must not complete a connection that was suspended since.
        if (to == State.SUSPENDED) states.deleteFor(c);
        Map<String, Object> about = about(c);
        about.put("state", to.wire());
        if (to == State.ACTIVE && from != State.ACTIVE) events.emit(c.tenantId(), CONNECTED, about, now);
        if (to == State.ERROR && from != State.ERROR) {
            about.put("error", error);
            events.emit(c.tenantId(), ERROR, about, now);
        }
        return true;
    }

    /** Like {@link #move}, for a caller waiting on the answer: a concurrent change is a 409. */
    void moveOrConflict(Connection c, State to, String error, Instant now) {
        if (!move(c, to, error, now)) {
            throw new ApiException(
                    ErrorCode.INVALID_STATE, "The connection changed meanwhile; read it again and retry.");
        }
    }

    /** A connection created active: reported like any other arrival in {@code active}. */
    void created(Connection c, Instant now) {
        Map<String, Object> about = about(c);
        about.put("state", State.ACTIVE.wire());
        events.emit(c.tenantId(), CONNECTED, about, now);
    }

    void disconnected(Connection c, Instant now) {
        events.emit(c.tenantId(), DISCONNECTED, about(c), now);
    }

    void emit(Connection c, String type, Map<String, Object> extra, Instant now) {
        Map<String, Object> about = about(c);
        about.putAll(extra);
        events.emit(c.tenantId(), type, about, now);
    }

    private static Map<String, Object> about(Connection c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("connectionId", c.id());
        m.put("provider", c.provider());
        m.put("name", c.name());
        return m;
    }
}
