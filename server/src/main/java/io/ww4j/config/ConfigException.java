package io.ww4j.config;

/** warewulf.conf could not be read or is invalid; the message names the file and line. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
