package io.ww4j.power;

import io.ww4j.node.Ipmi;
import io.ww4j.template.Sprig;
import io.ww4j.template.Template;
import io.ww4j.template.TemplateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * BMC command lines (spec §6): a node's merged {@code ipmi.template} (relative names under
 * {@code <datadir>/warewulf/bmc/}) rendered with its IPMI settings and the action; the result,
 * trimmed, is a {@code /bin/sh -c} command line.
 */
public final class Bmc {
    /** The actions a template is asked for ({@code .Cmd}). */
    public enum Cmd { PowerOn, PowerOff, PowerCycle, PowerReset, PowerSoft, PowerStatus, SDRList, SensorList, Console }

    /** What a BMC template sees (upstream's field names). */
    public static final class Data {
        public String UserName = "";
        public String Password = "";
        public String Ipaddr = "";
        public String Gateway = "";
        public String Netmask = "";
        public String Port = "";
        public String Interface = "";
        public String EscapeChar = "";
        public String Write = "";
        public String Template = "";
        public Map<String, String> Tags = new TreeMap<>();
        public String Cmd = "";
        public boolean ShowOnly;
    }

    private final Path bmcDir;

    /** {@code bmcDir}: where relative template names are looked up ({@code <datadir>/warewulf/bmc}). */
    public Bmc(Path bmcDir) {
        this.bmcDir = bmcDir;
    }

    /** The command line for {@code cmd} on a BMC with settings {@code ipmi} (a merged node's). */
    public String command(Ipmi ipmi, Cmd cmd, boolean showOnly) {
        if (ipmi.template.isBlank()) {
            throw new PowerException("no bmc template specified");
        }
        Path file = Path.of(ipmi.template);
        if (!file.isAbsolute()) {
            file = bmcDir.resolve(ipmi.template);
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PowerException("cannot read bmc template " + file + ": " + e.getMessage());
        }
        Data d = new Data();
        d.UserName = ipmi.username;
        d.Password = ipmi.password;
        d.Ipaddr = ipmi.ipaddr;
        d.Gateway = ipmi.gateway;
        d.Netmask = ipmi.netmask;
        d.Port = ipmi.port;
        d.Interface = ipmi.iface;
        d.EscapeChar = ipmi.escapechar;
        d.Write = ipmi.write;
        d.Template = ipmi.template;
        d.Tags.putAll(ipmi.tags);
        d.Cmd = cmd.name();
        d.ShowOnly = showOnly;
        try {
            return Template.parse(file.getFileName().toString(), text, Sprig.functions()).render(d).strip();
        } catch (TemplateException e) {
            throw new PowerException(e.getMessage());
        }
    }
}
