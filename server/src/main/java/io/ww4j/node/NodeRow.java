package io.ww4j.node;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A stored node: its id and its raw record as a nodes.conf YAML fragment (the exchange format is the storage format). */
@Entity
@Table(name = "ww4j_node")
public class NodeRow {
    @Id
    @Column(name = "id", length = 255)
    public String id;

    @Column(name = "body", nullable = false, length = 1_000_000)
    public String body;

    public NodeRow() {}

    NodeRow(String id, String body) {
        this.id = id;
        this.body = body;
    }
}
