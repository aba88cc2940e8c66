package io.ww4j.image;

import java.io.IOException;

/** A user-facing image error: bad input, bad name, missing image. The message is shown as is. */
public class ImageException extends IOException {
    private static final long serialVersionUID = 1L;

    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
