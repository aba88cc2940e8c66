package io.ww4j.cli;

import io.ww4j.template.AnyMap;
import io.ww4j.template.RenderResult;
import io.ww4j.template.Template;
import io.ww4j.template.TemplateException;
import io.ww4j.template.WarewulfFunctions;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wwctl template render [--data FILE.json|FILE.yaml] TEMPLATE}: a hidden diagnostic for
 * template authors. Renders TEMPLATE with the data file as dot, Warewulf's functions and sprig;
 * on error prints the Go-style message and exits 1.
 */
@Command(name = "template", hidden = true, description = "Template diagnostics.",
        subcommands = TemplateCommand.Render.class)
final class TemplateCommand extends WwCommand {
    @Override
    protected int run() {
        spec.commandLine().usage(session().out());
        return 0;
    }

    @Command(name = "render", description = "Render a Go text/template file with DATA as dot.")
    static final class Render extends WwCommand {
        @Option(names = "--data", paramLabel = "FILE", description = "JSON or YAML file whose content is dot.")
        String data;

        @Parameters(paramLabel = "TEMPLATE", description = "The template file.")
        String template;

        @Override
        protected int run() throws Exception {
            Session s = session();
            Path file = s.resolve(template);
            Object dot = null;
            if (data != null) {
                String text = Files.readString(s.resolve(data), StandardCharsets.UTF_8);
                try {
                    dot = toGo(new Load(LoadSettings.builder().setLabel(data).build()).loadFromString(text));
                } catch (RuntimeException e) {
                    s.err().println("ERROR: cannot read data " + data + ": " + e.getMessage());
                    return 1;
                }
            }
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                s.err().println("ERROR: cannot read template " + template + ": " + e.getMessage());
                return 1;
            }
            WarewulfFunctions.Options opts = new WarewulfFunctions.Options(s.conf().sysconfDir(), s.conf().chrootDir(),
                    null, m -> s.err().println("WARN   : " + m));
            RenderResult r;
            try {
                r = Template.parse(file.getFileName().toString(), text, WarewulfFunctions.withSprig(opts)).execute(dot);
            } catch (TemplateException e) {
                s.err().println(e.getMessage());
                return 1;
            }
            for (RenderResult.Output o : r.outputs()) {
                if (o.name() != null) {
                    s.out().println("Filename: " + o.name());
                }
                if (o.isSymlink()) {
                    s.out().println("Symlink: " + o.symlink());
                } else {
                    s.out().print(o.content());
                }
            }
            if (r.aborted()) {
                s.err().println("Aborted");
            }
            s.out().flush();
            return 0;
        }

        /** YAML/JSON values as Go decodes them: string-keyed maps, lists, int, float64. */
        static Object toGo(Object v) {
            if (v instanceof Map<?, ?> m) {
                AnyMap r = new AnyMap();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    r.put(String.valueOf(e.getKey()), toGo(e.getValue()));
                }
                return r;
            }
            if (v instanceof List<?> l) {
                List<Object> r = new ArrayList<>(l.size());
                for (Object o : l) {
                    r.add(toGo(o));
                }
                return r;
            }
            if (v instanceof Integer i) {
                return i.longValue();
            }
            if (v instanceof BigInteger b) {
                return b.bitLength() < 64 ? (Object) b.longValue() : b.doubleValue();
            }
            return v;
        }
    }
}
