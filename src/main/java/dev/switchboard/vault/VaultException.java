package dev.switchboard.vault;

/** A secret could not be encrypted or decrypted. Its message names the place, never the secret. */
public class VaultException extends RuntimeException {
    VaultException(String message, Throwable cause) {
        super(message, cause);
    }
}
