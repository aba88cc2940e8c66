package io.ww4j.node;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A stored profile: its id and its raw record as YAML. */
@Entity
@Table(name = "ww4j_profile")
public class ProfileRow {
    @Id
    @Column(name = "id", length = 255)
    public String id;

    @Column(name = "body", nullable = false, length = 1_000_000)
    public String body;

    public ProfileRow() {}

    ProfileRow(String id, String body) {
        this.id = id;
        this.body = body;
    }
}
