package io.ww4j.overlay;

/** A bad overlay name, a missing overlay or file, or a failed render/build; the message says which. */
public class OverlayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OverlayException(String message) {
        super(message);
    }

    public OverlayException(String message, Throwable cause) {
        super(message, cause);
    }
}
