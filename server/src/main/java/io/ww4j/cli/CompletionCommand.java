package io.ww4j.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code wwctl completion bash|zsh}: a shell completion script for the whole command tree (hidden, as upstream). */
@Command(name = "completion", hidden = true, description = "Generate the autocompletion script for the specified shell (bash or zsh).")
final class CompletionCommand extends WwCommand {
    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh")
    String shell;

    @Override
    protected int run() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new CliException("unsupported shell \"" + shell + "\": use bash or zsh");
        }
        CommandLine tree = Wwctl.commandLine(session());
        String script = AutoComplete.bash("wwctl", tree);
        if (shell.equals("zsh")) {
            // The generated script runs in zsh through bashcompinit.
            script = "#compdef wwctl\nautoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
        }
        session().out().print(script);
        return 0;
    }
}
