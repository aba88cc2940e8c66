package io.ww4j.daemon;

import java.util.List;
import java.util.Map;

/**
 * One wwctl invocation: its arguments, working directory, the forwarded environment, and whether
 * its stdin is a terminal (prompts are only shown to humans).
 */
public record CommandRequest(List<String> argv, String cwd, Map<String, String> env, boolean interactive) {
    public CommandRequest {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
    }
}
