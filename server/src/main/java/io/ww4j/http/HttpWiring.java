package io.ww4j.http;

import io.ww4j.config.WarewulfConf;
import io.ww4j.node.NodeRegistry;
import io.ww4j.status.StatusTracker;
import java.util.List;
import java.util.Optional;

/** Builds the HTTP server from warewulf.conf and the parts of warewulfd that exist so far. */
public final class HttpWiring {
    private HttpWiring() {}

    /** A node view with no nodes: every MAC is unknown (until the node store is wired in). */
    public static final NodeView NO_NODES = new NodeView() {
        @Override
        public Optional<BootNode> byHwaddr(String hwaddr) {
            return Optional.empty();
        }

        @Override
        public Optional<BootNode> discover(String hwaddr) {
            return Optional.empty();
        }

        @Override
        public List<String> nodeIds() {
            return List.of();
        }
    };

    public static ProvisionServer start(WarewulfConf conf, StatusTracker status) {
        return start(conf, status, NO_NODES);
    }

    public static ProvisionServer start(WarewulfConf conf, StatusTracker status, NodeRegistry registry) {
        return start(conf, status, registry == null ? NO_NODES : new RegistryNodeView(registry),
                registry == null ? FileRenderer.NONE : new RegistryFileRenderer(conf, registry));
    }

    public static ProvisionServer start(WarewulfConf conf, StatusTracker status, NodeView nodes) {
        return start(conf, status, nodes, new ProvisionedOverlays(conf.overlayImageDir()), FileRenderer.NONE);
    }

    public static ProvisionServer start(WarewulfConf conf, StatusTracker status, NodeView nodes,
                                        FileRenderer fileRenderer) {
        return start(conf, status, nodes, new ProvisionedOverlays(conf.overlayImageDir()), fileRenderer);
    }

    /** With the daemon's overlay builder ({@code overlays}: built on demand, never stale). */
    public static ProvisionServer start(WarewulfConf conf, StatusTracker status, NodeRegistry registry,
                                        OverlayProvider overlays) {
        return start(conf, status, registry == null ? NO_NODES : new RegistryNodeView(registry), overlays,
                registry == null ? FileRenderer.NONE : new RegistryFileRenderer(conf, registry));
    }

    public static ProvisionServer start(WarewulfConf conf, StatusTracker status, NodeView nodes,
                                        OverlayProvider overlays, FileRenderer fileRenderer) {
        ProvisionServer s = new ProvisionServer(new ProvisionServer.Deps(conf, nodes, new ChrootImages(conf),
                overlays, new GoTemplates(), status, ArpTable.system(), fileRenderer));
        s.start();
        return s;
    }
}
