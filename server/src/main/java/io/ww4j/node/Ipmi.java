package io.ww4j.node;

import java.util.Map;
import java.util.TreeMap;

/** {@code ipmi:} of a node or profile (spec §1.5). IPs are kept as validated text. */
public final class Ipmi {
    public String username = "";
    public String password = "";
    public String ipaddr = "";
    public String gateway = "";
    public String netmask = "";
    public String port = "";
    /** ipmitool {@code -I} value (YAML key {@code interface}). */
    public String iface = "";
    public String escapechar = "";
    /** WWbool as text ({@code "true"}, {@code "false"}, or an unset word). */
    public String write = "";
    public String template = "";
    public Map<String, String> tags = new TreeMap<>();

    public boolean isEmpty() {
        return username.isEmpty() && password.isEmpty() && ipaddr.isEmpty() && gateway.isEmpty()
                && netmask.isEmpty() && port.isEmpty() && iface.isEmpty() && escapechar.isEmpty()
                && write.isEmpty() && template.isEmpty() && tags.isEmpty();
    }

    public Ipmi copy() {
        Ipmi i = new Ipmi();
        i.username = username;
        i.password = password;
        i.ipaddr = ipaddr;
        i.gateway = gateway;
        i.netmask = netmask;
        i.port = port;
        i.iface = iface;
        i.escapechar = escapechar;
        i.write = write;
        i.template = template;
        i.tags = new TreeMap<>(tags);
        return i;
    }
}
