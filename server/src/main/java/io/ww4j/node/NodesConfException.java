package io.ww4j.node;

/** A nodes.conf (or node record) is invalid; the message names the file and line where known. */
public class NodesConfException extends RuntimeException {
    public NodesConfException(String message) {
        super(message);
    }

    public NodesConfException(String message, Throwable cause) {
        super(message, cause);
    }
}
