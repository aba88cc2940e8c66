package io.ww4j.dhcp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dynamic range ({@code dhcp.range start}..{@code end}). Leases are keyed by MAC (chaddr),
 * not by client identifier: a PXE ROM and the iPXE it loads send different client identifiers
 * but the same MAC, so one boot keeps one address (upstream's dhcpd setup took two, #802).
 * Addresses of known nodes are never handed out.
 *
 * <p>Persistence: a new or moved binding and a release are written through the {@link LeaseStore}
 * before the reply goes out, so an acknowledged binding is never lost. A renewal only moves the
 * expiry; it is queued and written in one batch by {@link #flush} (the server calls it every
 * second and at shutdown), so renewals cost no database write per packet. Offers stay in memory.
 */
final class LeasePool {
    private static final Logger log = LoggerFactory.getLogger(LeasePool.class);
    /** How long an offered address stays reserved for the client it was offered to. */
    static final long OFFER_HOLD_MS = 60_000;
    /** How long a declined address (in use by someone else) is left alone. */
    static final long DECLINE_HOLD_MS = 600_000;

    private final int start;
    private final int end;
    private final DhcpNodes nodes;
    private final LeaseStore store;
    private final Map<String, Lease> byMac = new HashMap<>();
    private final Map<Integer, Lease> byIp = new HashMap<>();
    private final Map<Integer, Long> declined = new HashMap<>();
    /** Renewed leases not yet written, by MAC. */
    private final Map<String, Lease> renewed = new LinkedHashMap<>();
    private int cursor;

    LeasePool(int start, int end, DhcpNodes nodes, LeaseStore store, long now) {
        if (Integer.compareUnsigned(start, end) > 0) {
            throw new IllegalArgumentException("dhcp range start " + Ip4.format(start) + " is after end " + Ip4.format(end));
        }
        this.start = start;
        this.end = end;
        this.nodes = nodes;
        this.store = store;
        this.cursor = start;
        List<String> stale = new ArrayList<>();
        try {
            for (Lease l : store.load()) {
                if (l.expires() > now && inRange(l.ip()) && !byIp.containsKey(l.ip()) && !byMac.containsKey(l.mac())) {
                    put(l);
                } else {
                    stale.add(l.mac());
                }
            }
            if (!byMac.isEmpty()) {
                log.info("DHCP: {} dynamic leases restored", byMac.size());
            }
            // Expired, out-of-range (the range changed) or conflicting rows go now.
            stale.removeAll(byMac.keySet());
            store.update(List.of(), stale);
        } catch (RuntimeException e) {
            log.warn("could not read stored DHCP leases: {}", e.getMessage());
        }
    }

    boolean inRange(int ip) {
        return Integer.compareUnsigned(ip, start) >= 0 && Integer.compareUnsigned(ip, end) <= 0;
    }

    /** Picks an address for {@code mac}: its current one, else the requested one, else the next free one; or -1 if full. Reserves it briefly. */
    synchronized long offer(String mac, Integer requested, long now) {
        Lease cur = byMac.get(mac);
        if (cur != null && usable(cur.ip(), mac, now)) {
            if (!cur.bound() || cur.expires() <= now) {
                put(new Lease(mac, cur.ip(), now + OFFER_HOLD_MS, false));
            }
            return Integer.toUnsignedLong(cur.ip());
        }
        if (requested != null && inRange(requested) && usable(requested, mac, now)) {
            reserve(mac, requested, now);
            return Integer.toUnsignedLong(requested);
        }
        long size = Integer.toUnsignedLong(end) - Integer.toUnsignedLong(start) + 1;
        for (long i = 0; i < size; i++) {
            int ip = cursor;
            cursor = cursor == end ? start : cursor + 1;
            if (usable(ip, mac, now)) {
                reserve(mac, ip, now);
                return Integer.toUnsignedLong(ip);
            }
        }
        return -1;
    }

    /** Binds {@code ip} to {@code mac} for {@code seconds}; false when the address is not this client's to have (NAK). */
    synchronized boolean commit(String mac, int ip, int seconds, long now) {
        if (!inRange(ip) || !usable(ip, mac, now)) {
            return false;
        }
        Lease prev = byMac.get(mac);
        boolean changed = prev == null || !prev.bound() || prev.ip() != ip;
        if (prev != null && prev.ip() != ip) {
            byIp.remove(prev.ip());
        }
        Lease l = new Lease(mac, ip, now + seconds * 1000L, true);
        put(l);
        if (changed) {
            renewed.remove(mac);
            save(List.of(l), List.of());
        } else {
            renewed.put(mac, l);
        }
        return true;
    }

    synchronized void release(String mac, int ip) {
        Lease cur = byMac.get(mac);
        if (cur != null && cur.ip() == ip) {
            byMac.remove(mac);
            byIp.remove(ip);
            renewed.remove(mac);
            if (cur.bound()) {
                save(List.of(), List.of(mac));
            }
        }
    }

    /** The client found {@code ip} in use: forget its lease and keep the address out of the pool for a while. */
    synchronized void decline(String mac, int ip, long now) {
        if (!inRange(ip)) {
            return;
        }
        release(mac, ip);
        declined.put(ip, now + DECLINE_HOLD_MS);
    }

    /** Drops a mere offer (the client chose another server). */
    synchronized void forgetOffer(String mac) {
        Lease cur = byMac.get(mac);
        if (cur != null && !cur.bound()) {
            byMac.remove(mac);
            byIp.remove(cur.ip());
        }
    }

    synchronized Lease leaseOf(String mac) {
        return byMac.get(mac);
    }

    synchronized List<Lease> bound() {
        List<Lease> out = new ArrayList<>();
        for (Lease l : byMac.values()) {
            if (l.bound()) {
                out.add(l);
            }
        }
        return out;
    }

    private boolean usable(int ip, String mac, long now) {
        if (nodes.isStaticAddress(Ip4.addr(ip))) {
            return false;
        }
        Long until = declined.get(ip);
        if (until != null) {
            if (until > now) {
                return false;
            }
            declined.remove(ip);
        }
        Lease holder = byIp.get(ip);
        return holder == null || holder.mac().equals(mac) || holder.expires() <= now;
    }

    private void reserve(String mac, int ip, long now) {
        Lease prev = byMac.get(mac);
        if (prev != null) {
            byIp.remove(prev.ip());
        }
        Lease holder = byIp.get(ip);
        if (holder != null && !holder.mac().equals(mac)) {
            byMac.remove(holder.mac()); // expired lease of another client
        }
        put(new Lease(mac, ip, now + OFFER_HOLD_MS, false));
    }

    private void put(Lease l) {
        Lease holder = byIp.get(l.ip());
        if (holder != null && !holder.mac().equals(l.mac())) {
            byMac.remove(holder.mac());
            renewed.remove(holder.mac());
        }
        byMac.put(l.mac(), l);
        byIp.put(l.ip(), l);
    }

    /** Writes the queued renewals in one batch; returns how many. */
    synchronized int flush() {
        if (renewed.isEmpty()) {
            return 0;
        }
        List<Lease> batch = new ArrayList<>(renewed.values());
        renewed.clear();
        // Holding the lock keeps a later release or move from being overwritten by this batch.
        if (!save(batch, List.of())) {
            for (Lease l : batch) {
                renewed.putIfAbsent(l.mac(), l); // try again next time
            }
            return 0;
        }
        return batch.size();
    }

    synchronized int pendingRenewals() {
        return renewed.size();
    }

    private boolean save(List<Lease> put, List<String> removed) {
        try {
            store.update(put, removed);
            return true;
        } catch (RuntimeException e) {
            log.error("could not save DHCP leases: {}", e.getMessage());
            return false;
        }
    }
}
