package dev.switchboard.egress;

import java.net.UnknownHostException;

/** A URL or address Switchboard refuses to connect to. The message says why, naming no secret. */
public class BlockedDestinationException extends UnknownHostException {
    public BlockedDestinationException(String message) {
        super(message);
    }
}
