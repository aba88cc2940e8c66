package io.ww4j.http;

import io.ww4j.testing.GoTemplateProgram;
import java.io.IOException;
import java.util.List;

/**
 * Our Go program src/test/go/ipxevars: Go text/template + sprig over a struct shaped like
 * upstream's templateVars.
 */
final class GoIpxeReference {
    private static final GoTemplateProgram PROGRAM = new GoTemplateProgram("ipxevars");

    private GoIpxeReference() {}

    record Case(String name, String text, String dataJson) {}

    record Result(String out, String err) {}

    static List<Result> run(List<Case> cases) throws IOException, InterruptedException {
        return PROGRAM.run(cases.stream().map(c -> new GoTemplateProgram.Case(c.name(), c.text(), c.dataJson())).toList())
                .stream().map(r -> new Result(r.out(), r.err())).toList();
    }
}
