package io.ww4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Golden output of the tabby-style table (spec/datamodel-cli.md §2.1). */
class TableTest {
    @Test
    void headerDashesPaddingAndEmptyCells() {
        String got = new Table("NODE NAME", "PROFILES", "NETWORK")
                .row("n01", "default", "")
                .row("node-long-name", "p1,p2", "default, ib")
                .render();
        assertEquals("""
                NODE NAME       PROFILES  NETWORK
                ---------       --------  -------
                n01             default   --
                node-long-name  p1,p2     default, ib
                """, got);
    }

    @Test
    void lastCellIsNotPaddedAndRawRowsKeepEmptyCells() {
        String got = new Table("A", "B").rawRow("x", "").rawRow("", "yy").render();
        assertEquals("A  B\n-  -\nx  \n   yy\n", got);
    }

    @Test
    void widthCountsCharactersNotBytes() {
        String got = new Table("K", "V").row("→→", "x").render();
        assertEquals("K   V\n-   -\n→→  x\n", got);
    }

    @Test
    void headerOnly() {
        assertEquals("NODE  FIELD  PROFILE  VALUE\n----  -----  -------  -----\n",
                new Table("NODE", "FIELD", "PROFILE", "VALUE").render());
    }
}
