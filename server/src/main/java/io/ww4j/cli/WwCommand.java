package io.ww4j.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base class for wwctl commands: {@link #session()} is the invocation (output, prompts, config,
 * components). Return an exit code from {@link #run()}, or throw {@link CliException}.
 */
public abstract class WwCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    protected Session session() {
        return ((Wwctl) spec.root().userObject()).session();
    }

    @Override
    public final Integer call() throws Exception {
        return run();
    }

    protected abstract int run() throws Exception;
}
