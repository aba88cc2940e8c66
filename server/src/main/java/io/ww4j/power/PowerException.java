package io.ww4j.power;

/** A BMC command that could not be built (no template, unreadable or failing template). */
public final class PowerException extends RuntimeException {
    public PowerException(String message) {
        super(message);
    }
}
