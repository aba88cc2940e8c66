package io.ww4j.template;

import io.ww4j.testing.GoTemplateProgram;
import java.io.IOException;
import java.util.List;

/** Our Go reference program src/test/go/gotpl: text/template + sprig over JSON data (skips locally, fails in CI, without Go). */
final class GoReference {
    private static final GoTemplateProgram PROGRAM = new GoTemplateProgram("gotpl");

    private GoReference() {}

    record Case(String name, String text, String dataJson) {}

    record Result(String out, String err) {}

    /** Renders every case in one Go process. */
    static List<Result> run(List<Case> cases) throws IOException, InterruptedException {
        return PROGRAM.run(cases.stream().map(c -> new GoTemplateProgram.Case(c.name(), c.text(), c.dataJson())).toList())
                .stream().map(r -> new Result(r.out(), r.err())).toList();
    }
}
