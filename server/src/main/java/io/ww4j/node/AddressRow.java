package io.ww4j.node;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One unique address a node holds on one of its own netdevs: {@code hw:<lower-case mac>} or
 * {@code ip:<address>}. The primary key is the database's unique constraint on MACs and IPs
 * across all netdevs; {@code node_id} is indexed and cascades on node delete.
 */
@Entity
@Table(name = "ww4j_address")
public class AddressRow {
    @Id
    @Column(name = "addr", length = 300)
    public String addr;

    @Column(name = "node_id", nullable = false, length = 255)
    public String nodeId;

    @Column(name = "netdev", nullable = false, length = 255)
    public String netdev;

    public AddressRow() {}

    AddressRow(String addr, String nodeId, String netdev) {
        this.addr = addr;
        this.nodeId = nodeId;
        this.netdev = netdev;
    }
}
