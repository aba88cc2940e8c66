package io.ww4j.daemon;

import io.ww4j.config.WarewulfConf;
import io.ww4j.status.StatusTracker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the daemon's parts share: the configuration, the status tracker, long-lived components
 * (the node database, ...) and the SIGHUP reload hooks. wwctl's in-process mode builds one too
 * (with {@code daemon == false}), so commands see the same components either way.
 */
public final class DaemonContext implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DaemonContext.class);

    private final WarewulfConf conf;
    private final boolean daemon;
    private final StatusTracker status = new StatusTracker();
    private final Map<Class<?>, Object> components = new LinkedHashMap<>();
    private final List<Runnable> reloadHooks = new CopyOnWriteArrayList<>();

    public DaemonContext(WarewulfConf conf, boolean daemon) {
        this.conf = conf;
        this.daemon = daemon;
    }

    public WarewulfConf conf() {
        return conf;
    }

    /** True inside warewulfd, false for wwctl running a command in-process. */
    public boolean isDaemon() {
        return daemon;
    }

    public StatusTracker status() {
        return status;
    }

    /**
     * The shared instance of {@code type}, created by {@code factory} on first use. Components
     * that are {@link AutoCloseable} are closed with the context, newest first.
     */
    public synchronized <T> T component(Class<T> type, Supplier<? extends T> factory) {
        Object existing = components.get(type);
        if (existing == null) {
            existing = factory.get();
            components.put(type, existing);
        }
        return type.cast(existing);
    }

    /** The shared instance of {@code type} if one was created. */
    public synchronized <T> T componentOrNull(Class<T> type) {
        return type.cast(components.get(type));
    }

    /** Registers something to run on SIGHUP (re-read nodes, drop caches, ...). */
    public void onReload(Runnable hook) {
        reloadHooks.add(hook);
    }

    /** Runs every reload hook in registration order; a failing hook does not stop the others. */
    public void reload() {
        log.info("reloading");
        for (Runnable hook : reloadHooks) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                log.error("reload failed: {}", e.toString(), e);
            }
        }
    }

    @Override
    public synchronized void close() {
        List<Object> all = new ArrayList<>(components.values());
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i) instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    log.warn("closing {}: {}", all.get(i).getClass().getSimpleName(), e.toString());
                }
            }
        }
        components.clear();
    }
}
