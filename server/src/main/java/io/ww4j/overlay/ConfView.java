package io.ww4j.overlay;

import io.ww4j.config.WarewulfConf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The warewulf.conf sub-structs templates see (spec/overlays.md §2.4), Go names and methods. */
@SuppressWarnings({"checkstyle:MemberName", "checkstyle:MethodName"})
public final class ConfView {
    private ConfView() {}

    public static final class Warewulf {
        public int Port;
        public int TLSPort;
        public Boolean SecureP;
        public Boolean SecureFilesP;
        public Boolean TLSEnabledP;
        public int UpdateInterval;
        public Boolean AutobuildOverlaysP;
        public Boolean EnableHostOverlayP;
        public Boolean GrubBootP;
        public String SystemdName = "";

        public boolean Secure() {
            return SecureP == null || SecureP;
        }

        public boolean SecureFiles() {
            return SecureFilesP == null ? Secure() : SecureFilesP;
        }

        public boolean TLSEnabled() {
            return Boolean.TRUE.equals(TLSEnabledP);
        }

        public boolean AutobuildOverlays() {
            return AutobuildOverlaysP == null || AutobuildOverlaysP;
        }

        public boolean EnableHostOverlay() {
            return EnableHostOverlayP == null || EnableHostOverlayP;
        }

        public boolean GrubBoot() {
            return Boolean.TRUE.equals(GrubBootP);
        }
    }

    public static final class Dhcp {
        public Boolean EnabledP;
        public String Template = "";
        public String RangeStart = "";
        public String RangeEnd = "";
        public String Range6Start = "";
        public String Range6End = "";
        public String SystemdName = "";

        public boolean Enabled() {
            return EnabledP == null || EnabledP;
        }
    }

    public static final class NfsExport {
        public String Path = "";
        public String ExportOptions = "";
    }

    public static final class Nfs {
        public Boolean EnabledP;
        public String SystemdName = "";
        public List<NfsExport> ExportsExtended = new ArrayList<>();

        public boolean Enabled() {
            return EnabledP == null || EnabledP;
        }
    }

    public static final class Tftp {
        public Boolean EnabledP;
        public String TftpRoot = "";
        public String SystemdName = "";
        public Map<String, String> IpxeBinaries = new TreeMap<>();

        public boolean Enabled() {
            return EnabledP == null || EnabledP;
        }
    }

    public static final class Ssh {
        public List<String> KeyTypes = new ArrayList<>();
    }

    public static final class Paths {
        public String Bindir;
        public String Sysconfdir;
        public String Localstatedir;
        public String Cachedir;
        public String Ipxesource;
        public String Srvdir;
        public String Firewallddir;
        public String Systemddir;
        public String Datadir;
        public String WWOverlaydir;
        public String WWChrootdir;
        public String WWProvisiondir;
        public String WWClientdir;
        public String WWFilesdir;

        public String NodesConf() {
            return Sysconfdir + "/warewulf/nodes.conf";
        }

        public String AuthenticationConf() {
            return Sysconfdir + "/warewulf/auth.conf";
        }

        public String OciBlobCachedir() {
            return Cachedir + "/warewulf";
        }

        public String SiteOverlaydir() {
            return WWOverlaydir;
        }

        public String DistributionOverlaydir() {
            return Datadir + "/warewulf/overlays";
        }

        public String OverlayProvisiondir() {
            return WWProvisiondir + "/overlays";
        }
    }

    static Warewulf warewulf(WarewulfConf c) {
        Warewulf w = new Warewulf();
        w.Port = c.warewulf.port;
        w.TLSPort = c.warewulf.tlsPort;
        w.SecureP = c.warewulf.secure;
        w.SecureFilesP = c.warewulf.secureFiles;
        w.TLSEnabledP = c.warewulf.tls;
        w.UpdateInterval = c.warewulf.updateInterval;
        w.AutobuildOverlaysP = c.warewulf.autobuildOverlays;
        w.EnableHostOverlayP = c.warewulf.hostOverlay;
        w.GrubBootP = c.warewulf.grubboot;
        w.SystemdName = c.warewulf.systemdName;
        return w;
    }

    static Dhcp dhcp(WarewulfConf c) {
        Dhcp d = new Dhcp();
        d.EnabledP = c.dhcp.enabled;
        d.Template = c.dhcp.template;
        d.RangeStart = c.dhcp.rangeStart;
        d.RangeEnd = c.dhcp.rangeEnd;
        d.Range6Start = c.dhcp.range6Start;
        d.Range6End = c.dhcp.range6End;
        d.SystemdName = c.dhcp.systemdName;
        return d;
    }

    static Nfs nfs(WarewulfConf c) {
        Nfs n = new Nfs();
        n.EnabledP = c.nfs.enabled;
        n.SystemdName = c.nfs.systemdName;
        for (WarewulfConf.ExportPath e : c.nfs.exportPaths) {
            NfsExport x = new NfsExport();
            x.Path = e.path;
            x.ExportOptions = e.exportOptions;
            n.ExportsExtended.add(x);
        }
        return n;
    }

    static Tftp tftp(WarewulfConf c) {
        Tftp t = new Tftp();
        t.EnabledP = c.tftp.enabled;
        t.TftpRoot = c.tftp.tftproot;
        t.SystemdName = c.tftp.systemdName;
        t.IpxeBinaries = new TreeMap<>(c.tftp.ipxe);
        return t;
    }

    static Ssh ssh(WarewulfConf c) {
        Ssh s = new Ssh();
        s.KeyTypes = List.copyOf(c.ssh.keyTypes);
        return s;
    }

    static Paths paths(WarewulfConf c) {
        WarewulfConf.Paths p = c.paths;
        Paths v = new Paths();
        v.Bindir = p.bindir;
        v.Sysconfdir = p.sysconfdir;
        v.Localstatedir = p.localstatedir;
        v.Cachedir = p.cachedir;
        v.Ipxesource = p.ipxesource;
        v.Srvdir = p.srvdir;
        v.Firewallddir = p.firewallddir;
        v.Systemddir = p.systemddir;
        v.Datadir = p.datadir;
        v.WWOverlaydir = p.wwoverlaydir;
        v.WWChrootdir = p.wwchrootdir;
        v.WWProvisiondir = p.wwprovisiondir;
        v.WWClientdir = p.wwclientdir;
        v.WWFilesdir = p.wwfilesdir;
        return v;
    }
}
