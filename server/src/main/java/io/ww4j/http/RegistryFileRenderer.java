package io.ww4j.http;

import io.ww4j.config.WarewulfConf;
import io.ww4j.node.Node;
import io.ww4j.node.NodeRegistry;
import io.ww4j.overlay.TemplateData;
import io.ww4j.overlay.TemplateModel;
import io.ww4j.template.WarewulfFunctions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * {@link FileRenderer} over the node registry: the merged node and every node (AllNodes) as the
 * overlay templates see them, Warewulf's functions plus sprig. Templates are parsed once per file
 * version; the AllNodes view is rebuilt only when the node set changes.
 */
public final class RegistryFileRenderer implements FileRenderer {
    private final WarewulfConf conf;
    private final NodeRegistry registry;
    private final GoTemplates templates;
    private final String buildHost;
    private volatile AllNodes allNodes = new AllNodes(-1, List.of());

    private record AllNodes(long generation, List<TemplateModel.Node> nodes) {}

    public RegistryFileRenderer(WarewulfConf conf, NodeRegistry registry) {
        this.conf = conf;
        this.registry = registry;
        this.templates = new GoTemplates(WarewulfFunctions.withSprig(
                WarewulfFunctions.Options.of(conf.sysconfDir(), Path.of(conf.paths.wwchrootdir))));
        this.buildHost = hostname();
    }

    @Override
    public String render(String nodeId, Path template) throws TemplateRenderer.TemplateFailure {
        Node n = registry.byId(nodeId).orElseThrow(() ->
                new TemplateRenderer.TemplateFailure("node " + nodeId + " is no longer configured", null));
        TemplateData data = TemplateData.of(conf, n, allNodes(), "", buildHost, ZonedDateTime.now());
        data.BuildSource = template.toString();
        return templates.render(template, data);
    }

    private List<TemplateModel.Node> allNodes() {
        long gen = registry.generation();
        AllNodes a = allNodes;
        if (a.generation() != gen) {
            a = new AllNodes(gen, TemplateData.nodes(registry.all()));
            allNodes = a;
        }
        return a.nodes();
    }

    /** The kernel's host name, without a DNS lookup. */
    private static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            String h = System.getenv("HOSTNAME");
            return h == null ? "localhost" : h;
        }
    }
}
