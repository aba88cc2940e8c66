package io.ww4j.status;

/**
 * One row of upstream's {@code /status} table (spec/protocol.md §1.11).
 *
 * @param nodeName the node id
 * @param stage    the lowercase stage of the last provisioning request ("" if never seen)
 * @param sent     basename of the file served, or BAD_REQUEST / NOT_FOUND / BAD_ASSET
 * @param ipaddr   the client's IP
 * @param lastSeen Unix seconds of the last request (0 if never seen)
 */
public record NodeStatus(String nodeName, String stage, String sent, String ipaddr, long lastSeen) {
    public static NodeStatus blank(String id) {
        return new NodeStatus(id, "", "", "", 0);
    }
}
