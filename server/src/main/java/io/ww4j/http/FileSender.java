package io.ww4j.http;

import io.undertow.io.IoCallback;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.resource.PathResource;
import io.undertow.server.handlers.resource.PathResourceManager;
import io.undertow.util.ByteRange;
import io.undertow.util.DateUtils;
import io.undertow.util.ETag;
import io.undertow.util.ETagUtils;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Date;
import java.util.List;

/**
 * Sends one file the way Go's {@code http.ServeContent} does (Content-Length, Last-Modified,
 * Accept-Ranges, single Range → 206/416, If-Modified-Since / If-None-Match → 304, HEAD), plus a
 * strong ETag from size and mtime. The body goes out by zero-copy file transfer
 * ({@code FileChannel.transferTo}, i.e. sendfile) on the IO thread: no worker thread and no heap
 * copy per transfer. Never sets Content-Encoding: a {@code .gz} file is opaque bytes.
 */
final class FileSender {
    /** Files at least this big go by file transfer; smaller ones are read into a buffer. */
    private static final PathResourceManager TRANSFER = new PathResourceManager(Path.of("/"), 16 * 1024);

    private FileSender() {}

    /** Returns false (and sends nothing) when the path is not a readable regular file. */
    static boolean send(HttpServerExchange ex, Path file, Runnable onStart) {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return false;
        }
        if (!attrs.isRegularFile() || !Files.isReadable(file)) {
            return false;
        }
        long length = attrs.size();
        long mtimeMillis = attrs.lastModifiedTime().toMillis();
        Date lastModified = new Date(mtimeMillis / 1000 * 1000);
        ETag etag = new ETag(false, Long.toHexString(length) + "-" + Long.toHexString(mtimeMillis));
        var out = ex.getResponseHeaders();
        out.put(Headers.CONTENT_TYPE, "application/octet-stream");
        out.put(Headers.ACCEPT_RANGES, "bytes");
        out.put(Headers.LAST_MODIFIED, DateUtils.toDateString(lastModified));
        out.put(Headers.ETAG, etag.toString());

        boolean getOrHead = ex.getRequestMethod().equals(Methods.GET) || ex.getRequestMethod().equals(Methods.HEAD);
        if (getOrHead) {
            String inm = ex.getRequestHeaders().getFirst(Headers.IF_NONE_MATCH);
            boolean notModified = inm != null
                    ? !ETagUtils.handleIfNoneMatch(ex, List.of(etag), true)
                    : !DateUtils.handleIfModifiedSince(ex, lastModified);
            if (notModified) {
                ex.setStatusCode(StatusCodes.NOT_MODIFIED);
                ex.getResponseHeaders().remove(Headers.CONTENT_TYPE);
                ex.endExchange();
                return true;
            }
        }

        long start = 0;
        long end = length - 1;
        String rangeHeader = ex.getRequestHeaders().getFirst(Headers.RANGE);
        ByteRange range = rangeHeader == null ? null : ByteRange.parse(rangeHeader);
        if (range != null && range.getRanges() == 1) {
            ByteRange.RangeResponseResult r = range.getResponseResult(length,
                    ex.getRequestHeaders().getFirst(Headers.IF_RANGE), lastModified, etag.toString());
            if (r != null) {
                if (r.getStatusCode() == StatusCodes.REQUEST_RANGE_NOT_SATISFIABLE) {
                    ex.setStatusCode(r.getStatusCode());
                    out.put(Headers.CONTENT_RANGE, r.getContentRange());
                    out.put(Headers.CONTENT_LENGTH, 0);
                    ex.endExchange();
                    return true;
                }
                ex.setStatusCode(r.getStatusCode());
                out.put(Headers.CONTENT_RANGE, r.getContentRange());
                start = r.getStart();
                end = r.getEnd();
            }
        }
        long count = end - start + 1;
        out.put(Headers.CONTENT_LENGTH, count);
        if (ex.getRequestMethod().equals(Methods.HEAD) || count == 0) {
            ex.endExchange();
            return true;
        }
        onStart.run();
        PathResource resource = new PathResource(file, TRANSFER, file.toString());
        if (start == 0 && count == length) {
            resource.serve(ex.getResponseSender(), ex, IoCallback.END_EXCHANGE);
        } else {
            resource.serveRange(ex.getResponseSender(), ex, start, end, IoCallback.END_EXCHANGE);
        }
        return true;
    }
}
